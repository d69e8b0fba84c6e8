/**
 * One-call figures for the notebooks: metrics from lib/metrics drawn with lib/viz.
 */
import { readFileSync } from 'node:fs';
import { confusionMatrix } from '../metrics/classification';
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

export function trainingCurves(history: readonly EpochRecord[], title: string, subtitle?: string): Promise<string> {
  return trainingCurvesFigure(historyColumns(history), { title, subtitle });
}

/** Row-normalised confusion matrix over all categories (rows: true class). */
export function confusionFigure(p: Predictions, categories: readonly string[], title: string): Promise<string> {
  const labels = categories.map((_, i) => i);
  const cm = confusionMatrix(p.yTrue, argmaxRows(p.yScore), { labels });
  return confusionMatrixFigure(cm, categories, {
    title,
    subtitle: `${p.yTrue.length} texts; each row divided by its class total (recall)`,
    normalize: true,
    colorScale: 'sqrt',
  });
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

export interface StudyResults {
  models: Record<
    ClassifierName,
    { accuracy: number; f1_macro: number; f1_weighted: number; auc_micro: number; balanced_accuracy_sample: number }
  >;
}

export function loadStudyResults(path = 'data/study-results.json'): StudyResults {
  return JSON.parse(readFileSync(path, 'utf8')) as StudyResults;
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
    subtitle: 'validation set; the study: ALBERT-base on the full dataset',
    reference,
    referenceLabel: 'reported in the study',
  });
}
