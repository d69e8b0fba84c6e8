/**
 * Percentile bootstrap intervals for a classifier's validation metrics, and for
 * the paired difference between two classifiers scored on the same rows
 * (Efron & Tibshirani, An Introduction to the Bootstrap, 1993, ch. 13: the
 * percentile interval; the paired design resamples rows once and scores both
 * classifiers on each resample, so their shared row difficulty cancels).
 *
 * Resamples are drawn with replacement through lib/data/rng (seeded): the same
 * seed, row count and resample count give the same resamples, so a reader can
 * recompute every interval. Percentiles use numpy's default method ('linear',
 * `np.percentile(values, q)`), checked against numpy on the same resamples
 * (test/metrics/bootstrap.test.ts).
 */
import { makeRandom, randomInt } from '../data/rng';
import { accuracyScore, f1Score } from './classification';
import { npSum } from './numeric';

/**
 * A metric of (yTrue, yPred), higher is better; 'f1_macro' is scikit-learn's
 * `f1_score(average='macro', zero_division=0)` over the labels present in the resample.
 */
export type BootstrapMetric =
  'accuracy' | 'f1_macro' | ((yTrue: readonly number[], yPred: readonly number[]) => number);

/** Resampling settings shared by every function here. */
export interface BootstrapOptions {
  /** Seed of the resamples (through lib/data/rng). */
  seed: number;
  /** Resamples (default 1000). */
  nResamples?: number;
  /** Coverage of the interval (default 0.95: the 2.5th and 97.5th percentiles). */
  confidence?: number;
}

/** A percentile bootstrap interval around a point estimate (metric units, e.g. accuracy in [0, 1]). */
export interface BootstrapInterval {
  /** The metric on all rows (for a paired difference: metric(A) − metric(B) on all rows). */
  estimate: number;
  low: number;
  high: number;
  confidence: number;
  nResamples: number;
  method: 'percentile';
}

const METRICS = {
  accuracy: (t: readonly number[], p: readonly number[]) => accuracyScore(t, p),
  f1_macro: (t: readonly number[], p: readonly number[]) => f1Score(t, p, { average: 'macro', zeroDivision: 0 }),
};

function metricFn(fn: string, metric: BootstrapMetric): (t: readonly number[], p: readonly number[]) => number {
  if (typeof metric === 'function') return metric;
  if (metric in METRICS) return METRICS[metric];
  throw new Error(`${fn}: 'metric' must be 'accuracy', 'f1_macro' or a function; got ${JSON.stringify(metric)}.`);
}

function checkOptions(fn: string, opts: BootstrapOptions): { nResamples: number; confidence: number } {
  const nResamples = opts.nResamples ?? 1000;
  const confidence = opts.confidence ?? 0.95;
  if (!(Number.isInteger(opts.seed) && opts.seed >= 0))
    throw new Error(`${fn}: 'seed' must be a non-negative integer; got ${String(opts.seed)}.`);
  if (!(Number.isInteger(nResamples) && nResamples >= 2))
    throw new Error(`${fn}: 'nResamples' must be an integer of at least 2; got ${String(nResamples)}.`);
  if (!(confidence > 0 && confidence < 1))
    throw new Error(`${fn}: 'confidence' must be in (0, 1); got ${String(confidence)}.`);
  return { nResamples, confidence };
}

/**
 * `nResamples` arrays of `n` row indices drawn uniformly with replacement, seeded by `seed`
 * (`makeRandom('bootstrap:<seed>')`): the resamples every interval here uses.
 */
export function bootstrapResamples(n: number, opts: BootstrapOptions): Int32Array[] {
  const { nResamples } = checkOptions('bootstrapResamples', opts);
  if (!(Number.isInteger(n) && n > 0))
    throw new Error(`bootstrapResamples: 'n' must be a positive integer (the number of rows); got ${String(n)}.`);
  const random = makeRandom(`bootstrap:${opts.seed}`);
  // A plain loop: Int32Array.from with a map function over {length: n} is ~5x slower at n = 40,000.
  return Array.from({ length: nResamples }, () => {
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = randomInt(random, n);
    return idx;
  });
}

