/**
 * Classification metrics with scikit-learn's semantics (1.9): the same
 * arguments in camelCase, the same label handling, the same `zero_division`
 * behaviour and the same floating-point reductions, so values agree to the
 * last printed digit. `*Score` means higher is better.
 *
 * Not supported: multilabel targets, `sample_weight`.
 */
import { nanAverage, npMean } from './numeric';
import { checkLabelsOption, checkTargets, labelIndex, uniqueLabels, type Label } from './targets';
import { warnUndefinedMetric } from './warnings';

/** `'warn'` (value 0 and a warning, the default), or the value to use: 0, 1 or NaN. */
export type ZeroDivision = 'warn' | number;
/** `null` returns per-class arrays; `'binary'` reports only `posLabel`. */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted' | null;
/** Confusion-matrix normalisation, as scikit-learn's `normalize`: over true rows, predicted columns, or all. */
export type Normalize = 'true' | 'pred' | 'all';

const AVERAGES: readonly Average[] = ['binary', 'micro', 'macro', 'weighted', null];

function zeroDivisionValue(fn: string, zeroDivision: ZeroDivision): number {
  if (zeroDivision === 'warn') return 0;
  if (zeroDivision === 0 || zeroDivision === 1 || Number.isNaN(zeroDivision)) return zeroDivision;
  throw new Error(`${fn}: 'zeroDivision' must be 'warn', 0, 1 or NaN; got ${JSON.stringify(zeroDivision)}.`);
}

/** Fraction (or, with `normalize: false`, count) of exactly matching labels. */
export function accuracyScore<L extends Label>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options: { normalize?: boolean } = {},
): number {
  checkTargets('accuracyScore', yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return options.normalize === false ? correct : correct / yTrue.length;
}

/**
 * Confusion matrix C: C[i][j] counts samples of true class labels[i] predicted
 * as labels[j]. `labels` defaults to the sorted union of both arrays; samples
 * whose true or predicted label is not in `labels` are ignored. `normalize`
 * divides by row sums ('true'), column sums ('pred') or the total ('all'),
 * mapping 0/0 to 0.
 */
export function confusionMatrix<L extends Label>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options: { labels?: readonly L[]; normalize?: Normalize } = {},
): number[][] {
  const fn = 'confusionMatrix';
  checkTargets(fn, yTrue, yPred);
  let labels: readonly L[];
  if (options.labels === undefined) labels = uniqueLabels(yTrue, yPred);
  else {
    checkLabelsOption(fn, options.labels);
    labels = options.labels;
    const inTrue = new Set<L>(yTrue);
    if (!labels.some((l) => inTrue.has(l))) {
      throw new Error(
        `${fn}: at least one label in 'labels' must occur in 'yTrue'; got labels ${JSON.stringify(labels)}.`,
      );
    }
  }
  const { normalize } = options;
  if (normalize !== undefined && !['true', 'pred', 'all'].includes(normalize)) {
    throw new Error(`${fn}: 'normalize' must be 'true', 'pred', 'all' or undefined; got ${JSON.stringify(normalize)}.`);
  }
  const index = labelIndex(labels);
  const n = labels.length;
  const cm = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let s = 0; s < yTrue.length; s++) {
    const i = index.get(yTrue[s]);
    const j = index.get(yPred[s]);
    if (i !== undefined && j !== undefined) cm[i][j]++;
  }
  if (normalize === undefined) return cm;
  const safe = (v: number, d: number) => (d === 0 ? 0 : v / d);
  if (normalize === 'all') {
    const total = cm.reduce((a, row) => a + row.reduce((b, v) => b + v, 0), 0);
    return cm.map((row) => row.map((v) => safe(v, total)));
  }
  if (normalize === 'true')
    return cm.map((row) => {
      const d = row.reduce((a, v) => a + v, 0);
      return row.map((v) => safe(v, d));
    });
  const colSums = labels.map((_, j) => cm.reduce((a, row) => a + row[j], 0));
  return cm.map((row) => row.map((v, j) => safe(v, colSums[j])));
}

