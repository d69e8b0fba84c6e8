/**
 * The two training recipes of `--recipe`, as values:
 * - 'study': the study's settings, exactly the project's defaults before recipes existed (Adam at fixed
 *   learning rates for fixed epochs; softmax heads trained with Adam; the study's class weights);
 * - 'auto': the recipe of docs/recipe-evidence.md §4, chosen by validation loss and step counts at 50 and 200
 *   texts per class: logistic-regression heads fitted to convergence with C by cross-validation, and AdamW with
 *   linear warmup and decay over a step budget for the encoder trainings.
 *
 * An option given explicitly always wins over the recipe (`--siamese-lr 2e-5` under either). This module holds the
 * constants and what can be resolved without the data (`recipeOptions`); lib/pipeline/recipe.ts resolves the rest
 * (epochs from the step budget, P×K shapes, schedules) against the data into one typed Recipe. Lowest layer.
 */
import type { RunConfig } from './options';

/** `--recipe` values. */
export const RECIPE_NAMES = ['auto', 'study'] as const;
/** A recipe's name. */
export type RecipeName = (typeof RECIPE_NAMES)[number];

/** The head of the frozen and siamese classifiers: logistic regression (L-BFGS) or the study's Adam softmax head. */
export const HEAD_KINDS = ['logistic', 'adam'] as const;
/** `--head` values. */
export type HeadKind = (typeof HEAD_KINDS)[number];

/** Epochs from a budget of optimizer steps: clamp(⌈steps / steps per epoch⌉, minEpochs, maxEpochs). */
export interface StepBudget {
  steps: number;
  minEpochs: number;
  maxEpochs: number;
}

/** How an encoder training (the siamese stage, the fully trained classifier) optimizes. */
export interface EncoderTrainingConstants {
  optimizer: 'adam' | 'adamw';
  /** Peak learning rate of the encoder (the study: of every variable). */
  learningRate: number;
  /** Peak learning rate of the new head; undefined: the encoder's (one parameter group, the study). */
  headLearningRate?: number;
  /** Decoupled weight decay on weight matrices (not biases, not LayerNorm); 0: plain Adam. */
  weightDecay: number;
  /** Adam's epsilon: Keras' 1e-7 (the study, TF) or PyTorch's 1e-8 (transformers' AdamW). */
  epsilon: number;
  /** 'constant' (the study) or 'linear' (warmup, then linear decay to 0 at the last step). */
  schedule: 'constant' | 'linear';
  /** Warmup steps as a fraction of all steps (transformers' warmup_ratio; rounded up). */
  warmupRatio: number;
  /** Fixed epochs, or a step budget. */
  epochs: number | StepBudget;
}

/** The study's Adam softmax head on frozen features (also auto's, with `--head adam`). */
export interface AdamHeadConstants {
  learningRate: number;
  epochs: number;
  batchSize: number;
}

/** The logistic-regression head (lib/heads/logistic-cv.ts): C by stratified k-fold CV on the training rows. */
export interface LogisticHeadConstants {
  Cs: readonly number[];
  folds: number;
  /** Above this many training rows, `largeFolds` folds (the C search costs Cs × folds fits). */
  largeRows: number;
  largeFolds: number;
  /**
   * Above this many training rows, C is searched on a seeded stratified subsample of this many rows; the final
   * fit at the chosen C uses every row (lib/heads/logistic-cv.ts `cvMaxRows`).
   */
  cvMaxRows: number;
  /** C when no stratified CV is possible (a class with fewer than 2 training rows): scikit-learn's default. */
  fallbackC: number;
  tol: number;
  maxIter: number;
}

/** One recipe's constants. */
export interface RecipeConstants {
  siamese: EncoderTrainingConstants & {
    /** P×K shape: 'fixed' K = 4 (P = batch / 4, the project's default before recipes), 'fill' (K grows). */
    pk: 'fixed' | 'fill';
  };
  trained: EncoderTrainingConstants;
  head: HeadKind;
  /** Whether the classifiers' losses are weighted by class frequency unless --class-weights says. */
  classWeights: 'on' | 'off';
  /**
   * Length bucketing of token batches unless --bucketing says: 'off' keeps the study's batches exactly; 'on'
   * changes which rows share a training batch (docs/performance.md).
   */
  bucketing: 'on' | 'off';
}

/** Texts per class in a P×K batch under 'fixed' (the smallest K under 'fill'). */
export const PK_MIN_EXAMPLES_PER_CLASS = 4;

/** The study's Adam head (notebook 2 of the study): 40 epochs of Adam 1e-4 in batches of 128. */
export const ADAM_HEAD: AdamHeadConstants = { learningRate: 1e-4, epochs: 40, batchSize: 128 };

/**
 * docs/recipe-evidence.md §4: 6 Cs, 5 folds (3 above 20,000 training rows), L-BFGS to tol 1e-4; the C search on
 * at most 30,000 training rows. The checked-in full-file run (runs/full: 26,568 training rows) is below that
 * threshold, so its search, C and numbers are unchanged; at the study's scale (159,806 training rows in
 * `npm run scale-check`) a search over every row did not finish its first head in 5 minutes.
 */