/**
 * The q-th percentile (q in [0, 100]) of `values`, numpy's default 'linear' method:
 * sorted v, h = (n − 1)·q/100, v[⌊h⌋] + (h − ⌊h⌋)·(v[⌊h⌋ + 1] − v[⌊h⌋]).
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) throw new Error("percentile: 'values' must not be empty.");
  if (!(q >= 0 && q <= 100)) throw new Error(`percentile: 'q' must be in [0, 100]; got ${String(q)}.`);
  const v = Float64Array.from(values).sort();
  const h = (q / 100) * (v.length - 1); // numpy's virtual index, in its order of operations
  const lo = Math.floor(h);
  if (lo + 1 >= v.length) return v[v.length - 1];
  // numpy's _lerp: a + (b - a)·t, written b - (b - a)·(1 - t) when t >= 0.5, for the same rounding.
  const t = h - lo,
    a = v[lo],
    b = v[lo + 1];
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

function checkLabels(fn: string, yTrue: ArrayLike<number>, preds: readonly ArrayLike<number>[]): void {
  if (yTrue.length === 0) throw new Error(`${fn}: 'yTrue' must hold at least one row; got none.`);
  for (const p of preds)
    if (p.length !== yTrue.length)
      throw new Error(`${fn}: predictions must have one label per row of 'yTrue' (${yTrue.length}); got ${p.length}.`);
}

function interval(estimate: number, stats: Float64Array, confidence: number): BootstrapInterval {
  const tail = ((1 - confidence) / 2) * 100;
  return {
    estimate,
    low: percentile(stats, tail),
    high: percentile(stats, 100 - tail),
    confidence,
    nResamples: stats.length,
    method: 'percentile',
  };
}

/** Labels as class ids (Int32Array) when every label is a non-negative integer below 2¹⁶; else undefined. */
function classIds(y: ArrayLike<number>): Int32Array | undefined {
  const out = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!(Number.isInteger(v) && v >= 0 && v < 1 << 16)) return undefined;
    out[i] = v;
  }
  return out;
}

/** Accuracy and macro F1 of one classifier on each resample (see {@link bootstrapScores}). */
export interface BootstrapScores {
  accuracy: Float64Array;
  f1_macro: Float64Array;
}

/**
 * Accuracy and macro F1 of each classifier on every resample, from counts in typed arrays, with the generic
 * metrics' exact arithmetic: accuracy = correct / n; macro F1 = npSum of 2·tp / (support + predicted) over the
 * labels present in the resample's yTrue ∪ yPred, ascending, divided by their number (precisionRecallFscoreSupport's
 * formulas with beta 1 and zero_division 0). Each resample becomes a count per row once, shared by the classifiers;
 * each classifier then reads its rows in order. The generic metric per resample (two label arrays materialised,
 * validated, labels sorted) took 274 s for 3 classifiers × 2 metrics × 1,000 resamples of 39,951 rows in the scale
 * check. Labels must be class ids (non-negative integers, Int32Array); resamples index rows of yTrue.
 */
function countedScores(yTrue: Int32Array, yPreds: readonly Int32Array[], resamples: readonly Int32Array[]) {
  const n = yTrue.length;
  let k = 0;
  for (const y of [yTrue, ...yPreds]) for (let i = 0; i < n; i++) if (y[i] >= k) k = y[i] + 1;
  const count = new Int32Array(n),
    tp = new Int32Array(k),
    support = new Int32Array(k),
    predicted = new Int32Array(k),
    f = new Float64Array(k);
  const out: BootstrapScores[] = yPreds.map(() => ({
    accuracy: new Float64Array(resamples.length),
    f1_macro: new Float64Array(resamples.length),
  }));
  for (let r = 0; r < resamples.length; r++) {
    const idx = resamples[r];
    count.fill(0);
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i];
      if (!(j >= 0 && j < n))
        throw new Error(`bootstrapDistribution: resample ${r} must hold row indices in [0, ${n}); got ${j}.`);
      count[j]++;
    }
    support.fill(0);
    for (let i = 0; i < n; i++) support[yTrue[i]] += count[i];
    for (let c = 0; c < yPreds.length; c++) {
      const yPred = yPreds[c];
      tp.fill(0);
      predicted.fill(0);
      let correct = 0;
      for (let i = 0; i < n; i++) {
        // Branch-free: about a third of the rows are not drawn (w = 0), at random.
        const w = count[i],
          hit = yPred[i] === yTrue[i] ? w : 0;
        predicted[yPred[i]] += w;
        tp[yTrue[i]] += hit;
        correct += hit;
      }
      let present = 0;
      for (let l = 0; l < k; l++)
        if (support[l] + predicted[l] > 0) f[present++] = (2 * tp[l]) / (support[l] + predicted[l]);
      out[c].accuracy[r] = correct / idx.length;
      out[c].f1_macro[r] = npSum(f.subarray(0, present)) / present;
    }
  }
  return out;
}

