/**
 * The logistic-regression head of the frozen and siamese classifiers (`--head logistic`, the auto recipe's):
 * fitted on the encoder's cached features of the training rows by L-BFGS to convergence, C chosen by stratified
 * cross-validation on those rows, or on a stratified subsample of them above the recipe's `cvMaxRows`
 * (lib/heads/logistic-cv.ts, scikit-learn's LogisticRegressionCV semantics). L-BFGS yields to the event loop
 * every iteration, so the pipeline's SIGINT/SIGTERM handler (lib/pipeline/lock.ts) stops a long fit promptly.
 *
 * The stage folder keeps the fitted head (`logistic-head.json`: coefficients and intercepts as JSON numbers,
 * which round-trip float64 exactly, with C, the CV losses and the fit's report) and the trainer's finished-run
 * file (`result.json`, one record: the fit as one "epoch"), so a finished stage reloads without refitting and
 * the notebooks and tools that look for result.json see a finished stage.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile } from '../io/json';
import { writeFileAtomic } from '../io/safetensors';
import { fitLogisticRegressionCV } from '../heads/logistic-cv';
import { fitLogisticRegression, LogisticRegression, type LogisticFitReport } from '../heads/logistic';
import { accuracyScore } from '../metrics/classification';
import type { FeatureMatrix } from '../train/batches';
import type { EpochRecord } from '../train/history';
import { recordToJson } from '../train/history';
import { writeResult } from '../train/rerun';
import type { TrainResult } from '../train/trainer';
import type { StageEntry } from './run-folder';
import type { LogisticHeadRecipe } from './recipe';
import type { StageContext } from './stage-common';

/** The fitted head's file in the stage folder. */
export const LOGISTIC_HEAD_FILE = 'logistic-head.json';
const FORMAT = 'siamese-albert-ts/logistic-head';

/** How the head was fitted: C and how it was chosen, and the final fit's report. */
export interface LogisticHeadFit {
  C: number;
  /** Folds of the C search (0: C fixed, no search). */
  folds: number;
  /** Mean held-out log loss of each candidate C (empty without a search). */
  cvLoss: { C: number; loss: number }[];
  /**
   * Rows the C search ran on (the training rows, or a stratified subsample of them); undefined in a head file
   * written before subsampling existed (every training row).
   */
  cvRows?: number;
  /** Training rows of the final fit; undefined in a head file written before it was recorded. */
  rows?: number;
  fit: LogisticFitReport;
  /** One line: `L-BFGS, 29 iterations, converged (…), C=0.1 by 5-fold CV` (`… on 30,000 of 159,806 rows`). */
  description: string;
}

interface HeadFileJson {
  format: typeof FORMAT;
  version: 1;
  classes: number[];
  coef: number[];
  intercept: number[];
  num_features: number;
  num_classes: number;
  C: number;
  folds: number;
  cv_loss: { C: number; loss: number }[];
  /** Absent in files written before the C search could run on a subsample. */
  cv_rows?: number;
  rows?: number;
  fit: LogisticFitReport;
  description: string;
}

/** Mean −log p(true class) and accuracy of probabilities against labels (log loss clipped as scikit-learn's). */
function scores(proba: number[][], labels: ArrayLike<number>): { loss: number; accuracy: number } {
  let s = 0;
  for (let i = 0; i < proba.length; i++) s -= Math.log(Math.max(proba[i][labels[i]], 2.220446049250313e-16));
  const pred = proba.map((p) => p.reduce((b, v, j) => (v > p[b] ? j : b), 0));
  return { loss: s / proba.length, accuracy: accuracyScore(Array.from(labels), pred) };
}

function describeFit(m: LogisticRegression, fit: LogisticHeadFit): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const sub = fit.cvRows !== undefined && fit.rows !== undefined && fit.cvRows < fit.rows;
  const on = sub ? ` on a stratified subsample of ${n(fit.cvRows!)} of ${n(fit.rows!)} rows` : '';
  return `${m.describe()}, C=${fit.C} ${fit.folds > 0 ? `by ${fit.folds}-fold CV${on}` : '(no CV)'}`;
}

async function readHead(path: string): Promise<{ model: LogisticRegression; fit: LogisticHeadFit }> {
  const j = (await readJsonFile(path, 'the fitted logistic-regression head')) as unknown as HeadFileJson;
  if (j.format !== FORMAT || j.version !== 1 || !Array.isArray(j.coef) || !Array.isArray(j.intercept))
    throw new Error(`'${path}' is not a version-1 logistic-regression head; remove the stage folder to fit it again.`);
  const model = new LogisticRegression(
    Int32Array.from(j.classes),
    Float64Array.from(j.coef),
    Float64Array.from(j.intercept),
    j.num_features,
    j.num_classes,
    j.fit,
  );
  const fit = { C: j.C, folds: j.folds, cvLoss: j.cv_loss, fit: j.fit, description: j.description };
  return { model, fit: { ...fit, cvRows: j.cv_rows, rows: j.rows } };
}

