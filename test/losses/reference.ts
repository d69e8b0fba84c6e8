/**
 * Brute-force float64 triplet losses written from the definitions (loops, no
 * tensors), for checking the 'squared' and 'cosine' distances that the golden
 * file does not cover. Gradients come from central finite differences.
 */
export type Dist = 'euclidean' | 'squared' | 'cosine';

function dist(a: number[], b: number[], kind: Dist): number {
  if (kind === 'cosine') {
    const na = Math.max(Math.hypot(...a), 1e-12),
      nb = Math.max(Math.hypot(...b), 1e-12);
    return 1 - a.reduce((s, v, i) => s + (v / na) * (b[i] / nb), 0);
  }
  const sq = a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);
  return kind === 'squared' ? sq : Math.sqrt(sq);
}

function matrix(x: number[][], kind: Dist): number[][] {
  return x.map((a) => x.map((b) => dist(a, b, kind)));
}

export function semiHardRef(y: number[], x: number[][], kind: Dist, margin = 1): number {
  const d = matrix(x, kind);
  let sum = 0,
    pairs = 0;
  for (let a = 0; a < y.length; a++) {
    const negs = y.map((_, n) => n).filter((n) => y[n] !== y[a]);
    for (let p = 0; p < y.length; p++) {
      if (p === a || y[p] !== y[a]) continue;
      pairs++;
      const farther = negs.filter((n) => d[a][n] > d[a][p]).map((n) => d[a][n]);
      const neg =
        farther.length > 0
          ? Math.min(...farther)
          : negs.length > 0
            ? Math.max(...negs.map((n) => d[a][n]))
            : Math.min(...d[a]);
      sum += Math.max(d[a][p] - neg + margin, 0);
    }
  }
  return sum / Math.max(pairs, 1e-16);
}

export function batchHardRef(y: number[], x: number[][], kind: Dist, margin = 1): number {
  const d = matrix(x, kind);
  let sum = 0;
  for (let a = 0; a < y.length; a++) {
    const rowMax = Math.max(...d[a]);
    const hp = Math.max(...d[a].map((v, j) => (j !== a && y[j] === y[a] ? v : 0)));
    const hn = Math.min(...d[a].map((v, j) => (y[j] !== y[a] ? v : v + rowMax)));
    sum += Math.max(hp - hn + margin, 0);
  }
  return sum / y.length;
}

export function batchAllRef(y: number[], x: number[][], kind: Dist, margin = 1): number {
  const d = matrix(x, kind);
  let sum = 0,
    positive = 0;
  for (let a = 0; a < y.length; a++)
    for (let p = 0; p < y.length; p++)
      for (let n = 0; n < y.length; n++) {
        if (a === p || a === n || p === n || y[a] !== y[p] || y[a] === y[n]) continue;
        const l = Math.max(d[a][p] - d[a][n] + margin, 0);
        sum += l;
        if (l > 1e-16) positive++;
      }
  return sum / (positive + 1e-16);
}

export function finiteDifferenceGrad(f: (x: number[][]) => number, x: number[][], h = 1e-6): number[][] {
  return x.map((row, i) =>
    row.map((_, j) => {
      const plus = x.map((r) => [...r]),
        minus = x.map((r) => [...r]);
      plus[i][j] += h;
      minus[i][j] -= h;
      return (f(plus) - f(minus)) / (2 * h);
    }),
  );
}
