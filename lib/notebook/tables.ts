/**
 * Tables for the notebooks, each one call: the three models' F1 per class (instead
 * of three 47-line classification reports), the classes where one model gains or
 * loses most against another, the most-confused category pairs, and the cost of
 * each approach. `*Rows` return plain rows (tested); `*Table` return HTML.
 */
import { confusionMatrix, f1Score, precisionRecallFscoreSupport } from '../metrics/classification';
import { mostConfusedPairs } from '../metrics/confusion-pairs';
import { argmaxRows, type Predictions } from '../pipeline/evaluate';
import { formatDuration } from './run-info';
import { htmlTable } from './show';

/** Predictions of several models on the same texts, by model name (the key order is the column order). */
export type ModelPredictions = Readonly<Record<string, Predictions>>;

/** One class: its F1 per model (fractions in [0, 1]) and its number of true texts. */
export type PerClassF1Row = { category: string; support: number } & Record<string, number | string>;

function checkSameTexts(fn: string, preds: ModelPredictions, categories: readonly string[]): string[] {
  const models = Object.keys(preds);
  if (models.length === 0) throw new Error(`${fn}: 'predictions' must hold at least one model; got none.`);
  const first = preds[models[0]].yTrue;
  for (const m of models) {
    const p = preds[m];
    const same = p.yTrue.length === first.length && p.yTrue.every((y, i) => y === first[i]);
    if (!same)
      throw new Error(
        `${fn}: every model must be scored on the same texts; '${m}' has ${p.yTrue.length} true labels that differ ` +
          `from '${models[0]}'s ${first.length} (predict the same subset with each model).`,
      );
    if (p.yScore.length !== p.yTrue.length || p.yScore.some((row) => row.length !== categories.length))
      throw new Error(
        `${fn}: '${m}'.yScore must be ${p.yTrue.length} rows of ${categories.length} scores (one per category).`,
      );
  }
  return models;
}

/**
 * F1 of every class for every model, scikit-learn's `f1_score(average=None)` with
 * `zero_division=0` over all categories, then a last row 'macro average' (the mean
 * over the classes present, as the report's f1_macro).
 *
 * @param preds models' predictions on one subset (e.g. the validation set), same texts for all.
 * @param options.order row order as category indices (e.g. `confusionOrder`); default: by name.
 */
export function perClassF1Rows(
  preds: ModelPredictions,
  categories: readonly string[],
  options: { order?: readonly number[] } = {},
): PerClassF1Row[] {
  const models = checkSameTexts('perClassF1Rows', preds, categories);
  const labels = categories.map((_, i) => i);
  const yTrue = preds[models[0]].yTrue;
  const f1 = Object.fromEntries(
    models.map((m) => {
      const yPred = argmaxRows(preds[m].yScore);
      const perClass = precisionRecallFscoreSupport(yTrue, yPred, { labels, zeroDivision: 0 });
      return [m, { perClass, macro: f1Score(yTrue, yPred, { average: 'macro', zeroDivision: 0 }) }];
    }),
  );
  const support = f1[models[0]].perClass.support;
  const order =
    options.order ??
    labels.slice().sort((a, b) => (categories[a] < categories[b] ? -1 : categories[a] > categories[b] ? 1 : 0));
  const rows: PerClassF1Row[] = order.map((c) => ({
    category: categories[c],
    support: support[c],
    ...Object.fromEntries(models.map((m) => [m, f1[m].perClass.fscore[c]])),
  }));
  rows.push({
    category: 'macro average',
    support: yTrue.length,
    ...Object.fromEntries(models.map((m) => [m, f1[m].macro])),
  });
  return rows;
}

/** `perClassF1Rows` as an HTML table (F1 with 3 decimals; support in texts). */
export function perClassF1Table(
  preds: ModelPredictions,
  categories: readonly string[],
  options: { order?: readonly number[] } = {},
): string {
  const rows = perClassF1Rows(preds, categories, options);
  const models = Object.keys(preds);
  return htmlTable(
    rows.map((r) => ({
      category: r.category,
      ...Object.fromEntries(models.map((m) => [`${m} F1`, r[m]])),
      'texts (true)': r.support,
    })),
    { digits: 3 },
  );
}

/** A class where model `a` and model `b` differ in F1: both F1s and `a − b`. */
export interface F1DifferenceRow {
  /** 'largest gains' (a − b highest) or 'largest losses' (lowest). */
  where: 'largest gains' | 'largest losses';
  category: string;
  a: number;
  b: number;
  difference: number;
}

/**
 * The `k` classes where `a − b` (F1) is highest, then the `k` where it is lowest (most
 * negative first), from `perClassF1Rows` output (its 'macro average' row is left out).
 * Ties: by category name. With fewer than 2k classes, k shrinks to half of them.
 */
export function f1DifferenceRows(rows: readonly PerClassF1Row[], a: string, b: string, k = 5): F1DifferenceRow[] {
  const fn = 'f1DifferenceRows';
  const classes = rows.filter((r) => r.category !== 'macro average');
  for (const m of [a, b])
    if (classes.length === 0 || typeof classes[0][m] !== 'number')
      throw new Error(
        `${fn}: model '${m}' must be a column of the rows; got columns ${Object.keys(rows[0] ?? {}).join(', ')}.`,
      );
  if (!Number.isInteger(k) || k < 1) throw new Error(`${fn}: 'k' must be a positive integer; got ${k}.`);
  const diffs = classes
    .map((r) => ({
      category: r.category,
      a: r[a] as number,
      b: r[b] as number,
      difference: (r[a] as number) - (r[b] as number),
    }))
    .sort((x, y) => y.difference - x.difference || (x.category < y.category ? -1 : 1));
  const n = Math.min(k, Math.floor(diffs.length / 2));
  return [
    ...diffs.slice(0, n).map((d) => ({ where: 'largest gains' as const, ...d })),
    ...diffs
      .slice(diffs.length - n)
      .reverse()
      .map((d) => ({ where: 'largest losses' as const, ...d })),
  ];
}

