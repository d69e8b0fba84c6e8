/**
 * The study's four trainings as functions of (config, data, tokenizer): the
 * siamese encoder, and the frozen, trained and siamese classifiers. Each trains
 * into its own folder of the run and resumes from it; called again on a finished
 * stage, it only reloads the best weights (cheap), so evaluation and notebooks
 * use the same functions to get the trained models back.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { makeBatches } from '../data/batches';
import { readSafetensors, writeSafetensors } from '../io/safetensors';
import { variablesToArrays } from '../io/tensors';
import { loadEncoder, saveEncoder } from '../model/load';
import { ClassifierHead, EncoderClassifier } from '../heads/classifier';
import { cachedFeatures } from '../heads/features';
import { featureBatchLoader, featureRows, textBatchLoader, type FeatureMatrix } from '../train/batches';
import { SiameseModel } from '../heads/siamese';

import type { ProgressReporter } from '../train/progress';
import { pkSampler, randomSampler, type BatchSampler } from '../train/sampler';
import { removeStaleTempFiles } from '../train/checkpoint';
import { RESULT_FILE, train, type TrainResult } from '../train/trainer';
import type { TextTokenizer } from '../tokenizer/tokenizer';
import { toTokenBatch, disposeTokenBatch } from '../tokenizer/types';
import type { RunConfig } from './config';
import type { Stage } from './options';
import { runPaths, type PreparedData } from './prepare';

export const CLASSIFIERS = ['frozen', 'trained', 'siamese'] as const;
export type ClassifierName = (typeof CLASSIFIERS)[number];

/** The pipeline stage (`--stages`) that trains each classifier; also its folder in the run. */
export const STAGE_OF_CLASSIFIER = {
  frozen: 'frozen',
  trained: 'trained',
  siamese: 'siamese-classifier',
} as const satisfies Record<ClassifierName, Stage>;

/** Examples per class in a P×K siamese batch (P = batch size / K). */
export const PK_EXAMPLES_PER_CLASS = 4;

export interface StageContext {
  cfg: RunConfig;
  data: PreparedData;
  tokenizer: TextTokenizer;
  reporter?: ProgressReporter;
  log?: (line: string) => void;
}

/** Something that gives class probabilities for dataset rows. */
export interface TrainedClassifier {
  name: ClassifierName;
  result: TrainResult;
  /** Probabilities `[rows.length][classes]` for dataset indices `rows`. */
  predictProba(rows: ArrayLike<number>): Promise<number[][]>;
  dispose(): void;
}

const positionsOf = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
const mapRows = (rows: Int32Array, positions: Int32Array) => Int32Array.from(positions, (p) => rows[p]);

function pkShape(cfg: RunConfig, labels: Int32Array): { p: number; k: number } {
  const k = PK_EXAMPLES_PER_CLASS;
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const eligible = [...counts.values()].filter((c) => c >= 2).length;
  return { p: Math.max(1, Math.min(Math.floor(cfg.siameseBatchSize / k), eligible)), k };
}

/** Siamese training batches (positions into split.train) and fixed validation batches (positions into split.val). */
function siameseBatches(cfg: RunConfig, data: PreparedData): { sampler: BatchSampler; validation: Int32Array[] } {
  if (cfg.sampler === 'random') {
    return {
      sampler: randomSampler(data.split.train.length, {
        batchSize: cfg.siameseBatchSize,
        seed: cfg.seed,
        shuffle: true,
      }),
      validation: makeBatches(positionsOf(data.split.val.length), { batchSize: cfg.siameseBatchSize }),
    };
  }
  const t = pkShape(cfg, data.trainLabels);
  const v = pkShape(cfg, data.valLabels);
  return {
    sampler: pkSampler(data.trainLabels, { classesPerBatch: t.p, examplesPerClass: t.k, seed: cfg.seed }),
    validation: pkSampler(data.valLabels, {
      classesPerBatch: v.p,
      examplesPerClass: v.k,
      seed: cfg.seed + 1,
    }).epochBatches(0),
  };
}

/** A loader over dataset rows that maps trainer positions to dataset indices per phase. */
function splitLoader<B>(data: PreparedData, load: (rows: Int32Array) => B) {
  return (positions: Int32Array, phase: 'train' | 'validation') =>
    load(mapRows(phase === 'train' ? data.split.train : data.split.val, positions));
}

