/**
 * Evaluation of a trained classifier on the validation set, the held-out test split (--test-fraction) and the
 * balanced sample: the report's headline numbers, plus the raw probabilities saved for figures (ROC curves,
 * confusion matrices) in notebook 03. lib/pipeline/evaluation.ts runs it for all classifiers.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readSafetensors, writeSafetensors } from '../io/safetensors';
import { accuracyScore, balancedAccuracyScore, f1Score } from '../metrics/classification';
import { multiclassRocCurves } from '../metrics/ranking';
import { captureMetricWarnings, warnUndefinedMetric } from '../metrics/warnings';
import { writeProjectorFiles } from '../embeddings/projector';
import type { PaddingOverhead } from '../data/buckets';
import { knnAccuracyBlocked } from '../embeddings/knn-blocked';
import type { SiameseModel } from '../heads/siamese';
import type { TokenTable } from '../tokenizer/token-table';
import type { TextTokenizer } from '../tokenizer/tokenizer';
import type { RunConfig } from './config';
import { siameseEmbeddingSets, type InferenceRun } from './inference';
import { yieldToEventLoop } from './lock';
import { runPaths, type PreparedData } from './prepare';
import type { ClassifierName, TrainedClassifier } from './stages';

/**
 * The sets every classifier is scored on: the validation split, the held-out test split (when --test-fraction > 0)
 * and the study's balanced sample drawn from validation.
 */
export const SUBSETS = ['validation', 'test', 'balanced'] as const;
/** 'validation', 'test' or 'balanced' (see {@link SUBSETS}). */
export type Subset = (typeof SUBSETS)[number];

/**
 * A classifier's scores on one subset, as report.json's `results` hold them (snake_case, scikit-learn's metric
 * names): fractions in [0, 1], NaN where undefined (the AUCs of a one-class subset).
 */
export interface ScoreSummary {
  /** scikit-learn's `accuracy_score`. */
  accuracy: number;
  /** scikit-learn's `balanced_accuracy_score` (mean recall over classes). */
  balanced_accuracy: number;
  /** `f1_score(average='macro')`. */
  f1_macro: number;
  /** `f1_score(average='weighted')`. */
  f1_weighted: number;
  /** AUC of the micro-averaged one-vs-rest ROC curve. */
  auc_micro: number;
  /** Macro AUC by TPR interpolation over the union of FPRs (the study's). */
  auc_macro: number;
  /** Mean of the per-class AUCs (scikit-learn's roc_auc_score average='macro'). */
  auc_macro_mean: number;
  /** Rows scored. */
  samples: number;
  /** Classes present in the subset (AUCs are over these; an absent class has no defined AUC). */
  classes_present: number;
}

/** Predictions of one model on one subset. */
export interface Predictions {
  yTrue: number[];
  yScore: number[][];
}

/** The predicted class of each row of scores [N, C]: the first index of its maximum (numpy's `argmax`). */
export function argmaxRows(scores: readonly (readonly number[])[]): number[] {
  return scores.map((row) => row.reduce((best, v, j) => (v > row[best] ? j : best), 0));
}

/** scikit-learn's warning for a ROC AUC over labels of one class (`_binary_roc_auc_score`). */
export const ONE_CLASS_AUC_WARNING = 'Only one class is present in y_true. ROC AUC score is not defined in that case.';

/**
 * The summary metrics of predictions (metric warnings are collected, not printed). AUCs are one-vs-rest
 * over the classes present in `yTrue`; with a single class present (a small validation split) they are
 * NaN with scikit-learn's "Only one class is present in y_true" warning, and every other metric is still
 * reported, as scikit-learn's `roc_auc_score` does.
 */
export function summarize(p: Predictions): { scores: ScoreSummary; warnings: string[] } {
  const { result, warnings } = captureMetricWarnings(() => {
    const yPred = argmaxRows(p.yScore);
    const present = [...new Set(p.yTrue)].sort((a, b) => a - b);
    let aucs = { auc_micro: NaN, auc_macro: NaN, auc_macro_mean: NaN };
    if (present.length < 2) warnUndefinedMetric(ONE_CLASS_AUC_WARNING);
    else {
      const columns = p.yScore.map((row) => present.map((c) => row[c]));
      const roc = multiclassRocCurves(p.yTrue, columns, { labels: present });
      aucs = { auc_micro: roc.micro.auc, auc_macro: roc.macro.auc, auc_macro_mean: roc.macroAucMean };
    }
    return {
      accuracy: accuracyScore(p.yTrue, yPred),
      balanced_accuracy: balancedAccuracyScore(p.yTrue, yPred),
      f1_macro: f1Score(p.yTrue, yPred, { average: 'macro' }),
      f1_weighted: f1Score(p.yTrue, yPred, { average: 'weighted' }),
      ...aucs,
      samples: p.yTrue.length,
      classes_present: present.length,
    };
  });
  return { scores: result, warnings };
}

/** Dataset rows of a subset: the validation split, the held-out test split (empty without one), the balanced sample. */
export function subsetRows(data: PreparedData, subset: Subset): Int32Array {
  return subset === 'validation' ? data.split.val : subset === 'test' ? data.test : data.balanced;
}

function predictionsPath(cfg: RunConfig, name: ClassifierName, subset: Subset): string {
  return join(runPaths(cfg.out).evaluation, `${name}-${subset}.safetensors`);
}