/**
 * Mean recall over classes. Classes that occur only in `yPred` are dropped with
 * a warning. `adjusted` rescales so chance is 0 and perfect is 1.
 */
export function balancedAccuracyScore<L extends Label>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options: { adjusted?: boolean } = {},
): number {
  const cm = confusionMatrix(yTrue, yPred);
  let perClass = cm.map((row, i) => row[i] / row.reduce((a, v) => a + v, 0));
  if (perClass.some(Number.isNaN)) {
    warnUndefinedMetric('y_pred contains classes not in y_true'); // scikit-learn's words
    perClass = perClass.filter((v) => !Number.isNaN(v));
  }
  let score = npMean(perClass);
  if (options.adjusted) {
    const chance = 1 / perClass.length;
    score -= chance;
    score /= 1 - chance;
  }
  return score;
}

type PrfMetric = 'precision' | 'recall' | 'f-score';

/** Options of `precisionRecallFscoreSupport`, named and defaulted as scikit-learn's keyword arguments. */
export interface PrfOptions<L extends Label> {
  /** Labels to report, in this order (default: sorted union of yTrue and yPred). */
  labels?: readonly L[];
  /** The positive class when `average: 'binary'` (default 1). */
  posLabel?: L;
  /** Default `null` (per-class arrays), as scikit-learn's precision_recall_fscore_support. */
  average?: Average;
  /** Weight of recall in the F-score (default 1). */
  beta?: number;
  /** Value of a 0/0 metric (default 'warn': 0 and an UndefinedMetricWarning). */
  zeroDivision?: ZeroDivision;
  /** Which ill-defined metrics warn (default all three). */
  warnFor?: readonly PrfMetric[];
}

/** Per-class results (`average: null`): arrays aligned with `labels`, values in [0, 1] or the zeroDivision value. */
export interface PrfPerClass<L extends Label> {
  /** The labels reported, in order. */
  labels: L[];
  /** Precision per label. */
  precision: number[];
  /** Recall per label. */
  recall: number[];
  /** F-beta score per label. */
  fscore: number[];
  /** Number of true samples per label. */
  support: number[];
}

/** Averaged results (`average` set): one number each; `support` is null, as scikit-learn returns None. */
export interface PrfAveraged {
  /** Averaged precision. */
  precision: number;
  /** Averaged recall. */
  recall: number;
  /** Averaged F-beta score. */
  fscore: number;
  /** Always null for an average. */
  support: null;
}

function setWiseLabels<L extends Label>(
  fn: string,
  yTrue: readonly L[],
  yPred: readonly L[],
  average: Average,
  labels: readonly L[] | undefined,
  posLabel: L | undefined,
): readonly L[] {
  if (!AVERAGES.includes(average)) {
    throw new Error(
      `${fn}: 'average' must be one of 'binary', 'micro', 'macro', 'weighted' or null; got ${JSON.stringify(average)}.`,
    );
  }
  const { type, presentLabels } = checkTargets(fn, yTrue, yPred);
  if (labels !== undefined) checkLabelsOption(fn, labels);
  if (average === 'binary') {
    const pos = (posLabel ?? 1) as L;
    if (type !== 'binary') {
      throw new Error(
        `${fn}: target is multiclass but 'average' is 'binary'; choose one of null, 'micro', 'macro', 'weighted'.`,
      );
    }
    if (!presentLabels.includes(pos) && presentLabels.length >= 2) {
      throw new Error(`${fn}: 'posLabel' must be one of ${JSON.stringify(presentLabels)}; got ${JSON.stringify(pos)}.`);
    }
    return [pos];
  }
  return labels ?? presentLabels;
}

