/** Cosine nearest-neighbour search over an embedding matrix (exact, brute force). */
import { checkVectors, flatten, l2NormalizeRows, rowDot, type FlatMatrix, type Vectors } from './vectors';

/** One search result of {@link nearestNeighbours}: a row and its cosine similarity to the query. */
export interface Neighbour {
  /** Row of the matrix. */
  index: number;
  /** Cosine similarity to the query, in [-1, 1]. */
  similarity: number;
}

/** Keep the k best (similarity desc, index asc) of a stream, by insertion into a short sorted list. */
function topK(sims: Float64Array, k: number, exclude: number | undefined): Neighbour[] {
  const best: Neighbour[] = [];
  for (let i = 0; i < sims.length; i++) {
    if (i === exclude) continue;
    const s = sims[i];
    if (best.length === k && s <= best[k - 1].similarity) continue;
    let pos = best.length;
    while (pos > 0 && best[pos - 1].similarity < s) pos--;
    best.splice(pos, 0, { index: i, similarity: s });
    if (best.length > k) best.pop();
  }
  return best;
}

/** Rows normalised once, for repeated queries (`nearestNeighbours` accepts it in place of a matrix). */
export class CosineIndex {
  /** The matrix's rows, L2-normalised (zero rows stay zero), row-major [N, D]. */
  readonly rows: FlatMatrix;
  /** D, the width of the vectors. */
  readonly dim: number;
  /** Normalises and copies `matrix` [N, D]; throws on an empty, ragged or non-finite matrix. */
  constructor(matrix: Vectors) {
    this.dim = checkVectors('CosineIndex', 'matrix', matrix);
    this.rows = flatten(l2NormalizeRows(matrix));
  }

  /** N, the number of indexed rows. */
  get size(): number {
    return this.rows.n;
  }

  /** Cosine similarity of `query` to every row [N]. */
  similarities(query: ArrayLike<number>): Float64Array {
    if (query.length !== this.dim)
      throw new Error(
        `nearestNeighbours: 'query' must have ${this.dim} dimensions like the matrix; got ${query.length}.`,
      );
    const q = flatten(l2NormalizeRows([query]));
    const out = new Float64Array(this.rows.n);
    for (let i = 0; i < out.length; i++) out[i] = rowDot(q, 0, this.rows, i);
    return out;
  }

  /** The k rows most similar to `query` (descending similarity; ties by lower index). */
  search(query: ArrayLike<number>, k: number, options: { exclude?: number } = {}): Neighbour[] {
    if (!Number.isInteger(k) || k < 1) throw new Error(`nearestNeighbours: 'k' must be a positive integer; got ${k}.`);
    const sims = this.similarities(query);
    if (k <= 64) return topK(sims, k, options.exclude);
    const all: Neighbour[] = [];
    sims.forEach((similarity, index) => {
      if (index !== options.exclude) all.push({ index, similarity });
    });
    all.sort((a, b) => b.similarity - a.similarity || a.index - b.index);
    return all.slice(0, k);
  }
}

/**
 * The `k` rows of `matrix` [N, D] with the highest cosine similarity to `query` [D],
 * e.g. "headlines closest to this one". `exclude` skips one row (the query's own).
 */
export function nearestNeighbours(
  query: ArrayLike<number>,
  matrix: Vectors | CosineIndex,
  k: number,
  options: { exclude?: number } = {},
): Neighbour[] {
  const index = matrix instanceof CosineIndex ? matrix : new CosineIndex(matrix);
  return index.search(query, k, options);
}
