/**
 * The regularisation strength C of the logistic-regression head, chosen by
 * k-fold cross-validation on the training rows only: scikit-learn's
 * `LogisticRegressionCV(Cs, cv, scoring='neg_log_loss', refit=True)` (its
 * default scoring from 1.11). The validation rows stay unseen until the final
 * score, so choosing C does not borrow from them.
 *
 * Per fold, the Cs are fitted in the order given, each starting from the
 * previous C's solution (scikit-learn's warm-started path); the chosen C has the
 * lowest mean held-out log loss over the folds (the first on ties, as numpy's
 * argmax of the negated loss), then the model is refitted on all rows at that C.
 *
 * Above `cvMaxRows` fitted rows the search runs on a seeded stratified subsample of that many rows (as
 * scikit-learn users do with `train_test_split(..., train_size=n, stratify=y)` before a grid search): the search
 * costs Cs × folds fits, while the held-out log loss curve over C is already well estimated from a few
 * thousand rows per fold. The final fit at the chosen C still uses every row.
 */
import { makeRandom, shuffleInPlace } from '../data/rng';
import { groupByClass } from '../data/split';
import type { FeatureMatrix } from '../train/batches';
import { fitLogisticRegression, type LogisticRegression, type LogisticRegressionOptions } from './logistic';

/** The default grid: half-decades around scikit-learn's C = 1 on the strong-penalty side, where small data needs it. */
export const DEFAULT_CS: readonly number[] = [0.01, 0.03, 0.1, 0.3, 1, 3];

/** Settings of {@link fitLogisticRegressionCV}: those of the fit, plus the Cs and the folds. */
export interface LogisticCVOptions extends Omit<LogisticRegressionOptions, 'C' | 'init' | 'sampleWeight'> {
  /** Candidate C values, fitted in this order (default {@link DEFAULT_CS}). */
  Cs?: readonly number[];
  /**
   * Number of stratified folds (default 5, seeded by `seed`), or the held-out positions of each fold
   * (positions into `labels` / `rows`), e.g. scikit-learn's own folds.
   */
  folds?: number | readonly ArrayLike<number>[];
  /** Seed of the stratified folds and of the subsample (through lib/data/rng; default 0). */
  seed?: number;
  /**
   * Search C on a stratified subsample of this many rows when more rows are fitted (default: no limit, every
   * row). Needs a fold count, not explicit `folds`. The final fit at the chosen C uses every row.
   */
  cvMaxRows?: number;
}

/** The refitted model at the chosen C, and the cross-validated loss of every candidate. */
export interface LogisticCVResult {
  model: LogisticRegression;
  /** The chosen C. */
  C: number;
  /** Mean held-out log loss of every candidate, in the order of `Cs`. */
  cvLoss: { C: number; loss: number }[];
  folds: number;
  /** Rows the C search ran on: every fitted row, or the subsample's size (`cvMaxRows`). */
  cvRows: number;
  /** Rows of the final fit (every fitted row). */
  rows: number;
}

/**
 * A seeded stratified subsample of `size` positions into `labels` (ascending): every class keeps
 * `min(its count, minPerClass)` rows (so stratified folds stay possible), and the remaining quota is shared
 * out in proportion to what each class has beyond that, by largest remainder (ties to the lower label), so the
 * total is exactly `size`; the rows of each class are a seeded shuffle's first ones. All positions when
 * `size` ≥ the number of labels. Throws when `size` cannot hold every class's minimum.
 */
export function stratifiedSubsample(
  labels: ArrayLike<number>,
  size: number,
  seed: number,
  minPerClass = 1,
): Int32Array {
  const fn = 'stratifiedSubsample';
  if (!(Number.isInteger(size) && size >= 1))
    throw new Error(`${fn}: 'size' must be a positive integer; got ${String(size)}.`);
  if (size >= labels.length) return Int32Array.from({ length: labels.length }, (_, i) => i);
  const groups = groupByClass(labels);
  const classes = [...groups.keys()].sort((a, b) => a - b);
  const floors = classes.map((c) => Math.min(groups.get(c)!.length, minPerClass));
  const reserved = floors.reduce((a, b) => a + b, 0);
  if (reserved > size)
    throw new Error(
      `${fn}: 'size' must hold ${minPerClass} rows of each of the ${classes.length} classes (${reserved}); ` +
        `got ${size}. Raise it.`,
    );
  const rest = classes.map((c, j) => groups.get(c)!.length - floors[j]);
  const restTotal = rest.reduce((a, b) => a + b, 0);
  const share = rest.map((r) => (r * (size - reserved)) / restTotal);
  const quota = share.map(Math.floor);
  let left = size - reserved - quota.reduce((a, b) => a + b, 0);
  const byRemainder = classes.map((_, j) => j).sort((a, b) => share[b] - quota[b] - (share[a] - quota[a]) || a - b);
  for (const j of byRemainder) if (left-- > 0) quota[j]++;
  const random = makeRandom(`cv-subsample:${seed}`);
  const picked: number[] = [];
  classes.forEach((c, j) => {
    const rows = shuffleInPlace(groups.get(c)!, random) as number[];
    for (let i = 0; i < floors[j] + quota[j]; i++) picked.push(rows[i]);
  });
  return Int32Array.from(picked).sort();
}

