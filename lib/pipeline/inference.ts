/**
 * The run's forward passes that do not train: frozen and siamese-classifier features, the trained classifier's
 * predictions, siamese embeddings. Each runs on the engine --inference chooses (lib/onnx/engine.ts: TF.js or ONNX
 * Runtime on the same weights), built only when there is work (a features cache hit builds nothing), named in the
 * log, and timed for report.json. Training stays in TF.js.
 */
import * as tf from '@tensorflow/tfjs';
import { makeBatches } from '../data/batches';
import type { EncoderClassifier } from '../heads/classifier';
import type { SentenceEmbedder } from '../heads/embedder';
import { cachedFeatures, encodeInBatches } from '../heads/features';
import type { SiameseModel } from '../heads/siamese';
import type { Encoder } from '../model/types';
import { cacheEnginesOf, withEmbedder, type InferenceChoice } from '../onnx/engine';
import type { FeatureMatrix } from '../train/batches';
import { yieldToEventLoop } from './lock';
import { runPaths } from './prepare';
import type { StageContext } from './stage-common';

/** Texts per forward pass of the pipeline's inference (features, predictions, embeddings). */
export const INFERENCE_BATCH_SIZE = 64;

/** How one forward-pass job ran, for the log and report.json (snake_case, as written). */
export interface InferenceRun {
  /** The --inference setting. */
  choice: InferenceChoice;
  /**
   * The engine that computed the vectors, e.g. 'onnx (onnxruntime-node 1.30.0, cpu)' or 'tfjs (tensorflow)';
   * for vectors read from the feature cache, the kind of engine that computed them ('onnx' or 'tfjs').
   */
  engine: string;
  /** Why --inference auto did not take its first engine (e.g. ONNX Runtime did not load). */
  fallback_reason?: string;
  /** Texts embedded by this job (0 when the vectors came from the feature cache). */
  texts: number;
  /** Wall seconds, the engine's set-up (ONNX export and session) included. */
  seconds: number;
  /** True when the vectors came from the run's feature cache. */
  cached?: boolean;
}

const seconds = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

/**
 * Run `job` with an embedder of `model` on the engine `cfg.inference` chooses (disposed afterwards, also on
 * errors); returns the job's result and how it ran. `texts` is the number of texts the job embeds (for the report);
 * `label` prefixes the log line naming the engine.
 */
export async function runInference<T>(
  ctx: Pick<StageContext, 'cfg' | 'log'>,
  model: Encoder | SiameseModel,
  label: string,
  texts: number,
  job: (embedder: SentenceEmbedder) => Promise<T>,
): Promise<{ result: T; inference: InferenceRun }> {
  const t0 = performance.now();
  const { result, used } = await withEmbedder(ctx.cfg.inference, model, job, {
    backend: tf.getBackend(),
    log: ctx.log,
    label,
  });
  const inference: InferenceRun = {
    choice: used.choice,
    engine: used.engine,
    ...(used.fallbackReason ? { fallback_reason: used.fallbackReason } : {}),
    texts,
    seconds: seconds(t0),
  };
  return { result, inference };
}

/** Features of every dataset text `[N, H]`, and how they were computed. */
export interface DatasetFeatures extends FeatureMatrix {
  inference: InferenceRun;
}

/**
 * Encoder features of every dataset text `[N, H]`, cached in the run folder (`features/`). On a cache miss the
 * engine of --inference computes them (in batches of {@link INFERENCE_BATCH_SIZE} texts); on a hit no engine is
 * built, and with --inference auto either engine's cached features are taken (they agree within 1e-5).
 */
