/**
 * Uncertainty of a run's figures, for report.json `intervals`: 95% percentile bootstrap intervals
 * (lib/metrics/bootstrap.ts; 1000 resamples of the subset's rows, seeded by the run's seed) of each classifier's
 * accuracy and macro F1, and of the paired differences siamese − frozen and siamese − trained (both classifiers
 * scored on the same resamples, so an interval that excludes 0 says the ordering holds at that confidence).
 *
 * They are computed from the evaluation's predictions (lib/pipeline/evaluation.ts, saved in `<out>/evaluation/`),
 * on the subsets whose rows are distinct: the validation split and the held-out test split (--test-fraction). The
 * balanced sample is drawn with replacement from validation, so resampling it would count rows twice.
 */
import { bootstrapResamples, bootstrapScores, percentile } from '../metrics/bootstrap';
import { accuracyScore, f1Score } from '../metrics/classification';
import { argmaxRows, type Predictions, type Subset } from './evaluate';
import { CLASSIFIERS, type ClassifierName } from './identity';

/** The subsets that get intervals: those whose rows are distinct (the test split only when the run has one). */
export const INTERVAL_SUBSETS: readonly Subset[] = ['validation', 'test'];

/** The paired differences the report states: siamese − frozen and siamese − trained. */
export const PAIRS: readonly (readonly [ClassifierName, ClassifierName])[] = [
  ['siamese', 'frozen'],
  ['siamese', 'trained'],
];

/** The metrics with intervals: accuracy and macro F1 (scikit-learn's, zero_division 0). */
export const INTERVAL_METRICS = ['accuracy', 'f1_macro'] as const;
type Metric = (typeof INTERVAL_METRICS)[number];

/** An estimate on all rows and its percentile interval (metric units: accuracy in [0, 1]). */
export interface IntervalJson {
  estimate: number;
  low: number;
  high: number;
}

/** The intervals of one subset. */
export interface SubsetIntervals {
  rows: number;
  confidence: number;
  n_resamples: number;
  seed: number;
  method: 'percentile bootstrap';
  classifiers: Partial<Record<ClassifierName, Record<Metric, IntervalJson>>>;
  /** `siamese-frozen`: metric(siamese) − metric(frozen) on each resample. */
  paired: Record<string, Record<Metric, IntervalJson>>;
}

const CONFIDENCE = 0.95;
const RESAMPLES = 1000;

/** A metric on all rows, as lib/metrics/bootstrap.ts scores each resample. */
function onAll(m: Metric, yTrue: readonly number[], yPred: readonly number[]): number {
  return m === 'accuracy' ? accuracyScore(yTrue, yPred) : f1Score(yTrue, yPred, { average: 'macro', zeroDivision: 0 });
}

function interval(estimate: number, stats: Float64Array): IntervalJson {
  const tail = ((1 - CONFIDENCE) / 2) * 100;
  return { estimate, low: percentile(stats, tail), high: percentile(stats, 100 - tail) };
}

/**
 * Intervals of the classifiers' predictions on one subset (same rows in the same order for all; classifiers
 * absent from `predictions` are left out, and so are the pairs that need them). The resamples are drawn once, so
 * each figure equals `bootstrapInterval` / `pairedBootstrapDifference` with the same seed.
 */
export function subsetIntervals(
  predictions: Partial<Record<ClassifierName, Predictions>>,
  seed: number,
): SubsetIntervals {
  const names = CLASSIFIERS.filter((n) => predictions[n]);
  const yTrue = names.length > 0 ? predictions[names[0]]!.yTrue : [];
  for (const n of names)
    if (predictions[n]!.yTrue.length !== yTrue.length || predictions[n]!.yTrue.some((y, i) => y !== yTrue[i]))
      throw new Error(
        `subsetIntervals: the ${n} classifier's predictions are of other rows than the ${names[0]} classifier's; ` +
          'evaluate all classifiers again (--stages evaluate).',
      );
  const out: SubsetIntervals = {
    rows: yTrue.length,
    confidence: CONFIDENCE,
    n_resamples: RESAMPLES,
    seed,
    method: 'percentile bootstrap',
    classifiers: {},
    paired: {},
  };
  if (yTrue.length === 0) return out;
  const resamples = bootstrapResamples(yTrue.length, { seed, nResamples: RESAMPLES });
  const yPred = new Map(names.map((n) => [n, argmaxRows(predictions[n]!.yScore)]));
  // All classifiers' accuracy and macro F1 per resample in one pass (class counts: bootstrapScores).
  const scores = bootstrapScores(
    yTrue,
    names.map((n) => yPred.get(n)!),
    resamples,
  );
  const dist = new Map<string, { all: number; stats: Float64Array }>();
  names.forEach((n, c) => {
    for (const m of INTERVAL_METRICS)
      dist.set(`${n}:${m}`, { all: onAll(m, yTrue, yPred.get(n)!), stats: scores[c][m] });
  });
  for (const n of names) {
    const entry = {} as Record<Metric, IntervalJson>;
    for (const m of INTERVAL_METRICS) entry[m] = interval(dist.get(`${n}:${m}`)!.all, dist.get(`${n}:${m}`)!.stats);
    out.classifiers[n] = entry;
  }
  for (const [a, b] of PAIRS) {
    if (!yPred.has(a) || !yPred.has(b)) continue;
    const entry = {} as Record<Metric, IntervalJson>;
    for (const m of INTERVAL_METRICS) {
      const da = dist.get(`${a}:${m}`)!,
        db = dist.get(`${b}:${m}`)!;
      entry[m] = interval(
        da.all - db.all,
        da.stats.map((v, i) => v - db.stats[i]),
      );
    }
    out.paired[`${a}-${b}`] = entry;
  }
  return out;
}

/** Log lines stating a subset's intervals: each classifier's accuracy and macro F1, then the paired differences. */
export function describeIntervals(subset: Subset, s: SubsetIntervals): string[] {
  const lines: string[] = [];
  const f = (v: number, sign = false) => `${sign && v >= 0 ? '+' : ''}${v.toFixed(4)}`;
  const show = (i: IntervalJson, sign = false) => `${f(i.estimate, sign)} [${f(i.low, sign)}, ${f(i.high, sign)}]`;
  const head = `intervals (${subset}, ${s.confidence * 100}%, ${s.n_resamples} resamples, seed ${s.seed})`;
  for (const [n, e] of Object.entries(s.classifiers))
    lines.push(`${head}: ${n} accuracy ${show(e.accuracy)}, macro F1 ${show(e.f1_macro)}`);
  for (const [pair, e] of Object.entries(s.paired))
    lines.push(
      `${head}: ${pair.replace('-', ' − ')} accuracy ${show(e.accuracy, true)}, macro F1 ${show(e.f1_macro, true)}`,
    );
  return lines;
}