/** Train (or reload) the siamese model; saves the tuned encoder (HF layout) and the head. */
export async function siameseStage(ctx: StageContext): Promise<{ model: SiameseModel; result: TrainResult }> {
  const { cfg, data, tokenizer } = ctx;
  const paths = runPaths(cfg.out);
  const encoder = await loadEncoder(cfg.model, { pooling: cfg.pooling, trainable: true });
  const model = new SiameseModel(encoder, { embeddingSize: cfg.embeddingSize, margin: cfg.margin, seed: cfg.seed });
  const loader = textBatchLoader(data.dataset.texts, data.dataset.labels, tokenizer, { maxLength: cfg.maxLength });
  const { sampler, validation } = siameseBatches(cfg, data);
  ctx.log?.(
    `siamese: ${sampler.description}; ${data.split.train.length} train / ${data.split.val.length} validation texts`,
  );
  // A reloaded finished run keeps its exports; a run that trained (or was killed while exporting) writes them.
  const exported = existsSync(join(paths.siameseEncoder, 'model.safetensors')) && existsSync(paths.siameseHead);
  for (const dir of [paths.siamese, paths.siameseEncoder]) await removeStaleTempFiles(dir);
  const result = await train({
    model,
    sampler,
    validationBatches: validation,
    loadBatch: splitLoader(data, loader.loadBatch),
    disposeBatch: loader.disposeBatch,
    epochs: cfg.siameseEpochs,
    learningRate: cfg.siameseLr,
    seed: cfg.seed,
    patience: cfg.patience,
    outDir: paths.siameseCheckpoint,
    reporter: ctx.reporter,
    config: {
      stage: 'siamese',
      model: cfg.model,
      data: cfg.data,
      text: cfg.text,
      seed: cfg.seed,
      maxLength: cfg.maxLength,
      sampler: cfg.sampler,
      batchSize: cfg.siameseBatchSize,
      lr: cfg.siameseLr,
      margin: cfg.margin,
      embeddingSize: cfg.embeddingSize,
      pooling: cfg.pooling,
    },
  });
  if (!exported || !result.reloaded) {
    await saveEncoder(encoder, paths.siameseEncoder, { tokenizerDir: cfg.tokenizer });
    await writeSafetensors(paths.siameseHead, await variablesToArrays(model.headWeights()));
  }
  return { model, result };
}

/** The saved siamese model (tuned encoder, frozen, and its head), for embeddings and the siamese classifier. */
export async function loadSiamese(cfg: RunConfig): Promise<SiameseModel> {
  const paths = runPaths(cfg.out);
  let encoder;
  try {
    encoder = await loadEncoder(paths.siameseEncoder, { pooling: cfg.pooling, trainable: false });
  } catch (e) {
    throw new Error(
      `loadSiamese: no trained siamese encoder in '${paths.siameseEncoder}': run the siamese stage first (notebook ` +
        `01 or --stages siamese). (${(e as Error).message})`,
    );
  }
  const model = new SiameseModel(encoder, { embeddingSize: cfg.embeddingSize, margin: cfg.margin, seed: cfg.seed });
  const saved = await readSafetensors(paths.siameseHead);
  for (const [name, v] of model.headWeights()) {
    const a = saved.get(name);
    if (!a || a.shape.join('x') !== v.shape.join('x'))
      throw new Error(`loadSiamese: '${paths.siameseHead}' lacks '${name}' of shape [${v.shape}].`);
    const t = tf.tensor(a.data, a.shape);
    v.assign(t);
    t.dispose();
  }
  return model;
}

/** Softmax probabilities of a head on rows of a feature matrix, in batches. */
async function headProba(
  head: ClassifierHead,
  features: FeatureMatrix,
  rows: ArrayLike<number>,
  batchSize: number,
): Promise<number[][]> {
  const out: number[][] = [];
  for (const b of makeBatches(rows, { batchSize })) {
    const p = tf.tidy(() => tf.softmax(head.logits(featureRows(features, b))));
    out.push(...((await p.array()) as number[][]));
    p.dispose();
  }
  return out;
}

/** Train a softmax head on frozen-encoder features ('frozen' and 'siamese' classifiers). */
async function headStage(
  ctx: StageContext,
  name: 'frozen' | 'siamese',
  features: FeatureMatrix,
): Promise<TrainedClassifier> {
  const { cfg, data } = ctx;
  const head = new ClassifierHead(features.cols, {
    numClasses: data.dataset.categories.length,
    seed: cfg.seed,
    classWeights: cfg.classWeights === 'on' ? data.classWeights : undefined,
  });
  const loader = featureBatchLoader(features, data.dataset.labels);
  const result = await train({
    model: head,
    sampler: randomSampler(data.split.train.length, {
      batchSize: cfg.classifierBatchSize,
      seed: cfg.seed,
      shuffle: true,
    }),
    validationBatches: makeBatches(positionsOf(data.split.val.length), { batchSize: cfg.classifierBatchSize }),
    loadBatch: splitLoader(data, loader.loadBatch),
    disposeBatch: loader.disposeBatch,
    epochs: cfg.classifierEpochs,
    learningRate: cfg.classifierLr,
    seed: cfg.seed,
    patience: cfg.patience,
    outDir: classifierFolder(cfg, name),
    reporter: ctx.reporter,
    config: {
      stage: name,
      model: cfg.model,
      data: cfg.data,
      text: cfg.text,
      seed: cfg.seed,
      batchSize: cfg.classifierBatchSize,
      lr: cfg.classifierLr,
      classWeights: cfg.classWeights,
    },
  });
  return {
    name,
    result,
    predictProba: (rows) => headProba(head, features, rows, 256),
    dispose: () => head.dispose(),
  };
}

