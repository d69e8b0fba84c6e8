/**
 * Every run setting in one table. The command line (`--max-per-class 50`), the notebooks' parameters
 * (SIAMESE_MAX_PER_CLASS=50), `--help`, range checks, the library's training defaults and each stage's
 * identity in a run folder all come from it, so a setting means the same everywhere and is documented once.
 *
 * Adding an option is one row. A row declares:
 * - `kind` (int, float, string, choice, list of choices, list of ints, flag, or alias of another option) and
 *   its `default`;
 *   a row without `default` is optional (undefined unless given);
 * - the valid `range` of a number (see {@link NumberRange}) or the `choices` of a choice or list;
 * - `help`, the `group` it is listed under, and
 * - `stages`: the stages whose results it changes. A stage's fingerprint in the run folder is made of
 *   these settings, so a rerun with another value is refused before any work. `continues` lists stages for
 *   which a change is *not* identity: more epochs continue a finished training instead.
 *
 * Cross-option rules live in {@link CONSTRAINTS}. This module is the lowest layer (no imports from other lib
 * folders): heads and losses take their defaults from it.
 *
 * Options that `--recipe` decides (learning rates, epochs, the head, class weights, bucketing) have no `default`:
 * unset means "from the recipe" (lib/config/recipes.ts), and their help says both recipes' values.
 */
import {
  ADAM_HEAD,
  ADAM_HEAD_OPTIONS,
  AUTO_RECIPE,
  HEAD_KINDS,
  PK_MIN_EXAMPLES_PER_CLASS,
  RECIPE_NAMES,
  STUDY_RECIPE,
  describeBudget,
  fromRecipe,
  recipeOptions,
  showValue,
  type StepBudget,
} from './recipes';

/** The study's stages in run order; also the names of their folders in a run and of `--stages`. */
export const STAGES = ['siamese', 'frozen', 'trained', 'siamese-classifier', 'evaluate'] as const;
/** A stage name: `siamese`, `frozen`, `trained`, `siamese-classifier` or `evaluate`. */
export type Stage = (typeof STAGES)[number];

/** The stages that train (each keeps a checkpoint folder in the run). */
export const TRAINING_STAGES = ['siamese', 'frozen', 'trained', 'siamese-classifier'] as const;
/** A stage that trains (every stage but `evaluate`). */
export type TrainingStage = (typeof TRAINING_STAGES)[number];

/** The stages whose trained models a stage builds on: their settings are part of its identity too. */
export const UPSTREAM: Readonly<Record<Stage, readonly Stage[]>> = {
  siamese: [],
  frozen: [],
  trained: [],
  'siamese-classifier': ['siamese'],
  evaluate: [],
};

/** `stages` and the stages built on them (upstream → downstream), in STAGES order. */
export function withDownstream(stages: readonly Stage[]): Stage[] {
  const out = new Set(stages);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of STAGES) {
      if (out.has(s) || !UPSTREAM[s].some((u) => out.has(u))) continue;
      out.add(s);
      grew = true;
    }
  }
  return STAGES.filter((s) => out.has(s));
}

/** The epoch-count option of a training stage: the int option whose `continues` names it. */
export function epochsOptionOf(stage: TrainingStage): keyof RunConfig {
  const row = Object.entries(OPTIONS).find(
    ([, s]) => s.kind === 'int' && ((s as { continues?: readonly Stage[] }).continues ?? []).includes(stage),
  );
  if (!row) throw new Error(`epochsOptionOf: no option's 'continues' names the stage '${stage}'.`);
  return row[0] as keyof RunConfig;
}

/** Texts per class in a P×K siamese batch under --recipe study (the smallest K under auto, which fills the batch). */
export const PK_EXAMPLES_PER_CLASS = PK_MIN_EXAMPLES_PER_CLASS;

/** Where an option appears in `--help`. */
export type OptionGroup = 'data' | 'model' | 'training' | 'run';