function prfDivide(
  num: number[],
  den: number[],
  metric: PrfMetric,
  modifier: string,
  average: Average,
  warnFor: readonly PrfMetric[],
  zeroDivision: ZeroDivision,
  zdValue: number,
): number[] {
  let ill = false;
  const out = num.map((v, i) => {
    if (den[i] === 0) {
      ill = true;
      return zdValue;
    }
    return v / den[i];
  });
  if (ill && zeroDivision === 'warn' && warnFor.includes(metric)) {
    const start = `${metric[0].toUpperCase()}${metric.slice(1)} is ill-defined and being set to 0.0`;
    const where = out.length === 1 ? 'due to' : 'in labels with';
    warnUndefinedMetric(
      `${start} ${where} no ${modifier} samples. Use the \`zeroDivision\` option (scikit-learn's \`zero_division\`) ` +
        `to control this behavior.`,
    );
  }
  return out;
}

/**
 * Precision, recall, F-beta and support per label, or averaged, as scikit-learn's
 * `precision_recall_fscore_support`; the labels are `labels`, else the sorted union of yTrue and yPred:
 * `micro` pools the counts, `macro` is the plain mean over labels, `weighted`
 * weights by support, `binary` reports `posLabel` only. A 0/0 takes the
 * `zeroDivision` value ('warn': 0 plus a warning); with NaN, averages skip it.
 */
// Per-class overload first: without strictNullChecks (tslab) `null` would match any average.
export function precisionRecallFscoreSupport<L extends Label>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options?: PrfOptions<L> & { average?: null },
): PrfPerClass<L>;
export function precisionRecallFscoreSupport<L extends Label>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options: PrfOptions<L> & { average: Exclude<Average, null> },
): PrfAveraged;
export function precisionRecallFscoreSupport<L extends Label>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options?: PrfOptions<L>,
): PrfPerClass<L> | PrfAveraged;
export function precisionRecallFscoreSupport<L extends Label>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options: PrfOptions<L> = {},
): PrfPerClass<L> | PrfAveraged {
  const fn = 'precisionRecallFscoreSupport';
  const average = options.average === undefined ? null : options.average;
  const zeroDivision = options.zeroDivision ?? 'warn';
  const zd = zeroDivisionValue(fn, zeroDivision);
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new Error(`${fn}: 'beta' must be >= 0; got ${beta}.`);
  const warnFor = options.warnFor ?? ['precision', 'recall', 'f-score'];
  const labels = [...setWiseLabels(fn, yTrue, yPred, average, options.labels, options.posLabel)];

  const index = labelIndex(labels);
  let tp = new Array<number>(labels.length).fill(0);
  let predSum = tp.slice();
  let trueSum = tp.slice();
  for (let s = 0; s < yTrue.length; s++) {
    const i = index.get(yTrue[s]);
    const j = index.get(yPred[s]);
    if (i !== undefined) trueSum[i]++;
    if (j !== undefined) predSum[j]++;
    if (i !== undefined && i === j) tp[i]++;
  }
  const support = trueSum;
  if (average === 'micro') {
    const sum = (a: number[]) => [a.reduce((x, y) => x + y, 0)];
    tp = sum(tp);
    predSum = sum(predSum);
    trueSum = sum(trueSum);
  }
  const precision = prfDivide(tp, predSum, 'precision', 'predicted', average, warnFor, zeroDivision, zd);
  const recall = prfDivide(tp, trueSum, 'recall', 'true', average, warnFor, zeroDivision, zd);
  let fscore: number[];
  if (beta === Infinity) fscore = recall;
  else if (beta === 0) fscore = precision;
  else {
    const beta2 = beta * beta;
    const denom = trueSum.map((t, i) => beta2 * t + predSum[i]);
    fscore = prfDivide(
      tp.map((v) => (1 + beta2) * v),
      denom,
      'f-score',
      'true nor predicted',
      average,
      warnFor,
      zeroDivision,
      zd,
    );
  }
  if (average === null) return { labels, precision, recall, fscore, support };
  const weights = average === 'weighted' ? trueSum : undefined;
  return {
    precision: nanAverage(precision, weights),
    recall: nanAverage(recall, weights),
    fscore: nanAverage(fscore, weights),
    support: null,
  };
}

