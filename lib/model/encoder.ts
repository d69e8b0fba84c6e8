/**
 * TransformerEncoder: ALBERT or BERT-family encoder whose variables are named by HF checkpoint keys.
 */
import * as tf from '@tensorflow/tfjs';
import { albertStack } from './albert';
import { bertStack } from './bert';
import type { EncoderConfig } from './config';
import { additiveMask, firstToken, layerNorm, linear, makeDropout, maskedMean, type Dropout } from './layers';
import { encoderLayout, initKind } from './layout';
import {
  POOLINGS,
  type EmbedOptions,
  type Encoder,
  type EncoderOutput,
  type ForwardOptions,
  type Pooling,
  type TokenBatch,
} from './types';

/** How {@link buildEncoder} fills a new encoder: pooling, trainability, and random (seeded) or zero weights. */
export interface BuildOptions {
  /** Sentence vector used by `embed` (default 'pooler'). */
  pooling?: Pooling;
  /** Expose variables for training (default true). */
  trainable?: boolean;
  /** How to fill the variables: HF-style random init (default) or zeros (cheap, for shapes only). */
  init?: 'random' | 'zeros';
  /** Seed for the random init. */
  seed?: number;
}

/**
 * `pooling` as a {@link Pooling} when it is 'pooler', 'cls' or 'mean'; otherwise throws
 * `<fn>: 'pooling' must be one of pooler, cls, mean; got <value>.`
 */
export function checkPooling(fn: string, pooling: unknown): Pooling {
  if (!POOLINGS.includes(pooling as Pooling))
    throw new Error(`${fn}: 'pooling' must be one of ${POOLINGS.join(', ')}; got ${JSON.stringify(pooling)}.`);
  return pooling as Pooling;
}

/**
 * An ALBERT or BERT-family encoder (BERT, MiniLM, bge-small) in TF.js, numerically the Hugging Face
 * `AlbertModel` / `BertModel` (test/model/golden.test.ts: tiny random models within 1e-4 absolute of HF's outputs;
 * minilm.test.ts: MiniLM sentence vectors at cosine >= 1 - 1e-4). Its variables are keyed by the checkpoint's own
 * names (`embeddings.word_embeddings.weight`, …; see `encoderLayout`), so loading and saving are plain key copies.
 * Make one with `loadEncoder` (pretrained; lib/model/load.ts) or {@link buildEncoder} (random); it owns its
 * variables until {@link TransformerEncoder.dispose}.
 */
export class TransformerEncoder implements Encoder {
  readonly modelType: 'albert' | 'bert';
  readonly hiddenSize: number;
  readonly pooling: Pooling;
  readonly config: EncoderConfig;
  readonly weights: Map<string, tf.Variable>;
  private isTrainable: boolean;
  private disposed = false;

  /**
   * Takes ownership of `weights` (names and shapes must match encoderLayout(config); lib/model/weights builds them
   * from a checkpoint). `opts.pooling` defaults to 'pooler' (the options table's `pooling`), `opts.trainable` to
   * true. Throws on an unknown pooling; a missing weight is only found at the first forward pass.
   */
  constructor(
    config: EncoderConfig,
    weights: Map<string, tf.Variable>,
    opts: { pooling?: Pooling; trainable?: boolean } = {},
  ) {
    this.config = config;
    this.modelType = config.modelType;
    this.hiddenSize = config.hiddenSize;
    this.pooling = checkPooling('TransformerEncoder', opts.pooling ?? 'pooler');
    this.weights = weights;
    this.isTrainable = opts.trainable ?? true;
    for (const v of weights.values()) v.trainable = this.isTrainable;
  }

  /**
   * Whether the variables train: false freezes the encoder (the study's frozen classifier), so
   * `trainableVariables()` is empty and optimizers leave it unchanged. Setting it flips every variable's flag.
   */
  get trainable(): boolean {
    return this.isTrainable;
  }
  set trainable(value: boolean) {
    this.isTrainable = value;
    for (const v of this.weights.values()) v.trainable = value;
  }

  /** Every weight variable when trainable (in layout order), else `[]`: what an optimizer updates. */
  trainableVariables(): tf.Variable[] {
    return this.isTrainable ? [...this.weights.values()] : [];
  }

  private get = (name: string): tf.Tensor => {
    const v = this.weights.get(name);
    if (!v) throw new Error(`TransformerEncoder: weight '${name}' is missing.`);
    return v;
  };

  private checkBatch(batch: TokenBatch): [number, number] {
    if (this.disposed) throw new Error('TransformerEncoder.forward: the encoder has been disposed.');
    const { inputIds, attentionMask, tokenTypeIds } = batch;
    const shape = inputIds.shape;
    for (const [name, t] of [
      ['inputIds', inputIds],
      ['attentionMask', attentionMask],
      ['tokenTypeIds', tokenTypeIds],
    ] as const) {
      if (t.rank !== 2 || t.shape[0] !== shape[0] || t.shape[1] !== shape[1] || t.dtype !== 'int32') {
        throw new Error(
          `TransformerEncoder.forward: 'batch.${name}' must be int32 [${shape}] like inputIds; got ${t.dtype} ` +
            `[${t.shape}].`,
        );
      }
    }
    if (shape[1] > this.config.maxPositionEmbeddings) {
      throw new Error(
        `TransformerEncoder.forward: sequence length must be <= max_position_embeddings ` +
          `(${this.config.maxPositionEmbeddings}); got ${shape[1]}.`,
      );
    }
    return [shape[0], shape[1]];
  }

