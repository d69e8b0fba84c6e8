/**
 * The study's siamese embedding model: encoder sentence vector (`pooled_output`)
 * → Dense(64, relu) → Dense(64) → L2-normalise, trained with a batch triplet
 * loss (semi-hard by default).
 */
import * as tf from '@tensorflow/tfjs';
import { tripletLoss, type TripletDistance, type TripletLossFn, type TripletLossName } from '../losses/index';
import type { EmbedOptions, Encoder, TokenBatch } from '../model/types';
import type { LabeledBatch, StepOutputs, TrainableModel } from '../train/types';
import { TRAINING_DEFAULTS } from './defaults';
import { Dense } from './dense';

/**
 * The siamese head's sizes, initialisation seed and triplet loss; defaults are the study's (TRAINING_DEFAULTS and
 * the options table: 64 hidden units, 64-wide embedding, semi-hard loss with margin 1.0 on Euclidean distances).
 */
export interface SiameseOptions {
  /** Units of the relu hidden layer (default 64). */
  hiddenUnits?: number;
  /** Size of the L2-normalised embedding (default 64). */
  embeddingSize?: number;
  /** Seed of the head's initialisation (default 0). */
  seed?: number;
  /** Triplet loss (default 'batch-semi-hard'). */
  loss?: TripletLossName;
  /** Triplet margin (default 1.0, the options table's `margin`). */
  margin?: number;
  /** Distance between embeddings (default 'euclidean'). */
  distance?: TripletDistance;
}

/** `x / sqrt(max(sum(x²), 1e-12))` per row, as `tf.math.l2_normalize`. */
export function l2NormalizeRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => x.mul(tf.rsqrt(tf.maximum(tf.sum(x.square(), 1, true), 1e-12))) as tf.Tensor2D);
}

/**
 * The study's siamese network: a shared encoder's sentence vector [B, H] -> Dense(64, relu) -> Dense(64) ->
 * L2-normalise, giving embeddings [B, E] trained with a batch triplet loss (semi-hard by default, as TensorFlow
 * Addons' `TripletSemiHardLoss` in the study; sentence-transformers' `BatchSemiHardTripletLoss`). "Siamese" because
 * every text of a batch goes through the same weights. Owns its encoder and head ({@link SiameseModel.dispose}).
 */
export class SiameseModel implements TrainableModel<LabeledBatch<TokenBatch>> {
  readonly encoder: Encoder;
  readonly dense1: Dense;
  readonly dense2: Dense;
  readonly options: Readonly<Required<SiameseOptions>>;
  private readonly loss: TripletLossFn;

  /**
   * Takes ownership of `encoder` (dispose() disposes it) and builds a new seeded head on its hidden size. Throws
   * on an unknown loss or distance, a margin that is not a finite number, or a size that is not a positive
   * integer.
   */
  constructor(encoder: Encoder, options: SiameseOptions = {}) {
    const d = TRAINING_DEFAULTS.siamese;
    this.options = {
      hiddenUnits: options.hiddenUnits ?? d.hiddenUnits,
      embeddingSize: options.embeddingSize ?? d.embeddingSize,
      seed: options.seed ?? 0,
      loss: options.loss ?? 'batch-semi-hard',
      margin: options.margin ?? d.margin,
      distance: options.distance ?? 'euclidean',
    };
    this.loss = tripletLoss(this.options.loss, { margin: this.options.margin, distance: this.options.distance });
    this.encoder = encoder;
    this.dense1 = new Dense({
      inputSize: encoder.hiddenSize,
      units: this.options.hiddenUnits,
      activation: 'relu',
      seed: `${this.options.seed}:dense1`,
    });
    this.dense2 = new Dense({
      inputSize: this.options.hiddenUnits,
      units: this.options.embeddingSize,
      seed: `${this.options.seed}:dense2`,
    });
  }

  /** Head on encoder sentence vectors: `[B, H]` -> L2-normalised `[B, E]`. */
  head(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => l2NormalizeRows(this.dense2.apply(this.dense1.apply(features))));
  }

  /** L2-normalised embeddings `[B, E]` of a token batch (dropout in the encoder when training, seeded by `seed`). */
  embed(tokens: TokenBatch, opts: EmbedOptions = {}): tf.Tensor2D {
    return tf.tidy(() => this.head(this.encoder.embed(tokens, opts)));
  }

  /** Triplet loss of a batch; `seed` seeds the encoder's dropout masks when training (see TrainableModel). */
  lossFn(batch: LabeledBatch<TokenBatch>, training: boolean, _outputs?: StepOutputs, seed?: string): tf.Scalar {
    return tf.tidy(() => this.loss(batch.labels, this.embed(batch.inputs, { training, seed })));
  }

  /**
   * The head's four variables by checkpoint name: `head.dense1.kernel` [H, 64], `head.dense1.bias`,
   * `head.dense2.kernel` [64, E], `head.dense2.bias` (the tensors themselves, not copies).
   */
  headWeights(): Map<string, tf.Variable> {
    return new Map([...this.dense1.namedWeights('head.dense1'), ...this.dense2.namedWeights('head.dense2')]);
  }

  /** The encoder's trainable variables (none when it is frozen), then the head's four, in a fixed order. */
  trainableVariables(): tf.Variable[] {
    return [...this.encoder.trainableVariables(), ...this.headWeights().values()];
  }

  /** `encoder.<HF name>` for the encoder's weights, `head.dense{1,2}.{kernel,bias}` for the head. */
  checkpointWeights(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [name, v] of this.encoder.weights) out.set(`encoder.${name}`, v);
    for (const [name, v] of this.headWeights()) out.set(name, v);
    return out;
  }

  /** Frees the head's variables and the encoder's. */
  dispose(): void {
    this.dense1.dispose();
    this.dense2.dispose();
    this.encoder.dispose();
  }
}
