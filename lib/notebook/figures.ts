/**
 * One-call figures for the notebooks: metrics from lib/metrics drawn with lib/viz.
 */
import { confusionMatrix } from '../metrics/classification';
import { confusionOrder } from '../metrics/confusion-order';
import { mostConfusedPairs } from '../metrics/confusion-pairs';
import { multiclassRocCurves } from '../metrics/ranking';
import type { EpochRecord } from '../train/history';
import {
  confusionMatrixFigure,
  rocCurvesFigure,
  trainingCurvesFigure,
  modelComparisonFigure,
  type TrainingHistory,
  type ModelScore,
} from '../viz/index';
import { argmaxRows, type Predictions, type ScoreSummary } from '../pipeline/evaluate';
import type { ClassifierName } from '../pipeline/stages';
import { loadStudyResults, type StudyResults } from './study';

/** Re-exported from ./study for notebooks that import them from here. */
export { loadStudyResults, type StudyResults };

/** Per-epoch records → columns (`loss`, `valLoss`, `accuracy`, `valAccuracy`) for trainingCurvesFigure. */
export function historyColumns(history: readonly EpochRecord[]): TrainingHistory {
  const col = (f: (r: EpochRecord) => number | undefined) =>
    history.every((r) => f(r) !== undefined) ? history.map((r) => f(r)!) : undefined;
  return {
    loss: col((r) => r.loss),
    valLoss: col((r) => r.valLoss),
    accuracy: col((r) => r.accuracy),
    valAccuracy: col((r) => r.valAccuracy),
  };
}

/** Training vs validation curves of a stage's per-epoch history (loss, and accuracy when recorded). */
export function trainingCurves(history: readonly EpochRecord[], title: string, subtitle?: string): Promise<string> {
  return trainingCurvesFigure(historyColumns(history), { title, subtitle });
}

/** Confusion counts of predictions over all categories (rows: true class, columns: predicted). */
export function confusionCounts(p: Predictions, categories: readonly string[]): number[][] {
  return confusionMatrix(p.yTrue, argmaxRows(p.yScore), { labels: categories.map((_, i) => i) });
}

/**
 * One axis order for the confusion matrices of several models, so that their figures can be
 * compared cell by cell: `confusionOrder` of the sum of their confusion counts (related
 * categories together). Deterministic.
 */
export function categoryOrder(predictions: readonly Predictions[], categories: readonly string[]): number[] {
  if (predictions.length === 0)
    throw new Error("categoryOrder: 'predictions' must hold at least one model's predictions; got none.");
  const sum = categories.map(() => categories.map(() => 0));
  for (const p of predictions)
    confusionCounts(p, categories).forEach((row, i) => row.forEach((v, j) => (sum[i][j] += v)));
  return confusionOrder(sum);
}

/**
 * Row-normalised confusion matrix over all categories (rows: true class), cells in % of the
 * true class where they hold at least 10 % (41 classes). Categories are ordered by `order`
 * (e.g. `categoryOrder` over all models), else by clustering this model's own confusion.
 */
export function confusionFigure(
  p: Predictions,
  categories: readonly string[],
  title: string,
  options: { order?: readonly number[]; subtitle?: string } = {},
): Promise<string> {
  const cm = confusionCounts(p, categories);
  const order = options.order ?? confusionOrder(cm);
  const shown = categories.length > 20 ? ', printed where at least 10 %' : '';
  return confusionMatrixFigure(cm, categories, {
    title,
    subtitle:
      options.subtitle ??
      `${p.yTrue.length.toLocaleString('en-US')} texts; each row in % of its true class${shown}; categories ` +
        'ordered by clustering the confusions (related categories together)',
    normalize: true,
    colorScale: 'sqrt',
    order,
  });
}

/**
 * The categories of a model's `k` most-confused pairs (each once, in rank order), e.g. to
 * highlight on the embedding map: `embeddingScatterFigure(..., { highlight })`. At most 10.
 */
export function mostConfusedCategories(p: Predictions, categories: readonly string[], k = 3): string[] {
  const names = mostConfusedPairs(confusionCounts(p, categories), { k }).flatMap((c) => [
    categories[c.trueIndex],
    categories[c.predictedIndex],
  ]);
  return [...new Set(names)].slice(0, 10);
}

/** One-vs-rest ROC curves of the classes present, with micro and macro averages. */
export function rocFigure(p: Predictions, categories: readonly string[], title: string): Promise<string> {
  const present = [...new Set(p.yTrue)].sort((a, b) => a - b);
  const roc = multiclassRocCurves(
    p.yTrue,
    p.yScore.map((row) => present.map((c) => row[c])),
    { labels: present },
  );
  return rocCurvesFigure(roc, {
    title,
    classNames: Object.fromEntries(present.map((c) => [String(c), categories[c]])),
  });
}

const METRICS = ['accuracy', 'f1_macro', 'f1_weighted', 'auc_micro'] as const;

/** Rows of ours vs the study's numbers (validation) for a table. */
export function comparisonRows(
  ours: Partial<Record<ClassifierName, ScoreSummary & { balanced?: ScoreSummary }>>,
  study = loadStudyResults(),
) {
  return (Object.keys(ours) as ClassifierName[]).flatMap((name) => [
    {
      model: name,
      source: 'this run',
      ...Object.fromEntries(METRICS.map((m) => [m, ours[name]![m]])),
      auc_macro: ours[name]!.auc_macro,
      'balanced-sample accuracy': ours[name]!.balanced?.accuracy,
    },
    {
      model: name,
      source: 'study (reported)',
      ...Object.fromEntries(METRICS.map((m) => [m, study.models[name][m]])),
      auc_macro: undefined,
      'balanced-sample accuracy': study.models[name].balanced_accuracy_sample,
    },
  ]);
}

/** Grouped bars of our validation metrics per model, with the study's as reference ticks. */
export function comparisonFigure(
  ours: Partial<Record<ClassifierName, ScoreSummary>>,
  title: string,
  study = loadStudyResults(),
): Promise<string> {
  const names = Object.keys(ours) as ClassifierName[];
  const scores: ModelScore[] = names.flatMap((n) => METRICS.map((m) => ({ model: n, metric: m, value: ours[n]![m] })));
  const reference: ModelScore[] = names.flatMap((n) =>
    METRICS.map((m) => ({ model: n, metric: m, value: study.models[n][m] })),
  );
  return modelComparisonFigure(scores, {
    title,
    subtitle: "bars: this run's validation set; the study: ALBERT-base on the full dataset",
    reference,
    referenceLabel: 'reported in the study',
  });
}