/** Bounds of a number; inclusive unless `minOpen` / `maxOpen`. */
export interface NumberRange {
  min?: number;
  max?: number;
  minOpen?: boolean;
  maxOpen?: boolean;
}

interface SpecBase {
  help: string;
  group: OptionGroup;
  /** Stages whose results the option changes (their fingerprints include it). */
  stages: readonly Stage[];
  /** Stages for which a change continues training instead of changing the stage's identity (epoch counts). */
  continues?: readonly Stage[];
  /** 'content': the option names a file identified by the sha256 of its bytes, not by its path. */
  identity?: 'content';
}
/** An integer option (`--seed 3`), checked against `range`. */
export interface IntSpec extends SpecBase {
  kind: 'int';
  default?: number;
  range: NumberRange;
}
/** A number option (`--siamese-lr 2e-5`), checked against `range`. */
export interface FloatSpec extends SpecBase {
  kind: 'float';
  default?: number;
  range: NumberRange;
}
/** A free-text option (a path, a field name); must not be empty. */
export interface StringSpec extends SpecBase {
  kind: 'string';
  default?: string;
}
/** One of `choices` (`--pooling mean`); RunConfig types it as their union. */
export interface ChoiceSpec extends SpecBase {
  kind: 'choice';
  choices: readonly string[];
  default?: string;
}
/** A comma-separated, non-empty subset of `choices` (`--stages siamese,evaluate`), duplicates dropped. */
export interface ListSpec extends SpecBase {
  kind: 'list';
  choices: readonly string[];
  default: readonly string[];
}
/** A comma-separated, non-empty list of integers in `range` (`--seeds 1,2,3`), in the order given. */
export interface IntListSpec extends SpecBase {
  kind: 'ints';
  range: NumberRange;
  default?: readonly number[];
}
/** A switch: `--overwrite` on the command line, SIAMESE_OVERWRITE=1 in the environment. */
export interface FlagSpec extends SpecBase {
  kind: 'flag';
  default: false;
}
/** Another spelling of option `of` (`--text-field title` = `--text title`); not a key of RunConfig. */
export interface AliasSpec extends SpecBase {
  kind: 'alias';
  of: string;
}
/** One row of the options table. */
export type OptionSpec = IntSpec | FloatSpec | StringSpec | ChoiceSpec | ListSpec | IntListSpec | FlagSpec | AliasSpec;

const ALL = STAGES;
const TRAINING = TRAINING_STAGES;
const budget = (e: { epochs: number | StepBudget }) =>
  typeof e.epochs === 'number' ? String(e.epochs) : `from the ${describeBudget(e.epochs)}`;

