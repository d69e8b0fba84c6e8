/**
 * Cluster-quality numbers for embeddings, so encoders can be compared by a
 * number and not only a picture: the silhouette score (scikit-learn's
 * `silhouette_score`) and k-nearest-neighbour classification accuracy.
 */
import { CosineIndex } from './neighbours';
import { checkVectors, flatten, l2NormalizeRows, rowDot, type Vectors } from './vectors';
import { makeRandom, shuffleInPlace } from '../data/rng';

/** A vector's class: a number or a string (compared with ===). */
export type ClusterLabel = number | string;
/** Distance between vectors, as scikit-learn's `metric`: Euclidean, or cosine distance 1 - cosine similarity. */
export type DistanceMetric = 'euclidean' | 'cosine';

function checkLabels(fn: string, x: Vectors, labels: readonly ClusterLabel[]): void {
  if (!Array.isArray(labels) || labels.length !== x.length) {
    throw new Error(
      `${fn}: 'labels' must have one label per vector (${x.length}); got ` +
        `${Array.isArray(labels) ? labels.length : typeof labels}.`,
    );
  }
}

/**
 * Silhouette coefficient of every sample: (b - a) / max(a, b), with a the mean
 * distance to the other members of its cluster and b the lowest mean distance
 * to another cluster; 0 for a sample alone in its cluster (scikit-learn's
 * `silhouette_samples`). Cosine distance is 1 - cosine similarity.
 */
export function silhouetteSamples(
  x: Vectors,
  labels: readonly ClusterLabel[],
  options: { metric?: DistanceMetric } = {},
): number[] {
  const fn = 'silhouetteSamples';
  checkVectors(fn, 'x', x);
  checkLabels(fn, x, labels);
  const metric = options.metric ?? 'euclidean';
  if (metric !== 'euclidean' && metric !== 'cosine')
    throw new Error(`${fn}: 'metric' must be 'euclidean' or 'cosine'; got ${JSON.stringify(metric)}.`);
  const classes = [...new Set(labels)];
  const nLabels = classes.length;
  if (nLabels < 2 || nLabels > x.length - 1) {
    throw new Error(
      `${fn}: number of labels is ${nLabels}; valid values are 2 to n_samples - 1 (inclusive) = ${x.length - 1}.`,
    );
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const cls = labels.map((l) => index.get(l)!);
  const sizes = new Array<number>(nLabels).fill(0);
  for (const c of cls) sizes[c]++;
  const m = flatten(metric === 'cosine' ? l2NormalizeRows(x) : x);
  const n = m.n;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) sq[i] = rowDot(m, i, m, i);
  // sums[i * nLabels + c]: total distance from sample i to the members of cluster c.
  // Each pair is computed once (symmetry); distances as scikit-learn's pairwise_distances:
  // euclidean sqrt(max(|x|² - 2x·y + |y|², 0)), cosine clip(1 - x·y, 0, 2), diagonal 0.
  const sums = new Float64Array(n * nLabels);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const xy = rowDot(m, i, m, j);
      const dist =
        metric === 'cosine' ? Math.min(2, Math.max(0, 1 - xy)) : Math.sqrt(Math.max(sq[i] - 2 * xy + sq[j], 0));
      sums[i * nLabels + cls[j]] += dist;
      sums[j * nLabels + cls[i]] += dist;
    }
  }
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const own = cls[i];
    if (sizes[own] <= 1) {
      out[i] = 0;
      continue;
    }
    const a = sums[i * nLabels + own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < nLabels; c++) if (c !== own) b = Math.min(b, sums[i * nLabels + c] / sizes[c]);
    const s = (b - a) / Math.max(a, b);
    out[i] = Number.isNaN(s) ? 0 : s;
  }
  return out;
}

/**
 * Mean silhouette coefficient in [-1, 1] (higher: tighter, better separated
 * clusters). O(N²·D): for large N pass `sampleSize` (a seeded random subset,
 * as scikit-learn's `sample_size`).
 */
export function silhouetteScore(
  x: Vectors,
  labels: readonly ClusterLabel[],
  options: { metric?: DistanceMetric; sampleSize?: number; seed?: number | string } = {},
): number {
  let xs = x;
  let ls = labels;
  if (options.sampleSize !== undefined && options.sampleSize < x.length) {
    checkLabels('silhouetteScore', x, labels);
    const idx = shuffleInPlace(
      x.map((_, i) => i),
      makeRandom(`silhouette:${options.seed ?? 42}`),
    ) as number[];
    const pick = idx.slice(0, options.sampleSize);
    xs = pick.map((i) => x[i]);
    ls = pick.map((i) => labels[i]);
  }
  const s = silhouetteSamples(xs, ls, { metric: options.metric });
  return s.reduce((a, v) => a + v, 0) / s.length;
}

/** The most frequent label; ties go to the smallest label (as scikit-learn's KNeighborsClassifier). */
export function majorityLabel(labels: readonly ClusterLabel[]): ClusterLabel {
  const counts = new Map<ClusterLabel, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let best: ClusterLabel | undefined;
  let bestCount = -1;
  for (const [l, c] of counts) {
    if (c > bestCount || (c === bestCount && best !== undefined && l < best)) {
      best = l;
      bestCount = c;
    }
  }
  return best!;
}

/** The vote size and the query set of {@link knnAccuracy}. */
export interface KnnAccuracyOptions {
  /** Neighbours that vote (default 5). */
  k?: number;
  /** Query set: without it, leave-one-out on the reference set. */
  queries?: Vectors;
  /** One label per query; required with `queries`. */
  queryLabels?: readonly ClusterLabel[];
}

/**
 * Accuracy of a k-nearest-neighbour vote (cosine similarity, uniform weights):
 * each query takes the majority label of its k nearest reference vectors.
 * Without `queries`, leave-one-out on the reference set (each vector votes
 * among the others). E.g. train embeddings as reference, validation as queries.
 */
export function knnAccuracy(
  reference: Vectors,
  referenceLabels: readonly ClusterLabel[],
  options: KnnAccuracyOptions = {},
): number {
  const fn = 'knnAccuracy';
  const index = new CosineIndex(reference);
  checkLabels(fn, reference, referenceLabels);
  const k = options.k ?? 5;
  const looN = reference.length - 1;
  if (!Number.isInteger(k) || k < 1 || k > (options.queries ? reference.length : looN)) {
    throw new Error(`${fn}: 'k' must be an integer in [1, ${options.queries ? reference.length : looN}]; got ${k}.`);
  }
  let queries: Vectors;
  let queryLabels: readonly ClusterLabel[];
  if (options.queries) {
    checkVectors(fn, 'queries', options.queries);
    if (!options.queryLabels || options.queryLabels.length !== options.queries.length) {
      throw new Error(
        `${fn}: 'queryLabels' must have one label per query (${options.queries.length}); got ` +
          `${options.queryLabels?.length ?? 'none'}.`,
      );
    }
    queries = options.queries;
    queryLabels = options.queryLabels;
  } else {
    queries = reference;
    queryLabels = referenceLabels;
  }
  let correct = 0;
  queries.forEach((q, i) => {
    const nn = index.search(q, k, options.queries ? {} : { exclude: i });
    if (majorityLabel(nn.map((n) => referenceLabels[n.index])) === queryLabels[i]) correct++;
  });
  return correct / queries.length;
}
