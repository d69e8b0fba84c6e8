/**
 * The data and tokenizer every stage shares: the cleaned dataset, its seeded
 * split (a held-out test part first when --test-fraction asks, then train/validation), class weights
 * from the training part, and the balanced evaluation sample.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, type Dataset } from '../data/dataset';
import { summarizeSkips } from '../data/errors';
import { classWeights } from '../data/labels';
import { balancedSample, testSplit, trainValSplit, type Split } from '../data/split';
import { resolveModelDir } from '../model/hub';
import { loadTokenizer, type TextTokenizer } from '../tokenizer/tokenizer';
import { checkCleaning, checkModelFit, checkSplit, checkTestSplit } from './checks';
import type { RunConfig } from './config';

/**
 * What every stage shares: the cleaned dataset, its held-out test part (--test-fraction), its train/validation
 * split, class weights and the balanced evaluation sample.
 */
export interface PreparedData {
  /** The cleaned dataset (see `loadDataset`). */
  dataset: Dataset;
  /** Sorted row indices of the training and validation parts. */
  split: Split;
  /** Labels of split.train. */
  trainLabels: Int32Array;
  /** Labels of split.val. */
  valLabels: Int32Array;
  /** Inverse-frequency class weights of the training part, summing to 1. */
  classWeights: Float64Array;
  /**
   * Held-out test rows (dataset indices, sorted), carved before the train/validation split: no training,
   * checkpoint selection or model choice sees them. Empty unless --test-fraction > 0.
   */
  test: Int32Array;
  /** Indices (into the dataset) of the balanced sample drawn from validation, grouped by class. */
  balanced: Int32Array;
  /** Distinct dataset rows behind the balanced sample (it draws with replacement): `balanced.length` draws of these. */
  balancedDistinct: number;
  /**
   * What the checks found worth saying: cleaning that dropped most records, classes left out of P×K, a one-class
   * validation split…
   */
  warnings: string[];
}

/**
 * The study's data step for a run: {@link loadDataset} with the run's data settings, a seeded held-out test part
 * when `--test-fraction` > 0 (carved first, on its own seed stream), a seeded train/validation split of the rest
 * (`--split`, `--val-fraction`), the study's class weights (1/frequency over the training part, summing to
 * 1) and the balanced evaluation sample (`--balanced-per-class` validation rows per class, with replacement).
 * Throws what loadDataset throws (DataError naming file:line), and, naming the options to change, on fewer than
 * 2 classes after cleaning or a split that cannot train or validate (lib/pipeline/checks.ts `checkSplit`), those
 * errors ending with the records skipped as invalid, if any (file:line and reason of the first 5);
 * what works but deserves notice is returned in `warnings`.
 */
export function prepareData(cfg: RunConfig): PreparedData {
  const dataset = loadDataset({
    path: cfg.data,
    format: cfg.format,
    text: cfg.text,
    labelField: cfg.labelField,
    minWords: cfg.minWords,
    maxPerClass: cfg.maxPerClass,
    seed: cfg.seed,
    onInvalid: cfg.onInvalid,
  });
  // A check below that fails would hide the skipped records the run logs after this: its error names them.
  try {
    return splitData(dataset, cfg);
  } catch (e) {
    if (e instanceof Error && dataset.skipped.length > 0)
      e.message += ` (The data had invalid records: ${summarizeSkips(dataset.skipped)}.)`;
    throw e;
  }
}

/** The split, class weights, balanced sample and warnings of a loaded dataset (see {@link prepareData}). */
function splitData(dataset: Dataset, cfg: RunConfig): PreparedData {
  if (dataset.categories.length < 2) {
    const n = dataset.categories.length;
    throw new Error(
      `--data '${cfg.data}' has ${n} class${n === 1 ? '' : 'es'} after cleaning; a classifier needs at least 2 ` +
        `(check --label-field and --min-words).`,
    );
  }
  // Without a test split the train/validation split is exactly the study's (all rows, the same seeded draw).
  const held =
    cfg.testFraction > 0
      ? testSplit(dataset.labels, { testFraction: cfg.testFraction, seed: cfg.seed, mode: cfg.split })
      : undefined;
  const test = held?.test ?? new Int32Array(0);
  const split = trainValSplit(dataset.labels, {
    seed: cfg.seed,
    valFraction: cfg.valFraction,
    mode: cfg.split,
    rows: held?.rest,
  });
  const pick = (idx: Int32Array) => Int32Array.from(idx, (i) => dataset.labels[i]);
  const trainLabels = pick(split.train);
  const valLabels = pick(split.val);
  const warnings = [
    ...checkCleaning(dataset, cfg),
    ...checkTestSplit({ dataset, test }, cfg),
    ...checkSplit({ dataset, split, trainLabels, valLabels }, cfg),
  ];
  const balanced = balancedSample(dataset.labels, split.val, cfg.balancedPerClass, cfg.seed);
  return {
    dataset,
    split,
    trainLabels,
    valLabels,
    test,
    warnings,
    classWeights: classWeights(trainLabels, dataset.categories.length),
    balanced,
    balancedDistinct: new Set(balanced).size,
  };
}

/**
 * The tokenizer: --tokenizer, else the model folder's own (downloading a hub model if needed), checked
 * against the model's vocabulary and positions.
 */
export async function prepareTokenizer(cfg: RunConfig): Promise<TextTokenizer> {
  const modelDir = await resolveModelDir(cfg.model);
  const dir = cfg.tokenizer ?? modelDir;
  if (!existsSync(join(dir, 'tokenizer.json'))) {
    throw new Error(
      `no tokenizer.json in '${dir}': pass --tokenizer <folder with tokenizer.json> (e.g. the albert-base-v2 ` +
        `tokenizer).`,
    );
  }
  const tokenizer = await loadTokenizer(dir);
  await checkModelFit(modelDir, tokenizer, cfg.maxLength, dir);
  return tokenizer;
}

/** Where each stage keeps its artifacts inside the run folder. */
export function runPaths(out: string) {
  return {
    root: out,
    siamese: join(out, 'siamese'),
    siameseCheckpoint: join(out, 'siamese', 'checkpoint'),
    siameseEncoder: join(out, 'siamese', 'encoder'),
    siameseHead: join(out, 'siamese', 'head.safetensors'),
    classifier: (name: string) => join(out, name),
    features: join(out, 'features'),
    /** The run's token table (lib/pipeline/tokens.ts), keyed by tokenizer, texts and --max-length. */
    tokens: join(out, 'tokens'),
    /** The data split as dataset rows and source lines (lib/pipeline/split-file.ts), for peers and audits. */
    split: join(out, 'split.json'),
    evaluation: join(out, 'evaluation'),
    embeddings: join(out, 'embeddings'),
    report: join(out, 'report.json'),
  };
}
/** The paths {@link runPaths} returns: files and folders of one run folder. */
export type RunPaths = ReturnType<typeof runPaths>;
