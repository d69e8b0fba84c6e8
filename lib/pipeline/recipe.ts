/**
 * The run's recipe, resolved once from the settings and the data: per stage the optimizer, the learning rate of
 * each parameter group and its schedule, the epochs with the step budget behind them, the batch or P×K shape,
 * the head and its C search, and the class weights, each with the reason for its value. The stages train by it,
 * the log and the run statement print it, and report.json stores it under `recipe`.
 *
 * The constants of both recipes live in lib/config/recipes.ts ('study': the study's settings; 'auto':
 * docs/recipe-evidence.md §4); an option given explicitly wins over either. Only the step-budget epochs and the
 * P×K shapes depend on the data, through the training rows' labels; both are functions of settings that are part
 * of a stage's identity (the data file, cleaning, split, seed), so the identity can be checked before the data
 * loads (`recipeIdentity`).
 */
import type * as tf from '@tensorflow/tfjs';
import { flagOf, type RunConfig, type TrainingStage } from '../config/options';
import {
  ADAM_HEAD,
  LOGISTIC_HEAD,
  PK_MIN_EXAMPLES_PER_CLASS,
  RECIPES,
  describeBudget,
  recipeOptions,
  showValue,
  type EncoderTrainingConstants,
  type HeadKind,
  type RecipeName,
  type StepBudget,
} from '../config/recipes';
import type { ParamGroup } from '../train/optimizer';
import { limitSteps, pkSampler, randomSampler, type BatchSampler } from '../train/sampler';
import { makeSchedule, warmupStepsFor } from '../train/schedule';
import { validationBatches } from './tokens';

/** What the recipe reads of the data: the labels of the training and validation rows, and the class count. */
export interface RecipeData {
  trainLabels: Int32Array;
  valLabels: Int32Array;
  dataset: { categories: readonly string[] };
}

/** A learning-rate schedule in optimizer updates (transformers' semantics, lib/train/schedule.ts). */
export interface ScheduleSpec {
  name: 'constant' | 'linear';
  warmupSteps: number;
  totalSteps: number;
}

/** How an encoder training optimizes: Adam (one group, the study) or AdamW with a head group. */
export interface OptimizerSpec {
  name: 'adam' | 'adamw';
  /** Peak learning rate of the encoder (one group: of every variable). */
  learningRate: number;
  /** Peak learning rate of the head (equal to `learningRate` with one group). */
  headLearningRate: number;
  /** Decoupled weight decay on weight matrices (rank ≥ 2); 0 for Adam. */
  weightDecay: number;
  epsilon: number;
  schedule: ScheduleSpec;
}

/** Epochs of a training, and the updates behind them. */
export interface EpochPlan {
  epochs: number;
  /** Batches of the first epoch (P×K epochs may differ by a batch or two). */
  stepsPerEpoch: number;
  /** Updates over all epochs (the linear schedule ends there). */
  totalSteps: number;
  /** The budget the epochs came from (auto, no epochs given). */
  budget?: StepBudget;
}

/** A P×K batch shape: P classes × K texts. */
export interface PkShape {
  p: number;
  k: number;
}

/** Why each resolved value is what it is (setting → reason), for the log and report.json. */
export type Reasons = Record<string, string>;

/** The siamese stage's recipe. */
export interface SiameseRecipe {
  sampler: 'pk' | 'random';
  /** Rows per batch asked for (--siamese-batch-size). */
  batchSize: number;
  /** P×K shapes of training and validation batches (sampler 'pk'). */
  pk?: { train: PkShape; validation: PkShape; rule: 'fixed' | 'fill' };
  optimizer: OptimizerSpec;
  epochs: EpochPlan;
  reasons: Reasons;
}

/** The head of the frozen and siamese classifiers: the study's Adam softmax head. */
export interface AdamHeadRecipe {
  kind: 'adam';
  learningRate: number;
  epochs: number;
  batchSize: number;
  classWeights: ClassWeightKind;
  reasons: Reasons;
}