/** `f1DifferenceRows` for `a − b` as an HTML table, difference signed ('+0.123'). */
export function f1DifferenceTable(
  preds: ModelPredictions,
  categories: readonly string[],
  a: string,
  b: string,
  k = 5,
): string {
  const rows = f1DifferenceRows(perClassF1Rows(preds, categories), a, b, k);
  const signed = (v: number) => (v > 0 ? `+${v.toFixed(3)}` : v < 0 ? `\u2212${(-v).toFixed(3)}` : '0.000');
  return htmlTable(
    rows.map((r) => ({
      [`${a} − ${b}`]: r.where,
      category: r.category,
      [`${a} F1`]: r.a,
      [`${b} F1`]: r.b,
      'difference (F1)': signed(r.difference),
    })),
    { digits: 3 },
  );
}

/** One confused pair: true category → predicted category, texts and their share of the true category. */
export interface ConfusedPairRow {
  rank: number;
  true: string;
  predicted: string;
  texts: number;
  /** Fraction of the true category's texts (0–1). */
  share: number;
}

/** The `k` (default 10) most-confused pairs of a model's predictions (see `mostConfusedPairs`). */
export function confusedPairsRows(p: Predictions, categories: readonly string[], k = 10): ConfusedPairRow[] {
  const cm = confusionMatrix(p.yTrue, argmaxRows(p.yScore), { labels: categories.map((_, i) => i) });
  return mostConfusedPairs(cm, { k }).map((c, i) => ({
    rank: i + 1,
    true: categories[c.trueIndex],
    predicted: categories[c.predictedIndex],
    texts: c.count,
    share: c.share,
  }));
}

/** `confusedPairsRows` as an HTML table, share in % of the true category. */
export function confusedPairsTable(p: Predictions, categories: readonly string[], k = 10): string {
  return htmlTable(
    confusedPairsRows(p, categories, k).map((r) => ({
      '#': r.rank,
      'true category': r.true,
      'predicted as': r.predicted,
      texts: r.texts,
      'share of the true category': `${(100 * r.share).toFixed(1)} %`,
    })),
  );
}

/** Which pipeline stages (report `timings` keys) each approach needs, and what each stage does. */
export const APPROACH_STAGES: Readonly<Record<string, readonly string[]>> = {
  frozen: ['frozen'],
  trained: ['trained'],
  siamese: ['siamese', 'siamese-classifier'],
};
const STAGE_PROSE: Readonly<Record<string, string>> = {
  frozen: 'encoder features once, then the head',
  trained: 'encoder and head trained together',
  siamese: 'triplet training of the encoder',
  'siamese-classifier': 'tuned-encoder features once, then the head',
};

/** One row of the cost table: wall time of a stage (or a total) of an approach, in seconds. */
export interface CostRow {
  approach: string;
  stage: string;
  seconds: number;
}

/**
 * Wall time per approach and stage from a report's `timings` (seconds per stage, as
 * `runPipeline` records them): each approach's stages and its total, then the stages all
 * approaches share (backend, data, tokenizer, evaluation, and any other key), then the run.
 * Stages absent from `timings` (not run) are left out. A resumed run's timings are those of
 * its last invocation: a stage that only reloaded a finished result counts its reload time.
 */
export function costRows(timings: Readonly<Record<string, number>>): CostRow[] {
  const bad = Object.entries(timings).find(([, s]) => typeof s !== 'number' || !Number.isFinite(s) || s < 0);
  if (bad) throw new Error(`costRows: 'timings.${bad[0]}' must be a non-negative number of seconds; got ${bad[1]}.`);
  const rows: CostRow[] = [];
  const own = new Set(Object.values(APPROACH_STAGES).flat());
  for (const [approach, stages] of Object.entries(APPROACH_STAGES)) {
    const present = stages.filter((s) => timings[s] !== undefined);
    if (present.length === 0) continue;
    present.forEach((s) => rows.push({ approach, stage: s, seconds: timings[s] }));
    if (present.length > 1)
      rows.push({ approach, stage: 'total', seconds: present.reduce((t, s) => t + timings[s], 0) });
  }
  const shared = Object.keys(timings).filter((s) => !own.has(s));
  if (shared.length > 0)
    rows.push({
      approach: 'all',
      stage: `shared: ${shared.join(', ')}`,
      seconds: shared.reduce((t, s) => t + timings[s], 0),
    });
  rows.push({ approach: 'all', stage: 'run total', seconds: Object.values(timings).reduce((t, s) => t + s, 0) });
  return rows;
}

/** `costRows` as an HTML table with each stage's purpose and wall time as `1h02m`. */
export function costTable(timings: Readonly<Record<string, number>>): string {
  return htmlTable(
    costRows(timings).map((r) => ({
      approach: r.approach,
      stage: STAGE_PROSE[r.stage] ? `${r.stage} (${STAGE_PROSE[r.stage]})` : r.stage,
      'wall time': formatDuration(r.seconds),
      seconds: Math.round(r.seconds),
    })),
  );
}
