/**
 * Notebook 03's evaluation in one typed call: the run's three finished classifiers reloaded, their predictions on
 * the validation set, the balanced sample and (when the run carves one) the held-out test split, the summary
 * metrics of each, and paired bootstrap intervals on the subsets of distinct rows. The same functions as the
 * pipeline's evaluate stage (lib/pipeline/evaluate.ts, intervals.ts), so the notebook's numbers are the report's.
 */
import { CLASSIFIERS, reloadClassifier, type ClassifierName, type StageContext } from '../pipeline/stages';
import { predictRows, predictSubset, summarize, type Predictions, type ScoreSummary } from '../pipeline/evaluate';
import { subsetIntervals, type SubsetIntervals } from '../pipeline/intervals';

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
  const test = (ctx.data.split as { test?: Int32Array }).test;
  return test && test.length > 0 ? test : undefined;
}

/**
 * Reload the three classifiers of a finished run (never trains: a missing one names the notebook or stage to
 * run), predict every subset with each (validation and balanced predictions saved to `<out>/evaluation/` as the
 * evaluate stage saves them), score them and bootstrap the intervals. Each classifier is disposed once predicted.
 *
 * @throws what reloadClassifier throws: no finished training, or a stage made with other settings.
 */
export async function evaluateRun(ctx: StageContext): Promise<RunEvaluation> {
  const test = testRows(ctx);
  const subsets: EvaluationSubset[] = ['validation', 'balanced', ...(test ? (['test'] as const) : [])];
  const predictions = {} as RunEvaluation['predictions'];
  const scores = {} as RunEvaluation['scores'];
  const warnings = new Set<string>();
  for (const name of CLASSIFIERS) {
    const clf = await reloadClassifier(ctx, name);
    try {
      predictions[name] = {};
      scores[name] = {};
      for (const subset of subsets) {
        const p =
          subset === 'test'
            ? await predictRows(ctx.data, clf, test!)
            : await predictSubset(ctx.cfg, ctx.data, clf, subset);
        const s = summarize(p);
        predictions[name][subset] = p;
        scores[name][subset] = s.scores;
        s.warnings.forEach((w) => warnings.add(`${name}, ${subset}: ${w}`));
      }
    } finally {
      clf.dispose();
    }
  }
  const intervals: RunEvaluation['intervals'] = {};
  for (const subset of ['validation', 'test'] as const) {
    if (!subsets.includes(subset)) continue;
    intervals[subset] = subsetIntervals(
      Object.fromEntries(CLASSIFIERS.map((n) => [n, predictions[n][subset]!])),
      ctx.cfg.seed,
    );
  }
  return {
    categories: [...ctx.data.dataset.categories],
    subsets,
    predictions,
    scores,
    intervals,
    warnings: [...warnings],
  };
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