/** True labels [N] and class probabilities [N][C] of dataset rows `rows` (N of them; not saved). */
export async function predictRows(
  data: PreparedData,
  clf: TrainedClassifier,
  rows: ArrayLike<number>,
): Promise<Predictions> {
  return { yTrue: Array.from(rows, (i) => data.dataset.labels[i]), yScore: await clf.predictProba(rows) };
}

/**
 * True labels [N] and class probabilities [N][C] of a subset (the validation split, or the balanced sample), also
 * saved as `<out>/evaluation/<classifier>-<subset>.safetensors` (`y_true` I32 [N], `y_score` F32 [N, C]) for the
 * notebooks' figures (see {@link loadPredictions}).
 */
export async function predictSubset(
  cfg: RunConfig,
  data: PreparedData,
  clf: TrainedClassifier,
  subset: Subset,
): Promise<Predictions> {
  const p = await predictRows(data, clf, subsetRows(data, subset));
  await savePredictions(cfg, clf.name, subset, p, data.dataset.categories.length);
  return p;
}

/**
 * Save predictions `[N]` / `[N][C]` as `<out>/evaluation/<classifier>-<subset>.safetensors` (`y_true` I32 [N],
 * `y_score` F32 [N, C]), read back by {@link loadPredictions}.
 */
export async function savePredictions(
  cfg: RunConfig,
  name: ClassifierName,
  subset: Subset,
  p: Predictions,
  numClasses: number,
): Promise<void> {
  const dir = runPaths(cfg.out).evaluation;
  await mkdir(dir, { recursive: true });
  await writeSafetensors(predictionsPath(cfg, name, subset), [
    { name: 'y_true', dtype: 'I32', shape: [p.yTrue.length], data: Int32Array.from(p.yTrue) },
    { name: 'y_score', dtype: 'F32', shape: [p.yTrue.length, numClasses], data: Float32Array.from(p.yScore.flat()) },
  ]);
}

/** Saved predictions of a model on a subset (written by the evaluate stage), or undefined. */
export async function loadPredictions(
  cfg: RunConfig,
  name: ClassifierName,
  subset: Subset,
): Promise<Predictions | undefined> {
  const path = predictionsPath(cfg, name, subset);
  if (!existsSync(path)) return undefined;
  const a = await readSafetensors(path);
  const yTrue = Array.from(a.get('y_true')!.data);
  const s = a.get('y_score')!;
  const k = s.shape[1];
  return { yTrue, yScore: yTrue.map((_, i) => Array.from(s.data.subarray(i * k, (i + 1) * k))) };
}

/**
 * L2-normalised siamese embeddings `[rows][E]` of dataset rows (views into one buffer; inference mode, the run's
 * `maxLength`), on the engine of `cfg.inference`, in batches of 64: rows of similar token length together with
 * --bucketing on, results in the order of `rows`. `opts.tokens` is the run's token table of `texts` (runTokens);
 * without it the rows' texts are tokenized here.
 */
export async function siameseEmbeddings(
  cfg: RunConfig,
  model: SiameseModel,
  tokenizer: TextTokenizer,
  texts: readonly string[],
  rows: ArrayLike<number>,
  opts: { tokens?: TokenTable; onPadding?: (p: PaddingOverhead) => void } = {},
): Promise<Float32Array[]> {
  return (await siameseEmbeddingSets({ cfg, tokenizer, texts }, model, [rows], undefined, opts)).sets[0];
}

/**
 * Write the validation set's siamese embeddings as TensorBoard projector TSV
 * (vectors.tsv + metadata.tsv with text and category), and return a k-NN
 * accuracy of the embeddings (train → validation, cosine, k = 10), and the engine that computed them
 * (--inference; one engine for both sets). `opts.onPadding` is called once, for the two sets' batches together.
 */
export async function exportSiameseEmbeddings(
  cfg: RunConfig,
  data: PreparedData,
  model: SiameseModel,
  tokenizer: TextTokenizer,
  log?: (line: string) => void,
  opts: { tokens?: TokenTable; onPadding?: (p: PaddingOverhead) => void } = {},
): Promise<{ dir: string; knnAccuracy: number; rows: number; inference: InferenceRun }> {
  const { texts, labels, categories } = data.dataset;
  // One padding report for both sets (the log printed an 'embeddings:' line per set).
  const padding = { padded: 0, used: 0 };
  const { sets, inference } = await siameseEmbeddingSets(
    { cfg, tokenizer, texts, log },
    model,
    [data.split.val, data.split.train],
    undefined,
    {
      tokens: opts.tokens,
      onPadding: (p) => {
        padding.padded += p.padded;
        padding.used += p.used;
      },
    },
  );
  opts.onPadding?.({ ...padding, ratio: padding.used === 0 ? 1 : padding.padded / padding.used });
  const [val, train] = sets;
  const dir = runPaths(cfg.out).embeddings;
  await writeProjectorFiles(
    dir,
    val,
    Array.from(data.split.val, (i) => ({ text: texts[i], category: categories[labels[i]] })),
  );
  // knnAccuracy's votes, with the similarities as blocked float32 matMuls (exact: lib/embeddings/knn-blocked.ts).
  const knn = await knnAccuracyBlocked(train, Array.from(data.trainLabels), val, Array.from(data.valLabels), {
    k: Math.min(10, train.length),
    onBlock: yieldToEventLoop,
  });
  return { dir, knnAccuracy: knn, rows: val.length, inference };
}