/** The options table (see the module comment). Keys are RunConfig's keys; flags and env names derive from them. */
export const OPTIONS = {
  data: {
    kind: 'string',
    default: 'data/huffpost-sample/News_Category_Dataset_v2.sample50.jsonl',
    group: 'data',
    stages: ALL,
    identity: 'content',
    help:
      'labelled-text file: JSON lines (HuffPost), JSON array or CSV/TSV; default: the embedded sample of 2,050 ' +
      'HuffPost headlines (data/README.md); the full dataset: `npm run data`',
  },
  format: {
    kind: 'choice',
    choices: ['jsonl', 'json', 'csv', 'tsv'],
    group: 'data',
    stages: ALL,
    help: 'file format (default: from the extension; .json is sniffed)',
  },
  text: {
    kind: 'string',
    default: 'headline+description',
    group: 'data',
    stages: ALL,
    help:
      "text to embed: 'headline', 'headline+description' (the study's headline + \". \" + short_description) or " +
      "fields joined by '+'",
  },
  textField: {
    kind: 'alias',
    of: 'text',
    group: 'data',
    stages: ALL,
    help: 'shorthand for --text FIELD (e.g. title for a CSV)',
  },
  labelField: { kind: 'string', default: 'category', group: 'data', stages: ALL, help: 'field holding the class' },
  minWords: {
    kind: 'int',
    default: 10,
    range: { min: 0 },
    group: 'data',
    stages: ALL,
    help: 'drop texts with fewer words (the study: 10); 0 keeps all',
  },
  maxPerClass: {
    kind: 'int',
    range: { min: 1 },
    group: 'data',
    stages: ALL,
    help: 'keep at most N records per class (seeded) for small machines',
  },
  valFraction: {
    kind: 'float',
    default: 0.2,
    range: { min: 0, max: 1, minOpen: true, maxOpen: true },
    group: 'data',
    stages: ALL,
    help: 'validation fraction of the train/validation split (of what --test-fraction leaves)',
  },
  testFraction: {
    kind: 'float',
    default: 0,
    range: { min: 0, max: 1, maxOpen: true },
    group: 'data',
    stages: ALL,
    help:
      'held-out test fraction, carved before the train/validation split (seeded, random or stratified like ' +
      '--split); no training, checkpoint or model choice sees it, evaluation reports it beside validation; 0: none ' +
      '(the study)',
  },
  split: {
    kind: 'choice',
    choices: ['random', 'stratified'],
    default: 'random',
    group: 'data',
    stages: ALL,
    help: "train/validation split: 'random' (the study) or 'stratified'",
  },
  balancedPerClass: {
    kind: 'int',
    default: 200,
    range: { min: 1 },
    group: 'data',
    stages: ['evaluate'],
    help: 'balanced evaluation sample: validation records per class, with replacement (the study: 200)',
  },
  onInvalid: {
    kind: 'choice',
    choices: ['skip', 'error'],
    default: 'skip',
    group: 'data',
    // Not identity: a run that succeeds with 'error' read exactly the records 'skip' keeps.
    stages: [],
    help: "unusable records: 'skip' (counted and reported with file:line) or 'error'",
  },
  model: {
    kind: 'string',
    default: 'albert-base-v2',
    group: 'model',
    // The siamese classifier's encoder is the siamese stage's: it depends on the model through that stage.
    stages: ['siamese', 'frozen', 'trained'],
    help: 'encoder: a local folder (config.json + model.safetensors) or a Hugging Face hub id',
  },
  tokenizer: {
    kind: 'string',
    group: 'model',
    stages: TRAINING,
    help: "tokenizer folder (tokenizer.json); default: the model's own",
  },
  pooling: {
    kind: 'choice',
    choices: ['pooler', 'cls', 'mean'],
    default: 'pooler',
    group: 'model',
    stages: TRAINING,
    help: "sentence vector: 'pooler' (ALBERT pooled_output, the study), 'cls' or 'mean'",
  },
  maxLength: {
    kind: 'int',
    default: 128,
    range: { min: 3 },
    group: 'model',
    stages: TRAINING,
    help:
      'maximum tokens per text, with the 2 special tokens (the study pads to 128; batches are padded to their ' +
      'longest text)',
  },
  embeddingSize: {
    kind: 'int',
    default: 64,
    range: { min: 1 },
    group: 'model',
    stages: ['siamese'],
    help: 'siamese embedding size (Dense → Dense → L2-normalise)',
  },
  recipe: {
    kind: 'choice',
    choices: RECIPE_NAMES,
    default: 'auto',
    group: 'training',
    stages: TRAINING,
    help:
      "training recipe: 'auto' (logistic-regression heads fitted to convergence with C by cross-validation; AdamW " +
      "with warmup and linear decay over a step budget; docs/recipe-evidence.md) or 'study' (the study's " +
      'settings: Adam at fixed rates for fixed epochs); an option given explicitly wins over either',
  },
  margin: {
    kind: 'float',
    default: 1.0,
    range: { min: 0, minOpen: true },
    group: 'training',
    stages: ['siamese'],
    help: 'triplet margin (the study: 1.0)',
  },
  sampler: {
    kind: 'choice',
    choices: ['pk', 'random'],
    default: 'pk',
    group: 'training',
    stages: ['siamese'],
    help: "siamese batches: 'pk' (P classes × K examples, so anchors have positives) or 'random' (the study)",
  },
  siameseEpochs: {
    kind: 'int',
    range: { min: 1 },
    group: 'training',
    // The siamese classifier is trained on the encoder these epochs made.
    stages: ['siamese', 'siamese-classifier'],
    continues: ['siamese'],
    help:
      `siamese training epochs; ${fromRecipe(STUDY_RECIPE.siamese.epochs as number, budget(AUTO_RECIPE.siamese))}; ` +
      'under auto they fix the decaying schedule, so a finished training is not continued',
  },
  siameseBatchSize: {
    kind: 'int',
    default: 64,
    range: { min: 2 },
    group: 'training',
    stages: ['siamese'],
    help:
      `siamese batch size (the study: 64; with --sampler pk at least ${2 * PK_EXAMPLES_PER_CLASS}; auto's P×K ` +
      `batches fill it: P = min(classes, batch / ${PK_MIN_EXAMPLES_PER_CLASS}), K = batch / P)`,
  },
  siameseLr: {
    kind: 'float',
    range: { min: 0, minOpen: true },
    group: 'training',
    stages: ['siamese'],
    help:
      `siamese learning rate of the encoder (auto: peak of the schedule; its head's is ` +
      `${showValue(AUTO_RECIPE.siamese.headLearningRate!)}); ` +
      fromRecipe(STUDY_RECIPE.siamese.learningRate, AUTO_RECIPE.siamese.learningRate),
  },
  head: {
    kind: 'choice',
    choices: HEAD_KINDS,
    group: 'training',
    stages: ['frozen', 'siamese-classifier'],
    help:
      "head of the frozen and siamese classifiers: 'logistic' (multinomial logistic regression by L-BFGS, C by " +
      `stratified CV on the training rows) or 'adam' (the study's softmax head trained with Adam); ` +
      fromRecipe(STUDY_RECIPE.head, AUTO_RECIPE.head),
  },
  classifierEpochs: {
    kind: 'int',
    range: { min: 1 },
    group: 'training',
    stages: ['frozen', 'siamese-classifier'],
    continues: ['frozen', 'siamese-classifier'],
    help: `epochs of the Adam heads (--head adam; default ${ADAM_HEAD.epochs}, the study's)`,
  },
  classifierBatchSize: {
    kind: 'int',
    range: { min: 1 },
    group: 'training',
    stages: ['frozen', 'siamese-classifier'],
    help: `batch size of the Adam heads (--head adam; default ${ADAM_HEAD.batchSize}, the study's)`,
  },
  classifierLr: {
    kind: 'float',
    range: { min: 0, minOpen: true },
    group: 'training',
    stages: ['frozen', 'siamese-classifier'],
    help: `learning rate of the Adam heads (--head adam; default ${showValue(ADAM_HEAD.learningRate)}, the study's)`,
  },
  trainedEpochs: {
    kind: 'int',
    range: { min: 1 },
    group: 'training',
    stages: ['trained'],
    continues: ['trained'],
    help:
      'epochs of the fully trained classifier (encoder + head); ' +
      `${fromRecipe(STUDY_RECIPE.trained.epochs as number, budget(AUTO_RECIPE.trained))}; under auto they fix the ` +
      'decaying schedule, so a finished training is not continued',
  },
  trainedBatchSize: {
    kind: 'int',
    default: 32,
    range: { min: 1 },
    group: 'training',
    stages: ['trained'],
    help: 'batch size of the fully trained classifier',
  },
  trainedLr: {
    kind: 'float',
    range: { min: 0, minOpen: true },
    group: 'training',
    stages: ['trained'],
    help:
      `learning rate of the fully trained classifier: study, of encoder and head; auto, the encoder's peak (the ` +
      `head's is ${showValue(AUTO_RECIPE.trained.headLearningRate!)}); ` +
      fromRecipe(STUDY_RECIPE.trained.learningRate, AUTO_RECIPE.trained.learningRate),
  },
  classWeights: {
    kind: 'choice',
    choices: ['on', 'off'],
    group: 'training',
    stages: ['frozen', 'trained', 'siamese-classifier'],
    help:
      "weight the cross-entropy by inverse class frequency: the study's weights (summing to 1) for its Adam " +
      "heads and fine-tuning, scikit-learn's 'balanced' (mean 1) under auto and for logistic heads; " +
      fromRecipe(STUDY_RECIPE.classWeights, AUTO_RECIPE.classWeights),
  },
  bucketing: {
    kind: 'choice',
    choices: ['on', 'off'],
    group: 'training',
    // Batch composition of the token-level trainings; forward passes (features, evaluation) differ only in the
    // last float digits, as backends do.
    stages: ['siamese', 'trained'],
    help:
      "length bucketing: 'on' batches texts of similar token length together (training batches within the " +
      "samplers' constraints, and every forward pass), so batches padded to their longest text compute fewer " +
      "empty slots; 'off' keeps the study's batches exactly; " +
      fromRecipe(STUDY_RECIPE.bucketing, AUTO_RECIPE.bucketing),
  },
  maxStepsPerEpoch: {
    kind: 'int',
    range: { min: 1 },
    group: 'training',
    stages: TRAINING,
    help:
      'at most N training steps per epoch in every training stage (the first N batches of each epoch), for scale ' +
      'checks and smoke runs; validation and feature extraction still cover every row',
  },
  patience: {
    kind: 'int',
    range: { min: 1 },
    group: 'training',
    // Not identity, like the epoch counts: a higher patience lets a training that stopped early train on.
    stages: [],
    help:
      'early stopping: epochs without validation-loss improvement (a higher patience lets a training that ' +
      'stopped early train on)',
  },
  seed: {
    kind: 'int',
    default: 3,
    range: { min: 0 },
    group: 'run',
    stages: ALL,
    help: 'seed of every random choice (split, sampling, initialisation, shuffling)',
  },
  seeds: {
    kind: 'ints',
    range: { min: 0 },
    group: 'run',
    stages: [],
    help:
      "repeat the run once per seed (e.g. 3,4,5) into <out>/seed-<seed>/, and write each seed's figures with " +
      'their mean and standard deviation to <out>/report.json (command line only; replaces --seed)',
  },
  backend: {
    kind: 'choice',
    choices: ['auto', 'tensorflow', 'wasm', 'cpu'],
    default: 'auto',
    group: 'run',
    // Not identity: the backends agree within 2e-7, and a run may resume on another one.
    stages: [],
    help: 'TF.js backend (auto: native if installed, else wasm, else cpu)',
  },
  inference: {
    kind: 'choice',
    choices: ['auto', 'tfjs', 'onnx'],
    default: 'auto',
    group: 'run',
    // Not identity, like --backend: the engines agree within 1e-5, and a run may resume on another one.
    stages: [],
    help:
      'engine of the forward passes that do not train (features, predictions, embeddings): tfjs (the --backend), ' +
      'onnx (ONNX Runtime on an in-memory export), auto: tfjs (ONNX Runtime was not faster on the 2-core ' +
      'development machine, docs/performance.md)',
  },
  out: {
    kind: 'string',
    default: 'runs/latest',
    group: 'run',
    stages: [],
    help:
      'run folder: checkpoints, histories, report.json, embeddings TSV; an interrupted run resumes from it, a ' +
      'finished stage is reloaded, and other settings than the folder was made with are refused',
  },
  stages: {
    kind: 'list',
    choices: STAGES,
    default: STAGES,
    group: 'run',
    stages: [],
    help: `stages to run, comma-separated (${STAGES.join(',')}); results of earlier runs stay in report.json`,
  },
  overwrite: {
    kind: 'flag',
    default: false,
    group: 'run',
    stages: [],
    help:
      'discard the stages whose settings differ from those the run folder was made with (and the stages and ' +
      'results built on them) instead of stopping',
  },
} as const satisfies Record<string, OptionSpec>;