  private embeddings(batch: TokenBatch, drop: Dropout): tf.Tensor3D {
    const [, t] = batch.inputIds.shape;
    const words = tf.gather(this.get('embeddings.word_embeddings.weight'), batch.inputIds); // [B, T, E]
    const positionIds = tf.range(0, t, 1, 'int32'); // [T]
    const positions = tf.gather(this.get('embeddings.position_embeddings.weight'), positionIds); // [T, E]
    const types = tf.gather(this.get('embeddings.token_type_embeddings.weight'), batch.tokenTypeIds); // [B, T, E]
    const summed = words.add(positions).add(types);
    const normed = layerNorm(
      summed,
      this.get('embeddings.LayerNorm.weight'),
      this.get('embeddings.LayerNorm.bias'),
      this.config.layerNormEps,
    );
    return drop(normed, this.config.hiddenDropoutProb) as tf.Tensor3D;
  }

  private pool(last: tf.Tensor3D): tf.Tensor2D {
    const p = this.modelType === 'albert' ? 'pooler' : 'pooler.dense';
    return tf.tanh(linear(firstToken(last), this.get(`${p}.weight`), this.get(`${p}.bias`))) as tf.Tensor2D;
  }

  /**
   * Token states `lastHiddenState` [B, T, H] and `pooledOutput` [B, H] (tanh pooler over the first token, HF's
   * `pooler_output`) of a token batch (int32 [B, T] each); `opts.outputHiddenStates` adds the embedding output and
   * every layer's [B, T, H]. The caller owns (and disposes) the returned tensors. `opts.training` applies dropout
   * with masks seeded by `opts.seed`. Throws when disposed, when the three batch tensors are not int32 of one
   * shape, when T > max_position_embeddings, or when training with dropout and no seed.
   */
  forward(batch: TokenBatch, opts: ForwardOptions = {}): EncoderOutput {
    this.checkBatch(batch);
    const drop = makeDropout(opts.training ?? false, opts.seed, 'TransformerEncoder.forward');
    return tf.tidy(() => {
      const maskAdd = additiveMask(batch.attentionMask);
      const embedded = this.embeddings(batch, drop);
      const hidden: tf.Tensor3D[] | undefined = opts.outputHiddenStates ? [] : undefined;
      const stack = this.modelType === 'albert' ? albertStack : bertStack;
      const last = stack(this.get, this.config, embedded, maskAdd, drop, hidden);
      const out: EncoderOutput = { lastHiddenState: last, pooledOutput: this.pool(last) };
      if (hidden) out.hiddenStates = hidden;
      return out as unknown as tf.TensorContainerObject;
    }) as unknown as EncoderOutput;
  }

  /**
   * Sentence vectors [B, H] of a token batch by `pooling`: 'pooler' (tanh pooler, as the study's ALBERT
   * `pooled_output`), 'cls' (first token's last state) or 'mean' (mean of the last states where the attention
   * mask is 1, sentence-transformers' mean pooling). Cheaper than {@link forward}: for 'pooler' and 'cls' the last
   * layer computes the first token only. Caller owns the tensor; dropout and errors as in {@link forward}.
   */
  embed(batch: TokenBatch, opts: EmbedOptions = {}): tf.Tensor2D {
    this.checkBatch(batch);
    return tf.tidy(() => {
      const drop = makeDropout(opts.training ?? false, opts.seed, 'TransformerEncoder.embed');
      const maskAdd = additiveMask(batch.attentionMask);
      const stack = this.modelType === 'albert' ? albertStack : bertStack;
      // pooler and cls read the first token only: the last layer computes just that row ([B, 1, H]).
      const firstOnly = this.pooling !== 'mean';
      const last = stack(this.get, this.config, this.embeddings(batch, drop), maskAdd, drop, undefined, firstOnly);
      if (this.pooling === 'pooler') return this.pool(last);
      return this.pooling === 'cls' ? firstToken(last) : maskedMean(last, batch.attentionMask);
    });
  }

  /** Frees every weight variable; later `forward`/`embed` calls throw. Calling it twice is harmless. */
  dispose(): void {
    if (this.disposed) return;
    for (const v of this.weights.values()) v.dispose();
    this.weights.clear();
    this.disposed = true;
  }
}

/** Create variables for every parameter of `config`'s layout (HF-style init, or zeros). */
export function buildEncoder(config: EncoderConfig, opts: BuildOptions = {}): TransformerEncoder {
  const init = opts.init ?? 'random';
  if (init !== 'random' && init !== 'zeros')
    throw new Error(`buildEncoder: 'init' must be 'random' or 'zeros'; got ${JSON.stringify(init)}.`);
  const trainable = opts.trainable ?? true;
  const weights = new Map<string, tf.Variable>();
  if (opts.seed !== undefined && !(Number.isInteger(opts.seed) && opts.seed >= 0)) {
    throw new Error(`buildEncoder: 'seed' must be a non-negative integer; got ${opts.seed}.`);
  }
  // One seed per variable, never 0: tf.randomNormal treats a seed of 0 as "no seed".
  let seed = opts.seed === undefined ? undefined : opts.seed * 4096 + 1;
  for (const [name, shape] of encoderLayout(config)) {
    const kind = init === 'zeros' ? 'zeros' : initKind(name);
    const value = tf.tidy(() =>
      kind === 'ones'
        ? tf.ones(shape)
        : kind === 'zeros'
          ? tf.zeros(shape)
          : tf.randomNormal(shape, 0, config.initializerRange, 'float32', seed === undefined ? undefined : seed++),
    );
    weights.set(name, tf.variable(value, trainable));
    value.dispose();
  }
  return new TransformerEncoder(config, weights, { pooling: opts.pooling, trainable });
}
