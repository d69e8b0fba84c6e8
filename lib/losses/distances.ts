/**
 * Pairwise distance matrices for the triplet losses (sentence-transformers'
 * `BatchHardTripletLossDistanceFunction`).
 *
 * Euclidean distances are computed from row differences, so duplicate points
 * get an exact 0 (the reference's `|a|² - 2a·b + |b|²` is exact in float64,
 * but in float32 it leaves ±1e-8 residues whose square roots have huge
 * gradients). Then, as the reference does, zero entries get `1e-16` added
 * before the square root and are multiplied back to 0, so their gradient is
 * exactly 0 (no NaN from `sqrt'(0)`).
 */
import * as tf from '@tensorflow/tfjs';

/**
 * The distance a triplet loss compares: plain Euclidean (the study's), squared Euclidean, or cosine distance
 * 1 - cos (sentence-transformers' `eucledian_distance`, `squared` flag and `cosine_distance`).
 */
export type TripletDistance = 'euclidean' | 'squared' | 'cosine';
/** The accepted {@link TripletDistance} values. */
export const TRIPLET_DISTANCES: readonly TripletDistance[] = ['euclidean', 'squared', 'cosine'];

/** `distance` as a {@link TripletDistance}; otherwise throws `<fn>: 'distance' must be one of …; got <value>.` */
export function checkDistance(fn: string, distance: unknown): TripletDistance {
  if ((TRIPLET_DISTANCES as readonly unknown[]).includes(distance)) return distance as TripletDistance;
  throw new Error(`${fn}: 'distance' must be one of ${TRIPLET_DISTANCES.join(', ')}; got ${JSON.stringify(distance)}.`);
}

/** `sqrt(x)` with value and gradient 0 where `x == 0` (x must be >= 0). */
export function safeSqrt<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => {
    const zero = tf.scalar(1).sub(tf.step(x)); // 1 where x == 0; step has a zero gradient
    return tf
      .scalar(1)
      .sub(zero)
      .mul(tf.sqrt(x.add(zero.mul(1e-16)))) as T;
  });
}

/** Squared Euclidean distances `[B, B]` between the rows of `embeddings` `[B, D]`; >= 0, exact 0 on duplicates. */
export function squaredEuclideanDistances(embeddings: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const diff = embeddings.expandDims(1).sub(embeddings.expandDims(0)); // [B, 1, D] - [1, B, D] -> [B, B, D]
    return tf.sum(diff.square(), 2) as tf.Tensor2D; // [B, B]
  });
}

/** Euclidean distances `[B, B]` (sentence-transformers `eucledian_distance(squared=False)`). */
export function euclideanDistances(embeddings: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => safeSqrt(squaredEuclideanDistances(embeddings)));
}

/** L2-normalise rows like `torch.nn.functional.normalize` (divides by `max(|x|, eps)`). */
export function l2Normalize(x: tf.Tensor2D, eps = 1e-12): tf.Tensor2D {
  return tf.tidy(() => {
    const norm = safeSqrt(tf.sum(x.square(), 1, true)); // [B, 1]
    return x.div(tf.maximum(norm, eps)) as tf.Tensor2D;
  });
}

/** Cosine distances `1 - cos(a, b)` `[B, B]` (sentence-transformers `cosine_distance`). */
export function cosineDistances(embeddings: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const n = l2Normalize(embeddings); // [B, D]
    return tf.scalar(1).sub(tf.matMul(n, n, false, true)) as tf.Tensor2D; // [B, B]
  });
}

/** The `[B, B]` distance matrix for a {@link TripletDistance}. */
export function pairwiseDistances(embeddings: tf.Tensor2D, distance: TripletDistance = 'euclidean'): tf.Tensor2D {
  switch (checkDistance('pairwiseDistances', distance)) {
    case 'euclidean':
      return euclideanDistances(embeddings);
    case 'squared':
      return squaredEuclideanDistances(embeddings);
    case 'cosine':
      return cosineDistances(embeddings);
  }
}
