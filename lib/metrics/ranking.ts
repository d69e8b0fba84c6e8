/**
 * ROC curves and AUC with scikit-learn's semantics (1.9): `rocCurve` collapses
 * tied scores, drops collinear points (`dropIntermediate`), and starts at
 * (0, 0) with threshold +Infinity; `rocAucScore` does one-vs-rest multiclass
 * averaging (micro / macro / weighted). `multiclassRocCurves` adds the
 * macro-average curve of scikit-learn's ROC example (per-class TPRs
 * interpolated on the union of all FPRs, as the study did).
 */
import { npMean, npSum, npWeightedAverage } from './numeric';
import { sortLabels, type Label } from './targets';
import { warnUndefinedMetric } from './warnings';

/** A ROC curve as scikit-learn's `roc_curve` returns it: three arrays of one length. */
export interface RocCurve {
  /** Increasing false-positive rates, starting at 0. */
  fpr: number[];
  /** Increasing true-positive rates, starting at 0. */
  tpr: number[];
  /** Decreasing score thresholds; thresholds[0] is +Infinity. */
  thresholds: number[];
}

/** Options of `rocCurve`, as scikit-learn's `pos_label` and `drop_intermediate`. */
export interface RocCurveOptions {
  /** The positive class (default 1 when yTrue is in {0, 1} or {-1, 1}). */
  posLabel?: Label | boolean;
  /** Drop suboptimal thresholds that lie on straight segments (default true). */
  dropIntermediate?: boolean;
}

function checkScores(fn: string, name: string, scores: readonly number[]): void {
  for (let i = 0; i < scores.length; i++) {
    if (typeof scores[i] !== 'number' || !Number.isFinite(scores[i])) {
      throw new Error(`${fn}: '${name}' must hold finite numbers; got ${scores[i]} at index ${i}.`);
    }
  }
}

function binaryTargets(
  fn: string,
  yTrue: readonly (Label | boolean)[],
  posLabel: Label | boolean | undefined,
): boolean[] {
  if (posLabel === undefined) {
    const classes = new Set(yTrue.map((v) => (typeof v === 'boolean' ? Number(v) : v)));
    const ok = [...classes].every((c) => c === 0 || c === 1 || c === -1) && !(classes.has(0) && classes.has(-1));
    if (!ok) {
      throw new Error(
        `${fn}: 'yTrue' takes values ${JSON.stringify(sortLabels([...classes]))} and 'posLabel' is not given: use ` +
          `labels in {0, 1} or {-1, 1}, or pass 'posLabel'.`,
      );
    }
    return yTrue.map((v) => v === 1 || v === true);
  }
  const pos = typeof posLabel === 'boolean' ? Number(posLabel) : posLabel;
  return yTrue.map((v) => (typeof v === 'boolean' ? Number(v) : v) === pos);
}

/**
 * Cumulative false and true positives at each distinct score, scores descending
 * (scikit-learn's `_binary_clf_curve`).
 */
function binaryClfCurve(
  positive: readonly boolean[],
  yScore: readonly number[],
): { fps: number[]; tps: number[]; thresholds: number[] } {
  const order = yScore.map((_, i) => i).sort((a, b) => yScore[b] - yScore[a]);
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let k = 0; k < order.length; k++) {
    if (positive[order[k]]) tp++;
    const last = k === order.length - 1;
    if (last || yScore[order[k + 1]] !== yScore[order[k]]) {
      tps.push(tp);
      fps.push(k + 1 - tp);
      thresholds.push(yScore[order[k]]);
    }
  }
  return { fps, tps, thresholds };
}

