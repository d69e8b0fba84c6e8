/**
 * The run's forward passes that do not train: frozen and siamese-classifier features, the trained classifier's
 * predictions, siamese embeddings. Each runs on the engine --inference chooses (lib/onnx/engine.ts: TF.js or ONNX
 * Runtime on the same weights), built only when there is work (a features cache hit builds nothing), named in the
 * log, and timed for report.json. Training stays in TF.js.
 */
import * as tf from '@tensorflow/tfjs';
import type { PaddingOverhead } from '../data/buckets';
import type { EncoderClassifier } from '../heads/classifier';
import type { SentenceEmbedder } from '../heads/embedder';
import { cachedFeatures } from '../heads/features';
import type { SiameseModel } from '../heads/siamese';
import type { Encoder } from '../model/types';
import { cacheEnginesOf, withEmbedder, type InferenceChoice } from '../onnx/engine';
import { forwardRows } from '../tokenizer/forward';
import { tokenizeTexts, type TokenTable } from '../tokenizer/token-table';
import type { FeatureMatrix } from '../train/batches';
import { yieldToEventLoop } from './lock';
import { runPaths } from './prepare';
import type { StageContext } from './stage-common';
import { bucketingOn, notePadding, runTokens } from './tokens';

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
  const bucketing = bucketingOn(cfg);
  const r = await cachedFeatures(encoder, tokenizer, texts, {
    tokens: await runTokens(ctx),
    bucketing,
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
  if (r.padding) notePadding(ctx, `${label}/features`, r.padding, bucketing);
  if (r.cacheHit) ctx.log?.(`${label}: features read from the cache (computed by ${r.engine})`);
  else ctx.log?.(`${label}: features of ${texts.length} texts in ${run!.seconds} s on ${run!.engine}`);
  const inference = run ?? { choice: cfg.inference, engine: r.engine, texts: 0, seconds: seconds(t0), cached: true };
  return { ...r.features, inference };
}

/**
 * Class probabilities `[rows.length][classes]` of an encoder + head classifier (the trained classifier) for
 * dataset rows: sentence vectors on the engine of --inference (exported from the weights as they are now: call it
 * after training), then the head's softmax on TF.js, in batches of {@link INFERENCE_BATCH_SIZE} from the run's
 * token table (length-sorted with --bucketing on; padding noted under `paddingName`).
 */
export async function classifierProba(
  ctx: StageContext,
  model: EncoderClassifier,
  rows: ArrayLike<number>,
  label: string,
  paddingName = 'trained/predictions',
): Promise<{ proba: number[][]; inference: InferenceRun }> {
  const tokens = await runTokens(ctx);
  const bucketing = bucketingOn(ctx.cfg);
  const c = model.head.numClasses;
  const { result, inference } = await runInference(ctx, model.encoder, label, rows.length, async (embedder) => {
    // Length-sorted batches with --bucketing on, results in the order of `rows` (lib/tokenizer/forward.ts).
    const opts = { batchSize: INFERENCE_BATCH_SIZE, bucketing, onBatch: yieldToEventLoop };
    const f = await forwardRows(tokens, rows, c, opts, async (batch) => {
      const v = await embedder.embed(batch); // [B, H]
      const p = tf.tidy(() => tf.softmax(model.head.logits(tf.tensor2d(v, [batch.batchSize, embedder.dim]))));
      try {
        return (await p.data()) as Float32Array; // [B, C]
      } finally {
        p.dispose();
      }
    });
    notePadding(ctx, paddingName, f.padding, bucketing);
    return Array.from({ length: f.rows }, (_, i) => Array.from(f.data.subarray(i * c, (i + 1) * c)));
  });
  return { proba: result, inference };
}

/**
 * L2-normalised siamese embeddings of several sets of dataset rows (`[rows][E]` per set), all computed with one
 * engine of --inference (one ONNX export for all), in batches of {@link INFERENCE_BATCH_SIZE}: rows of similar
 * token length together with --bucketing on, results in the order of each set. `opts.tokens` is the run's token
 * table of `ctx.texts` (runTokens); without it each set's texts are tokenized here.
 */
export async function siameseEmbeddingSets(
  ctx: Pick<StageContext, 'cfg' | 'log' | 'tokenizer'> & { texts: readonly string[] },
  model: SiameseModel,
  sets: readonly ArrayLike<number>[],
  label = 'siamese embeddings',
  opts: { tokens?: TokenTable; onPadding?: (p: PaddingOverhead) => void } = {},
): Promise<{ sets: Float32Array[][]; inference: InferenceRun }> {
  const total = sets.reduce((s, rows) => s + rows.length, 0);
  const bucketing = bucketingOn(ctx.cfg);
  const { result, inference } = await runInference(ctx, model, label, total, async (embedder) => {
    const out: Float32Array[][] = [];
    for (const rows of sets) {
      // Without the run's token table, the rows' texts are tokenized here (rows become positions 0..n-1).
      const own = opts.tokens
        ? undefined
        : tokenizeTexts(
            ctx.tokenizer,
            Array.from(rows, (r) => ctx.texts[r]),
            ctx.cfg,
          );
      const at = own ? Int32Array.from({ length: rows.length }, (_, r) => r) : rows;
      const dim = embedder.dim;
      const forward = { batchSize: INFERENCE_BATCH_SIZE, bucketing, onBatch: yieldToEventLoop };
      const f = await forwardRows(opts.tokens ?? own!, at, dim, forward, (batch) => embedder.embed(batch));
      opts.onPadding?.(f.padding);
      out.push(Array.from({ length: f.rows }, (_, r) => f.data.subarray(r * dim, (r + 1) * dim)));
    }
    return out;
  });
  return { sets: result, inference };
}
