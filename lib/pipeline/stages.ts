/**
 * The study's four trainings as functions of (config, data, tokenizer): the siamese encoder, and the
 * frozen, trained and siamese classifiers (built by the tested factories of lib/heads/classifier.ts), each by
 * the run's recipe (lib/pipeline/recipe.ts): the heads of the frozen and siamese classifiers are logistic
 * regression (lib/pipeline/logistic-stage.ts) or the study's Adam head.
 * Each trains into its own folder of the run and resumes from it; called again on a finished stage, it
 * only reloads the best weights (cheap), or continues when more epochs are asked for, so evaluation and
 * notebooks use the same functions to get the trained models back.
 *
 * Every stage function first checks the run folder (lib/pipeline/run-folder.ts): a stage made with other
 * settings is refused before anything loads or trains, on the command line and in the notebooks alike;
 * and holds the run folder's lock while it works.
 */
import * as tf from '@tensorflow/tfjs';
import { makeBatches } from '../data/batches';
import { loadEncoder } from '../model/load';
import { frozenClassifier, siameseClassifier, trainedClassifier } from '../heads/classifier';
import type { ClassifierOptions, EncoderClassifier } from '../heads/classifier';
import { featureBatchLoader, featureRows, tokenBatchLoader, type FeatureMatrix } from '../train/batches';
import { limitSteps, randomSampler, type BatchSampler } from '../train/sampler';
import type { TokenTable } from '../tokenizer/token-table';
import { train, type TrainResult } from '../train/trainer';
import { balancedClassWeights } from '../data/labels';
import { PK_EXAMPLES_PER_CLASS } from '../config/options';
import type { RunConfig } from './config';
import { CLASSIFIERS, STAGE_OF_CLASSIFIER, readStageRecord, type ClassifierName, type StageState } from './identity';
import { classifierProba, datasetFeatures, type InferenceRun } from './inference';
import { withDefaultSignals, yieldToEventLoop } from './lock';
import { logisticHeadStage, type LogisticHeadFit } from './logistic-stage';
import { trainedSampler, trainerOptimizer, type ClassWeightKind } from './recipe';
import { finishStage, type StageEntry } from './run-folder';
import { runPaths, type PreparedData } from './prepare';
import { loadSiamese } from './siamese-stage';
import { bucketingOn, noteSamplerPadding, rowLengths, runTokens, validationBatches } from './tokens';
import {
  epochsFor,
  inStage,
  positionsOf,
  recipeOf,
  splitLoader,
  stateAfter,
  type StageContext,
  type StageOptions,
} from './stage-common';

export { CLASSIFIERS, STAGE_OF_CLASSIFIER, PK_EXAMPLES_PER_CLASS, type ClassifierName };
export { siameseStage, loadSiamese, siameseBatches } from './siamese-stage';
export { datasetFeatures } from './inference';
export type { StageContext, StageOptions } from './stage-common';

/** Something that gives class probabilities for dataset rows. */
export interface TrainedClassifier {
  name: ClassifierName;
  result: TrainResult;
  /** The stage's record state: best epoch (the weights' identity), epochs run, stop reason. */
  state: StageState;
  /** The stage's fingerprint (lib/pipeline/identity.ts). */
  fingerprint: string;
  /** Probabilities `[rows.length][classes]` for dataset indices `rows`. */
  predictProba(rows: ArrayLike<number>): Promise<number[][]>;
  /** A logistic-regression head: how it was fitted (C, its search, the L-BFGS report). */
  head?: LogisticHeadFit;
  /** The forward passes run for it so far (features, predictions), each with its engine (--inference). */
  inference: InferenceRun[];
  dispose(): void;
}

/** A training stage's batches: the sampler of its epochs (positions into split.train) and its validation batches. */
export interface StageBatches {
  sampler: BatchSampler;
  /** Fixed validation batches (positions into split.val). */
  validation: Int32Array[];
}

/**
 * The batches of the Adam head of the frozen and siamese classifiers (`batchSize`: the recipe's head batch size):
 * rows of features, no tokens, so no bucketing; at most --max-steps-per-epoch per epoch.
 */
export function headBatches(cfg: RunConfig, data: PreparedData, batchSize: number): StageBatches {
  return {
    sampler: limitSteps(
      randomSampler(data.split.train.length, { batchSize, seed: cfg.seed, shuffle: true }),
      cfg.maxStepsPerEpoch,
    ),
    validation: makeBatches(positionsOf(data.split.val.length), { batchSize }),
  };
}

