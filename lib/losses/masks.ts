/**
 * Label masks for the triplet losses (sentence-transformers'
 * `get_anchor_positive_triplet_mask`, `get_anchor_negative_triplet_mask`,
 * `get_triplet_mask`), as float32 0/1 tensors. They depend only on the labels,
 * so they are off the gradient path.
 */
import * as tf from '@tensorflow/tfjs';

/** One integer label per embedding row, [B]: a 1-D tensor (any dtype, cast to int32) or a plain array. */
export type LabelsInput = tf.Tensor1D | ArrayLike<number>;

/** Labels as an int32 `[B]` tensor, checked against the batch size of `embeddings`. */
export function toLabelTensor(fn: string, labels: LabelsInput, embeddings: tf.Tensor): tf.Tensor1D {
  if (embeddings.rank !== 2) {
    throw new Error(
      `${fn}: 'embeddings' must be a 2-D tensor [batch, dim]; got shape [${embeddings.shape.join(', ')}].`,
    );
  }
  const n = labels instanceof tf.Tensor ? labels.size : labels.length;
  if ((labels instanceof tf.Tensor && labels.rank !== 1) || n !== embeddings.shape[0]) {
    const got = labels instanceof tf.Tensor ? `shape [${labels.shape.join(', ')}]` : `${n} labels`;
    throw new Error(
      `${fn}: 'labels' must be 1-D with one label per embedding row (${embeddings.shape[0]}); got ${got}.`,
    );
  }
  return labels instanceof tf.Tensor ? labels.cast('int32') : tf.tensor1d(Array.from(labels), 'int32');
}

/** `[B, B]`: 1 where labels[i] == labels[j]. */
export function labelEqualMask(labels: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => tf.equal(labels.expandDims(1), labels.expandDims(0)).cast('float32') as tf.Tensor2D);
}

/** `[B, B]`: 1 where i != j and labels[i] == labels[j] (a valid anchor-positive pair). */
export function anchorPositiveMask(labels: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => labelEqualMask(labels).sub(tf.eye(labels.size)) as tf.Tensor2D);
}

/** `[B, B]`: 1 where labels[i] != labels[k] (a valid anchor-negative pair). */
export function anchorNegativeMask(labels: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => tf.scalar(1).sub(labelEqualMask(labels)) as tf.Tensor2D);
}

/** `[B, B, B]`: 1 where (i, j, k) is a valid triplet: i, j, k distinct, labels[i] == labels[j] != labels[k]. */
export function tripletMask(labels: tf.Tensor1D): tf.Tensor3D {
  return tf.tidy(() => {
    const b = labels.size;
    const notEye = tf.scalar(1).sub(tf.eye(b)); // [B, B]
    const distinct = notEye.expandDims(2).mul(notEye.expandDims(1)).mul(notEye.expandDims(0)); // [B, B, B]
    const equal = labelEqualMask(labels);
    const valid = equal.expandDims(2).mul(tf.scalar(1).sub(equal).expandDims(1)); // i~j: [B, B, 1], i!~k: [B, 1, B]
    return valid.mul(distinct) as tf.Tensor3D;
  });
}
