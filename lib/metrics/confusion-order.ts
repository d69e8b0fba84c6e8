/**
 * An axis order for confusion matrices that puts the categories a model mixes up
 * next to each other (WORLDPOST beside THE WORLDPOST, PARENTS beside PARENTING):
 * average-linkage (UPGMA) hierarchical clustering of the classes on the distance
 * 1 − S, with S the symmetrised row-normalised confusion, and the dendrogram's leaf
 * order as the order of the axes.
 *
 * The clustering is ml-hclust's `agnes`; the leaf order follows SciPy's
 * `leaves_list(linkage(squareform(D), 'average'))`, checked against it in
 * test/metrics/confusion.test.ts.
 */
// tslab (the notebook kernel) type-checks with Node10 module resolution, which cannot see ml-hclust's types
// (declared only under package.json "exports"); tsc and tsx resolve them. Under tslab the import becomes
// require('ml-hclust'), which Node >= 20.19 serves from the ES module (as for @huggingface/tokenizers).
// @ts-ignore -- the module is unresolved only under tslab
import { agnes, type Cluster } from 'ml-hclust';

/** A confusion matrix: `cm[i][j]` counts (or weighs) texts of true class i predicted as class j. */
export type ConfusionMatrix = readonly (readonly number[])[];

/**
 * Check that `cm` is a non-empty square matrix of finite non-negative numbers.
 * Throws `fn: 'name' must be …; got …` naming the first problem.
 */
export function checkConfusion(fn: string, cm: ConfusionMatrix, name = 'confusion'): void {
  if (!Array.isArray(cm) || cm.length === 0)
    throw new Error(`${fn}: '${name}' must be a non-empty square matrix (array of rows); got ${JSON.stringify(cm)}.`);
  const n = cm.length;
  cm.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== n)
      throw new Error(
        `${fn}: '${name}' must be ${n} x ${n}; row ${i} has ${Array.isArray(row) ? row.length : 0} values.`,
      );
    row.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw new Error(`${fn}: '${name}' must hold finite non-negative numbers; got ${v} at [${i}][${j}].`);
    });
  });
}

/**
 * The symmetrised row-normalised confusion S = (R + Rᵀ) / 2, with R[i][j] the share
 * of class i's texts predicted as j (a row without texts stays 0) and S[i][i] = 1.
 * S[i][j] is the mean share of the two classes' texts that went to each other: 0 when
 * never confused, 0.5 when each class is always predicted as the other.
 *
 * @param cm n × n confusion (counts or any non-negative weights; e.g. the sum of several models').
 * @returns n × n symmetric matrix with values in [0, 1].
 */
export function confusionSimilarity(cm: ConfusionMatrix): number[][] {
  checkConfusion('confusionSimilarity', cm);
  const r = cm.map((row) => {
    const total = row.reduce((a, v) => a + v, 0);
    return row.map((v) => (total === 0 ? 0 : v / total));
  });
  return r.map((row, i) => row.map((v, j) => (i === j ? 1 : (v + r[j][i]) / 2)));
}

/** An average-linkage dendrogram, reduced to what the figures use. */
export interface Linkage {
  /** Leaf order (a permutation of 0..n−1), as SciPy's `leaves_list`. */
  order: number[];
  /** The n − 1 merge heights in ascending order (average distance between the merged groups). */
  heights: number[];
}

/**
 * Average-linkage (UPGMA) clustering of a distance matrix, as SciPy's
 * `linkage(squareform(distance), 'average')`: its merge heights, and its leaf order as
 * `leaves_list` gives it (at every merge the child formed first goes first: a single
 * class before a group; of two groups, the lower merge). When two merges have the
 * same height, ml-hclust's deterministic tie-breaking is kept (SciPy's may differ then).
 *
 * @param distance n × n symmetric matrix of finite non-negative distances, zero diagonal.
 * @throws when `distance` is not square, symmetric, non-negative with a zero diagonal.
 */
export function averageLinkage(distance: ConfusionMatrix): Linkage {
  const fn = 'averageLinkage';
  checkConfusion(fn, distance, 'distance');
  const n = distance.length;
  for (let i = 0; i < n; i++) {
    if (distance[i][i] !== 0)
      throw new Error(`${fn}: 'distance' must have a zero diagonal; got ${distance[i][i]} at [${i}][${i}].`);
    for (let j = 0; j < i; j++)
      if (distance[i][j] !== distance[j][i])
        throw new Error(
          `${fn}: 'distance' must be symmetric; got ${distance[i][j]} at [${i}][${j}] and ${distance[j][i]} at ` +
            `[${j}][${i}].`,
        );
  }
  const root: Cluster = agnes(
    distance.map((row) => [...row]),
    { method: 'average', isDistanceMatrix: true },
  );
  // SciPy numbers a leaf by its class and the k-th merge n + k; the smaller number goes left.
  const internal: Cluster[] = [];
  root.traverse((c: Cluster) => {
    if (!c.isLeaf) internal.push(c);
  });
  const first = new Map<Cluster, number>();
  const minLeaf = (c: Cluster): number => {
    if (c.isLeaf) return c.index;
    let m = first.get(c);
    if (m === undefined)
      first.set(c, (m = c.children.reduce((a: number, ch: Cluster) => Math.min(a, minLeaf(ch)), Infinity)));
    return m;
  };
  internal.sort((a, b) => a.height - b.height || minLeaf(a) - minLeaf(b));
  const id = new Map<Cluster, number>(internal.map((c, k) => [c, n + k]));
  const idOf = (c: Cluster) => (c.isLeaf ? c.index : id.get(c)!);
  const order: number[] = [];
  const visit = (c: Cluster): void => {
    if (c.isLeaf) order.push(c.index);
    else [...c.children].sort((a, b) => idOf(a) - idOf(b)).forEach(visit);
  };
  visit(root);
  return { order, heights: internal.map((c) => c.height) };
}

/**
 * The order in which to list classes on a confusion matrix's axes so that the
 * classes a model confuses sit together: average-linkage clustering on 1 − S
 * (`confusionSimilarity`), leaf order of the dendrogram. Deterministic.
 *
 * @param cm n × n confusion (rows true class); pass the sum of several models' confusions to give
 *   their figures one shared order.
 * @returns a permutation of 0..n−1: `order[k]` is the class shown k-th.
 */
export function confusionOrder(cm: ConfusionMatrix): number[] {
  const s = confusionSimilarity(cm);
  return averageLinkage(s.map((row, i) => row.map((v, j) => (i === j ? 0 : 1 - v)))).order;
}