/**
 * The batches of the trained classifier (`batchSize`: the recipe's): the recipe's random sampler
 * (`trainedSampler`), length-bucketed with bucketing on (lib/train/sampler.ts), and its validation batches.
 */
export function trainedBatches(
  cfg: RunConfig,
  data: PreparedData,
  batchSize: number,
  tokens: TokenTable,
): StageBatches {
  const bucketing = bucketingOn(cfg);
  return {
    sampler: trainedSampler(cfg, data, bucketing ? rowLengths(tokens, data.split.train) : undefined),
    validation: validationBatches(data.split.val.length, batchSize, {
      lengths: bucketing ? rowLengths(tokens, data.split.val) : undefined,
    }),
  };
}

/** Softmax probabilities of a head on rows of a feature matrix, in batches. */
async function headProba(
  clf: EncoderClassifier,
  features: FeatureMatrix,
  rows: ArrayLike<number>,
  batchSize: number,
): Promise<number[][]> {
  const out: number[][] = [];
  for (const b of makeBatches(rows, { batchSize })) {
    const p = tf.tidy(() => tf.softmax(clf.head.logits(featureRows(features, b))));
    out.push(...((await p.array()) as number[][]));
    p.dispose();
    await yieldToEventLoop();
  }
  return out;
}

function classifierOptions(ctx: StageContext, weights: ClassWeightKind): ClassifierOptions {
  const { cfg, data } = ctx;
  const numClasses = data.dataset.categories.length;
  return {
    numClasses,
    seed: cfg.seed,
    classWeights:
      weights === 'study'
        ? data.classWeights
        : weights === 'balanced'
          ? balancedClassWeights(data.trainLabels, numClasses)
          : undefined,
  };
}

/**
 * Train the head of a frozen-encoder classifier ('frozen', 'siamese') on the encoder's features, cached
 * in the run folder: by Adam (the study's head) or logistic regression, as the recipe says. The encoder is
 * disposed once the features exist (the head is all that predicts).
 */
async function headStage(
  ctx: StageContext,
  entry: StageEntry,
  name: 'frozen' | 'siamese',
  clf: EncoderClassifier,
  opts: StageOptions,
): Promise<TrainedClassifier> {
  const { cfg, data } = ctx;
  const head = recipeOf(ctx).head;
  try {
    const label = name === 'frozen' ? 'frozen' : 'siamese classifier';
    const features = await withDefaultSignals(() => datasetFeatures(ctx, clf.encoder, label));
    clf.encoder.dispose();
    if (head.kind === 'logistic') {
      const folder = classifierFolder(cfg, name);
      const fitted = await logisticHeadStage(ctx, entry, head, features, folder, label, opts.reloadOnly ?? false);
      const state = { ...stateAfter(fitted.result, entry), lbfgs_iterations: fitted.fit.fit.iterations };
      await finishStage(cfg, entry, state);
      clf.dispose();
      return {
        name,
        result: fitted.result,
        state,
        fingerprint: entry.fingerprint,
        head: fitted.fit,
        inference: [features.inference],
        predictProba: async (rows) => fitted.model.predictProba(features, rows),
        dispose: () => undefined,
      };
    }
    const epochs = epochsFor(ctx, entry, 'classifierEpochs', head.epochs, opts);
    const loader = featureBatchLoader(features, data.dataset.labels);
    const { sampler, validation } = headBatches(cfg, data, head.batchSize);
    const result = await train({
      model: clf.head,
      sampler,
      validationBatches: validation,
      loadBatch: splitLoader(data, loader.loadBatch),
      disposeBatch: loader.disposeBatch,
      epochs,
      learningRate: head.learningRate,
      seed: cfg.seed,
      patience: cfg.patience,
      outDir: classifierFolder(cfg, name),
      reporter: ctx.reporter,
      config: { stage: STAGE_OF_CLASSIFIER[name] },
      onStep: yieldToEventLoop,
    });
    const state = stateAfter(result, entry);
    await finishStage(cfg, entry, state);
    return {
      name,
      result,
      state,
      fingerprint: entry.fingerprint,
      inference: [features.inference],
      predictProba: (rows) => headProba(clf, features, rows, 256),
      dispose: () => clf.dispose(),
    };
  } catch (e) {
    clf.dispose();
    throw e;
  }
}

/** The classifier options of a frozen-features head (its class weights by the recipe). */
function headOptions(ctx: StageContext): ClassifierOptions {
  const head = recipeOf(ctx).head;
  return classifierOptions(ctx, head.classWeights);
}

