/**
 * The most-confused category pairs of a confusion matrix: which true class goes to
 * which wrong class most often, with the share of the true class that it takes.
 * (fastai's `ClassificationInterpretation.most_confused`, with shares and a
 * deterministic order.)
 */
import { checkConfusion, type ConfusionMatrix } from './confusion-order';

/** One off-diagonal cell of a confusion matrix. */
export interface ConfusedPair {
  /** Row (true class) and column (predicted class) indices. */
  trueIndex: number;
  predictedIndex: number;
  /** Texts of the true class predicted as the other (count, or weight for a weighted matrix). */
  count: number;
  /** count / texts of the true class: a fraction in [0, 1]. */
  share: number;
}

/** Options of `mostConfusedPairs`. */
export interface MostConfusedOptions {
  /** How many pairs (default 10); fewer when fewer cells are non-zero. */
  k?: number;
  /** Rank by `count` (default: where the errors are) or by `share` (which classes lose most of their texts). */
  by?: 'count' | 'share';
}

/**
 * The `k` largest off-diagonal cells of `cm`, largest first. Ties are broken by the
 * other key (share, or count), then by true index, then by predicted index, so the
 * result is deterministic. Cells with count 0 are never listed.
 *
 * @param cm n × n confusion, rows true class (as scikit-learn's `confusion_matrix`).
 * @throws when `cm` is not square with finite non-negative values, or `k` is not a positive integer.
 */
export function mostConfusedPairs(cm: ConfusionMatrix, options: MostConfusedOptions = {}): ConfusedPair[] {
  const fn = 'mostConfusedPairs';
  checkConfusion(fn, cm);
  const k = options.k ?? 10;
  if (!Number.isInteger(k) || k < 1) throw new Error(`${fn}: 'k' must be a positive integer; got ${k}.`);
  const by = options.by ?? 'count';
  if (by !== 'count' && by !== 'share') throw new Error(`${fn}: 'by' must be 'count' or 'share'; got '${by}'.`);
  const pairs: ConfusedPair[] = [];
  cm.forEach((row, i) => {
    const total = row.reduce((a, v) => a + v, 0);
    row.forEach((count, j) => {
      if (i !== j && count > 0) pairs.push({ trueIndex: i, predictedIndex: j, count, share: count / total });
    });
  });
  const [first, second] = by === 'count' ? (['count', 'share'] as const) : (['share', 'count'] as const);
  pairs.sort(
    (a, b) =>
      b[first] - a[first] || b[second] - a[second] || a.trueIndex - b.trueIndex || a.predictedIndex - b.predictedIndex,
  );
  return pairs.slice(0, k);
}
