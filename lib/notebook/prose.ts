/**
 * Sentences computed from a run's numbers, so that the notebooks' conclusions follow
 * the run they show: orderings of models stated with their paired confidence
 * intervals, and what a training curve did. Intervals are plain inputs
 * ({ estimate, low, high }), e.g. from a paired bootstrap.
 */
import type { EpochRecord } from '../train/history';

/** A confidence interval around an estimate, in the metric's units (fractions for accuracy and F1). */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** The difference `a − b` of one metric between two models scored on the same texts, with its interval. */
export interface PairedDifference {
  a: string;
  b: string;
  difference: Interval;
}

/** How numbers are printed in sentences. */
export interface ProseOptions {
  /** 'points' (default) prints fractions × 100 ('2.9 points'); 'raw' prints values as given. */
  unit?: 'points' | 'raw';
  /** Confidence level of the intervals in % (default 95), as the text states it. */
  level?: number;
}

const MINUS = '\u2212';

function checkInterval(fn: string, name: string, i: Interval): void {
  const ok =
    i !== null &&
    typeof i === 'object' &&
    [i.estimate, i.low, i.high].every((v) => typeof v === 'number' && Number.isFinite(v)) &&
    i.low <= i.high;
  if (!ok)
    throw new Error(
      `${fn}: '${name}' must be { estimate, low, high } of finite numbers with low <= high; got ${JSON.stringify(i)}.`,
    );
}

/**
 * Number formatter for a set of values: × 100 for points; one decimal, more (up to
 * three) when a non-zero value would otherwise print as 0; a true minus sign.
 */
function formatter(values: readonly number[], unit: 'points' | 'raw'): (v: number, signed?: boolean) => string {
  const scale = unit === 'points' ? 100 : 1;
  let digits = unit === 'points' ? 1 : 3;
  while (digits < 3 && values.some((v) => v !== 0 && Math.abs(v * scale) < 0.5 * 10 ** -digits)) digits++;
  return (v, signed = false) => {
    const s = (Math.abs(v * scale) < 0.5 * 10 ** -digits ? 0 : v * scale).toFixed(digits);
    if (s.startsWith('-')) return `${MINUS}${s.slice(1)}`;
    return signed && Number(s) > 0 ? `+${s}` : s;
  };
}

/** '49.3 (95% CI 47.0 to 51.6)': an estimate with its interval. */
export function formatInterval(i: Interval, options: ProseOptions = {}): string {
  checkInterval('formatInterval', 'interval', i);
  const f = formatter([i.estimate, i.low, i.high], options.unit ?? 'points');
  return `${f(i.estimate)} (${options.level ?? 95}% CI ${f(i.low)} to ${f(i.high)})`;
}

/**
 * One paired comparison in words, decided by whether the interval of `a − b` excludes 0:
 * - above 0: 'siamese > frozen by 2.9 points (95% CI 1.2 to 4.6)';
 * - below 0: the other way round, 'frozen > trained by 1.9 points (95% CI 0.5 to 3.3)';
 * - containing 0: 'trained vs frozen: no clear difference (−0.4 points, 95% CI −2.1 to 1.3)';
 * - exactly 0 throughout: 'trained = frozen (a difference of 0 in every resample)'.
 */
export function differenceSentence(d: PairedDifference, options: ProseOptions = {}): string {
  checkInterval('differenceSentence', 'difference', d.difference);
  const unit = options.unit ?? 'points';
  const { estimate, low, high } = d.difference;
  const f = formatter([estimate, low, high], unit);
  const u = unit === 'points' ? ' points' : '';
  const ci = `${options.level ?? 95}% CI`;
  if (estimate === 0 && low === 0 && high === 0) return `${d.a} = ${d.b} (a difference of 0 in every resample)`;
  if (low > 0) return `${d.a} > ${d.b} by ${f(estimate)}${u} (${ci} ${f(low)} to ${f(high)})`;
  if (high < 0) return `${d.b} > ${d.a} by ${f(-estimate)}${u} (${ci} ${f(-high)} to ${f(-low)})`;
  return `${d.a} vs ${d.b}: no clear difference (${f(estimate, true)}${u}, ${ci} ${f(low)} to ${f(high)})`;
}

function negate(d: Interval): Interval {
  return { estimate: -d.estimate, low: -d.high, high: -d.low };
}