export async function datasetFeatures(ctx: StageContext, encoder: Encoder, label: string): Promise<DatasetFeatures> {
  const { cfg, data, tokenizer } = ctx;
  const texts = data.dataset.texts;
  let last = 0;
  let run: InferenceRun | undefined;
  const t0 = performance.now();
  const r = await cachedFeatures(encoder, tokenizer, texts, {
    maxLength: cfg.maxLength,
    batchSize: INFERENCE_BATCH_SIZE,
    cacheDir: runPaths(cfg.out).features,
    settings: { tokenizer: cfg.tokenizer ?? cfg.model },
    cacheEngines: cacheEnginesOf(cfg.inference),
    runner: async (job) => {
      const { result, inference } = await runInference(ctx, encoder, label, texts.length, job);
      run = inference;
      return result;
    },
    onProgress: (done, total) => {
      if (done - last >= 2048 || done === total) {
        ctx.log?.(`${label}: features ${done}/${total}`);
        last = done;
      }
    },
  });
  if (r.cacheHit) ctx.log?.(`${label}: features read from the cache (computed by ${r.engine})`);
  else ctx.log?.(`${label}: features of ${texts.length} texts in ${run!.seconds} s on ${run!.engine}`);
  const inference = run ?? { choice: cfg.inference, engine: r.engine, texts: 0, seconds: seconds(t0), cached: true };
  return { ...r.features, inference };
}

/**
 * Class probabilities `[rows.length][classes]` of an encoder + head classifier (the trained classifier) for
 * dataset rows: sentence vectors on the engine of --inference (exported from the weights as they are now: call it
 * after training), then the head's softmax on TF.js, in batches of {@link INFERENCE_BATCH_SIZE}.
 */
export async function classifierProba(
  ctx: StageContext,
  model: EncoderClassifier,
  rows: ArrayLike<number>,
  label: string,
): Promise<{ proba: number[][]; inference: InferenceRun }> {
  const { cfg, data, tokenizer } = ctx;
  const { result, inference } = await runInference(ctx, model.encoder, label, rows.length, async (embedder) => {
    const out: number[][] = [];
    for (const b of makeBatches(rows, { batchSize: INFERENCE_BATCH_SIZE })) {
      const encoded = tokenizer.encodeBatch(
        Array.from(b, (i) => data.dataset.texts[i]),
        { maxLength: cfg.maxLength },
      );
      const v = await embedder.embed(encoded); // [B, H]
      const p = tf.tidy(() => tf.softmax(model.head.logits(tf.tensor2d(v, [b.length, embedder.dim]))));
      const values = (await p.data()) as Float32Array; // [B, C]
      p.dispose();
      const c = model.head.numClasses;
      for (let r = 0; r < b.length; r++) out.push(Array.from(values.subarray(r * c, (r + 1) * c)));
      await yieldToEventLoop();
    }
    return out;
  });
  return { proba: result, inference };
}

/**
 * L2-normalised siamese embeddings of several sets of dataset rows (`[rows][E]` per set), all computed with one
 * engine of --inference (one ONNX export for all), in batches of {@link INFERENCE_BATCH_SIZE}.
 */
export async function siameseEmbeddingSets(
  ctx: Pick<StageContext, 'cfg' | 'log' | 'tokenizer'> & { texts: readonly string[] },
  model: SiameseModel,
  sets: readonly ArrayLike<number>[],
  label = 'siamese embeddings',
): Promise<{ sets: Float32Array[][]; inference: InferenceRun }> {
  const total = sets.reduce((s, rows) => s + rows.length, 0);
  const { result, inference } = await runInference(ctx, model, label, total, async (embedder) => {
    const out: Float32Array[][] = [];
    for (const rows of sets) {
      const vectors: Float32Array[] = [];
      const texts = Array.from(rows, (i) => ctx.texts[i]);
      const opts = { batchSize: INFERENCE_BATCH_SIZE, maxLength: ctx.cfg.maxLength };
      for (const encoded of encodeInBatches(ctx.tokenizer, texts, opts)) {
        const v = await embedder.embed(encoded); // [B, E]
        for (let r = 0; r < encoded.batchSize; r++) vectors.push(v.slice(r * embedder.dim, (r + 1) * embedder.dim));
        await yieldToEventLoop();
      }
      out.push(vectors);
    }
    return out;
  });
  return { sets: result, inference };
}