/** The head of the frozen and siamese classifiers: logistic regression, C by stratified CV (or fixed). */
export interface LogisticHeadRecipe {
  kind: 'logistic';
  Cs: readonly number[];
  /** Stratified folds of the C search; 0: no search (a class has fewer than 2 training rows), C = `fallbackC`. */
  folds: number;
  /** Training rows above which C is searched on a stratified subsample of this many (LOGISTIC_HEAD.cvMaxRows). */
  cvMaxRows: number;
  /** Rows of the C search: the training rows, or `cvMaxRows` of them (the final fit uses every training row). */
  cvRows: number;
  /** Training rows (of the final fit). */
  trainRows: number;
  fallbackC: number;
  tol: number;
  maxIter: number;
  classWeights: 'balanced' | 'none';
  reasons: Reasons;
}

/** A classifier head recipe. */
export type HeadRecipe = AdamHeadRecipe | LogisticHeadRecipe;

/** The fully trained classifier's recipe. */
export interface TrainedRecipe {
  batchSize: number;
  optimizer: OptimizerSpec;
  epochs: EpochPlan;
  classWeights: ClassWeightKind;
  reasons: Reasons;
}

/** 'study': 1/frequency summing to 1 (the study's); 'balanced': scikit-learn's n / (classes × count), mean 1. */
export type ClassWeightKind = 'study' | 'balanced' | 'none';

/** The resolved recipe of a run (see the module comment). */
export interface Recipe {
  name: RecipeName;
  siamese: SiameseRecipe;
  /** The frozen and siamese classifiers' head. */
  head: HeadRecipe;
  trained: TrainedRecipe;
}

const given = (key: keyof RunConfig, v: string | number) => `${flagOf(key)} ${showValue(v)} (given)`;

/**
 * P×K shape for `batchSize` rows over `classes` classes that have at least 2 rows. 'fixed' (the project's rule
 * before recipes, `--recipe study`): K = 4, P = min(⌊batch / 4⌋, classes); few classes shrink the batch. 'fill'
 * (auto): P = min(classes, ⌊batch / 4⌋), then K = ⌊batch / P⌋, so every class is used first and K grows to fill
 * the batch (4 classes, batch 64: 4 × 16; 41 classes: 16 × 4).
 */
export function pkShape(batchSize: number, classes: number, rule: 'fixed' | 'fill'): PkShape {
  const k0 = PK_MIN_EXAMPLES_PER_CLASS;
  const p = Math.max(1, Math.min(Math.floor(batchSize / k0), classes));
  return { p, k: rule === 'fixed' ? k0 : Math.max(k0, Math.floor(batchSize / p)) };
}

/** Classes with at least 2 rows in `labels` (those a P×K batch can use). */
export function pairedClasses(labels: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  return [...counts.values()].filter((c) => c >= 2).length;
}

/**
 * Token lengths of the training and validation rows (one per position into split.train / split.val), for length
 * bucketing (--bucketing on); absent: the study's batches. Bucketing keeps every batch's size (and P×K shape), so
 * the recipe's step counts do not depend on it.
 */
export interface BatchLengths {
  train: ArrayLike<number>;
  val: ArrayLike<number>;
}

/**
 * Siamese training batches (positions into split.train), at most --max-steps-per-epoch per epoch, and fixed
 * validation batches (positions into split.val); length-bucketed within the samplers' constraints with `lengths`.
 */
