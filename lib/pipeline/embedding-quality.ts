/**
 * A number for "how well do these vectors group the categories", so encoders'
 * embeddings can be compared without a picture: k-NN accuracy (training
 * vectors vote for each validation vector, cosine, k = 10) and the cosine
 * silhouette of the validation vectors (a seeded sample of at most 2,000).
 */
import { knnAccuracy, silhouetteScore } from '../embeddings/cluster';
import type { Vectors } from '../embeddings/vectors';
import { loadEncoder } from '../model/load';
import type { FeatureMatrix } from '../train/batches';
import { siameseEmbeddingSets } from './inference';
import { datasetFeatures, loadSiamese, type StageContext } from './stages';

/** How well one kind of vectors groups the categories (see {@link scoreEmbeddings}). */
export interface EmbeddingQuality {
  /** Which vectors, e.g. 'siamese embedding (64-d, L2-normalised)'. */
  embedding: string;
  /** Width of the vectors. */
  dimensions: number;
  /** Fraction of validation vectors whose 10 nearest training vectors (cosine) vote for their class. */
  knn_accuracy: number;
  /** Mean cosine silhouette of the validation vectors by class, in [-1, 1] (scikit-learn's silhouette_score). */
  silhouette: number;
}

function rowsOf(m: FeatureMatrix, idx: Int32Array): Float32Array[] {
  return Array.from(idx, (i) => m.data.subarray(i * m.cols, (i + 1) * m.cols));
}

/**
 * k-NN accuracy (training vectors vote for each validation vector, cosine, k = min(10, training rows)) and the
 * cosine silhouette of the validation vectors (a sample of at most 2,000 drawn with `seed`) of one kind of vectors.
 * `train`/`val` are row vectors with one label each; errors (empty or ragged vectors) come from lib/embeddings.
 */
export function scoreEmbeddings(
  name: string,
  train: Vectors,
  trainLabels: Int32Array,
  val: Vectors,
  valLabels: Int32Array,
  seed: number,
): EmbeddingQuality {
  return {
    embedding: name,
    dimensions: val[0].length,
    knn_accuracy: knnAccuracy(train, Array.from(trainLabels), {
      queries: val,
      queryLabels: Array.from(valLabels),
      k: Math.min(10, train.length),
    }),
    silhouette: silhouetteScore(val, Array.from(valLabels), {
      metric: 'cosine',
      sampleSize: Math.min(2000, val.length),
      seed,
    }),
  };
}

/** Pretrained encoder vectors vs siamese-tuned encoder vectors vs the 64-d siamese embeddings. */
export async function embeddingQuality(ctx: StageContext): Promise<EmbeddingQuality[]> {
  const { cfg, data, tokenizer } = ctx;
  const { train, val } = data.split;
  const out: EmbeddingQuality[] = [];
  const pretrained = await loadEncoder(cfg.model, { pooling: cfg.pooling, trainable: false });
  try {
    const f = await datasetFeatures(ctx, pretrained, 'pretrained encoder');
    out.push(
      scoreEmbeddings(
        `pretrained encoder (${cfg.pooling})`,
        rowsOf(f, train),
        data.trainLabels,
        rowsOf(f, val),
        data.valLabels,
        cfg.seed,
      ),
    );
  } finally {
    pretrained.dispose();
  }
  const siamese = await loadSiamese(cfg);
  try {
    const f = await datasetFeatures(ctx, siamese.encoder, 'siamese-tuned encoder');
    out.push(
      scoreEmbeddings(
        `siamese-tuned encoder (${cfg.pooling})`,
        rowsOf(f, train),
        data.trainLabels,
        rowsOf(f, val),
        data.valLabels,
        cfg.seed,
      ),
    );
    const ctxTexts = { cfg, tokenizer, texts: data.dataset.texts, log: ctx.log };
    const [eTrain, eVal] = (await siameseEmbeddingSets(ctxTexts, siamese, [train, val], 'siamese embeddings')).sets;
    out.push(
      scoreEmbeddings(
        `siamese embedding (${cfg.embeddingSize}-d, L2-normalised)`,
        eTrain,
        data.trainLabels,
        eVal,
        data.valLabels,
        cfg.seed,
      ),
    );
  } finally {
    siamese.dispose();
  }
  return out;
}
