/**
 * The resolved recipe in words and in report.json: `describeRecipe` gives the lines the run prints (and the
 * notebooks' run statement shows), `recipeJson` the `recipe` object of report.json (snake_case), each stage's
 * values with the reason for each derived one, and for logistic-regression heads how the fit went.
 */
import { STAGES, TRAINING_STAGES, UPSTREAM, type Stage, type TrainingStage } from '../config/options';
import { showValue } from '../config/recipes';
import type { LogisticHeadFit } from './logistic-stage';
import type { EpochPlan, HeadRecipe, OptimizerSpec, Recipe, Reasons } from './recipe';

function optimizerPhrase(o: OptimizerSpec): string {
  if (o.name === 'adam' && o.headLearningRate === o.learningRate && o.schedule.name === 'constant')
    return `Adam ${showValue(o.learningRate)} (constant)`;
  const rates =
    o.headLearningRate === o.learningRate
      ? showValue(o.learningRate)
      : `encoder ${showValue(o.learningRate)} / head ${showValue(o.headLearningRate)}`;
  const name = o.name === 'adamw' ? `AdamW (weight decay ${o.weightDecay})` : 'Adam';
  const schedule =
    o.schedule.name === 'linear'
      ? `warmup ${o.schedule.warmupSteps} steps + linear decay to 0 at step ${o.schedule.totalSteps}`
      : o.schedule.warmupSteps > 0
        ? `warmup ${o.schedule.warmupSteps} steps, then constant`
        : 'constant';
  return `${name} ${rates}, ${schedule}`;
}

function epochsPhrase(e: EpochPlan): string {
  return (
    `${e.epochs} epoch${e.epochs === 1 ? '' : 's'} × ${e.stepsPerEpoch} steps = ${e.totalSteps} steps` +
    (e.budget ? ` (step budget ${e.budget.steps})` : '')
  );
}

/** The head in a few words: `logistic regression (L-BFGS), C by 5-fold CV over 0.01…3; no class weights`. */
export function headPhrase(h: HeadRecipe): string {
  const weights = h.classWeights === 'none' ? 'no class weights' : `${h.classWeights} class weights`;
  if (h.kind === 'adam')
    return (
      `the study's softmax head, Adam ${showValue(h.learningRate)}, ${h.epochs} epochs, ` +
      `batch ${h.batchSize}; ${weights}`
    );
  const sub =
    h.cvRows < h.trainRows
      ? ` on a stratified subsample of ${h.cvRows.toLocaleString('en-US')} of ` +
        `${h.trainRows.toLocaleString('en-US')} training rows (final fit on all)`
      : '';
  const c =
    h.folds > 0
      ? `C by ${h.folds}-fold stratified CV${sub} over ${h.Cs[0]}…${h.Cs[h.Cs.length - 1]}`
      : `C = ${h.fallbackC} (no CV)`;
  return `logistic regression (L-BFGS, tol ${showValue(h.tol)}), ${c}; ${weights}`;
}

/**
 * The training stages a run of `stages` reuses from its run folder without training them: every one it does not
 * run that `evaluate` reloads (the classifiers, and the siamese encoder for the embeddings) or that
 * `siamese-classifier` builds on (the siamese encoder). In STAGES order.
 */
export function reusedStages(stages: readonly Stage[]): TrainingStage[] {
  const needed = new Set<Stage>(stages.includes('evaluate') ? TRAINING_STAGES : []);
  for (const s of stages) for (const up of UPSTREAM[s]) needed.add(up);
  return TRAINING_STAGES.filter((s) => needed.has(s) && !stages.includes(s));
}

/**
 * The recipe as log lines: its name, then one line per stage that `stages` runs (optimizer and rates, schedule,
 * epochs and steps, batch or P×K shape, head, class weights), then the stages reused from the run folder
 * ({@link reusedStages}). `stages` defaults to every stage.
 */
export function describeRecipe(r: Recipe, stages: readonly Stage[] = STAGES): string[] {
  const runs = (s: Stage) => stages.includes(s);
  const s = r.siamese;
  const shape = s.pk
    ? `P×K ${s.pk.train.p}×${s.pk.train.k} = ${s.pk.train.p * s.pk.train.k} (validation ${s.pk.validation.p}×` +
      `${s.pk.validation.k})`
    : `random batches of ${s.batchSize}`;
  const t = r.trained;
  const heads = [runs('frozen') && 'frozen', runs('siamese-classifier') && 'siamese'].filter(Boolean);
  const reused = reusedStages(stages);
  return [
    `recipe ${r.name}${r.name === 'auto' ? ' (docs/recipe-evidence.md §4)' : " (the study's settings)"}; options ` +
      'given explicitly win',
    ...(runs('siamese') ? [`  siamese: ${optimizerPhrase(s.optimizer)}; ${epochsPhrase(s.epochs)}; ${shape}`] : []),
    ...(heads.length > 0
      ? [`  ${heads.join(' and ')} classifier${heads.length > 1 ? 's' : ''}: ${headPhrase(r.head)}`]
      : []),
    ...(runs('trained')
      ? [
          `  trained: ${optimizerPhrase(t.optimizer)}; ${epochsPhrase(t.epochs)}; batch ${t.batchSize}; ` +
            `${t.classWeights === 'none' ? 'no' : t.classWeights} class weights`,
        ]
      : []),
    ...(reused.length > 0 ? [`  reused from the run folder, not trained in this run: ${reused.join(', ')}`] : []),
  ];
}

