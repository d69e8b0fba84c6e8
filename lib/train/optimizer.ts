/** The optimizer every training uses. */
import * as tf from '@tensorflow/tfjs';

/** Adam with Keras' defaults (beta1 0.9, beta2 0.999, epsilon 1e-7). */
export function makeAdam(learningRate: number): tf.AdamOptimizer {
  if (!(typeof learningRate === 'number' && learningRate > 0 && Number.isFinite(learningRate))) {
    throw new Error(`makeAdam: 'learningRate' must be a positive number; got ${String(learningRate)}.`);
  }
  return tf.train.adam(learningRate, 0.9, 0.999, 1e-7);
}