export const LOGISTIC_HEAD: LogisticHeadConstants = {
  Cs: [0.01, 0.03, 0.1, 0.3, 1, 3],
  folds: 5,
  largeRows: 20_000,
  largeFolds: 3,
  cvMaxRows: 30_000,
  fallbackC: 1,
  tol: 1e-4,
  maxIter: 1000,
};

/** The study's settings (the project's defaults before recipes). */
export const STUDY_RECIPE: RecipeConstants = {
  siamese: {
    optimizer: 'adam',
    learningRate: 1e-5,
    weightDecay: 0,
    epsilon: 1e-7,
    schedule: 'constant',
    warmupRatio: 0,
    epochs: 25,
    pk: 'fixed',
  },
  trained: {
    optimizer: 'adam',
    learningRate: 2e-5,
    weightDecay: 0,
    epsilon: 1e-7,
    schedule: 'constant',
    warmupRatio: 0,
    epochs: 3,
  },
  head: 'adam',
  classWeights: 'on',
  bucketing: 'off',
};

/** Auto's optimizer for both encoder trainings (siamese, trained): one set of values, so they cannot drift apart. */
const AUTO_ADAMW: Omit<EncoderTrainingConstants, 'epochs'> = {
  optimizer: 'adamw',
  learningRate: 5e-5,
  headLearningRate: 1e-3,
  weightDecay: 0.01,
  epsilon: 1e-8,
  schedule: 'linear',
  warmupRatio: 0.1,
};

/** docs/recipe-evidence.md §4. */
export const AUTO_RECIPE: RecipeConstants = {
  siamese: {
    ...AUTO_ADAMW,
    epochs: { steps: 220, minEpochs: 1, maxEpochs: 25 },
    pk: 'fill',
  },
  trained: {
    ...AUTO_ADAMW,
    epochs: { steps: 300, minEpochs: 2, maxEpochs: 20 },
  },
  head: 'logistic',
  classWeights: 'off',
  bucketing: 'on',
};

/** The constants of a recipe by name. */
export const RECIPES: Readonly<Record<RecipeName, RecipeConstants>> = { auto: AUTO_RECIPE, study: STUDY_RECIPE };

/** `default: from --recipe (study: 1e-5; auto: 5e-5)`: how a recipe-dependent option's help states its default. */
export function fromRecipe(study: string | number, auto: string | number): string {
  return `default: from --recipe (study: ${showValue(study)}; auto: ${showValue(auto)})`;
}

/** A setting's value for people: small learning rates as `1e-5`, the rest as given. */
export function showValue(v: string | number): string {
  return typeof v === 'number' && v !== 0 && Math.abs(v) <= 1e-3 ? v.toExponential() : String(v);
}

/** `step budget 300 (2–20 epochs)`. */
export function describeBudget(b: StepBudget): string {
  return `step budget ${b.steps} (${b.minEpochs}–${b.maxEpochs} epochs)`;
}

/**
 * The recipe-dependent options as a run uses them, resolved without the data: the value given, else the
 * recipe's. Epoch counts that a step budget decides are `null` (lib/pipeline/recipe.ts turns them into epochs
 * from the data size); the Adam head's settings are `null` when the head is logistic regression (no epochs,
 * batches or learning rate). Used for stage identity, `--help`, run statements and the library's defaults.
 */
export interface RecipeOptions {
  recipe: RecipeName;
  head: HeadKind;
  siameseLr: number;
  siameseEpochs: number | null;
  trainedLr: number;
  trainedEpochs: number | null;
  classifierLr: number | null;
  classifierEpochs: number | null;
  classifierBatchSize: number | null;
  classWeights: 'on' | 'off';
  bucketing: 'on' | 'off';
}

/** The settings of `cfg` that follow `--recipe` (see {@link RecipeOptions}). */
export function recipeOptions(cfg: RunConfig): RecipeOptions {
  const r = RECIPES[cfg.recipe];
  const head = cfg.head ?? r.head;
  const epochs = (given: number | undefined, e: EncoderTrainingConstants) =>
    given ?? (typeof e.epochs === 'number' ? e.epochs : null);
  const adam = head === 'adam';
  return {
    recipe: cfg.recipe,
    head,
    siameseLr: cfg.siameseLr ?? r.siamese.learningRate,
    siameseEpochs: epochs(cfg.siameseEpochs, r.siamese),
    trainedLr: cfg.trainedLr ?? r.trained.learningRate,
    trainedEpochs: epochs(cfg.trainedEpochs, r.trained),
    classifierLr: adam ? (cfg.classifierLr ?? ADAM_HEAD.learningRate) : null,
    classifierEpochs: adam ? (cfg.classifierEpochs ?? ADAM_HEAD.epochs) : null,
    classifierBatchSize: adam ? (cfg.classifierBatchSize ?? ADAM_HEAD.batchSize) : null,
    classWeights: cfg.classWeights ?? r.classWeights,
    bucketing: cfg.bucketing ?? r.bucketing,
  };
}

