/**
 * PCA to a few dimensions (default 2), deterministic: principal axes come from
 * the eigen-decomposition of the covariance matrix (subspace iteration, then
 * Jacobi on the small projected matrix), and each axis's sign is fixed as
 * scikit-learn's `svd_flip(u_based_decision=False)`: its largest-magnitude
 * coefficient is positive. Coordinates then equal sklearn's PCA().fit_transform.
 */
import { checkVectors, dot, type Vectors } from './vectors';

export interface PcaResult {
  /** Projected data [N, k]. */
  coordinates: number[][];
  /** Principal axes [k, D], unit length. */
  components: number[][];
  /** Column means [D] subtracted before projecting. */
  mean: number[];
  /** Variance along each axis [k] (ddof 1, as scikit-learn). */
  explainedVariance: number[];
  /** Fraction of the total variance along each axis [k]. */
  explainedVarianceRatio: number[];
}

/** Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations. */
function jacobiEigen(a: number[][]): { values: number[]; vectors: number[][] } {
  const n = a.length;
  const m = a.map((r) => r.slice());
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p][q] * m[p][q];
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(m[p][q]) < 1e-300) continue;
        const theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k][p], mkq = m[k][q];
          m[k][p] = c * mkp - s * mkq;
          m[k][q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p][k], mqk = m[q][k];
          m[p][k] = c * mpk - s * mqk;
          m[q][k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p], vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: m.map((r, i) => r[i]), vectors: Array.from({ length: n }, (_, j) => v.map((r) => r[j])) };
}

/** Orthonormalise columns in place (modified Gram-Schmidt); q is [p][D]. */
function orthonormalize(q: Float64Array[]): void {
  for (let i = 0; i < q.length; i++) {
    for (let j = 0; j < i; j++) {
      const r = dot(q[i], q[j]);
      for (let k = 0; k < q[i].length; k++) q[i][k] -= r * q[j][k];
    }
    const norm = Math.sqrt(dot(q[i], q[i]));
    if (norm > 0) for (let k = 0; k < q[i].length; k++) q[i][k] /= norm;
  }
}

/**
 * Principal component analysis of `x` [N, D] to `nComponents` dimensions.
 * Deterministic: the same input gives the same output, signs included.
 */
export function pca(x: Vectors, options: { nComponents?: number } = {}): PcaResult {
  const fn = 'pca';
  const d = checkVectors(fn, 'x', x);
  const n = x.length;
  const k = options.nComponents ?? 2;
  if (!Number.isInteger(k) || k < 1 || k > Math.min(n, d)) throw new Error(`${fn}: 'nComponents' must be an integer in [1, min(N, D) = ${Math.min(n, d)}]; got ${k}.`);
  const mean = new Array<number>(d).fill(0);
  for (const row of x) for (let j = 0; j < d; j++) mean[j] += row[j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const centered = x.map((row) => Float64Array.from(row, (v, j) => v - mean[j]));
  // Covariance C = X^T X / (N - 1), [D, D].
  const denom = Math.max(n - 1, 1);
  const cov = Array.from({ length: d }, () => new Float64Array(d));
  for (const row of centered) {
    for (let i = 0; i < d; i++) {
      const ri = row[i];
      if (ri === 0) continue;
      const ci = cov[i];
      for (let j = i; j < d; j++) ci[j] += ri * row[j];
    }
  }
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) { cov[i][j] /= denom; cov[j][i] = cov[i][j]; }
  const totalVariance = cov.reduce((a, r, i) => a + r[i], 0);

  let axes: number[][];
  let variances: number[];
  if (d <= 64) {
    const eig = jacobiEigen(cov.map((r) => Array.from(r)));
    const order = eig.values.map((_, i) => i).sort((a, b) => eig.values[b] - eig.values[a]).slice(0, k);
    axes = order.map((i) => eig.vectors[i]);
    variances = order.map((i) => eig.values[i]);
  } else {
    // Subspace iteration on p = k + 8 vectors from a fixed start, then Rayleigh-Ritz.
    const p = Math.min(d, k + 8);
    let q = Array.from({ length: p }, (_, i) => Float64Array.from({ length: d }, (_, j) => Math.sin((i + 1) * (j + 1) * 0.7071) + (i === j ? 1 : 0)));
    orthonormalize(q);
    for (let iter = 0; iter < 300; iter++) {
      const next = q.map((v) => Float64Array.from(cov, (row) => dot(row, v)));
      orthonormalize(next);
      const change = next.slice(0, k).reduce((a, v, i) => Math.max(a, 1 - Math.abs(dot(v, q[i]))), 0);
      q = next;
      if (change < 1e-15) break;
    }
    const cq = q.map((v) => Float64Array.from(cov, (row) => dot(row, v)));
    const small = q.map((qi) => cq.map((cj) => dot(qi, cj)));
    const eig = jacobiEigen(small);
    const order = eig.values.map((_, i) => i).sort((a, b) => eig.values[b] - eig.values[a]).slice(0, k);
    axes = order.map((i) => {
      const w = eig.vectors[i];
      return Array.from({ length: d }, (_, j) => q.reduce((a, qv, t) => a + w[t] * qv[j], 0));
    });
    variances = order.map((i) => eig.values[i]);
  }
  // svd_flip(u_based_decision=False): the largest |coefficient| of each axis is positive.
  const components = axes.map((axis) => {
    let best = 0;
    for (let j = 1; j < d; j++) if (Math.abs(axis[j]) > Math.abs(axis[best])) best = j;
    return axis[best] < 0 ? axis.map((v) => -v) : axis.slice();
  });
  const coordinates = centered.map((row) => components.map((c) => dot(row, c)));
  return {
    coordinates,
    components,
    mean,
    explainedVariance: variances,
    explainedVarianceRatio: variances.map((v) => (totalVariance > 0 ? v / totalVariance : 0)),
  };
}
