/**
 * Notebook 03's evaluation in one typed call: the run's three finished classifiers reloaded and evaluated by the
 * pipeline's own `evaluateClassifiers` (validation set, balanced sample, and the held-out test split when the run
 * carves one; scores and paired bootstrap intervals), so the notebook's numbers are report.json's; reshaped by
 * classifier and subset for the notebook's tables and conclusions.
 */
import type { Predictions, ScoreSummary } from '../pipeline/evaluate';
import { evaluateClassifiers } from '../pipeline/evaluation';
import type { SubsetIntervals } from '../pipeline/intervals';
import {
  CLASSIFIERS,
  reloadClassifier,
  type ClassifierName,
  type StageContext,
  type TrainedClassifier,
} from '../pipeline/stages';

/** The sets a notebook scores: the validation split, the balanced sample drawn from it, the held-out test split. */
export type EvaluationSubset = 'validation' | 'balanced' | 'test';

/** What {@link evaluateRun} returns. Key order of each record is CLASSIFIERS' (frozen, trained, siamese). */
export interface RunEvaluation {
  /** Category names by label index. */
  categories: string[];
  /** The subsets scored, in order: validation, balanced, then test when the run has a test split. */
  subsets: EvaluationSubset[];
  /** True labels [N] and class probabilities [N][C] per classifier and subset. */
  predictions: Record<ClassifierName, Partial<Record<EvaluationSubset, Predictions>>>;
  /** The summary metrics of those predictions (the report's `results`). */
  scores: Record<ClassifierName, Partial<Record<EvaluationSubset, ScoreSummary>>>;
  /**
   * 95% percentile bootstrap intervals (1000 resamples, the run's seed) of accuracy and macro F1 and of the paired
   * differences siamese − frozen and siamese − trained, on the subsets of distinct rows (validation, test): the
   * balanced sample repeats rows, so it has none.
   */
  intervals: Partial<Record<'validation' | 'test', SubsetIntervals>>;
  /** Metric warnings (e.g. an AUC undefined on a one-class subset), each once. */
  warnings: string[];
}

/** The held-out test rows of the prepared data, when the run carved a test split (`--test-fraction`). */
export function testRows(ctx: Pick<StageContext, 'data'>): Int32Array | undefined {
  return ctx.data.test.length > 0 ? ctx.data.test : undefined;
}

/**
 * Reload the three classifiers of a finished run (never trains: a missing one names the notebook or stage to
 * run) and evaluate them with the pipeline's `evaluateClassifiers` (lib/pipeline/evaluation.ts: each distinct row
 * predicted once, predictions saved to `<out>/evaluation/` as the evaluate stage saves them, scores, bootstrap
 * intervals); each classifier is disposed afterwards. Reloading rather than reading saved predictions makes a
 * fresh execution reproduce its tables from the trained models themselves.
 *
 * @throws what reloadClassifier throws: no finished training, or a stage made with other settings.
 */
export async function evaluateRun(ctx: StageContext): Promise<RunEvaluation> {
  const models: TrainedClassifier[] = [];
  try {
    for (const name of CLASSIFIERS) models.push(await reloadClassifier(ctx, name));
    const ev = await evaluateClassifiers(ctx, { classifiers: models });
    const subsets: EvaluationSubset[] = (['validation', 'balanced', 'test'] as const).filter((s) =>
      ev.subsets.includes(s),
    );
    const predictions = {} as RunEvaluation['predictions'];
    const scores = {} as RunEvaluation['scores'];
    const warnings = new Set<string>();
    for (const name of CLASSIFIERS) {
      predictions[name] = {};
      scores[name] = {};
      for (const subset of subsets) {
        const e = ev.classifiers[name]!.subsets[subset]!;
        predictions[name][subset] = e.predictions;
        scores[name][subset] = e.scores;
        e.warnings.forEach((w) => warnings.add(`${name}, ${subset}: ${w}`));
      }
    }
    const intervals: RunEvaluation['intervals'] = {};
    if (ev.intervals.validation) intervals.validation = ev.intervals.validation;
    if (ev.intervals.test) intervals.test = ev.intervals.test;
    return { categories: [...ev.categories], subsets, predictions, scores, intervals, warnings: [...warnings] };
  } finally {
    for (const m of models) m.dispose();
  }
}

/** Predictions of every classifier on one subset, by name, for the per-class tables and figures. */
export function subsetPredictions(
  evaluation: RunEvaluation,
  subset: EvaluationSubset,
): Record<ClassifierName, Predictions> {
  const missing = CLASSIFIERS.filter((n) => !evaluation.predictions[n]?.[subset]);
  if (missing.length > 0)
    throw new Error(
      `subsetPredictions: 'subset' must be one of ${evaluation.subsets.join(', ')}; got '${subset}' ` +
        `(no predictions of ${missing.join(', ')}).`,
    );
  return Object.fromEntries(CLASSIFIERS.map((n) => [n, evaluation.predictions[n][subset]!])) as Record<
    ClassifierName,
    Predictions
  >;
}

/** Each classifier's validation scores with its balanced-sample scores under `balanced` (the report's `results`). */
export function validationScores(
  evaluation: RunEvaluation,
): Record<ClassifierName, ScoreSummary & { balanced?: ScoreSummary }> {
  return Object.fromEntries(
    CLASSIFIERS.map((n) => [n, { ...evaluation.scores[n].validation!, balanced: evaluation.scores[n].balanced }]),
  ) as Record<ClassifierName, ScoreSummary & { balanced?: ScoreSummary }>;
}
