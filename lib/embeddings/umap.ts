/**
 * UMAP to 2-D (umap-js), seeded: umap-js draws every random number (nearest-
 * neighbour trees, initialisation, negative sampling) from the `random`
 * function it is given, so a seeded PRNG makes the map reproducible.
 */
import { UMAP } from 'umap-js';
import { makeRandom } from '../data/rng';
import { checkVectors, type Vectors } from './vectors';

/** Settings of {@link umap}, named as umap-learn's (`n_components`, `n_neighbors`, `min_dist`, `n_epochs`). */
export interface UmapOptions {
  /** PRNG seed (default 42). */
  seed?: number | string;
  /** Output dimensions (default 2). */
  nComponents?: number;
  /** Neighbourhood size (default 15, as umap-learn). */
  nNeighbors?: number;
  /** Minimum distance between embedded points (default 0.1). */
  minDist?: number;
  /** Optimisation epochs (default: umap-js chooses, 500 for small data, 200 for large). */
  nEpochs?: number;
  /** Distance in the input space (default 'euclidean'; 'cosine' for unnormalised embeddings). */
  metric?: 'euclidean' | 'cosine';
}

function cosineDistance(a: number[], b: number[]): number {
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  const denom = Math.sqrt(aa * bb);
  return denom === 0 ? 1 : 1 - ab / denom;
}

/** Embed `x` [N, D] into [N, nComponents] with UMAP; the same seed gives the same map. */
export function umap(x: Vectors, options: UmapOptions = {}): number[][] {
  const fn = 'umap';
  checkVectors(fn, 'x', x);
  const nNeighbors = options.nNeighbors ?? 15;
  if (!Number.isInteger(nNeighbors) || nNeighbors < 2 || nNeighbors >= x.length) {
    throw new Error(`${fn}: 'nNeighbors' must be an integer in [2, N - 1 = ${x.length - 1}]; got ${nNeighbors}.`);
  }
  const metric = options.metric ?? 'euclidean';
  if (metric !== 'euclidean' && metric !== 'cosine')
    throw new Error(`${fn}: 'metric' must be 'euclidean' or 'cosine'; got ${JSON.stringify(metric)}.`);
  const random = makeRandom(`umap:${options.seed ?? 42}`);
  const model = new UMAP({
    nComponents: options.nComponents ?? 2,
    nNeighbors,
    minDist: options.minDist ?? 0.1,
    ...(options.nEpochs !== undefined ? { nEpochs: options.nEpochs } : {}),
    ...(metric === 'cosine' ? { distanceFn: cosineDistance } : {}),
    random,
  });
  return model.fit(x.map((row) => Array.from(row)));
}
