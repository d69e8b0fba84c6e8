/**
 * `evaluateClassifiers`: the classifiers of a run on every subset (validation, held-out test, balanced sample),
 * in one typed call that the pipeline's evaluate stage and notebook 03 share. With trained classifiers it predicts
 * (each distinct dataset row once: the balanced sample draws validation rows with replacement, so its
 * probabilities are looked up, not recomputed) and saves the predictions; without, it reads the predictions a run
 * saved. Scores, per-class F1, confusion matrices and bootstrap intervals follow scikit-learn's semantics
 * (lib/metrics) and lib/pipeline/intervals.ts.
 */
import { confusionMatrix, f1Score } from '../metrics/classification';
import { argmaxRows, loadPredictions, savePredictions, subsetRows, summarize, SUBSETS } from './evaluate';
import type { Predictions, ScoreSummary, Subset } from './evaluate';
import { CLASSIFIERS, type ClassifierName } from './identity';
import type { InferenceRun } from './inference';
import { INTERVAL_SUBSETS, subsetIntervals, type SubsetIntervals } from './intervals';
import type { StageContext } from './stage-common';
import type { TrainedClassifier } from './stages';

/** One classifier on one subset. */
export interface SubsetEvaluation {
  /** True labels `[N]` and class probabilities `[N][C]`, rows in the subset's order. */
  predictions: Predictions;
  scores: ScoreSummary;
  /** F1 per class `[C]`, in category-id order (zero_division 0; 0 for a class absent from the subset). */
  f1PerClass: number[];
  /** Confusion counts `[C][C]`: row = true class, column = predicted class, category-id order. */
  confusion: number[][];
  /** scikit-learn's metric warnings (e.g. the undefined AUCs of a one-class subset). */
  warnings: string[];
}

/** A classifier on every subset the run has. */
export interface ClassifierEvaluation {
  name: ClassifierName;
  subsets: Partial<Record<Subset, SubsetEvaluation>>;
  /** The forward passes behind the predictions, with their engines (empty when read from the run folder). */
  inference: InferenceRun[];
}

/** What {@link evaluateClassifiers} returns. */
export interface Evaluation {
  /** The subsets scored: validation, test (only with --test-fraction > 0), balanced. */
  subsets: Subset[];
  /** Category names, indexing `f1PerClass` and `confusion`. */
  categories: readonly string[];
  classifiers: Partial<Record<ClassifierName, ClassifierEvaluation>>;
  /** 95% bootstrap intervals of accuracy and macro F1 and the paired differences, on validation and test. */
  intervals: Partial<Record<Subset, SubsetIntervals>>;
  /** The balanced sample: its draws, and the distinct validation texts behind them. */
  balanced: { draws: number; distinct: number };
}

/** Scores, per-class F1 and confusion of predictions over `numClasses` classes. */
export function evaluatePredictions(p: Predictions, numClasses: number): SubsetEvaluation {
  const { scores, warnings } = summarize(p);
  const labels = Array.from({ length: numClasses }, (_, c) => c);
  const yPred = argmaxRows(p.yScore);
  const empty = p.yTrue.length === 0;
  return {
    predictions: p,
    scores,
    f1PerClass: empty ? labels.map(() => NaN) : f1Score(p.yTrue, yPred, { labels, average: null, zeroDivision: 0 }),
    confusion: empty ? labels.map(() => labels.map(() => 0)) : confusionMatrix(p.yTrue, yPred, { labels }),
    warnings,
  };
}

/** Probabilities of every subset's rows from one prediction of their distinct rows. */
async function predictDistinct(
  ctx: Pick<StageContext, 'data'>,
  clf: TrainedClassifier,
  subsets: readonly Subset[],
): Promise<Partial<Record<Subset, Predictions>>> {
  const { labels } = ctx.data.dataset;
  const distinct = Int32Array.from(new Set(subsets.flatMap((s) => Array.from(subsetRows(ctx.data, s))))).sort();
  const proba = distinct.length > 0 ? await clf.predictProba(distinct) : [];
  const at = new Map<number, number>();
  distinct.forEach((row, i) => at.set(row, i));
  const out: Partial<Record<Subset, Predictions>> = {};
  for (const s of subsets) {
    const rows = subsetRows(ctx.data, s);
    out[s] = { yTrue: Array.from(rows, (i) => labels[i]), yScore: Array.from(rows, (i) => proba[at.get(i)!]) };
  }
  return out;
}

/**
 * Evaluate the run's classifiers on every subset it has (validation; test when `data.test` is not empty; the
 * balanced sample). `opts.classifiers` given: predict with them (each distinct row once, on the engine of
 * --inference for the trained classifier) and save the predictions in `<out>/evaluation/`; else read the
 * predictions saved there (by the evaluate stage or an earlier call), leaving out classifiers without them.
 * Throws, naming the command to run, when no classifier has predictions.
 */
export async function evaluateClassifiers(
  ctx: Pick<StageContext, 'cfg' | 'data'>,
  opts: { classifiers?: readonly TrainedClassifier[] } = {},
): Promise<Evaluation> {
  const { cfg, data } = ctx;
  const k = data.dataset.categories.length;
  const subsets = SUBSETS.filter((s) => s !== 'test' || data.test.length > 0);
  const classifiers: Partial<Record<ClassifierName, ClassifierEvaluation>> = {};
  const given = new Map((opts.classifiers ?? []).map((c) => [c.name, c]));
  for (const name of CLASSIFIERS) {
    const clf = given.get(name);
    let predictions: Partial<Record<Subset, Predictions>>;
    if (clf) {
      const before = clf.inference.length;
      predictions = await predictDistinct(ctx, clf, subsets);
      for (const s of subsets) await savePredictions(cfg, name, s, predictions[s]!, k);
      classifiers[name] = { name, subsets: {}, inference: clf.inference.slice(before) };
    } else {
      if (opts.classifiers) continue;
      predictions = {};
      for (const s of subsets) {
        const p = await loadPredictions(cfg, name, s);
        if (p) predictions[s] = p;
      }
      if (!predictions.validation) continue;
      classifiers[name] = { name, subsets: {}, inference: [] };
    }
    for (const s of subsets) {
      const p = predictions[s];
      if (p) classifiers[name]!.subsets[s] = evaluatePredictions(p, k);
    }
  }
  if (Object.keys(classifiers).length === 0) {
    throw new Error(
      `evaluateClassifiers: '${cfg.out}' holds no saved predictions: run the evaluate stage first (npm run ` +
        `pipeline -- --stages evaluate with the same settings, or notebook 02).`,
    );
  }
  const intervals: Partial<Record<Subset, SubsetIntervals>> = {};
  for (const s of subsets.filter((x) => INTERVAL_SUBSETS.includes(x))) {
    const predictions: Partial<Record<ClassifierName, Predictions>> = {};
    for (const [n, e] of Object.entries(classifiers))
      if (e.subsets[s]) predictions[n as ClassifierName] = e.subsets[s]!.predictions;
    intervals[s] = subsetIntervals(predictions, cfg.seed);
  }
  return {
    subsets,
    categories: data.dataset.categories,
    classifiers,
    intervals,
    balanced: { draws: data.balanced.length, distinct: data.balancedDistinct },
  };
}