export function siameseSamplers(
  cfg: RunConfig,
  data: RecipeData,
  siamese: Pick<SiameseRecipe, 'sampler' | 'batchSize' | 'pk'>,
  lengths?: BatchLengths,
): { sampler: BatchSampler; validation: Int32Array[] } {
  if (siamese.sampler === 'random' || !siamese.pk) {
    return {
      sampler: limitSteps(
        randomSampler(data.trainLabels.length, {
          batchSize: siamese.batchSize,
          seed: cfg.seed,
          shuffle: true,
          lengths: lengths?.train,
        }),
        cfg.maxStepsPerEpoch,
      ),
      // A one-row batch has no triplet (the loss needs 2 rows): it joins the batch before (lib/data/batches).
      validation: validationBatches(data.valLabels.length, siamese.batchSize, {
        lengths: lengths?.val,
        minBatchSize: 2,
      }),
    };
  }
  const { train, validation } = siamese.pk;
  return {
    sampler: limitSteps(
      pkSampler(data.trainLabels, {
        classesPerBatch: train.p,
        examplesPerClass: train.k,
        seed: cfg.seed,
        classNames: data.dataset.categories,
        lengths: lengths?.train,
      }),
      cfg.maxStepsPerEpoch,
    ),
    validation: pkSampler(data.valLabels, {
      classesPerBatch: validation.p,
      examplesPerClass: validation.k,
      seed: cfg.seed + 1,
      lengths: lengths?.val,
    }).epochBatches(0),
  };
}

/**
 * The trained classifier's batches (positions into split.train): the study's shuffled random batches, at most
 * --max-steps-per-epoch per epoch; sorted by length within windows of the shuffled epoch with `lengths`.
 */
export function trainedSampler(cfg: RunConfig, data: RecipeData, lengths?: ArrayLike<number>): BatchSampler {
  return limitSteps(
    randomSampler(data.trainLabels.length, { batchSize: cfg.trainedBatchSize, seed: cfg.seed, shuffle: true, lengths }),
    cfg.maxStepsPerEpoch,
  );
}

/** Epochs given, fixed by the recipe, or from its step budget over `sampler`'s batches. */
function planEpochs(
  asked: number | undefined,
  c: EncoderTrainingConstants,
  sampler: BatchSampler,
  key: keyof RunConfig,
  reasons: Reasons,
  why: string,
): EpochPlan {
  const spe = sampler.epochBatches(0).length;
  let epochs: number;
  let budget: StepBudget | undefined;
  if (asked !== undefined) {
    epochs = asked;
    reasons.epochs = given(key, asked);
  } else if (typeof c.epochs === 'number') {
    epochs = c.epochs;
    reasons.epochs = `the study's ${epochs}`;
  } else {
    budget = c.epochs;
    epochs = Math.min(budget.maxEpochs, Math.max(budget.minEpochs, Math.ceil(budget.steps / spe)));
    reasons.epochs =
      `${epochs} = clamp(⌈${budget.steps} / ${spe} steps per epoch⌉, ${budget.minEpochs}, ${budget.maxEpochs}): ` +
      `the ${describeBudget(budget)}; ${why}`;
  }
  // P×K epochs can differ by a batch: count them, so that a decaying schedule ends exactly at the last step.
  let totalSteps = 0;
  for (let e = 0; e < epochs; e++) totalSteps += e === 0 ? spe : sampler.epochBatches(e).length;
  return { epochs, stepsPerEpoch: spe, totalSteps, ...(budget ? { budget } : {}) };
}