/** Receiver operating characteristic for a binary task (scikit-learn's `roc_curve`). */
export function rocCurve(
  yTrue: readonly (Label | boolean)[],
  yScore: readonly number[],
  options: RocCurveOptions = {},
): RocCurve {
  const fn = 'rocCurve';
  if (yTrue.length !== yScore.length)
    throw new Error(`${fn}: 'yTrue' and 'yScore' must have the same length; got ${yTrue.length} and ${yScore.length}.`);
  if (yTrue.length === 0) throw new Error(`${fn}: 'yTrue' must not be empty; got 0 samples.`);
  checkScores(fn, 'yScore', yScore);
  const positive = binaryTargets(fn, yTrue, options.posLabel);
  let { fps, tps, thresholds } = binaryClfCurve(positive, yScore);
  if ((options.dropIntermediate ?? true) && fps.length > 2) {
    // Keep the ends and every point where the second difference of fps or tps is non-zero.
    const keep: number[] = [0];
    for (let i = 1; i < fps.length - 1; i++) {
      const d2f = fps[i + 1] - 2 * fps[i] + fps[i - 1];
      const d2t = tps[i + 1] - 2 * tps[i] + tps[i - 1];
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    keep.push(fps.length - 1);
    fps = keep.map((i) => fps[i]);
    tps = keep.map((i) => tps[i]);
    thresholds = keep.map((i) => thresholds[i]);
  }
  fps = [0, ...fps];
  tps = [0, ...tps];
  thresholds = [Infinity, ...thresholds];
  const lastF = fps[fps.length - 1];
  const lastT = tps[tps.length - 1];
  let fpr: number[];
  let tpr: number[];
  if (lastF <= 0) {
    warnUndefinedMetric('No negative samples in y_true, false positive value should be meaningless');
    fpr = fps.map(() => NaN);
  } else fpr = fps.map((v) => v / lastF);
  if (lastT <= 0) {
    warnUndefinedMetric('No positive samples in y_true, true positive value should be meaningless');
    tpr = tps.map(() => NaN);
  } else tpr = tps.map((v) => v / lastT);
  return { fpr, tpr, thresholds };
}

/** Area under a curve by the trapezoidal rule; `x` must be monotonic (either direction). */
export function auc(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length)
    throw new Error(`auc: 'x' and 'y' must have the same length; got ${x.length} and ${y.length}.`);
  if (x.length < 2) throw new Error(`auc: at least 2 points are needed to compute area under curve; got ${x.length}.`);
  const dx = x.slice(1).map((v, i) => v - x[i]);
  let direction = 1;
  if (dx.some((d) => d < 0)) {
    if (dx.every((d) => d <= 0)) direction = -1;
    else
      throw new Error(
        `auc: 'x' is neither increasing nor decreasing; got ` +
          `[${x.slice(0, 8).join(', ')}${x.length > 8 ? ', ...' : ''}].`,
      );
  }
  // numpy.trapezoid: sum(dx * (y[1:] + y[:-1]) / 2)
  return direction * npSum(dx.map((d, i) => (d * (y[i + 1] + y[i])) / 2));
}

/**
 * `np.interp(x, xp, fp)`: piecewise-linear interpolation, xp increasing (ties
 * allowed: at a tied xp the last point wins, as numpy's binary search does).
 */
export function interp(x: readonly number[], xp: readonly number[], fp: readonly number[]): number[] {
  const n = xp.length;
  if (n === 0 || fp.length !== n)
    throw new Error(`interp: 'xp' and 'fp' must be non-empty and of the same length; got ${n} and ${fp.length}.`);
  return x.map((v) => {
    if (v < xp[0]) return fp[0];
    if (v > xp[n - 1]) return fp[n - 1];
    // Largest j with xp[j] <= v.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v >= xp[mid]) lo = mid + 1;
      else hi = mid;
    }
    const j = lo - 1;
    if (j === n - 1 || xp[j] === v) return fp[j];
    const slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    let r = slope * (v - xp[j]) + fp[j];
    if (Number.isNaN(r)) {
      r = slope * (v - xp[j + 1]) + fp[j + 1];
      if (Number.isNaN(r) && fp[j] === fp[j + 1]) r = fp[j];
    }
    return r;
  });
}

function binaryRocAuc(positive: readonly boolean[], scores: readonly number[]): number {
  const first = positive[0];
  if (positive.every((p) => p === first)) {
    warnUndefinedMetric('Only one class is present in y_true. ROC AUC score is not defined in that case.');
    return NaN;
  }
  const { fpr, tpr } = rocCurve(positive.map(Number), scores);
  return auc(fpr, tpr);
}

/** How `rocAucScore` averages one-vs-rest AUCs, as scikit-learn's `average`; null gives one AUC per class. */
export type RocAverage = 'micro' | 'macro' | 'weighted' | null;

/** Options of `rocAucScore`, as scikit-learn's `roc_auc_score` keyword arguments. */
export interface RocAucOptions<L extends Label> {
  /** Default 'macro'; null returns per-class AUCs (multiclass only). */
  average?: RocAverage;
  /** Only one-vs-rest is implemented (default 'ovr'). */
  multiClass?: 'ovr';
  /** Class labels in the order of yScore's columns (default: sorted unique yTrue). */
  labels?: readonly L[];
}

interface MulticlassInput<L extends Label> {
  classes: L[];
  /** onehot[c][i]: sample i belongs to class c. */
  onehot: boolean[][];
  /** columns[c][i] = yScore[i][c]. */
  columns: number[][];
}