/** Options of `precisionScore`, `recallScore` and `f1Score`, as scikit-learn's keyword arguments. */
export interface ScoreOptions<L extends Label> {
  /** Labels to score, in this order (default: sorted union of yTrue and yPred). */
  labels?: readonly L[];
  /** The positive class when `average: 'binary'` (default 1). */
  posLabel?: L;
  /** Default 'binary', as scikit-learn's (multiclass targets need another value). */
  average?: Average;
  /** Value of a 0/0 metric (default 'warn': 0 and an UndefinedMetricWarning). */
  zeroDivision?: ZeroDivision;
}

type ScoreResult<O> = O extends { average: null } ? number[] : number;

function oneScore<L extends Label>(
  fn: string,
  metric: PrfMetric,
  key: 'precision' | 'recall' | 'fscore',
  yTrue: readonly L[],
  yPred: readonly L[],
  options: ScoreOptions<L> & { beta?: number },
): number | number[] {
  const average = options.average === undefined ? 'binary' : options.average;
  try {
    const r = precisionRecallFscoreSupport(yTrue, yPred, { ...options, average, warnFor: [metric] });
    return r[key];
  } catch (e) {
    throw new Error((e as Error).message.replace(/^precisionRecallFscoreSupport:/, `${fn}:`));
  }
}

/** Precision tp / (tp + fp); per label when `average: null`. */
export function precisionScore<L extends Label, O extends ScoreOptions<L>>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options?: O,
): ScoreResult<O> {
  return oneScore('precisionScore', 'precision', 'precision', yTrue, yPred, options ?? {}) as ScoreResult<O>;
}

/** Recall tp / (tp + fn); per label when `average: null`. */
export function recallScore<L extends Label, O extends ScoreOptions<L>>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options?: O,
): ScoreResult<O> {
  return oneScore('recallScore', 'recall', 'recall', yTrue, yPred, options ?? {}) as ScoreResult<O>;
}

/** F-beta (1 + b²)·tp / ((1 + b²)·tp + b²·fn + fp); per label when `average: null`. */
export function fbetaScore<L extends Label, O extends ScoreOptions<L>>(
  yTrue: readonly L[],
  yPred: readonly L[],
  beta: number,
  options?: O,
): ScoreResult<O> {
  return oneScore('fbetaScore', 'f-score', 'fscore', yTrue, yPred, { ...(options ?? {}), beta }) as ScoreResult<O>;
}

/**
 * F1 = 2·tp / (2·tp + fn + fp); per label when `average: null`. Mirrors scikit-learn's
 * `f1_score(y_true, y_pred, labels=None, average=..., zero_division=...)`: without `labels`, `'macro'` averages
 * over the labels present in yTrue ∪ yPred (a class absent from both, e.g. from a tiny validation set, does not
 * count); with `labels`, over exactly those labels (absent ones score the `zeroDivision` value, 0 by default).
 * Golden: test/pipeline/f1-absent.test.ts.
 */
export function f1Score<L extends Label, O extends ScoreOptions<L>>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options?: O,
): ScoreResult<O> {
  return oneScore('f1Score', 'f-score', 'fscore', yTrue, yPred, options ?? {}) as ScoreResult<O>;
}

/**
 * Matthews correlation coefficient (multiclass R_K statistic), in [-1, 1];
 * 0 when a covariance term vanishes (e.g. a single class), as scikit-learn.
 */
export function matthewsCorrcoef<L extends Label>(yTrue: readonly L[], yPred: readonly L[]): number {
  const c = confusionMatrix(yTrue, yPred);
  const k = c.length;
  const tSum = c.map((row) => row.reduce((a, v) => a + v, 0));
  const pSum = c[0].map((_, j) => c.reduce((a, row) => a + row[j], 0));
  let nCorrect = 0;
  for (let i = 0; i < k; i++) nCorrect += c[i][i];
  const nSamples = pSum.reduce((a, v) => a + v, 0);
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
  const covYtYp = nCorrect * nSamples - dot(tSum, pSum);
  const covYpYp = nSamples ** 2 - dot(pSum, pSum);
  const covYtYt = nSamples ** 2 - dot(tSum, tSum);
  const prod = covYpYp * covYtYt;
  return prod === 0 ? 0 : covYtYp / Math.sqrt(prod);
}