/** The optimizer of an encoder training, with reasons for its rates, schedule and weight decay. */
function planOptimizer(
  c: EncoderTrainingConstants,
  learningRate: number,
  lrKey: keyof RunConfig,
  lrGiven: boolean,
  epochs: EpochPlan,
  reasons: Reasons,
  why: string,
): OptimizerSpec {
  const headLearningRate = c.headLearningRate ?? learningRate;
  const warmupSteps = c.schedule === 'linear' ? warmupStepsFor(epochs.totalSteps, c.warmupRatio) : 0;
  const source = lrGiven ? given(lrKey, learningRate) : showValue(learningRate);
  if (c.headLearningRate === undefined) {
    reasons.learning_rate = `${source}${lrGiven ? '' : ", the study's"}, for encoder and head alike`;
    reasons.optimizer = "Adam with Keras' defaults (β 0.9 / 0.999, ε 1e-7), as the study";
    reasons.schedule = 'constant, as the study';
  } else {
    reasons.learning_rate = `encoder ${source}, head ${showValue(headLearningRate)}: ${why}`;
    reasons.optimizer =
      `AdamW (β 0.9 / 0.999, ε ${c.epsilon}), decoupled weight decay ${c.weightDecay} on weight matrices, none on ` +
      "biases and LayerNorm: BERT's and transformers' Trainer's standard";
    reasons.schedule =
      `linear warmup over ${warmupSteps} steps (⌈${c.warmupRatio} × ${epochs.totalSteps}⌉), then linear decay to 0 ` +
      'at step ' +
      `${epochs.totalSteps}: transformers' get_linear_schedule_with_warmup`;
  }
  return {
    name: c.optimizer,
    learningRate,
    headLearningRate,
    weightDecay: c.weightDecay,
    epsilon: c.epsilon,
    schedule: { name: c.schedule, warmupSteps, totalSteps: epochs.totalSteps },
  };
}

function classWeightKind(cfg: RunConfig, logistic: boolean): ClassWeightKind {
  if (recipeOptions(cfg).classWeights === 'off') return 'none';
  return logistic || cfg.recipe === 'auto' ? 'balanced' : 'study';
}

const WEIGHT_REASONS: Record<ClassWeightKind, string> = {
  none: 'none (--class-weights off under this recipe: docs/recipe-evidence.md §1, ≤ 1 point on balanced data)',
  balanced:
    "scikit-learn's 'balanced', n / (classes × count), mean 1 (the study's, summing to 1, would scale the loss by " +
    '1 / classes)',
  study: "the study's: 1 / frequency, normalised to sum 1",
};

function resolveSiamese(cfg: RunConfig, data: RecipeData): SiameseRecipe {
  const c = RECIPES[cfg.recipe].siamese;
  const reasons: Reasons = {};
  const base: Pick<SiameseRecipe, 'sampler' | 'batchSize' | 'pk'> = {
    sampler: cfg.sampler,
    batchSize: cfg.siameseBatchSize,
  };
  if (cfg.sampler === 'pk') {
    const classes = pairedClasses(data.trainLabels);
    const train = pkShape(cfg.siameseBatchSize, classes, c.pk);
    const validation = pkShape(cfg.siameseBatchSize, pairedClasses(data.valLabels), c.pk);
    base.pk = { train, validation, rule: c.pk };
    const shape = `P×K ${train.p}×${train.k} = ${train.p * train.k} of --siamese-batch-size ${cfg.siameseBatchSize}`;
    reasons.batch =
      c.pk === 'fill'
        ? `${shape}: P = min(${classes} classes with 2+ texts, ⌊${cfg.siameseBatchSize} / 4⌋), K = ` +
          `⌊${cfg.siameseBatchSize} / P⌋, so the batch is filled (validation ${validation.p}×${validation.k})`
        : `${shape}: K = 4, P = min(⌊${cfg.siameseBatchSize} / 4⌋, ${classes} classes with 2+ texts), the ` +
          `project's P×K before recipes (validation ${validation.p}×${validation.k})`;
  } else reasons.batch = `random batches of ${cfg.siameseBatchSize} (--sampler random)`;
  const { sampler } = siameseSamplers(cfg, data, base);
  const epochs = planEpochs(
    cfg.siameseEpochs,
    c,
    sampler,
    'siameseEpochs',
    reasons,
    'docs/recipe-evidence.md §3 (222 steps moved the encoder more than 110; longer budgets untested)',
  );
  const lr = recipeOptions(cfg).siameseLr;
  const optimizer = planOptimizer(
    c,
    lr,
    'siameseLr',
    cfg.siameseLr !== undefined,
    epochs,
    reasons,
    'the new embedding head needs larger steps than the pretrained encoder (docs/recipe-evidence.md §3)',
  );
  reasons.selection = 'best epoch by validation triplet loss, restored';
  return { ...base, optimizer, epochs, reasons };
}