function multiclassInput<L extends Label>(
  fn: string,
  yTrue: readonly L[],
  yScore: readonly (readonly number[])[],
  labels: readonly L[] | undefined,
  requireProbabilities: boolean,
): MulticlassInput<L> {
  if (yTrue.length !== yScore.length)
    throw new Error(`${fn}: 'yTrue' and 'yScore' must have the same length; got ${yTrue.length} and ${yScore.length}.`);
  if (yTrue.length === 0) throw new Error(`${fn}: 'yTrue' must not be empty; got 0 samples.`);
  const k = yScore[0].length;
  yScore.forEach((row, i) => {
    if (row.length !== k)
      throw new Error(`${fn}: every row of 'yScore' must have ${k} columns; got ${row.length} at row ${i}.`);
    checkScores(fn, `yScore[${i}]`, row);
    if (requireProbabilities) {
      const s = npSum(row);
      if (!(Math.abs(s - 1) <= 1e-8 + 1e-5)) {
        throw new Error(
          `${fn}: 'yScore' rows must be probabilities that sum to 1.0 over classes (for multiclass ROC AUC); row ` +
            `${i} sums to ${s}.`,
        );
      }
    }
  });
  let classes: L[];
  if (labels !== undefined) {
    classes = [...labels];
    if (new Set(classes).size !== classes.length)
      throw new Error(`${fn}: 'labels' must be unique; got ${JSON.stringify(labels)}.`);
    const sorted = sortLabels(classes);
    if (sorted.some((l, i) => l !== classes[i]))
      throw new Error(`${fn}: 'labels' must be ordered; got ${JSON.stringify(labels)}.`);
    if (classes.length !== k)
      throw new Error(
        `${fn}: number of given labels, ${classes.length}, not equal to the number of columns in 'yScore', ${k}.`,
      );
    const set = new Set<L>(classes);
    const bad = yTrue.find((y) => !set.has(y));
    if (bad !== undefined) throw new Error(`${fn}: 'yTrue' contains label ${JSON.stringify(bad)} not in 'labels'.`);
  } else {
    classes = sortLabels(new Set(yTrue));
    if (classes.length !== k) {
      throw new Error(
        `${fn}: number of classes in 'yTrue' (${classes.length}) not equal to the number of columns in 'yScore' ` +
          `(${k}); pass 'labels' when some classes are absent.`,
      );
    }
  }
  return {
    classes,
    onehot: classes.map((c) => yTrue.map((y) => y === c)),
    columns: classes.map((_, c) => yScore.map((row) => row[c])),
  };
}

/**
 * ROC AUC (scikit-learn's `roc_auc_score`). Binary: yScore is one score per
 * sample (for the greater label). Multiclass: yScore is [n, classes]
 * probabilities, one-vs-rest; `average` 'macro' (mean of per-class AUCs),
 * 'weighted' (by class support), 'micro' (all pairs pooled) or null.
 * A class with no positives or no negatives gives NaN and a warning.
 */
export function rocAucScore<L extends Label>(
  yTrue: readonly L[],
  yScore: readonly number[],
  options?: { labels?: readonly L[] },
): number;
export function rocAucScore<L extends Label>(
  yTrue: readonly L[],
  yScore: readonly (readonly number[])[],
  options?: RocAucOptions<L> & { average?: Exclude<RocAverage, null> },
): number;
export function rocAucScore<L extends Label>(
  yTrue: readonly L[],
  yScore: readonly (readonly number[])[],
  options: RocAucOptions<L> & { average: null },
): number[];
export function rocAucScore<L extends Label>(
  yTrue: readonly L[],
  yScore: readonly number[] | readonly (readonly number[])[],
  options: RocAucOptions<L> = {},
): number | number[] {
  const fn = 'rocAucScore';
  if (yScore.length > 0 && typeof yScore[0] === 'number') {
    const scores = yScore as readonly number[];
    if (yTrue.length !== scores.length)
      throw new Error(
        `${fn}: 'yTrue' and 'yScore' must have the same length; got ${yTrue.length} and ${scores.length}.`,
      );
    checkScores(fn, 'yScore', scores);
    const classes = sortLabels(new Set(yTrue));
    if (classes.length > 2)
      throw new Error(
        `${fn}: 'yTrue' has ${classes.length} classes, so 'yScore' must be [n, classes] probabilities; got one ` +
          `score per sample.`,
      );
    // label_binarize: the greater label is the positive class.
    const pos = classes[classes.length - 1];
    return binaryRocAuc(
      yTrue.map((y) => classes.length === 2 && y === pos),
      scores,
    );
  }
  const average = options.average === undefined ? 'macro' : options.average;
  if (!['micro', 'macro', 'weighted', null].includes(average)) {
    throw new Error(
      `${fn}: 'average' must be one of 'micro', 'macro', 'weighted' or null for multiclass problems; got ` +
        `${JSON.stringify(average)}.`,
    );
  }
  if ((options.multiClass ?? 'ovr') !== 'ovr')
    throw new Error(
      `${fn}: 'multiClass' must be 'ovr' (one-vs-one is not implemented); got ${JSON.stringify(options.multiClass)}.`,
    );
  const rows = yScore as readonly (readonly number[])[];
  const { onehot, columns } = multiclassInput(fn, yTrue, rows, options.labels, true);
  if (average === 'micro') {
    // Ravel in row-major order: sample 0's classes, then sample 1's, ...
    const n = yTrue.length;
    const k = columns.length;
    const pos: boolean[] = new Array(n * k);
    const sc: number[] = new Array(n * k);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < k; c++) {
        pos[i * k + c] = onehot[c][i];
        sc[i * k + c] = columns[c][i];
      }
    return binaryRocAuc(pos, sc);
  }
  const scores = columns.map((col, c) => binaryRocAuc(onehot[c], col));
  if (average === null) return scores;
  if (average === 'macro') return npMean(scores);
  const weights = onehot.map((o) => o.filter(Boolean).length);
  return npWeightedAverage(
    scores.map((s, c) => (weights[c] === 0 ? 0 : s)),
    weights,
  );
}

