/** Triplet losses for the siamese training (re-exports, plus a by-name factory). */
import type * as tf from '@tensorflow/tfjs';
import { batchAllTripletLoss } from './batch-all';
import { batchHardTripletLoss } from './batch-hard';
import { batchSemiHardTripletLoss } from './batch-semi-hard';
import type { LabelsInput } from './masks';
import { resolveTripletOptions, type TripletLossOptions } from './options';

export { batchAllTripletLoss } from './batch-all';
export { batchHardTripletLoss } from './batch-hard';
export { batchSemiHardTripletLoss, maskedMaximum, maskedMinimum } from './batch-semi-hard';
export {
  cosineDistances,
  euclideanDistances,
  l2Normalize,
  pairwiseDistances,
  safeSqrt,
  squaredEuclideanDistances,
  TRIPLET_DISTANCES,
  type TripletDistance,
} from './distances';
export { anchorNegativeMask, anchorPositiveMask, labelEqualMask, tripletMask, type LabelsInput } from './masks';
export { TRIPLET_CITATION, TRIPLET_LOSS_DEFAULTS, type TripletLossOptions } from './options';

/** The batch triplet losses by name: sentence-transformers' BatchSemiHard-, BatchHard- and BatchAllTripletLoss. */
export type TripletLossName = 'batch-semi-hard' | 'batch-hard' | 'batch-all';
/** The accepted {@link TripletLossName} values. */
export const TRIPLET_LOSS_NAMES: readonly TripletLossName[] = ['batch-semi-hard', 'batch-hard', 'batch-all'];
/** A triplet loss with its options bound: labels [B] and embeddings [B, D] -> scalar loss (caller disposes it). */
export type TripletLossFn = (labels: LabelsInput, embeddings: tf.Tensor2D) => tf.Scalar;

const LOSSES = {
  'batch-semi-hard': batchSemiHardTripletLoss,
  'batch-hard': batchHardTripletLoss,
  'batch-all': batchAllTripletLoss,
} as const;

/** A triplet loss by name with its options bound: `tripletLoss('batch-semi-hard', {margin: 1})(labels, embeddings)`. */
export function tripletLoss(name: TripletLossName, options: TripletLossOptions = {}): TripletLossFn {
  if (!(TRIPLET_LOSS_NAMES as readonly string[]).includes(name)) {
    throw new Error(
      `tripletLoss: 'name' must be one of ${TRIPLET_LOSS_NAMES.join(', ')}; got ${JSON.stringify(name)}.`,
    );
  }
  const resolved = resolveTripletOptions('tripletLoss', options);
  const fn = LOSSES[name];
  return (labels, embeddings) => fn(labels, embeddings, resolved);
}
