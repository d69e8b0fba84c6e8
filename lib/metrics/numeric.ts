/**
 * Reductions that reproduce numpy's floating-point results bit for bit:
 * `np.sum` of a contiguous float64 array uses pairwise summation (blocks of 8
 * accumulators up to 128 elements, then halving), so a plain left-to-right sum
 * can differ in the last bits. Metrics printed to 4 digits only need the exact
 * order on rare ties, but matching it costs nothing.
 */

const BLOCK = 128;

function pairwise(a: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= BLOCK) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = a[start + j];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
    let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(a, start, n2) + pairwise(a, start + n2, n - n2);
}

/** `np.sum(a)` for a 1-D float64 array. */
export function npSum(a: ArrayLike<number>): number {
  return pairwise(a, 0, a.length);
}

/** `np.mean(a)`; NaN for an empty array. */
export function npMean(a: ArrayLike<number>): number {
  return a.length === 0 ? NaN : npSum(a) / a.length;
}

/** `np.average(a, weights=w)` = sum(a * w) / sum(w). */
export function npWeightedAverage(a: ArrayLike<number>, w: ArrayLike<number>): number {
  const prod = Array.from(a, (v, i) => v * w[i]);
  return npSum(prod) / npSum(w);
}

/**
 * scikit-learn's `_nanaverage`: average ignoring NaNs; NaN when all are NaN;
 * with weights that sum to 0 over the non-NaN entries, the unweighted mean.
 */
export function nanAverage(a: readonly number[], weights?: readonly number[]): number {
  if (a.length === 0) return NaN;
  const keep = a.map((v) => !Number.isNaN(v));
  const count = keep.filter(Boolean).length;
  if (count === 0) return NaN;
  if (weights === undefined) {
    // numpy.nanmean: NaNs replaced by 0, summed over the whole array.
    return npSum(a.map((v) => (Number.isNaN(v) ? 0 : v))) / count;
  }
  const av = a.filter((_, i) => keep[i]);
  const wv = weights.filter((_, i) => keep[i]);
  if (npSum(wv) === 0) return npMean(av);
  return npWeightedAverage(av, wv);
}
