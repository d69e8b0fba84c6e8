/**
 * Checks run before any training, so that a run that cannot work stops at once with a message naming the
 * option or the data to change, instead of failing an hour later with an internal error:
 * - split validity: both parts non-empty, at least 2 classes to train on, the split's class layout fit
 *   for triplet batches when the siamese stage runs (sampler feasibility);
 * - model fit: the tokenizer's ids within the model's embedding table (vocabulary fit), --max-length
 *   within the model's position embeddings and above the tokenizer's special tokens (length fit).
 * Each check returns warnings (things that work but a user should know) and throws on what cannot work.
 */
import type { Split, SplitMode } from '../data/split';
import { groupByClass } from '../data/split';
import type { EncoderConfig } from '../model/config';
import { loadConfig } from '../model/load';
import { checkTripletLabels, describeClasses } from '../train/sampler';

/** The settings that shape the split and the siamese batches (a subset of RunConfig). */
export interface SplitSettings {
  valFraction: number;
  /** The held-out test fraction (0 or absent: no test split). */
  testFraction?: number;
  split: SplitMode;
  maxPerClass?: number;
  sampler: 'pk' | 'random';
  /** Stages to run: the triplet checks apply when 'siamese' is among them. */
  stages: readonly string[];
}

/** The prepared split (a subset of PreparedData). */
export interface SplitData {
  dataset: { labels: Int32Array; categories: readonly string[] };
  split: Split;
  trainLabels: Int32Array;
  valLabels: Int32Array;
}

/** Validation rows that trainValSplit gives classes of these sizes (it rounds train counts with Math.round). */
export function validationRows(classSizes: readonly number[], valFraction: number, mode: SplitMode): number {
  const val = (n: number) => n - Math.round(n * (1 - valFraction));
  if (mode === 'stratified') return classSizes.reduce((s, n) => s + val(n), 0);
  return val(classSizes.reduce((s, n) => s + n, 0));
}

/** The smallest --val-fraction of 0.01, 0.02, … 0.5 giving at least `rows` validation rows, if any. */
function fractionFor(classSizes: readonly number[], mode: SplitMode, rows: number): number | undefined {
  for (let k = 1; k <= 50; k++) if (validationRows(classSizes, k / 100, mode) >= rows) return k / 100;
  return undefined;
}

function sizesOf(labels: ArrayLike<number>): Map<number, number> {
  const sizes = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) sizes.set(labels[i], (sizes.get(labels[i]) ?? 0) + 1);
  return sizes;
}

/** "--val-fraction 0.2, --split random, --max-per-class 2": the options that shape the split. */
function splitOptions(s: SplitSettings): string {
  const parts = [`--val-fraction ${s.valFraction}`, `--split ${s.split}`];
  if (s.testFraction) parts.unshift(`--test-fraction ${s.testFraction}`);
  if (s.maxPerClass !== undefined) parts.push(`--max-per-class ${s.maxPerClass}`);
  return parts.join(', ');
}

/** "raise --max-per-class, use --split stratified or …": the changes that can give a class more texts in `part`. */
function moreTexts(s: SplitSettings, part: 'training' | 'validation', extra: string[] = []): string {
  const fixes: string[] = [];
  if (s.maxPerClass !== undefined) fixes.push('raise --max-per-class');
  fixes.push(part === 'training' ? 'lower --val-fraction' : 'raise --val-fraction');
  if (s.split === 'random') fixes.push('use --split stratified');
  for (const x of extra) fixes.push(x);
  return `Try: ${fixes.slice(0, -1).join(', ')}${fixes.length > 1 ? ' or ' : ''}${fixes[fixes.length - 1]}.`;
}

/**
 * Check the train/validation split right after data preparation. Throws, naming the options to change,
 * when the validation or training part is empty, when training holds fewer than 2 classes, or, when the
 * siamese stage runs, when no training batch can hold a positive and a negative
 * ({@link checkTripletLabels}) or the validation part cannot form a siamese validation batch (P×K: a
 * class with 2 texts; random: 2 texts). Returns warnings: classes P×K leaves out, classes without
 * training texts (the classifiers cannot learn them), a validation part of one class (ROC AUC undefined),
 * siamese validation batches without negatives.
 */