/** Encoder features of every dataset text, cached in the run folder. */
export async function datasetFeatures(
  ctx: StageContext,
  encoder: EncoderClassifier['encoder'],
  label: string,
): Promise<FeatureMatrix> {
  const { cfg, data, tokenizer } = ctx;
  let last = 0;
  const { features, cacheHit } = await cachedFeatures(encoder, tokenizer, data.dataset.texts, {
    maxLength: cfg.maxLength,
    batchSize: 64,
    cacheDir: runPaths(cfg.out).features,
    settings: { tokenizer: cfg.tokenizer ?? cfg.model },
    onProgress: (done, total) => {
      if (done - last >= 2048 || done === total) {
        ctx.log?.(`${label}: features ${done}/${total}`);
        last = done;
      }
    },
  });
  if (cacheHit) ctx.log?.(`${label}: features read from the cache`);
  return features;
}

/** Frozen pretrained encoder + softmax head (head trained on cached features). */
export async function frozenStage(ctx: StageContext): Promise<TrainedClassifier> {
  const encoder = await loadEncoder(ctx.cfg.model, { pooling: ctx.cfg.pooling, trainable: false });
  try {
    return await headStage(ctx, 'frozen', await datasetFeatures(ctx, encoder, 'frozen'));
  } finally {
    encoder.dispose();
  }
}

/** The siamese-tuned encoder, frozen, its pooled output → softmax head. */
export async function siameseClassifierStage(ctx: StageContext): Promise<TrainedClassifier> {
  const siamese = await loadSiamese(ctx.cfg);
  try {
    return await headStage(ctx, 'siamese', await datasetFeatures(ctx, siamese.encoder, 'siamese classifier'));
  } finally {
    siamese.dispose();
  }
}

/** Pretrained encoder + head, everything trained. */
export async function trainedStage(ctx: StageContext): Promise<TrainedClassifier> {
  const { cfg, data, tokenizer } = ctx;
  const encoder = await loadEncoder(cfg.model, { pooling: cfg.pooling, trainable: true });
  const model = new EncoderClassifier(
    encoder,
    new ClassifierHead(encoder.hiddenSize, {
      numClasses: data.dataset.categories.length,
      seed: cfg.seed,
      classWeights: cfg.classWeights === 'on' ? data.classWeights : undefined,
    }),
  );
  const loader = textBatchLoader(data.dataset.texts, data.dataset.labels, tokenizer, { maxLength: cfg.maxLength });
  const result = await train({
    model,
    sampler: randomSampler(data.split.train.length, { batchSize: cfg.trainedBatchSize, seed: cfg.seed, shuffle: true }),
    validationBatches: makeBatches(positionsOf(data.split.val.length), { batchSize: cfg.trainedBatchSize }),
    loadBatch: splitLoader(data, loader.loadBatch),
    disposeBatch: loader.disposeBatch,
    epochs: cfg.trainedEpochs,
    learningRate: cfg.trainedLr,
    seed: cfg.seed,
    patience: cfg.patience,
    outDir: classifierFolder(cfg, 'trained'),
    reporter: ctx.reporter,
    config: {
      stage: 'trained',
      model: cfg.model,
      data: cfg.data,
      text: cfg.text,
      seed: cfg.seed,
      maxLength: cfg.maxLength,
      batchSize: cfg.trainedBatchSize,
      lr: cfg.trainedLr,
      classWeights: cfg.classWeights,
      pooling: cfg.pooling,
    },
  });
  encoder.trainable = false;
  return {
    name: 'trained',
    result,
    predictProba: async (rows) => {
      const out: number[][] = [];
      for (const b of makeBatches(rows, { batchSize: 64 })) {
        const tokens = toTokenBatch(
          tokenizer.encodeBatch(
            Array.from(b, (i) => data.dataset.texts[i]),
            { maxLength: cfg.maxLength },
          ),
        );
        const p = model.predictProba(tokens);
        out.push(...((await p.array()) as number[][]));
        p.dispose();
        disposeTokenBatch(tokens);
      }
      return out;
    },
    dispose: () => model.dispose(),
  };
}

export const CLASSIFIER_STAGES: Record<ClassifierName, (ctx: StageContext) => Promise<TrainedClassifier>> = {
  frozen: frozenStage,
  trained: trainedStage,
  siamese: siameseClassifierStage,
};

/** The run folder of a classifier's training. */
export function classifierFolder(cfg: RunConfig, name: ClassifierName): string {
  return runPaths(cfg.out).classifier(STAGE_OF_CLASSIFIER[name]);
}

/** Reload a finished classifier training; a clear error says which notebook or stage to run first. */
export async function reloadClassifier(ctx: StageContext, name: ClassifierName): Promise<TrainedClassifier> {
  const folder = classifierFolder(ctx.cfg, name);
  if (!existsSync(join(folder, RESULT_FILE))) {
    throw new Error(
      `reloadClassifier: the ${name} classifier has no finished training in '${folder}': run notebook 02 (or npm ` +
        `run pipeline -- --stages ${STAGE_OF_CLASSIFIER[name]}) with the same settings first.`,
    );
  }
  return CLASSIFIER_STAGES[name](ctx);
}
