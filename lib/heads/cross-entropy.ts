/** Sparse categorical cross-entropy with optional class weights, and accuracy counts. */
import * as tf from '@tensorflow/tfjs';

/** How per-sample losses become the loss (see {@link CrossEntropyOptions.reduction}). */
export type CrossEntropyReduction = 'mean' | 'weighted-mean' | 'none';

/** Class weights and reduction of {@link sparseCategoricalCrossentropy}, as Keras' loss and `class_weight`. */
export interface CrossEntropyOptions {
  /**
   * Per-class weights `[C]`; each sample is weighted by `classWeights[label]`,
   * as Keras `fit(class_weight=...)` does.
   */
  classWeights?: ArrayLike<number>;
  /**
   * - 'mean' (default, Keras' `sum_over_batch_size`): sum_i w_i·ce_i / B;
   * - 'weighted-mean': sum_i w_i·ce_i / sum_i w_i;
   * - 'none': the `[B]` weighted per-sample losses.
   */
  reduction?: CrossEntropyReduction;
}

/**
 * Cross-entropy of integer `labels` `[B]` under `logits` `[B, C]` (softmax
 * applied here, via logSoftmax for stability: Keras clips probabilities at
 * 1e-7 instead, which only differs for near-certain wrong predictions).
 */
export function sparseCategoricalCrossentropy(
  labels: tf.Tensor1D,
  logits: tf.Tensor2D,
  options: CrossEntropyOptions = {},
): tf.Tensor {
  const reduction = options.reduction ?? 'mean';
  if (!['mean', 'weighted-mean', 'none'].includes(reduction)) {
    throw new Error(
      `sparseCategoricalCrossentropy: 'reduction' must be one of mean, weighted-mean, none; got ` +
        `${JSON.stringify(reduction)}.`,
    );
  }
  const [b, c] = logits.shape;
  if (labels.rank !== 1 || labels.shape[0] !== b) {
    throw new Error(
      `sparseCategoricalCrossentropy: 'labels' must be [${b}] like the logits' batch; got [${labels.shape}].`,
    );
  }
  if (options.classWeights && options.classWeights.length !== c) {
    throw new Error(
      `sparseCategoricalCrossentropy: 'classWeights' must have one weight per class (${c}); got ` +
        `${options.classWeights.length}.`,
    );
  }
  return tf.tidy(() => {
    const y = labels.cast('int32');
    const onehot = tf.oneHot(y, c).cast('float32'); // [B, C]
    const perSample = tf.neg(tf.sum(onehot.mul(tf.logSoftmax(logits)), 1)); // [B]
    const weights = options.classWeights
      ? tf.gather(tf.tensor1d(Array.from(options.classWeights)), y)
      : tf.onesLike(perSample); // [B]
    const weighted = perSample.mul(weights);
    if (reduction === 'none') return weighted;
    if (reduction === 'mean') return tf.sum(weighted).div(b);
    return tf.sum(weighted).div(tf.maximum(tf.sum(weights), 1e-12));
  });
}

/** Number of rows whose argmax over `logits` `[B, C]` equals the label (a float32 scalar). */
export function correctCount(labels: tf.Tensor1D, logits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.equal(tf.argMax(logits, 1), labels.cast('int32')).cast('float32')) as tf.Scalar);
}