export function checkSplit(data: SplitData, settings: SplitSettings): string[] {
  const names = data.dataset.categories;
  const all = [...groupByClass(data.dataset.labels).values()].map((rows) => rows.length);
  const siamese = settings.stages.includes('siamese');
  const options = splitOptions(settings);
  const warnings: string[] = [];

  const needVal = siamese && settings.sampler === 'random' ? 2 : 1;
  if (data.split.val.length < needVal) {
    const f = fractionFor(all, settings.split, needVal);
    const why = needVal === 2 ? 'the siamese validation loss needs at least 2' : 'nothing to validate on';
    const share = settings.split === 'stratified' ? "each class's share" : 'its share';
    const fix =
      f === undefined
        ? 'add texts'
        : `use --val-fraction ${f} or more${settings.split === 'stratified' ? ', or --split random' : ''}`;
    throw new Error(
      `the validation split holds ${data.split.val.length} of ${data.dataset.labels.length} texts (${why}): ` +
        `--val-fraction ${settings.valFraction} with --split ${settings.split} rounds ${share} to ` +
        `${data.split.val.length}; ${fix}.`,
    );
  }
  if (data.split.train.length === 0) {
    throw new Error(
      `the training split is empty: --val-fraction ${settings.valFraction} leaves none of the ` +
        `${data.dataset.labels.length} texts for training; lower --val-fraction.`,
    );
  }

  const train = sizesOf(data.trainLabels);
  const trainClasses = [...train.keys()].sort((a, b) => a - b);
  if (trainClasses.length < 2) {
    throw new Error(
      `the training split holds ${trainClasses.length} class (${describeClasses(trainClasses, train, names)}): a ` +
        `classifier needs at least 2 (${options}). ${moreTexts(settings, 'training')}`,
    );
  }
  const untrained = [...sizesOf(data.dataset.labels).keys()].filter((c) => !train.has(c)).sort((a, b) => a - b);
  if (untrained.length) {
    warnings.push(
      `${untrained.length} class${untrained.length === 1 ? ' has' : 'es have'} no training text, so the ` +
        `classifiers cannot learn ${untrained.length === 1 ? 'it' : 'them'}: ` +
        `${untrained
          .slice(0, 10)
          .map((c) => names[c])
          .join(', ')}${untrained.length > 10 ? ', …' : ''} (${options}).`,
    );
  }
  const val = sizesOf(data.valLabels);
  if (val.size === 1) {
    warnings.push(
      `the validation split holds one class (${describeClasses([...val.keys()], val, names)}): its ROC AUCs ` +
        `are undefined (NaN) (${options}).`,
    );
  }

  if (siamese) {
    try {
      const leftOut = checkTripletLabels(data.trainLabels, {
        sampler: settings.sampler,
        classNames: names,
        what: `the ${data.trainLabels.length} training texts`,
      });
      for (const w of leftOut) warnings.push(w);
    } catch (e) {
      const random = settings.sampler === 'pk' && [...train.values()].some((n) => n >= 2);
      const extra = [...(random ? ['--sampler random'] : []), 'leave the siamese stages out (--stages)'];
      throw new Error(
        `siamese training cannot work on this split: ${(e as Error).message.replace(/\.$/, '')} (${options}). ` +
          moreTexts(settings, 'training', extra),
      );
    }
    if (settings.sampler === 'pk') {
      const paired = [...val.keys()].filter((c) => val.get(c)! >= 2).sort((a, b) => a - b);
      if (paired.length === 0) {
        throw new Error(
          `the validation split has no class with 2 texts, so the siamese validation loss (P×K batches) is ` +
            `undefined; it holds ${describeClasses(
              [...val.keys()].sort((a, b) => a - b),
              val,
              names,
            )} ` +
            `(${options}). ${moreTexts(settings, 'validation', ['--sampler random'])}`,
        );
      }
      if (paired.length === 1) {
        warnings.push(
          `only one validation class has 2 texts (${describeClasses(paired, val, names)}): the siamese ` +
            `validation batches hold no negatives, so the validation loss says little (${options}).`,
        );
      }
    }
  }
  return warnings;
}

/**
 * Check the held-out test split (`--test-fraction` > 0): throws, naming the option, when it rounds to no text;
 * returns a warning when it holds one class (its ROC AUCs are undefined).
 */
export function checkTestSplit(
  data: { dataset: { labels: Int32Array; categories: readonly string[] }; test: Int32Array },
  settings: Pick<SplitSettings, 'testFraction' | 'split'>,
): string[] {
  const f = settings.testFraction ?? 0;
  if (f === 0) return [];
  const n = data.dataset.labels.length;
  if (data.test.length === 0) {
    const sizes = [...sizesOf(data.dataset.labels).values()];
    const need = fractionFor(sizes, settings.split, 1);
    throw new Error(
      `the test split holds no text: --test-fraction ${f} with --split ${settings.split} rounds ` +
        `${settings.split === 'stratified' ? "each class's share" : 'its share'} of the ${n} texts to 0; ` +
        `${need === undefined ? 'add texts' : `use --test-fraction ${need} or more`}, or 0 for no test split.`,
    );
  }
  const test = sizesOf(Int32Array.from(data.test, (i) => data.dataset.labels[i]));
  return test.size === 1
    ? [
        `the test split holds one class (${describeClasses([...test.keys()], test, data.dataset.categories)}): ` +
          `its ROC AUCs are undefined (NaN) (--test-fraction ${f}, --split ${settings.split}).`,
      ]
    : [];
}