function resolveHead(cfg: RunConfig, data: RecipeData): HeadRecipe {
  const o = recipeOptions(cfg);
  const kind: HeadKind = o.head;
  const reasons: Reasons = {};
  const headGiven = cfg.head !== undefined ? ` (${given('head', cfg.head)})` : '';
  if (kind === 'adam') {
    const classWeights = classWeightKind(cfg, false);
    reasons.head = `the study's softmax head trained with Adam${headGiven}`;
    reasons.training =
      `${o.classifierEpochs} epochs, batch ${o.classifierBatchSize}, learning rate ${o.classifierLr}` +
      ` (${ADAM_HEAD_DESCRIPTION}); best epoch by validation loss`;
    reasons.class_weights = WEIGHT_REASONS[classWeights];
    return {
      kind,
      learningRate: o.classifierLr!,
      epochs: o.classifierEpochs!,
      batchSize: o.classifierBatchSize!,
      classWeights,
      reasons,
    };
  }
  const h = LOGISTIC_HEAD;
  const rows = data.trainLabels.length;
  const counts = new Map<number, number>();
  for (const l of data.trainLabels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let smallest = Infinity;
  for (const n of counts.values()) smallest = Math.min(smallest, n);
  const wanted = rows > h.largeRows ? h.largeFolds : h.folds;
  const folds = Math.min(wanted, smallest) >= 2 ? Math.min(wanted, smallest) : 0;
  reasons.head =
    `multinomial logistic regression on the cached pooled features, L-BFGS from zeros to max |gradient| ≤ ` +
    `${h.tol} (at most ${h.maxIter} iterations)${headGiven}: converges at any data size, equal to scikit-learn's ` +
    'LogisticRegression (docs/recipe-evidence.md §1)';
  const fewerFolds = folds < wanted ? ` (${wanted} folds asked; the smallest class has ${smallest} rows)` : '';
  const largeFolds =
    rows > h.largeRows
      ? ` (${h.largeFolds} folds above ${h.largeRows.toLocaleString('en-US')} training rows: ` +
        'the search costs Cs × folds fits)'
      : '';
  const cvRows = folds > 0 ? Math.min(rows, h.cvMaxRows) : rows;
  const n = (v: number) => v.toLocaleString('en-US');
  const subsample = cvRows < rows;
  const searchRows = subsample
    ? `on a stratified subsample of ${n(cvRows)} of the ${n(rows)} training rows (seed ${cfg.seed})`
    : `on the training rows (seed ${cfg.seed})`;
  const finalFit = subsample
    ? ` (a subsample above ${n(h.cvMaxRows)} training rows: every one of the Cs × folds fits costs time in ` +
      `proportion to its rows); the final fit at that C uses all ${n(rows)} training rows`
    : '';
  reasons.C =
    folds === 0
      ? `C = ${h.fallbackC} (scikit-learn's default): a class has ${smallest} training row, too few for a stratified ` +
        'split'
      : `by ${folds}-fold stratified cross-validation ${searchRows} over ${h.Cs.join(', ')}, the lowest mean ` +
        `held-out log loss${fewerFolds}${largeFolds}${finalFit}; C = 1 overfits (docs/recipe-evidence.md §1)`;
  const classWeights = classWeightKind(cfg, true) === 'none' ? 'none' : 'balanced';
  reasons.class_weights = WEIGHT_REASONS[classWeights];
  return {
    kind,
    Cs: h.Cs,
    folds,
    cvMaxRows: h.cvMaxRows,
    cvRows,
    trainRows: rows,
    fallbackC: h.fallbackC,
    tol: h.tol,
    maxIter: h.maxIter,
    classWeights,
    reasons,
  };
}

const ADAM_HEAD_DESCRIPTION =
  `the study's: ${ADAM_HEAD.epochs} epochs, batch ${ADAM_HEAD.batchSize}, ` +
  `Adam ${ADAM_HEAD.learningRate}, unless given`;

function resolveTrained(cfg: RunConfig, data: RecipeData): TrainedRecipe {
  const c = RECIPES[cfg.recipe].trained;
  const reasons: Reasons = {};
  const epochs = planEpochs(
    cfg.trainedEpochs,
    c,
    trainedSampler(cfg, data),
    'trainedEpochs',
    reasons,
    'docs/recipe-evidence.md §2 (validation loss flat after ~150–300 steps; 2 epochs at least, so that a best ' +
      'epoch can be chosen)',
  );
  const optimizer = planOptimizer(
    c,
    recipeOptions(cfg).trainedLr,
    'trainedLr',
    cfg.trainedLr !== undefined,
    epochs,
    reasons,
    'a new head needs larger steps than a pretrained encoder (docs/recipe-evidence.md §2: a shared 2e-5 leaves it ' +
      'underfit)',
  );
  reasons.batch = `${cfg.trainedBatchSize} (--trained-batch-size; the study's 32)`;
  reasons.selection = 'best epoch by validation loss, restored';
  const classWeights = classWeightKind(cfg, false);
  reasons.class_weights = WEIGHT_REASONS[classWeights];
  return { batchSize: cfg.trainedBatchSize, optimizer, epochs, classWeights, reasons };
}

/** Resolve `cfg`'s recipe against the data (see the module comment). */
export function resolveRecipe(cfg: RunConfig, data: RecipeData): Recipe {
  return {
    name: cfg.recipe,
    siamese: resolveSiamese(cfg, data),
    head: resolveHead(cfg, data),
    trained: resolveTrained(cfg, data),
  };
}

/**
 * The trainer's optimizer settings for an encoder (`encoder`) and its new head (`head`): a plain learning rate
 * for the study's Adam (so that `--recipe study` trains exactly as before recipes), or per-step schedules and
 * four AdamW groups (encoder and head × weight matrices with decay, the rest without).
 */
export function trainerOptimizer(
  spec: OptimizerSpec,
  encoder: readonly tf.Variable[],
  head: readonly tf.Variable[],
): { learningRate: number | ((step: number) => number); epsilon?: number; paramGroups?: ParamGroup[] } {
  if (spec.name === 'adam' && spec.schedule.name === 'constant' && spec.headLearningRate === spec.learningRate)
    return { learningRate: spec.learningRate, ...(spec.epsilon !== 1e-7 ? { epsilon: spec.epsilon } : {}) };
  const { name, warmupSteps, totalSteps } = spec.schedule;
  const schedule = (lr: number) =>
    name === 'constant'
      ? makeSchedule('constant_with_warmup', lr, { warmupSteps })
      : makeSchedule(name, lr, { warmupSteps, totalSteps });
  const groups: ParamGroup[] = [];
  for (const [variables, lr] of [
    [encoder, spec.learningRate],
    [head, spec.headLearningRate],
  ] as const) {
    const rate = schedule(lr);
    groups.push({ variables: variables.filter((v) => v.rank >= 2), learningRate: rate, weightDecay: spec.weightDecay });
    groups.push({ variables: variables.filter((v) => v.rank < 2), learningRate: rate, weightDecay: 0 });
  }
  return { learningRate: schedule(spec.learningRate), epsilon: spec.epsilon, paramGroups: groups };
}

/** The resolved epochs of a training stage (undefined for a logistic-regression head, which has none). */
export function stageEpochs(recipe: Recipe, stage: TrainingStage): number | undefined {
  if (stage === 'siamese') return recipe.siamese.epochs.epochs;
  if (stage === 'trained') return recipe.trained.epochs.epochs;
  return recipe.head.kind === 'adam' ? recipe.head.epochs : undefined;
}
