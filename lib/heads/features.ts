/**
 * Feature extraction for frozen encoders: run the encoder once over all texts,
 * keep the `[N, H]` sentence vectors on the host, and train only the head on
 * them. Results can be cached on disk, keyed by a hash of the encoder's weights,
 * its pooling, the texts and the text settings.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PaddingOverhead } from '../data/buckets';
import { readSafetensors, writeSafetensors } from '../io/safetensors';
import type { Encoder } from '../model/types';
import { forwardRows } from '../tokenizer/forward';
import type { TokenTable } from '../tokenizer/token-table';
import type { BatchEncoder, EncodedBatch, Padding } from '../tokenizer/types';
import type { FeatureMatrix } from '../train/batches';
import { isSentenceEmbedder, tfjsEmbedder, type EngineKind, type SentenceEmbedder } from './embedder';

/**
 * Sentence vectors of every batch, stacked: `[N, dim]`. `source` is an Encoder (`encoder.embed`, inference mode,
 * on TF.js) or any SentenceEmbedder (e.g. the same encoder exported to ONNX Runtime, lib/onnx/runtime.ts).
 */
export async function computeFeatures(
  source: Encoder | SentenceEmbedder,
  batches: Iterable<EncodedBatch>,
  onBatch?: (rowsDone: number) => void,
): Promise<FeatureMatrix> {
  const embedder = isSentenceEmbedder(source) ? source : tfjsEmbedder(source);
  const parts: Float32Array[] = [];
  let rows = 0;
  for (const encoded of batches) {
    const v = await embedder.embed(encoded); // [B, dim]
    if (v.length !== encoded.batchSize * embedder.dim) {
      throw new Error(
        `computeFeatures: the ${embedder.name} embedder returned ${v.length} values for ${encoded.batchSize} rows of ` +
          `${embedder.dim}.`,
      );
    }
    parts.push(v);
    rows += encoded.batchSize;
    onBatch?.(rows);
  }
  const data = new Float32Array(rows * embedder.dim);
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.length;
  }
  return { data, rows, cols: embedder.dim };
}

/** Tokenize `texts` in batches of `batchSize` (lazily). */
export function* encodeInBatches(
  tokenizer: BatchEncoder,
  texts: readonly string[],
  opts: { batchSize: number; maxLength: number; padding?: Padding },
): Generator<EncodedBatch> {
  if (!(Number.isInteger(opts.batchSize) && opts.batchSize > 0)) {
    throw new Error(`encodeInBatches: 'batchSize' must be a positive integer; got ${opts.batchSize}.`);
  }
  for (let s = 0; s < texts.length; s += opts.batchSize) {
    yield tokenizer.encodeBatch(texts.slice(s, s + opts.batchSize), {
      maxLength: opts.maxLength,
      padding: opts.padding ?? 'longest',
    });
  }
}