/** One class's one-vs-rest ROC curve and its area. */
export interface ClassRoc<L extends Label> extends RocCurve {
  /** The class scored as positive. */
  label: L;
  /** Area under the curve (trapezoids), in [0, 1]. */
  auc: number;
}

/** Every curve of scikit-learn's multiclass ROC example: per class, micro-average and macro-average. */
export interface MulticlassRoc<L extends Label> {
  /** One-vs-rest curve per class, in label order. */
  perClass: ClassRoc<L>[];
  /** Pooled curve over all (sample, class) pairs; its AUC is the micro-average AUC. */
  micro: RocCurve & { auc: number };
  /** Mean of per-class TPRs interpolated on a shared FPR grid, and its AUC. */
  macro: { fpr: number[]; tpr: number[]; auc: number };
  /** Mean of the per-class AUCs (= rocAucScore average 'macro'). */
  macroAucMean: number;
}

/** Options of `multiclassRocCurves`: labels of yScore's columns, point dropping, the macro curve's FPR grid. */
export interface MulticlassRocOptions<L extends Label> {
  /** Class labels in the order of yScore's columns (default: sorted unique yTrue). */
  labels?: readonly L[];
  /** Drop suboptimal thresholds on straight segments of each curve (default true, as `rocCurve`). */
  dropIntermediate?: boolean;
  /**
   * FPR grid of the macro curve: 'union' (default; every per-class FPR, as the
   * study and scikit-learn's earlier ROC example) or a number of evenly spaced
   * points in [0, 1] (scikit-learn's current example uses 1000).
   */
  macroGrid?: 'union' | number;
}

/**
 * Per-class one-vs-rest ROC curves, the micro-average curve and the
 * macro-average curve, with their AUCs. yScore is [n, classes].
 */
export function multiclassRocCurves<L extends Label>(
  yTrue: readonly L[],
  yScore: readonly (readonly number[])[],
  options: MulticlassRocOptions<L> = {},
): MulticlassRoc<L> {
  const fn = 'multiclassRocCurves';
  const { classes, onehot, columns } = multiclassInput(fn, yTrue, yScore, options.labels, false);
  const dropIntermediate = options.dropIntermediate ?? true;
  const perClass = classes.map((label, c) => {
    const curve = rocCurve(onehot[c].map(Number), columns[c], { dropIntermediate });
    return { label, ...curve, auc: auc(curve.fpr, curve.tpr) };
  });
  const n = yTrue.length;
  const k = classes.length;
  const pos: number[] = new Array(n * k);
  const sc: number[] = new Array(n * k);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < k; c++) {
      pos[i * k + c] = Number(onehot[c][i]);
      sc[i * k + c] = columns[c][i];
    }
  const microCurve = rocCurve(pos, sc, { dropIntermediate });
  const grid = options.macroGrid ?? 'union';
  let fpr: number[];
  if (grid === 'union') fpr = [...new Set(perClass.flatMap((p) => p.fpr))].sort((a, b) => a - b);
  else {
    if (!Number.isInteger(grid) || grid < 2)
      throw new Error(`${fn}: 'macroGrid' must be 'union' or an integer >= 2; got ${grid}.`);
    // np.linspace(0, 1, grid): i * step, the last point exactly 1.
    const step = 1 / (grid - 1);
    fpr = Array.from({ length: grid }, (_, i) => (i === grid - 1 ? 1 : i * step));
  }
  const meanTpr = new Array<number>(fpr.length).fill(0);
  for (const p of perClass)
    interp(fpr, p.fpr, p.tpr).forEach((v, i) => {
      meanTpr[i] += v;
    });
  const tpr = meanTpr.map((v) => v / k);
  return {
    perClass,
    micro: { ...microCurve, auc: auc(microCurve.fpr, microCurve.tpr) },
    macro: { fpr, tpr, auc: auc(fpr, tpr) },
    macroAucMean: npMean(perClass.map((p) => p.auc)),
  };
}