/** Frozen pretrained encoder + head (`frozenClassifier`; the head trained or fitted on cached features). */
export async function frozenStage(ctx: StageContext, opts: StageOptions = {}): Promise<TrainedClassifier> {
  return inStage(ctx, 'frozen', opts, async (entry) => {
    const encoder = await loadEncoder(ctx.cfg.model, { pooling: ctx.cfg.pooling, trainable: false });
    return headStage(ctx, entry, 'frozen', frozenClassifier(encoder, headOptions(ctx)), opts);
  });
}

/** The siamese-tuned encoder, frozen, its pooled output → softmax head (`siameseClassifier`). */
export async function siameseClassifierStage(ctx: StageContext, opts: StageOptions = {}): Promise<TrainedClassifier> {
  return inStage(ctx, 'siamese-classifier', opts, async (entry) => {
    const siamese = await loadSiamese(ctx.cfg);
    // The classifier shares the siamese encoder; the siamese head's Dense layers are not needed.
    siamese.dense1.dispose();
    siamese.dense2.dispose();
    return headStage(ctx, entry, 'siamese', siameseClassifier(siamese, headOptions(ctx)), opts);
  });
}

/** Pretrained encoder + head, everything trained (`trainedClassifier`). */
export async function trainedStage(ctx: StageContext, opts: StageOptions = {}): Promise<TrainedClassifier> {
  const { cfg, data } = ctx;
  const recipe = recipeOf(ctx).trained;
  return inStage(ctx, 'trained', opts, async (entry) => {
    const epochs = epochsFor(ctx, entry, 'trainedEpochs', recipe.epochs.epochs, opts);
    const encoder = await loadEncoder(cfg.model, { pooling: cfg.pooling, trainable: true });
    const model = trainedClassifier(encoder, classifierOptions(ctx, recipe.classWeights));
    try {
      const tokens = await runTokens(ctx);
      const loader = tokenBatchLoader(tokens, data.dataset.labels);
      const { sampler, validation } = trainedBatches(cfg, data, recipe.batchSize, tokens);
      noteSamplerPadding(ctx, 'trained', sampler.epochBatches(0), rowLengths(tokens, data.split.train));
      noteSamplerPadding(ctx, 'trained/validation', validation, rowLengths(tokens, data.split.val));
      const result = await train({
        model,
        sampler,
        validationBatches: validation,
        loadBatch: splitLoader(data, loader.loadBatch),
        disposeBatch: loader.disposeBatch,
        epochs,
        ...trainerOptimizer(recipe.optimizer, encoder.trainableVariables(), model.head.trainableVariables()),
        seed: cfg.seed,
        patience: cfg.patience,
        outDir: classifierFolder(cfg, 'trained'),
        reporter: ctx.reporter,
        config: { stage: 'trained' },
        onStep: yieldToEventLoop,
      });
      const state = stateAfter(result, entry);
      await finishStage(cfg, entry, state);
      encoder.trainable = false;
      const inference: InferenceRun[] = [];
      return {
        name: 'trained',
        result,
        state,
        fingerprint: entry.fingerprint,
        inference,
        // On the engine of --inference, from the weights as they are now (after training).
        predictProba: async (rows) => {
          const r = await classifierProba(ctx, model, rows, 'trained classifier');
          inference.push(r.inference);
          return r.proba;
        },
        dispose: () => model.dispose(),
      };
    } catch (e) {
      model.dispose();
      throw e;
    }
  });
}

/** The stage function of each classifier. */
export const CLASSIFIER_STAGES: Record<
  ClassifierName,
  (ctx: StageContext, opts?: StageOptions) => Promise<TrainedClassifier>
> = {
  frozen: frozenStage,
  trained: trainedStage,
  siamese: siameseClassifierStage,
};

/** The run folder of a classifier's training. */
export function classifierFolder(cfg: RunConfig, name: ClassifierName): string {
  return runPaths(cfg.out).classifier(STAGE_OF_CLASSIFIER[name]);
}

/**
 * Reload a finished classifier training (never trains): a stage made with other settings is refused
 * like any stage, and a missing one says which notebook or stage to run first.
 */
export async function reloadClassifier(ctx: StageContext, name: ClassifierName): Promise<TrainedClassifier> {
  const folder = classifierFolder(ctx.cfg, name);
  const { record } = await readStageRecord(folder, STAGE_OF_CLASSIFIER[name]);
  if (!record?.state) {
    throw new Error(
      `reloadClassifier: the ${name} classifier has no finished training in '${folder}': run notebook 02 (or npm ` +
        `run pipeline -- --stages ${STAGE_OF_CLASSIFIER[name]}) with the same settings first.`,
    );
  }
  return CLASSIFIER_STAGES[name](ctx, { reloadOnly: true });
}
