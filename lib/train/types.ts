/** What the trainer needs from a model and from the data. */
import type * as tf from '@tensorflow/tfjs';

/** Extra outputs a model may report from a loss evaluation. */
export interface StepOutputs {
  /** Correct predictions in the batch (a kept scalar; the trainer disposes it). */
  correct?: tf.Scalar;
}

/** A batch on the device: model inputs, int32 labels `[B]`, and its row count. */
export interface LabeledBatch<X> {
  inputs: X;
  labels: tf.Tensor1D;
  size: number;
}

/**
 * What `train` (lib/train/trainer.ts) needs from a model: its variables, a scalar loss of a batch, and the
 * weights a checkpoint holds. lib/heads' SiameseModel, ClassifierHead and EncoderClassifier implement it.
 */
export interface TrainableModel<B> {
  /** Variables to optimise, always in the same order (the Adam state is stored in that order). */
  trainableVariables(): tf.Variable[];
  /**
   * Scalar loss of `batch`; may fill `outputs.correct` (kept) for accuracy. When `training`, `seed` seeds the
   * step's dropout masks (the trainer passes `${runSeed}:${step}`; models with dropout > 0 must use it).
   */
  lossFn(batch: B, training: boolean, outputs?: StepOutputs, seed?: string): tf.Scalar;
  /** Name -> variable of everything a checkpoint must hold to restore the model (includes the trainable variables). */
  checkpointWeights(): Map<string, tf.Variable>;
}
