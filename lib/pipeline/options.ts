/**
 * Every run setting in one table. The command line (`--max-per-class 50`), the
 * notebooks' parameters cell (SIAMESE_MAX_PER_CLASS=50) and `--help` all come
 * from it, so a setting means the same everywhere and is documented once.
 */

export type OptionKind = 'string' | 'int' | 'float' | 'list';

export interface OptionSpec {
  /** camelCase key in RunConfig. */
  key: string;
  kind: OptionKind;
  default: string | number | string[] | undefined;
  help: string;
  choices?: readonly string[];
  /** Where in the help listing it appears. */
  group: 'data' | 'model' | 'training' | 'run';
}

export const STAGES = ['siamese', 'frozen', 'trained', 'siamese-classifier', 'evaluate'] as const;
export type Stage = (typeof STAGES)[number];

export const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'data',
    kind: 'string',
    default: 'data/downloads/News_Category_Dataset_v2.json',
    group: 'data',
    help: 'labelled-text file: JSON lines (HuffPost), JSON array or CSV/TSV (get HuffPost with `npm run data`)',
  },
  {
    key: 'format',
    kind: 'string',
    default: undefined,
    group: 'data',
    choices: ['jsonl', 'json', 'csv', 'tsv'],
    help: 'file format (default: from the extension; .json is sniffed)',
  },
  {
    key: 'text',
    kind: 'string',
    default: 'headline+description',
    group: 'data',
    help:
      "text to embed: 'headline', 'headline+description' (the study's headline + \". \" + short_description) or " +
      "fields joined by '+'",
  },
  {
    key: 'textField',
    kind: 'string',
    default: undefined,
    group: 'data',
    help: 'shorthand for --text FIELD (e.g. title for a CSV)',
  },
  { key: 'labelField', kind: 'string', default: 'category', group: 'data', help: 'field holding the class' },
  {
    key: 'minWords',
    kind: 'int',
    default: 10,
    group: 'data',
    help: 'drop texts with fewer words (the study: 10); 0 keeps all',
  },
  {
    key: 'maxPerClass',
    kind: 'int',
    default: undefined,
    group: 'data',
    help: 'keep at most N records per class (seeded) for small machines',
  },
  { key: 'valFraction', kind: 'float', default: 0.2, group: 'data', help: 'validation fraction of the split' },
  {
    key: 'split',
    kind: 'string',
    default: 'random',
    group: 'data',
    choices: ['random', 'stratified'],
    help: "train/validation split: 'random' (the study) or 'stratified'",
  },
  {
    key: 'balancedPerClass',
    kind: 'int',
    default: 200,
    group: 'data',
    help: 'balanced evaluation sample: validation records per class, with replacement (the study: 200)',
  },
  {
    key: 'onInvalid',
    kind: 'string',
    default: 'skip',
    group: 'data',
    choices: ['skip', 'error'],
    help: "unusable records: 'skip' (counted and reported with file:line) or 'error'",
  },
  {
    key: 'model',
    kind: 'string',
    default: 'albert-base-v2',
    group: 'model',
    help: 'encoder: a local folder (config.json + model.safetensors) or a Hugging Face hub id',
  },
  {
    key: 'tokenizer',
    kind: 'string',
    default: undefined,
    group: 'model',
    help: "tokenizer folder (tokenizer.json); default: the model's own",
  },
  {
    key: 'pooling',
    kind: 'string',
    default: 'pooler',
    group: 'model',
    choices: ['pooler', 'cls', 'mean'],
    help: "sentence vector: 'pooler' (ALBERT pooled_output, the study), 'cls' or 'mean'",
  },
  {
    key: 'maxLength',
    kind: 'int',
    default: 128,
    group: 'model',
    help: 'maximum tokens per text (the study pads to 128; batches are padded to their longest text)',
  },
  {
    key: 'embeddingSize',
    kind: 'int',
    default: 64,
    group: 'model',
    help: 'siamese embedding size (Dense → Dense → L2-normalise)',
  },
  { key: 'margin', kind: 'float', default: 1.0, group: 'training', help: 'triplet margin' },
  {
    key: 'sampler',
    kind: 'string',
    default: 'pk',
    group: 'training',
    choices: ['pk', 'random'],
    help: "siamese batches: 'pk' (P classes × K examples, so anchors have positives) or 'random' (the study)",
  },
  {
    key: 'siameseEpochs',
    kind: 'int',
    default: 25,
    group: 'training',
    help: 'siamese training epochs (the study: 25)',
  },
  { key: 'siameseBatchSize', kind: 'int', default: 64, group: 'training', help: 'siamese batch size (the study: 64)' },
  {
    key: 'siameseLr',
    kind: 'float',
    default: 1e-5,
    group: 'training',
    help: 'siamese Adam learning rate (the study: 1e-5)',
  },
  {
    key: 'classifierEpochs',
    kind: 'int',
    default: 40,
    group: 'training',
    help: 'epochs of the frozen and siamese classifier heads (the study: 40)',
  },
  {
    key: 'classifierBatchSize',
    kind: 'int',
    default: 128,
    group: 'training',
    help: 'classifier batch size (the study: 128)',
  },
  {
    key: 'classifierLr',
    kind: 'float',
    default: 1e-4,
    group: 'training',
    help: 'Adam learning rate of the classifier heads (the study: 1e-4)',
  },
  {
    key: 'trainedEpochs',
    kind: 'int',
    default: 3,
    group: 'training',
    help: 'epochs of the fully trained classifier (encoder + head)',
  },
  {
    key: 'trainedBatchSize',
    kind: 'int',
    default: 32,
    group: 'training',
    help: 'batch size of the fully trained classifier',
  },
  {
    key: 'trainedLr',
    kind: 'float',
    default: 2e-5,
    group: 'training',
    help: 'Adam learning rate of the fully trained classifier',
  },
  {
    key: 'classWeights',
    kind: 'string',
    default: 'on',
    group: 'training',
    choices: ['on', 'off'],
    help: 'weight the cross-entropy by inverse class frequency (the study: on)',
  },
  {
    key: 'patience',
    kind: 'int',
    default: undefined,
    group: 'training',
    help: 'early stopping: epochs without validation-loss improvement',
  },
  {
    key: 'seed',
    kind: 'int',
    default: 3,
    group: 'run',
    help: 'seed of every random choice (split, sampling, initialisation, shuffling)',
  },
  {
    key: 'backend',
    kind: 'string',
    default: 'auto',
    group: 'run',
    choices: ['auto', 'tensorflow', 'wasm', 'cpu'],
    help: 'TF.js backend (auto: native if installed, else wasm, else cpu)',
  },
  {
    key: 'out',
    kind: 'string',
    default: 'runs/latest',
    group: 'run',
    help: 'run folder: checkpoints, histories, report.json, embeddings TSV; an interrupted run resumes from it',
  },
  {
    key: 'stages',
    kind: 'list',
    default: [...STAGES],
    group: 'run',
    choices: STAGES,
    help: `stages to run, comma-separated (${STAGES.join(',')})`,
  },
];

/** --max-per-class for maxPerClass. */
export function flagOf(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/** SIAMESE_MAX_PER_CLASS for maxPerClass. */
export function envOf(key: string): string {
  return 'SIAMESE_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}
