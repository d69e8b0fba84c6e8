/** Batch-hard triplet loss (sentence-transformers `BatchHardTripletLoss`). */
import * as tf from '@tensorflow/tfjs';
import { pairwiseDistances } from './distances';
import { anchorNegativeMask, anchorPositiveMask, toLabelTensor, type LabelsInput } from './masks';
import { resolveTripletOptions, type TripletLossOptions } from './options';
import { maxFirst, minFirst, zeroNegatives } from './reductions';

/**
 * Batch-hard triplet loss: for each anchor, its hardest positive and hardest negative.
 *
 * Args:
 *   labels: one integer label per row of `embeddings`, `[B]`.
 *   embeddings: `[B, D]` float32.
 *   options.margin: default 1.0. options.distance: 'euclidean' (default), 'squared' or 'cosine'.
 *
 * Definitions:
 *   - hardest positive of a: max d(a,p) over p != a with the same label (0 if none);
 *   - hardest negative of a: min d(a,n) over n with another label (when a has
 *     no negative, the reference's formula gives min_j d(a,j) + max_j d(a,j));
 *   - loss: mean over anchors of max(hardest positive - hardest negative + margin, 0).
 *
 * References:
 *   - Hermans, Beyer, Leibe (2017), In Defense of the Triplet Loss for Person
 *     Re-Identification, https://arxiv.org/abs/1703.07737
 *   - Source: sentence-transformers `losses/BatchHardTripletLoss.py`, itself
 *     from https://github.com/omoindrot/tensorflow-triplet-loss
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
 *   - {@link batchSemiHardTripletLoss} picks semi-hard negatives per pair instead of the hardest.
 *   - {@link batchAllTripletLoss} uses every valid triplet.
 *
 * Example:
 *   const loss = batchHardTripletLoss([0, 0, 1, 1], embeddings, { distance: 'squared' });
 */
export function batchHardTripletLoss(
  labels: LabelsInput,
  embeddings: tf.Tensor2D,
  options: TripletLossOptions = {},
): tf.Scalar {
  const { margin, distance } = resolveTripletOptions('batchHardTripletLoss', options);
  return tf.tidy(() => {
    const y = toLabelTensor('batchHardTripletLoss', labels, embeddings);
    const pdist = pairwiseDistances(embeddings, distance); // [B, B]
    const hardestPositive = maxFirst(anchorPositiveMask(y).mul(pdist) as tf.Tensor2D); // [B, 1]
    const maxAnchorNegative = maxFirst(pdist); // [B, 1]
    const anchorNegative = pdist.add(maxAnchorNegative.mul(tf.scalar(1).sub(anchorNegativeMask(y)))) as tf.Tensor2D;
    const hardestNegative = minFirst(anchorNegative); // [B, 1]
    return tf.mean(zeroNegatives(hardestPositive.sub(hardestNegative).add(margin))) as tf.Scalar;
  });
}
