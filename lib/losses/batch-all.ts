/** Batch-all triplet loss (sentence-transformers `BatchAllTripletLoss`). */
import * as tf from '@tensorflow/tfjs';
import { pairwiseDistances } from './distances';
import { toLabelTensor, tripletMask, type LabelsInput } from './masks';
import { resolveTripletOptions, type TripletLossOptions } from './options';
import { zeroNegatives } from './reductions';

/**
 * Batch-all triplet loss: every valid triplet (a, p, n) of the batch.
 *
 * Args:
 *   labels: one integer label per row of `embeddings`, `[B]`.
 *   embeddings: `[B, D]` float32.
 *   options.margin: default 1.0. options.distance: 'euclidean' (default), 'squared' or 'cosine'.
 *
 * Definitions:
 *   - valid triplet: a, p, n distinct, label(a) == label(p) != label(n);
 *   - loss: sum over valid triplets of max(d(a,p) - d(a,n) + margin, 0),
 *     divided by the number of triplets with a loss > 1e-16 (plus 1e-16), so
 *     easy triplets do not dilute the average. Memory is O(B³).
 *
 * References:
 *   - Hermans, Beyer, Leibe (2017), https://arxiv.org/abs/1703.07737
 *   - Source: sentence-transformers `losses/BatchAllTripletLoss.py`.
 *
 * Requirements:
 *   1. Each sampled label should have at least 2 examples in the batch.
 *
 * Inputs:
 *   | embeddings | labels |
 *   | `[B, D]` float | `[B]` integer class ids |
 *
 * Recommendations:
 *   - Use the P×K label-aware sampler (`lib/train/sampler`).
 *
 * Relations:
 *   - {@link batchHardTripletLoss} and {@link batchSemiHardTripletLoss} select one negative per anchor or pair.
 *
 * Example:
 *   const loss = batchAllTripletLoss([0, 0, 1, 1], embeddings);
 */
export function batchAllTripletLoss(
  labels: LabelsInput,
  embeddings: tf.Tensor2D,
  options: TripletLossOptions = {},
): tf.Scalar {
  const { margin, distance } = resolveTripletOptions('batchAllTripletLoss', options);
  return tf.tidy(() => {
    const y = toLabelTensor('batchAllTripletLoss', labels, embeddings);
    const pdist = pairwiseDistances(embeddings, distance); // [B, B]
    const raw = pdist.expandDims(2).sub(pdist.expandDims(1)).add(margin); // [B, B, 1] - [B, 1, B] -> [B, B, B]
    const losses = zeroNegatives(tripletMask(y).mul(raw));
    const numPositive = tf.sum(tf.step(losses.sub(1e-16))); // count of losses > 1e-16 (zero gradient)
    return tf.sum(losses).div(numPositive.add(1e-16)) as tf.Scalar;
  });
}