/** The options of the Adam head, which a logistic-regression head has no use for. */
export const ADAM_HEAD_OPTIONS = ['classifierLr', 'classifierEpochs', 'classifierBatchSize'] as const;

/** The stages whose identity `recipeIdentity` extends. */
type IdentityStage = 'siamese' | 'frozen' | 'trained' | 'siamese-classifier';

/**
 * The recipe's part of a stage's identity beyond the options (`recipe.<stage>.<setting>` keys): the optimizer,
 * head learning rate, weight decay, epsilon, schedule and P×K rule of an encoder training, the head of the
 * classifiers and the kind of class weights. With a decaying schedule the epochs fix the schedule, so they are
 * identity too (`recipe.<stage>.epochs`: the number given, or the step budget): such a training is not continued
 * by more epochs. Resolved without the data; the siamese classifier's identity includes the siamese stage's.
 */
export function recipeIdentity(cfg: RunConfig, stage: IdentityStage): Record<string, unknown> {
  const r = RECIPES[cfg.recipe];
  const o = recipeOptions(cfg);
  const out: Record<string, unknown> = {};
  const encoder = (name: 'siamese' | 'trained', c: EncoderTrainingConstants, asked: number | undefined) => {
    const k = (s: string) => `recipe.${name}.${s}`;
    out[k('optimizer')] = c.optimizer;
    out[k('head_lr')] = c.headLearningRate ?? null;
    out[k('weight_decay')] = c.weightDecay;
    out[k('epsilon')] = c.epsilon;
    out[k('schedule')] = c.schedule === 'linear' ? `linear, warmup ${c.warmupRatio}` : c.schedule;
    if (c.schedule !== 'constant')
      out[k('epochs')] = asked ?? (typeof c.epochs === 'number' ? c.epochs : describeBudget(c.epochs));
  };
  const weights = (logistic: boolean) =>
    o.classWeights === 'off' ? 'none' : logistic || cfg.recipe === 'auto' ? 'balanced' : 'study';
  if (stage === 'siamese' || stage === 'siamese-classifier') {
    encoder('siamese', r.siamese, cfg.siameseEpochs);
    out['recipe.siamese.pk'] = r.siamese.pk;
  }
  if (stage === 'trained') {
    encoder('trained', r.trained, cfg.trainedEpochs);
    out['recipe.trained.class_weights'] = weights(false);
  }
  if (stage === 'frozen' || stage === 'siamese-classifier') {
    const h = LOGISTIC_HEAD;
    out[`recipe.${stage}.head`] =
      o.head === 'adam'
        ? 'adam'
        : `logistic: Cs ${h.Cs.join(',')}; ${h.folds} folds (${h.largeFolds} above ${h.largeRows} rows); tol ` +
          `${h.tol}; max_iter ${h.maxIter}; C ${h.fallbackC} without folds`;
    // Its own key (not in the head's text above), so run folders made before it existed stay usable: legacyIdentity.
    if (o.head === 'logistic') out[`recipe.${stage}.cv_max_rows`] = h.cvMaxRows;
    out[`recipe.${stage}.class_weights`] = weights(o.head === 'logistic');
  }
  return out;
}

/**
 * The settings a stage record made before recipes existed was made with: `--recipe study` and its identity (so
 * such a run folder is reused by `--recipe study` and refused by `--recipe auto`), and no length bucketing (a
 * record made before --bucketing existed). For keys a record lacks.
 *
 * A logistic head's record made before `cv_max_rows` existed counts as made with today's threshold: its search
 * used every row, which is the same search up to the threshold's rows (every head that finished then: runs/full
 * has 26,568), and lib/pipeline/logistic-stage.ts refits a head whose file shows a search on more rows.
 */
export function legacyIdentity(cfg: RunConfig, stage: IdentityStage): Record<string, unknown> {
  const study: RunConfig = { ...cfg, recipe: 'study', head: undefined };
  const head = stage === 'frozen' || stage === 'siamese-classifier' ? stage : undefined;
  return {
    recipe: 'study',
    head: STUDY_RECIPE.head,
    bucketing: 'off',
    ...recipeIdentity(study, stage),
    ...(head ? { [`recipe.${head}.cv_max_rows`]: LOGISTIC_HEAD.cvMaxRows } : {}),
  };
}

/**
 * The epochs a stage's training asks for when more epochs continue it (a constant learning rate: the study's
 * encoder trainings, and Adam heads); undefined when they do not: a decaying schedule (its epochs are identity,
 * `recipeIdentity`) or a logistic-regression head (no epochs).
 */
export function continuedEpochs(cfg: RunConfig, stage: IdentityStage): number | undefined {
  const r = RECIPES[cfg.recipe];
  const o = recipeOptions(cfg);
  if (stage === 'siamese') return r.siamese.schedule === 'constant' ? (o.siameseEpochs ?? undefined) : undefined;
  if (stage === 'trained') return r.trained.schedule === 'constant' ? (o.trainedEpochs ?? undefined) : undefined;
  return o.classifierEpochs ?? undefined;
}