/**
 * Stratified k-fold held-out sets (positions 0..n-1): each class's positions are shuffled (seeded) and dealt
 * round-robin over the folds, continuing from where the previous class stopped, so fold sizes differ by at
 * most one and every class is spread evenly. Throws when a class has fewer than k rows (as scikit-learn warns).
 */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, seed: number): Int32Array[] {
  if (!(Number.isInteger(k) && k >= 2))
    throw new Error(`stratifiedFolds: 'k' must be an integer of at least 2; got ${String(k)}.`);
  const random = makeRandom(`folds:${seed}`);
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  const groups = groupByClass(labels);
  for (const c of [...groups.keys()].sort((a, b) => a - b)) {
    const rows = shuffleInPlace(groups.get(c)!, random) as number[];
    if (rows.length < k)
      throw new Error(
        `stratifiedFolds: every class needs at least k = ${k} rows; class ${c} has ${rows.length}. Use fewer folds.`,
      );
    for (const r of rows) {
      folds[next].push(r);
      next = (next + 1) % k;
    }
  }
  return folds.map((f) => Int32Array.from(f).sort());
}

/** Mean −log p(true class) (probabilities clipped at 2.2e-16, as scikit-learn's log_loss for float64). */
function logLoss(proba: number[][], labels: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < proba.length; i++) s -= Math.log(Math.max(proba[i][labels[i]], 2.220446049250313e-16));
  return s / proba.length;
}

/**
 * Fit the logistic-regression head with C chosen by cross-validation on the given rows (see the module
 * comment). `labels` has one label per fitted row (in the order of `rows`).
 */
export async function fitLogisticRegressionCV(
  features: FeatureMatrix,
  labels: ArrayLike<number>,
  options: LogisticCVOptions = {},
): Promise<LogisticCVResult> {
  const fn = 'fitLogisticRegressionCV';
  const Cs = options.Cs ?? DEFAULT_CS;
  if (Cs.length === 0 || Cs.some((c) => !(c > 0 && Number.isFinite(c))))
    throw new Error(`${fn}: 'Cs' must be a non-empty list of positive numbers; got [${Cs.join(', ')}].`);
  const rows = options.rows ?? Int32Array.from({ length: features.rows }, (_, i) => i);
  if (labels.length !== rows.length)
    throw new Error(`${fn}: 'labels' must have one label per fitted row (${rows.length}); got ${labels.length}.`);
  const cvMaxRows = options.cvMaxRows ?? Infinity;
  if (!(cvMaxRows === Infinity || (Number.isInteger(cvMaxRows) && cvMaxRows >= 2)))
    throw new Error(`${fn}: 'cvMaxRows' must be an integer of at least 2; got ${String(cvMaxRows)}.`);
  const seed = options.seed ?? 0;
  // The C search's rows (positions into `labels` / `rows`): every row, or a stratified subsample.
  let search = { rows: Array.from(rows), labels: Array.from(labels) };
  if (rows.length > cvMaxRows) {
    if (typeof options.folds === 'object')
      throw new Error(`${fn}: 'cvMaxRows' needs a number of 'folds', not explicit held-out positions.`);
    const picked = stratifiedSubsample(labels, cvMaxRows, seed, options.folds ?? 5);
    search = { rows: Array.from(picked, (i) => rows[i]), labels: Array.from(picked, (i) => labels[i]) };
  }
  const folds =
    typeof options.folds === 'object' ? options.folds : stratifiedFolds(search.labels, options.folds ?? 5, seed);
  let maxLabel = -1;
  for (const l of Array.from(labels)) if (l > maxLabel) maxLabel = l;
  const numClasses = options.numClasses ?? maxLabel + 1;
  const base = { ...options, numClasses };
  delete base.Cs;
  delete base.folds;
  delete base.seed;
  delete base.cvMaxRows;

  const totals = new Float64Array(Cs.length);
  for (const heldOut of folds) {
    const out = new Set(Array.from(heldOut));
    const fitPos = Array.from({ length: search.rows.length }, (_, i) => i).filter((i) => !out.has(i));
    const testPos = Array.from(heldOut);
    let init: LogisticRegressionOptions['init'];
    for (let j = 0; j < Cs.length; j++) {
      const m = await fitLogisticRegression(
        features,
        fitPos.map((i) => search.labels[i]),
        { ...base, C: Cs[j], rows: fitPos.map((i) => search.rows[i]), init },
      );
      init = { coef: m.coef, intercept: m.intercept }; // the next C starts here (same rows, same classes)
      totals[j] += logLoss(
        m.predictProba(
          features,
          testPos.map((i) => search.rows[i]),
        ),
        testPos.map((i) => search.labels[i]),
      );
    }
  }
  const cvLoss = Cs.map((C, j) => ({ C, loss: totals[j] / folds.length }));
  let best = 0;
  for (let j = 1; j < Cs.length; j++) if (cvLoss[j].loss < cvLoss[best].loss) best = j;
  const model = await fitLogisticRegression(features, labels, { ...base, C: Cs[best], rows });
  return { model, C: Cs[best], cvLoss, folds: folds.length, cvRows: search.rows.length, rows: rows.length };
}