/** The table's type. */
export type Options = typeof OPTIONS;
/** The keys of the options table, aliases included. */
export type OptionKey = keyof Options;

type ValueOf<S> = S extends { kind: 'int' | 'float' }
  ? number
  : S extends { kind: 'string' }
    ? string
    : S extends { kind: 'choice'; choices: readonly (infer C)[] }
      ? C
      : S extends { kind: 'list'; choices: readonly (infer C)[] }
        ? C[]
        : S extends { kind: 'ints' }
          ? number[]
          : S extends { kind: 'flag' }
            ? boolean
            : never;
type ConfigKey = { [K in OptionKey]: Options[K] extends { kind: 'alias' } ? never : K }[OptionKey];
type WithDefault = { [K in ConfigKey]: Options[K] extends { default: unknown } ? K : never }[ConfigKey];
type Simplify<T> = { [K in keyof T]: T[K] };

/**
 * The typed settings of a run, derived from {@link OPTIONS}: an option with a default is required, one
 * without is optional; numbers for int/float, the union of `choices` for a choice, an array for a list.
 */
export type RunConfig = Simplify<
  { -readonly [K in WithDefault]: ValueOf<Options[K]> } & {
    -readonly [K in Exclude<ConfigKey, WithDefault>]?: ValueOf<Options[K]>;
  }
