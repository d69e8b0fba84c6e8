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
  /** Seed of the stratified folds (through lib/data/rng; default 0). */
  seed?: number;
}

/** The refitted model at the chosen C, and the cross-validated loss of every candidate. */
export interface LogisticCVResult {
  model: LogisticRegression;
  /** The chosen C. */
  C: number;
  /** Mean held-out log loss of every candidate, in the order of `Cs`. */
  cvLoss: { C: number; loss: number }[];
  folds: number;
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
  const folds =
    typeof options.folds === 'object' ? options.folds : stratifiedFolds(labels, options.folds ?? 5, options.seed ?? 0);
  let maxLabel = -1;
  for (const l of Array.from(labels)) if (l > maxLabel) maxLabel = l;
  const numClasses = options.numClasses ?? maxLabel + 1;
  const base = { ...options, numClasses };
  delete base.Cs;
  delete base.folds;
  delete base.seed;

  const totals = new Float64Array(Cs.length);
  for (const heldOut of folds) {
    const out = new Set(Array.from(heldOut));
    const fitPos = Array.from({ length: rows.length }, (_, i) => i).filter((i) => !out.has(i));
    const testPos = Array.from(heldOut);
    let init: LogisticRegressionOptions['init'];
    for (let j = 0; j < Cs.length; j++) {
      const m = await fitLogisticRegression(
        features,
        fitPos.map((i) => labels[i]),
        { ...base, C: Cs[j], rows: fitPos.map((i) => rows[i]), init },
      );
      init = { coef: m.coef, intercept: m.intercept }; // the next C starts here (same rows, same classes)
      totals[j] += logLoss(
        m.predictProba(
          features,
          testPos.map((i) => rows[i]),
        ),
        testPos.map((i) => labels[i]),
      );
    }
  }
  const cvLoss = Cs.map((C, j) => ({ C, loss: totals[j] / folds.length }));
  let best = 0;
  for (let j = 1; j < Cs.length; j++) if (cvLoss[j].loss < cvLoss[best].loss) best = j;
  const model = await fitLogisticRegression(features, labels, { ...base, C: Cs[best], rows });
  return { model, C: Cs[best], cvLoss, folds: folds.length };
}
