/**
 * Batch semi-hard triplet loss: a port of TensorFlow Addons'
 * `TripletSemiHardLoss` as sentence-transformers' `BatchSemiHardTripletLoss`
 * implements it (the study's loss).
 */
import * as tf from '@tensorflow/tfjs';
import { pairwiseDistances } from './distances';
import { labelEqualMask, toLabelTensor, type LabelsInput } from './masks';
import { resolveTripletOptions, type TripletLossOptions } from './options';
import { maxFirst, maximumZero, minFirst } from './reductions';

/** Row-wise minimum of `data` over the entries where `mask` is 1 (`[R, 1]`); the row maximum when the mask is empty. */
export function maskedMinimum(data: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const axisMaximums = maxFirst(data); // [R, 1]
    return minFirst(data.sub(axisMaximums).mul(mask) as tf.Tensor2D).add(axisMaximums) as tf.Tensor2D;
  });
}

/** Row-wise maximum of `data` over the entries where `mask` is 1 (`[R, 1]`); the row minimum when the mask is empty. */
export function maskedMaximum(data: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const axisMinimums = minFirst(data); // [R, 1]
    return maxFirst(data.sub(axisMinimums).mul(mask) as tf.Tensor2D).add(axisMinimums) as tf.Tensor2D;
  });
}

/**
 * Batch semi-hard triplet loss over all anchor-positive pairs of a batch.
 *
 * Args:
 *   labels: one integer label per row of `embeddings`, `[B]`.
 *   embeddings: `[B, D]` float32 (the study L2-normalises them first).
 *   options.margin: default 1.0. options.distance: 'euclidean' (default), 'squared' or 'cosine'.
 *
 * Definitions (for an anchor a, a positive p of the same label, a negative n):
 *   - easy triplets: d(a,n) > d(a,p) + margin (loss 0);
 *   - semi-hard triplets: d(a,p) < d(a,n) < d(a,p) + margin;
 *   - hard triplets: d(a,n) < d(a,p).
 *   For every pair (a, p), the negative is the closest one farther than p
 *   (semi-hard); when there is none, the farthest negative of a. The loss is
 *   `max(d(a,p) - d(a,n) + margin, 0)` averaged over all pairs (a, p).
 *
 * Degenerate batches follow the reference exactly: a batch of one class has no
 * negatives, so the "farthest negative" falls back to the row minimum (0, the
 * anchor itself) and the loss is mean(d(a,p)) + margin, not 0; a batch without
 * any positive pair gives 0 (sum 0 divided by max(0, 1e-16)).
 *
 * References:
 *   - FaceNet: Schroff, Kalenichenko, Philbin (2015), https://arxiv.org/abs/1503.03832
 *   - Source: TensorFlow Addons `tfa.losses.TripletSemiHardLoss`;
 *     sentence-transformers `losses/BatchSemiHardTripletLoss.py` (the port
 *     whose source is in `test/fixtures/triplet_losses.json`).
 *
 * Requirements:
 *   1. Each sampled label should have at least 2 examples in the batch.
 *
 * Inputs:
 *   | embeddings | labels |
 *   | `[B, D]` float | `[B]` integer class ids |
 *
 * Recommendations:
 *   - Use the P×K label-aware sampler (`lib/train/sampler`) so that every
 *     anchor has positives; random batches leave many anchors without one.
 *
 * Relations:
 *   - {@link batchHardTripletLoss} uses only the hardest positive and negative per anchor.
 *   - {@link batchAllTripletLoss} averages over all valid triplets with a positive loss.
 *
 * Gradients: masks use `tf.step` (zero gradient); row extrema send their
 * gradient to the first extreme element and `max(t, 0)` gives half the
 * gradient at exactly 0, as PyTorch does.
 *
 * Example:
 *   const loss = batchSemiHardTripletLoss([0, 0, 1, 1], tf.tensor2d([[0, 1], [0, 0.9], [1, 0], [0.8, 0.1]]));
 */
export function batchSemiHardTripletLoss(
  labels: LabelsInput,
  embeddings: tf.Tensor2D,
  options: TripletLossOptions = {},
): tf.Scalar {
  const { margin, distance } = resolveTripletOptions('batchSemiHardTripletLoss', options);
  return tf.tidy(() => {
    const y = toLabelTensor('batchSemiHardTripletLoss', labels, embeddings);
    const b = y.size;
    const pdist = pairwiseDistances(embeddings, distance); // [B, B]
    const adjacency = labelEqualMask(y); // [B, B]
    const adjacencyNot = tf.scalar(1).sub(adjacency) as tf.Tensor2D;

    // Row k*B + a of the tiles is anchor a against positive candidate k.
    const pdistTile = tf.tile(pdist, [b, 1]) as tf.Tensor2D; // [B*B, B]
    const pdistCol = pdist.transpose().reshape([b * b, 1]); // [B*B, 1]: pdist[a, k]
    const mask = tf.tile(adjacencyNot, [b, 1]).mul(tf.step(pdistTile.sub(pdistCol))) as tf.Tensor2D; // [B*B, B]
    const maskFinal = tf
      .step(tf.sum(mask, 1, true))
      .reshape([b, b])
      .transpose(); // [B, B] -> [a, k]

    const negativesOutside = maskedMinimum(pdistTile, mask).reshape([b, b]).transpose(); // [B, B] -> [a, k]
    const negativesInside = tf.tile(maskedMaximum(pdist, adjacencyNot), [1, b]); // [B, 1] -> [B, B]
    const semiHardNegatives = maskFinal.mul(negativesOutside).add(tf.scalar(1).sub(maskFinal).mul(negativesInside));

    const lossMat = pdist.sub(semiHardNegatives).add(margin); // [B, B]
    const maskPositives = adjacency.sub(tf.eye(b));
    const numPositives = tf.sum(maskPositives);
    return tf.sum(maximumZero(lossMat.mul(maskPositives))).div(tf.maximum(numPositives, 1e-16)) as tf.Scalar;
  });
}