/**
 * Accuracy and macro F1 (scikit-learn's, zero_division 0) of each of `yPreds` on every resample: the values of
 * {@link bootstrapDistribution} with 'accuracy' and 'f1_macro', in one pass per resample for all classifiers
 * (lib/pipeline/intervals.ts scores three on the same resamples). Labels must be non-negative integers (class ids);
 * others: use bootstrapDistribution. Errors name the argument.
 */
export function bootstrapScores(
  yTrue: ArrayLike<number>,
  yPreds: readonly ArrayLike<number>[],
  resamples: readonly Int32Array[],
): BootstrapScores[] {
  checkLabels('bootstrapScores', yTrue, yPreds);
  const t = classIds(yTrue),
    p = yPreds.map(classIds);
  if (!t || p.some((x) => !x))
    throw new Error(
      'bootstrapScores: labels must be non-negative integers below 65,536 (class ids); use bootstrapDistribution ' +
        'for other labels.',
    );
  if (resamples.some((idx) => idx.length === 0))
    throw new Error("bootstrapScores: 'resamples' must not hold an empty resample.");
  return countedScores(t, p as Int32Array[], resamples);
}

/**
 * Metric values of one classifier on each resample (for custom summaries). 'accuracy' and 'f1_macro' with
 * non-negative integer labels are computed from class counts (fast, the same values as the generic metric, checked
 * by test/metrics/bootstrap.test.ts); other labels and custom metrics call the metric on each resample's labels.
 */
export function bootstrapDistribution(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  metric: BootstrapMetric,
  resamples: readonly Int32Array[],
): Float64Array {
  const m = metricFn('bootstrapDistribution', metric);
  checkLabels('bootstrapDistribution', yTrue, [yPred]);
  if (metric === 'accuracy' || metric === 'f1_macro') {
    const t = classIds(yTrue),
      p = classIds(yPred);
    if (t && p && resamples.every((idx) => idx.length > 0)) return countedScores(t, [p], resamples)[0][metric];
  }
  return Float64Array.from(resamples, (idx) =>
    m(
      Array.from(idx, (i) => yTrue[i]),
      Array.from(idx, (i) => yPred[i]),
    ),
  );
}

/**
 * 95% (by default) percentile bootstrap interval of `metric` for predictions `yPred` of labels `yTrue`
 * (one per row, e.g. a classifier's validation predictions).
 */
export function bootstrapInterval(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  metric: BootstrapMetric,
  opts: BootstrapOptions,
): BootstrapInterval {
  const { confidence } = checkOptions('bootstrapInterval', opts);
  checkLabels('bootstrapInterval', yTrue, [yPred]);
  const m = metricFn('bootstrapInterval', metric);
  const resamples = bootstrapResamples(yTrue.length, opts);
  const stats = bootstrapDistribution(yTrue, yPred, m, resamples);
  return interval(m(Array.from(yTrue), Array.from(yPred)), stats, confidence);
}

/**
 * Paired bootstrap interval of metric(A) − metric(B) for two classifiers' predictions on the same rows
 * (e.g. siamese − frozen): both are scored on each resample, and the percentiles of the differences form
 * the interval. An interval that excludes 0 says the ordering holds at that confidence.
 */
export function pairedBootstrapDifference(
  yTrue: ArrayLike<number>,
  yPredA: ArrayLike<number>,
  yPredB: ArrayLike<number>,
  metric: BootstrapMetric,
  opts: BootstrapOptions,
): BootstrapInterval {
  const { confidence } = checkOptions('pairedBootstrapDifference', opts);
  checkLabels('pairedBootstrapDifference', yTrue, [yPredA, yPredB]);
  const m = metricFn('pairedBootstrapDifference', metric);
  const resamples = bootstrapResamples(yTrue.length, opts);
  const a = bootstrapDistribution(yTrue, yPredA, m, resamples);
  const b = bootstrapDistribution(yTrue, yPredB, m, resamples);
  const diff = a.map((v, i) => v - b[i]);
  const all = Array.from(yTrue);
  return interval(m(all, Array.from(yPredA)) - m(all, Array.from(yPredB)), diff, confidence);
}