/** A logistic head's fit in report.json. */
export interface HeadFitJson {
  C: number;
  folds: number;
  cv_loss: { C: number; loss: number }[];
  /** Rows the C search ran on, and training rows of the final fit (absent in reports made before they were). */
  cv_rows?: number;
  rows?: number;
  iterations: number;
  converged: boolean;
  gradient_max: number;
  seconds: number;
  description: string;
}

/** report.json `recipe` (snake_case): the name, and per stage its resolved values and their reasons. */
export interface RecipeJson {
  name: string;
  siamese: Record<string, unknown>;
  frozen: Record<string, unknown>;
  trained: Record<string, unknown>;
  'siamese-classifier': Record<string, unknown>;
}

function optimizerJson(o: OptimizerSpec): Record<string, unknown> {
  return {
    optimizer: o.name,
    learning_rates: { encoder: o.learningRate, head: o.headLearningRate },
    weight_decay: o.weightDecay,
    epsilon: o.epsilon,
    schedule: { name: o.schedule.name, warmup_steps: o.schedule.warmupSteps, total_steps: o.schedule.totalSteps },
  };
}

function epochsJson(e: EpochPlan): Record<string, unknown> {
  return {
    epochs: e.epochs,
    steps_per_epoch: e.stepsPerEpoch,
    total_steps: e.totalSteps,
    ...(e.budget
      ? { step_budget: { steps: e.budget.steps, min_epochs: e.budget.minEpochs, max_epochs: e.budget.maxEpochs } }
      : {}),
  };
}

function headJson(h: HeadRecipe, fit: LogisticHeadFit | HeadFitJson | undefined): Record<string, unknown> {
  const common = { head: h.kind, class_weights: h.classWeights, reasons: h.reasons as Reasons };
  if (h.kind === 'adam') return { ...common, learning_rate: h.learningRate, epochs: h.epochs, batch_size: h.batchSize };
  return {
    ...common,
    Cs: [...h.Cs],
    folds: h.folds,
    cv_max_rows: h.cvMaxRows,
    cv_rows: h.cvRows,
    tol: h.tol,
    max_iter: h.maxIter,
    ...(fit ? { fit: 'cvLoss' in fit ? fitJson(fit) : fit } : {}),
  };
}

/** A logistic head's fit as stored in report.json. */
export function fitJson(f: LogisticHeadFit): HeadFitJson {
  return {
    C: f.C,
    folds: f.folds,
    cv_loss: f.cvLoss,
    ...(f.cvRows !== undefined ? { cv_rows: f.cvRows } : {}),
    ...(f.rows !== undefined ? { rows: f.rows } : {}),
    iterations: f.fit.iterations,
    converged: f.fit.converged,
    gradient_max: f.fit.gradientMax,
    seconds: f.fit.seconds,
    description: f.description,
  };
}

/**
 * report.json's `recipe`: `fits` are the logistic heads' fits by stage (this run's, or an earlier report's for a
 * stage that did not run).
 */
export function recipeJson(
  r: Recipe,
  fits: Partial<Record<TrainingStage, LogisticHeadFit | HeadFitJson>> = {},
): RecipeJson {
  const s = r.siamese;
  return {
    name: r.name,
    siamese: {
      sampler: s.sampler,
      batch_size: s.batchSize,
      ...(s.pk ? { pk: { p: s.pk.train.p, k: s.pk.train.k, validation: s.pk.validation, rule: s.pk.rule } } : {}),
      ...optimizerJson(s.optimizer),
      ...epochsJson(s.epochs),
      reasons: s.reasons,
    },
    frozen: headJson(r.head, fits.frozen),
    trained: {
      batch_size: r.trained.batchSize,
      ...optimizerJson(r.trained.optimizer),
      ...epochsJson(r.trained.epochs),
      class_weights: r.trained.classWeights,
      reasons: r.trained.reasons,
    },
    'siamese-classifier': headJson(r.head, fits['siamese-classifier']),
  };
}