>;

/** The table as [key, spec] rows, in table order. */
export const OPTION_ROWS: readonly (readonly [OptionKey, OptionSpec])[] = Object.entries(OPTIONS) as [
  OptionKey,
  OptionSpec,
][];

/** `--max-per-class` for `maxPerClass`. */
export function flagOf(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/** `SIAMESE_MAX_PER_CLASS` for `maxPerClass`. */
export function envOf(key: string): string {
  return 'SIAMESE_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

/** A rule over several options, checked with the ranges; `check` returns the problem, naming options with `name`. */
export interface Constraint {
  keys: readonly OptionKey[];
  check(cfg: RunConfig, name: (key: OptionKey) => string): string | undefined;
}

/** Cross-option rules, checked before any work like the ranges. */
export const CONSTRAINTS: readonly Constraint[] = [
  {
    keys: ['head', 'recipe', ...ADAM_HEAD_OPTIONS],
    check: (c, name) => {
      const given = ADAM_HEAD_OPTIONS.filter((k) => c[k] !== undefined);
      if (given.length === 0 || recipeOptions(c).head === 'adam') return undefined;
      return (
        `${given.map(name).join(', ')} set${given.length === 1 ? 's' : ''} the Adam head, and the heads are ` +
        `logistic regression (${c.head ? name('head') + ' logistic' : `${name('recipe')} ${c.recipe}`}), which has ` +
        `no epochs, batches or learning rate: add ${name('head')} adam to train the study's Adam head with ` +
        `${given.length === 1 ? 'it' : 'them'}, or drop ${given.length === 1 ? 'it' : 'them'}.`
      );
    },
  },
  {
    keys: ['siameseBatchSize', 'sampler'],
    check: (c, name) =>
      c.sampler === 'pk' && c.siameseBatchSize < 2 * PK_EXAMPLES_PER_CLASS
        ? `${name('siameseBatchSize')} must be at least ${2 * PK_EXAMPLES_PER_CLASS} with ${name('sampler')} pk ` +
          `(2 classes × ${PK_EXAMPLES_PER_CLASS} texts, so that every anchor has a negative); got ` +
          `${c.siameseBatchSize}.`
        : undefined,
  },
];