/**
 * The models ordered by their scores, each step marked '>' when the paired interval
 * of the two neighbours excludes 0 and '≈' when it does not ('=' when identical),
 * followed by every paired comparison in words:
 * 'On macro F1: siamese > frozen ≈ trained. siamese > frozen by 2.9 points (95% CI 1.2 to 4.6); …'.
 * A chain says nothing about non-neighbours; the sentences after it do.
 *
 * @param scores the metric per model (point estimates), e.g. { siamese: 0.493, frozen: 0.482, trained: 0.463 }.
 * @param pairs paired differences covering at least every pair of neighbours in the order (either way round).
 * @throws when a neighbouring pair has no paired difference, or an interval is malformed.
 */
export function orderingStatement(
  scores: Readonly<Record<string, number>>,
  pairs: readonly PairedDifference[],
  options: ProseOptions & { metric: string },
): string {
  const fn = 'orderingStatement';
  const models = Object.keys(scores);
  if (models.length < 2)
    throw new Error(`${fn}: 'scores' must hold at least two models; got ${JSON.stringify(scores)}.`);
  const bad = models.find((m) => !Number.isFinite(scores[m]));
  if (bad !== undefined) throw new Error(`${fn}: 'scores.${bad}' must be a finite number; got ${scores[bad]}.`);
  pairs.forEach((p, i) => checkInterval(fn, `pairs[${i}].difference`, p.difference));
  const ranked = models.map((m, i) => ({ m, i })).sort((x, y) => scores[y.m] - scores[x.m] || x.i - y.i);
  const find = (a: string, b: string): Interval => {
    const direct = pairs.find((p) => p.a === a && p.b === b);
    if (direct) return direct.difference;
    const reverse = pairs.find((p) => p.a === b && p.b === a);
    if (reverse) return negate(reverse.difference);
    throw new Error(
      `${fn}: 'pairs' must include a paired difference of '${a}' and '${b}' (neighbours in the order); got ` +
        `${pairs.map((p) => `${p.a}−${p.b}`).join(', ') || 'none'}.`,
    );
  };
  let chain = ranked[0].m;
  for (let k = 1; k < ranked.length; k++) {
    const d = find(ranked[k - 1].m, ranked[k].m);
    const same = d.estimate === 0 && d.low === 0 && d.high === 0;
    chain += `${same ? ' = ' : d.low > 0 ? ' > ' : ' ≈ '}${ranked[k].m}`;
  }
  const details = pairs.map((p) => differenceSentence(p, options)).join('; ');
  return `On ${options.metric}: ${chain}.${details ? ` ${details}.` : ''}`;
}

/**
 * What a training run's monitored value did, in one sentence: 'Siamese training: validation loss 0.912
 * → 0.701 over 4 epochs, best at epoch 4, the last one: it was still improving, so more epochs may help.'
 *
 * @param history per-epoch records (at least one); `monitor` the field watched: 'valLoss' (lower is
 *   better) or 'valAccuracy' (higher is better).
 */
export function trainingSentence(
  name: string,
  history: readonly EpochRecord[],
  monitor: 'valLoss' | 'valAccuracy' = 'valLoss',
): string {
  const fn = 'trainingSentence';
  const values = history.map((r) => r[monitor]);
  if (values.length === 0 || values.some((v) => v === undefined || !Number.isFinite(v)))
    throw new Error(`${fn}: 'history' must hold a finite '${monitor}' in every epoch; got ${JSON.stringify(values)}.`);
  const v = values as number[];
  const lowerIsBetter = monitor === 'valLoss';
  let best = 0;
  v.forEach((x, i) => {
    if (lowerIsBetter ? x < v[best] : x > v[best]) best = i;
  });
  const label = lowerIsBetter ? 'validation loss' : 'validation accuracy';
  const digits = 3;
  const epochs = `${v.length} epoch${v.length === 1 ? '' : 's'}`;
  if (v.length === 1)
    return `${name}: ${label} ${v[0].toFixed(digits)} after its only epoch; one epoch says nothing about convergence.`;
  const head = `${name}: ${label} ${v[0].toFixed(digits)} → ${v[v.length - 1].toFixed(digits)} over ${epochs}`;
  if (best === v.length - 1)
    return `${head}, best at epoch ${best + 1}, the last one: it was still improving, so more epochs may help.`;
  const later = v.length - 1 - best;
  const after = later === 1 ? 'the last epoch' : `the ${later} later epochs`;
  return `${head}, best at epoch ${best + 1} (${v[best].toFixed(digits)}); ${after} did not improve on it.`;
}