async function writeHead(path: string, model: LogisticRegression, fit: LogisticHeadFit): Promise<void> {
  const j: HeadFileJson = {
    format: FORMAT,
    version: 1,
    classes: Array.from(model.classes),
    coef: Array.from(model.coef),
    intercept: Array.from(model.intercept),
    num_features: model.numFeatures,
    num_classes: model.numClasses,
    C: fit.C,
    folds: fit.folds,
    cv_loss: fit.cvLoss,
    cv_rows: fit.cvRows,
    rows: fit.rows,
    fit: fit.fit,
    description: fit.description,
  };
  await writeFileAtomic(path, `${JSON.stringify(j)}\n`);
}

/**
 * Fit (or reload) the head of `label` (the frozen or siamese classifier) on `features` of every dataset text, in
 * `folder`. Returns the model, how it was fitted, and a TrainResult of one record (training and validation log
 * loss and accuracy at the fit) like a training's.
 */
export async function logisticHeadStage(
  ctx: StageContext,
  entry: StageEntry,
  recipe: LogisticHeadRecipe,
  features: FeatureMatrix,
  folder: string,
  label: string,
  reloadOnly: boolean,
): Promise<{ model: LogisticRegression; fit: LogisticHeadFit; result: TrainResult }> {
  const { cfg, data } = ctx;
  const path = join(folder, LOGISTIC_HEAD_FILE);
  let model: LogisticRegression;
  let fit: LogisticHeadFit;
  const saved = entry.previous !== undefined && existsSync(path) ? await readHead(path) : undefined;
  // A head file written before the subsampled search, above the threshold: its C came from every row.
  const stale =
    saved !== undefined &&
    saved.fit.folds > 0 &&
    saved.fit.cvRows === undefined &&
    data.split.train.length > recipe.cvMaxRows;
  if (stale) ctx.log?.(`${label}: the saved head's C search ran on every training row; fitting it again`);
  const reload = saved !== undefined && !stale;
  if (saved && !stale) {
    ({ model, fit } = saved);
    ctx.log?.(`${label}: reloading the fitted head (${fit.description})`);
  } else {
    if (reloadOnly) throw new Error(`${entry.stage}: no fitted head to reload in '${folder}'.`);
    const numClasses = data.dataset.categories.length;
    const common = {
      rows: data.split.train,
      numClasses,
      tol: recipe.tol,
      maxIter: recipe.maxIter,
      classWeight: recipe.classWeights === 'balanced' ? ('balanced' as const) : undefined,
    };
    const rows = data.split.train.length;
    if (recipe.folds > 0) {
      const n = (v: number) => v.toLocaleString('en-US');
      const on =
        rows > recipe.cvMaxRows
          ? ` on a stratified subsample of ${n(recipe.cvMaxRows)} of ${n(rows)} training rows (final fit on all rows)`
          : '';
      ctx.log?.(
        `${label}: fitting the logistic-regression head, C by ${recipe.folds}-fold CV${on} over ` +
          `${recipe.Cs.join(', ')} (${recipe.Cs.length * recipe.folds + 1} fits)`,
      );
      const cv = await fitLogisticRegressionCV(features, data.trainLabels, {
        ...common,
        Cs: recipe.Cs,
        folds: recipe.folds,
        seed: cfg.seed,
        cvMaxRows: recipe.cvMaxRows,
      });
      model = cv.model;
      fit = {
        C: cv.C,
        folds: cv.folds,
        cvLoss: cv.cvLoss,
        cvRows: cv.cvRows,
        rows,
        fit: model.report,
        description: '',
      };
    } else {
      model = await fitLogisticRegression(features, data.trainLabels, { ...common, C: recipe.fallbackC });
      fit = { C: recipe.fallbackC, folds: 0, cvLoss: [], rows, fit: model.report, description: '' };
    }
    fit.description = describeFit(model, fit);
    await writeHead(path, model, fit);
    const losses = fit.cvLoss.map((c) => `${c.C}: ${c.loss.toFixed(4)}`).join(', ');
    ctx.log?.(`${label}: head: ${fit.description}${losses ? ` (held-out log loss by C: ${losses})` : ''}`);
  }
  const train = scores(model.predictProba(features, data.split.train), data.trainLabels);
  const val = scores(model.predictProba(features, data.split.val), data.valLabels);
  const record: EpochRecord = {
    epoch: 1,
    loss: train.loss,
    accuracy: train.accuracy,
    valLoss: val.loss,
    valAccuracy: val.accuracy,
    seconds: reload ? 0 : fit.fit.seconds,
  };
  const result: TrainResult = {
    history: [record],
    monitor: 'val_loss',
    bestEpoch: 1,
    bestValue: val.loss,
    stopReason: 'completed',
    globalStep: fit.fit.iterations,
    reloaded: reload,
  };
  if (!reload)
    await writeResult(folder, {
      stop_reason: 'completed',
      monitor: 'val_loss',
      best_epoch: 1,
      best_value: val.loss,
      global_step: fit.fit.iterations,
      history: [recordToJson(record)],
    });
  return { model, fit, result };
}
