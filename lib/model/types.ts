/**
 * The Encoder contract shared by the model, training and evaluation code. Keep it stable.
 */
import * as tf from '@tensorflow/tfjs';

/** How `embed` turns token states into a sentence vector. */
export type Pooling = 'pooler' | 'cls' | 'mean';
/** The accepted {@link Pooling} values (`--pooling`'s choices). */
export const POOLINGS: readonly Pooling[] = ['pooler', 'cls', 'mean'];

/** A tokenised batch on the device: int32 [B, T] each. */
export interface TokenBatch {
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  tokenTypeIds: tf.Tensor2D;
}

/**
 * What {@link Encoder.forward} returns, named as Hugging Face's `BaseModelOutputWithPooling`; the caller owns the
 * tensors.
 */
export interface EncoderOutput {
  /** [B, T, H] */
  lastHiddenState: tf.Tensor3D;
  /** [B, H] the tanh pooler over the first token (BERT/ALBERT `pooler_output`). */
  pooledOutput: tf.Tensor2D;
  /** The embedding output ([0], after ALBERT's embedding_hidden_mapping_in) and one [B, T, H] per layer. */
  hiddenStates?: tf.Tensor3D[];
}

/** Per-call options of {@link Encoder.embed}: training mode (dropout on) and the seed of its dropout masks. */
export interface EmbedOptions {
  /** Apply dropout as configured (default false). */
  training?: boolean;
  /**
   * Seed of this pass's dropout masks (mask i uses `${seed}:${i}`); required when training with dropout > 0.
   * The trainer passes one per optimizer step, derived from the run's seed and the step.
   */
  seed?: number | string;
}

/** Per-call options of {@link Encoder.forward}: those of `embed`, plus whether to return every layer's states. */
export interface ForwardOptions extends EmbedOptions {
  /** Also return `hiddenStates` (HF's `output_hidden_states`; default false). */
  outputHiddenStates?: boolean;
}

/**
 * The encoder contract that heads, training and evaluation use (implemented by `TransformerEncoder`): token
 * batches int32 [B, T] in, token states [B, T, H] or sentence vectors [B, H] out, variables keyed by Hugging Face
 * checkpoint names.
 */
export interface Encoder {
  readonly modelType: 'albert' | 'bert';
  readonly hiddenSize: number;
  readonly pooling: Pooling;
  /** Frozen encoders (false) expose no trainable variables. */
  trainable: boolean;
  /** HF checkpoint names (without 'albert.'/'bert.' prefix) -> variables. */
  readonly weights: Map<string, tf.Variable>;
  trainableVariables(): tf.Variable[];
  forward(batch: TokenBatch, opts?: ForwardOptions): EncoderOutput;
  /**
   * [B, H] sentence vector according to `pooling` ('pooler' = tanh pooler, 'cls' = first token, 'mean' = masked
   * mean).
   */
  embed(batch: TokenBatch, opts?: EmbedOptions): tf.Tensor2D;
  dispose(): void;
}
