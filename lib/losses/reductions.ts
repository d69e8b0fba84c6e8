/**
 * Reductions and clamps with PyTorch's gradient semantics, built only from ops
 * that have TF.js gradients (no `tf.where` on masks derived from the
 * differentiated tensor: Greater/Equal have no gradient in TF.js).
 *
 * - `torch.max(x, dim)` / `torch.min(x, dim)` send the whole gradient to the
 *   *first* extreme element of each row; `tf.max` / `tf.min` share it among
 *   all tied elements. Ties are common here (duplicate points, masked zeros),
 *   so the losses use {@link maxFirst} / {@link minFirst}.
 * - `t[t < 0] = 0` keeps the gradient where `t >= 0` ({@link zeroNegatives});
 *   `torch.max(t, tensor(0))` gives half the gradient at `t == 0`
 *   ({@link maximumZero}).
 */
import * as tf from '@tensorflow/tfjs';

function selectFirst(x: tf.Tensor2D, index: tf.Tensor1D): tf.Tensor2D {
  const oneHot = tf.oneHot(index, x.shape[1]).cast('float32'); // [R, C], no gradient path
  return tf.sum(x.mul(oneHot), 1, true) as tf.Tensor2D; // [R, 1]
}

/** Row maxima `[R, 1]` of `x` `[R, C]`; the gradient goes to the first maximal element. */
export function maxFirst(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => selectFirst(x, tf.argMax(x, 1) as tf.Tensor1D));
}

/** Row minima `[R, 1]` of `x` `[R, C]`; the gradient goes to the first minimal element. */
export function minFirst(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => selectFirst(x, tf.argMin(x, 1) as tf.Tensor1D));
}

/** `t[t < 0] = 0` as in PyTorch: value `max(t, 0)`, gradient passed where `t >= 0`. */
export function zeroNegatives<T extends tf.Tensor>(t: T): T {
  return tf.tidy(() => {
    const keep = tf.scalar(1).sub(tf.step(t.neg())); // 1 where t >= 0 (step has a zero gradient)
    return t.mul(keep) as T;
  });
}

/** `torch.max(t, tensor(0.))`: value `max(t, 0)`; gradient 1 where t > 0, 1/2 at t == 0, 0 below. */
export function maximumZero<T extends tf.Tensor>(t: T): T {
  return tf.tidy(() => {
    const above = tf.step(t); // 1 where t > 0
    const notBelow = tf.scalar(1).sub(tf.step(t.neg())); // 1 where t >= 0
    return t.mul(above.add(notBelow).mul(0.5)) as T;
  });
}