/** Where the model and the tokenizer came from, for messages. */
export interface ModelFitSources {
  modelDir: string;
  tokenizerDir: string;
}

/** What checkModelFit needs of a tokenizer (TextTokenizer has it). */
export interface FitTokenizer {
  readonly maxTokenId: number;
  readonly vocabSize: number;
  readonly specialTokenCount: number;
}

/**
 * Every reason the tokenizer and --max-length do not fit the model `config` (empty when they fit):
 * a token id at or above the model's `vocab_size` (the embedding lookup would fail mid-training,
 * "GatherV2: the index value 30510 is not in [0, 29999]"), a --max-length above its
 * `max_position_embeddings`, or one that leaves no room for text after the special tokens.
 */
export function modelFitProblems(
  config: Pick<EncoderConfig, 'vocabSize' | 'maxPositionEmbeddings'>,
  tokenizer: FitTokenizer,
  maxLength: number,
  sources: ModelFitSources,
): string[] {
  const problems: string[] = [];
  const fmt = (n: number) => n.toLocaleString('en-US');
  if (tokenizer.maxTokenId >= config.vocabSize) {
    problems.push(
      `the tokenizer in '${sources.tokenizerDir}' has ${fmt(tokenizer.vocabSize)} tokens with ids up to ` +
        `${fmt(tokenizer.maxTokenId)}, but the model in '${sources.modelDir}' embeds ${fmt(config.vocabSize)} ` +
        `(config.json vocab_size): use the model's own tokenizer (drop --tokenizer) or one made for this model`,
    );
  }
  if (maxLength > config.maxPositionEmbeddings) {
    problems.push(
      `--max-length ${maxLength} exceeds the model's ${config.maxPositionEmbeddings} positions ` +
        `(max_position_embeddings in '${sources.modelDir}/config.json'): use --max-length ` +
        `${config.maxPositionEmbeddings} or less`,
    );
  }
  if (maxLength <= tokenizer.specialTokenCount) {
    problems.push(
      `--max-length ${maxLength} leaves no room for text after the tokenizer's ${tokenizer.specialTokenCount} ` +
        `special tokens: use --max-length ${tokenizer.specialTokenCount + 1} or more (the study: 128)`,
    );
  }
  return problems;
}

/**
 * Check that `tokenizer` and `maxLength` fit the model in `modelDir` (its config.json), before any
 * training: throws one error listing every problem of {@link modelFitProblems}, naming both folders,
 * both sizes and the option.
 */
export async function checkModelFit(
  modelDir: string,
  tokenizer: FitTokenizer,
  maxLength: number,
  tokenizerDir: string,
): Promise<void> {
  const config = await loadConfig(modelDir);
  const problems = modelFitProblems(config, tokenizer, maxLength, { modelDir, tokenizerDir });
  if (problems.length) throw new Error(`the model and tokenizer do not fit: ${problems.join('; ')}.`);
}

/** What cleaning did to the records (a subset of lib/data's Dataset). */
export interface CleaningCounts {
  recordsRead: number;
  skipped: readonly unknown[];
  droppedShort: number;
}

const count = (n: number) => n.toLocaleString('en-US');
const share = (part: number, whole: number) => `${Math.round((100 * part) / whole)}%`;

/**
 * Warnings for cleaning that drops more than half of the records, naming the option: `--min-words` (e.g. the
 * study's 10 keeps 118 of 1,200 news titles) and unusable records skipped under `--on-invalid skip`. A run goes
 * on; the warning goes to the log and report.json.
 */
export function checkCleaning(d: CleaningCounts, s: { minWords: number }): string[] {
  const out: string[] = [];
  const all = d.recordsRead + d.skipped.length;
  if (d.skipped.length * 2 > all)
    out.push(
      `--on-invalid skip dropped ${count(d.skipped.length)} of ${count(all)} records ` +
        `(${share(d.skipped.length, all)}) ` +
        'as unusable (their file:line and reasons are in the log): check --format, --text and --label-field.',
    );
  if (d.droppedShort * 2 > d.recordsRead)
    out.push(
      `--min-words ${s.minWords} dropped ${count(d.droppedShort)} of ${count(d.recordsRead)} records ` +
        `(${share(d.droppedShort, d.recordsRead)}), keeping ${count(d.recordsRead - d.droppedShort)}: they have ` +
        `fewer than ${s.minWords} words (short texts such as headlines); --min-words 0 keeps every text.`,
    );
  return out;
}