/** SHA-256 over the encoder's weight names, shapes and values (sorted by name), plus its pooling. */
export async function encoderFingerprint(encoder: Encoder): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${encoder.modelType}|${encoder.pooling}|${encoder.hiddenSize}`);
  for (const name of [...encoder.weights.keys()].sort()) {
    const v = encoder.weights.get(name)!;
    const values = (await v.data()) as Float32Array;
    hash.update(`|${name}:${v.shape.join('x')}:`);
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest('hex');
}

/** Tokenization, batching, cache folder and cache-key parts of {@link cachedFeatures}. */
export interface CachedFeatureOptions {
  /** Maximum tokens per text, special tokens included (the options table's `maxLength`, default 128). */
  maxLength: number;
  /** Default 'longest' (each batch padded to its longest text). */
  padding?: Padding;
  /** Texts per encoder call (default 32). */
  batchSize?: number;
  /** Folder of the cache; no caching when absent. */
  cacheDir?: string;
  /** Identifies the encoder in the key instead of hashing its weights (e.g. a hub id plus its weights file hash). */
  modelKey?: string;
  /** Other settings that change the features (e.g. the tokenizer folder, the text mode); part of the key. */
  settings?: Record<string, string | number | boolean>;
  /** Called after each batch with the rows done so far and the total. */
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
  /**
   * Computes the features instead of `encoder` on TF.js (e.g. its ONNX export on ONNX Runtime); `encoder` still
   * identifies them. A non-TF.js engine is part of the key (its vectors differ in the last float digits).
   */
  embedder?: SentenceEmbedder;
  /**
   * Instead of `embedder`: runs the computation on an engine made only on a cache miss, e.g.
   * `job => withEmbedder(choice, encoder, job).then((r) => r.result)` (an ONNX Runtime session takes seconds to
   * build). The features are stored under the key of the engine the job was given.
   */
  runner?: (job: (embedder: SentenceEmbedder) => Promise<FeatureMatrix>) => Promise<FeatureMatrix>;
  /**
   * Engines whose cached features are accepted, in order of preference (default: `embedder`'s engine, else
   * 'tfjs'). A run that lets the faster engine decide takes either engine's features, which agree within 1e-5.
   */
  cacheEngines?: readonly EngineKind[];
  /**
   * The texts already tokenized (the run's token table, same texts and `maxLength`): batches are cut from it
   * instead of tokenizing again.
   */
  tokens?: TokenTable;
  /**
   * With `tokens`: batch rows of similar length (sorted by length, results back in row order). Part of the key
   * (the vectors differ in the last float digits); without it the batches are the texts in order.
   */
  bucketing?: boolean;
}

/** What {@link cachedFeatures} returns: the features and where they came from. */
export interface CachedFeatures {
  /** Sentence vectors [N, H] row-major, N = texts, H = the encoder's hidden size. */
  features: FeatureMatrix;
  /** SHA-256 cache key. */
  key: string;
  /** True when read from the cache, false when computed (and written when `cacheDir` is set). */
  cacheHit: boolean;
  /** The engine that computed the features (for a cache hit: the one whose key matched). */
  engine: EngineKind;
  /** The cache file (when `cacheDir` is set). */
  path?: string;
  /** Padded token slots per real token of the batches computed (with `tokens`, on a cache miss). */
  padding?: PaddingOverhead;
}

/**
 * Sentence vectors `[rows.length, dim]` of rows of a token table, in the order of `rows`, in batches of
 * `batchSize`; with `bucketing`, rows of similar length are batched together (lib/tokenizer/forward.ts).
 */
export async function computeFeaturesOfRows(
  source: Encoder | SentenceEmbedder,
  tokens: TokenTable,
  rows: ArrayLike<number>,
  opts: { batchSize: number; bucketing: boolean; onBatch?: (rowsDone: number, rowsTotal: number) => unknown },
): Promise<{ features: FeatureMatrix; padding: PaddingOverhead }> {
  const embedder = isSentenceEmbedder(source) ? source : tfjsEmbedder(source);
  const f = await forwardRows(
    tokens,
    rows,
    embedder.dim,
    {
      batchSize: opts.batchSize,
      bucketing: opts.bucketing,
      onBatch: async (d, t) => void (await opts.onBatch?.(d, t)),
    },
    (batch) => embedder.embed(batch),
  );
  return { features: { data: f.data, rows: f.rows, cols: f.width }, padding: f.padding };
}

/**
 * Features of `texts` `[N, H]`, read from `cacheDir` when computed before with the same encoder, texts and settings
 * (by one of `cacheEngines`); else computed by `opts.runner`'s engine, `opts.embedder`, or `encoder` on TF.js
 * (inference mode, its pooling), and stored. The key hashes the encoder's weights (or `modelKey`), pooling, texts,
 * maxLength, padding, `settings` and a non-TF.js engine; a cache file of the wrong shape is recomputed. Throws when
 * the engine's vectors are not the encoder's `H` wide.
 */
export async function cachedFeatures(
  encoder: Encoder,
  tokenizer: BatchEncoder,
  texts: readonly string[],
  opts: CachedFeatureOptions,
): Promise<CachedFeatures> {
  const batchSize = opts.batchSize ?? 32;
  const { tokens } = opts;
  if (tokens && (tokens.size !== texts.length || tokens.maxLength !== opts.maxLength))
    throw new Error(
      `cachedFeatures: 'tokens' must hold the ${texts.length} texts at maxLength ${opts.maxLength}; got ` +
        `${tokens.size} at ${tokens.maxLength}.`,
    );
  if (tokens && (opts.padding ?? 'longest') !== 'longest')
    throw new Error(
      `cachedFeatures: 'tokens' batches are padded to their longest text; got padding '${opts.padding}'.`,
    );
  const bucketing = Boolean(tokens && opts.bucketing);
  const textHash = createHash('sha256');
  for (const t of texts) textHash.update(`${t.length}:${t}`);
  const base = {
    version: 1,
    model: opts.modelKey ?? (await encoderFingerprint(encoder)),
    pooling: encoder.pooling,
    texts: textHash.digest('hex'),
    rows: texts.length,
    maxLength: opts.maxLength,
    padding: opts.padding ?? 'longest',
    settings: Object.fromEntries(Object.entries(opts.settings ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))),
    // Only length-sorted batches enter the key: unsorted ones are the batches every earlier cache was made of.
    ...(bucketing ? { batching: 'length-sorted' } : {}),
  };
  const keyOf = (engine: EngineKind) => {
    // Only a non-TF.js engine enters the key, so caches written before engines existed stay valid.
    const keyParts = { ...base, ...(engine !== 'tfjs' ? { engine } : {}) };
    const key = createHash('sha256').update(JSON.stringify(keyParts)).digest('hex');
    const path = opts.cacheDir ? join(opts.cacheDir, `features-${key}.safetensors`) : undefined;
    return { key, keyParts, path };
  };
  for (const engine of opts.cacheEngines ?? [opts.embedder?.engine ?? 'tfjs']) {
    const { key, path } = keyOf(engine);
    if (!path || !existsSync(path)) continue;
    const a = (await readSafetensors(path)).get('features');
    if (a && a.data instanceof Float32Array && a.shape[0] === texts.length && a.shape[1] === encoder.hiddenSize) {
      return { features: { data: a.data, rows: a.shape[0], cols: a.shape[1] }, key, cacheHit: true, engine, path };
    }
  }
  let engine: EngineKind = 'tfjs';
  let padding: PaddingOverhead | undefined;
  const job = async (embedder: SentenceEmbedder): Promise<FeatureMatrix> => {
    if (embedder.dim !== encoder.hiddenSize) {
      throw new Error(
        `cachedFeatures: 'embedder' must give the encoder's ${encoder.hiddenSize}-wide sentence vectors; ` +
          `${embedder.name} gives ${embedder.dim}.`,
      );
    }
    engine = embedder.engine;
    if (!tokens)
      return computeFeatures(
        embedder,
        encodeInBatches(tokenizer, texts, { batchSize, maxLength: opts.maxLength, padding: opts.padding }),
        (done) => opts.onProgress?.(done, texts.length),
      );
    const all = Int32Array.from({ length: texts.length }, (_, i) => i);
    const r = await computeFeaturesOfRows(embedder, tokens, all, {
      batchSize,
      bucketing,
      onBatch: (done) => opts.onProgress?.(done, texts.length),
    });
    padding = r.padding;
    return r.features;
  };
  const features = opts.runner ? await opts.runner(job) : await job(opts.embedder ?? tfjsEmbedder(encoder));
  const { key, keyParts, path } = keyOf(engine);
  if (path) {
    await mkdir(opts.cacheDir!, { recursive: true });
    await writeSafetensors(
      path,
      [{ name: 'features', dtype: 'F32', shape: [features.rows, features.cols], data: features.data }],
      { key, settings: JSON.stringify(keyParts) },
    );
  }
  return { features, key, cacheHit: false, engine, path, padding };
}
