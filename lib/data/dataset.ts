/**
 * The whole data step of the study: read a labelled-text file, build texts,
 * drop short texts, optionally cap each class, and number the categories.
 */
import { OPTIONS } from '../config/options';
import { resolveDataPath } from './sample';
import { InvalidRecords, summarizeSkips, type InvalidPolicy, type Skip } from './errors';
import { readRecords, type FileFormat } from './read';
import { toLabelledTexts, type TextMode } from './fields';
import { factorize } from './labels';
import { capPerClass } from './split';

/**
 * What {@link loadDataset} reads and how it cleans; every field but `path` defaults to {@link DATASET_DEFAULTS}
 * (the study's settings, the same as the options table in lib/config/options.ts).
 */
export interface DatasetOptions {
  /** A JSON-lines, JSON-array or CSV/TSV file. */
  path: string;
  /** Overrides detection by extension. */
  format?: FileFormat;
  /** Text mode; default the study's 'headline+description'. */
  text?: TextMode;
  /** Field holding the class; default 'category'. */
  labelField?: string;
  /** Drop texts with fewer words (whitespace-separated, as Python's str.split); default 10 (the study); 0 keeps all. */
  minWords?: number;
  /** Keep at most this many records per class (seeded choice); default: no cap. */
  maxPerClass?: number;
  /** Seed for the per-class cap. */
  seed?: number;
  /** Unusable records: 'skip' (counted and reported; default) or 'error'. */
  onInvalid?: InvalidPolicy;
}

/**
 * A cleaned, labelled dataset: row i is `texts[i]` with class `labels[i]` from source line `lines[i]` (N rows).
 * The counts say where the records that are not rows went: `skipped` (unusable), `droppedShort`, `droppedByCap`.
 */
export interface Dataset {
  path: string;
  texts: string[];
  /** Category id per text, in order of first appearance (pandas factorize), after cleaning. */
  labels: Int32Array;
  /** Category names; categories[id]. */
  categories: string[];
  /** 1-based source line (or JSON array element) of each text. */
  lines: Int32Array;
  /** Records read and usable (valid), before cleaning; every record read is `recordsRead + skipped.length`. */
  recordsRead: number;
  skipped: Skip[];
  droppedShort: number;
  droppedByCap: number;
}

/** Python's `str.isspace` characters, the separators of `str.split()` (JavaScript's `\s` adds U+FEFF and lacks
 * U+001C–U+001F and U+0085). */
function isPythonSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Whitespace word count, as Python's `len(text.split())`: one pass over char codes, no string per character. */
export function wordCount(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isPythonSpace(text.charCodeAt(i));
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

/**
 * Defaults of {@link DatasetOptions}: the study's text (`headline + ". " + short_description`), label field,
 * 10-word minimum, seed 3 and skipping of unusable records. They are the `text`, `labelField`, `minWords`, `seed`
 * and `onInvalid` defaults of the options table (lib/config/options.ts), which the command line and notebooks use.
 */
export const DATASET_DEFAULTS = {
  text: OPTIONS.text.default as TextMode,
  labelField: OPTIONS.labelField.default,
  minWords: OPTIONS.minWords.default,
  seed: OPTIONS.seed.default,
  onInvalid: OPTIONS.onInvalid.default as InvalidPolicy,
} as const;

/**
 * The whole data step of the study, as its pandas recipe: read `opts.path` (JSON lines, JSON array or CSV/TSV;
 * the embedded sample's relative path works from any folder), join the text fields, drop texts with fewer than
 * `minWords` words (Python's `len(text.split())`), cap each class at `maxPerClass` records (seeded), and number the
 * categories in order of first appearance (pandas `factorize`). Records are not shuffled or split here
 * (see `trainValSplit`).
 *
 * Throws a `DataError` naming file (and line) for an unreadable, empty or malformed file, an unknown extension
 * without `format`, or, with `onInvalid: 'error'`, the first unusable record (missing field, wrong type, empty
 * text or label); with 'skip' those records are listed in `skipped`. Throws an Error for a negative or
 * non-integer `minWords`, a bad `onInvalid` or a `maxPerClass` that is not a positive integer.
 */
export function loadDataset(opts: DatasetOptions): Dataset {
  const o = { ...DATASET_DEFAULTS, ...opts };
  if (!(Number.isInteger(o.minWords) && o.minWords >= 0)) {
    throw new Error(`loadDataset: 'minWords' must be a non-negative integer; got ${o.minWords}.`);
  }
  const invalid = new InvalidRecords(o.onInvalid);
  const path = resolveDataPath(o.path);
  const raw = readRecords(path, { format: o.format, invalid });
  const items = toLabelledTexts(path, raw, { text: o.text, labelField: o.labelField, invalid });
  const long = items.filter((it) => wordCount(it.text) >= o.minWords);
  let kept = long;
  if (o.maxPerClass !== undefined) {
    const { codes } = factorize(long.map((it) => it.label));
    kept = Array.from(capPerClass(codes, o.maxPerClass, o.seed), (i) => long[i]);
  }
  const { codes, categories } = factorize(kept.map((it) => it.label));
  return {
    path: o.path,
    texts: kept.map((it) => it.text),
    labels: codes,
    categories,
    lines: Int32Array.from(kept, (it) => it.line),
    recordsRead: items.length,
    skipped: invalid.skipped,
    droppedShort: items.length - long.length,
    droppedByCap: long.length - kept.length,
  };
}

/**
 * Where a dataset's records went, for a log line: "2053 records read: 2050 valid, 3 invalid (skipped 3 records:
 * a.jsonl:4: malformed JSON …); 0 shorter than 10 words; 0 over the per-class cap". Every record read is counted
 * (valid or not); the first `show` skips are named by file:line and reason.
 */
export function describeRecords(
  ds: Pick<Dataset, 'recordsRead' | 'skipped' | 'droppedShort' | 'droppedByCap'>,
  minWords: number,
  show = 5,
): string {
  const invalid = ds.skipped.length;
  const skips = invalid > 0 ? ` (${summarizeSkips(ds.skipped, show)})` : '';
  return (
    `${ds.recordsRead + invalid} records read: ${ds.recordsRead} valid, ${invalid} invalid${skips}; ` +
    `${ds.droppedShort} shorter than ${minWords} words; ${ds.droppedByCap} over the per-class cap`
  );
}

/** Texts, labels and lines of some rows of a dataset, with its categories. */
export type DatasetRows = Pick<Dataset, 'texts' | 'labels' | 'lines' | 'categories'>;

/** Rows `indices` of a dataset (texts, labels, lines), sharing its categories. */
export function subsetDataset(ds: Dataset, indices: ArrayLike<number>): DatasetRows {
  const idx = Array.from(indices);
  return {
    texts: idx.map((i) => ds.texts[i]),
    labels: Int32Array.from(idx, (i) => ds.labels[i]),
    lines: Int32Array.from(idx, (i) => ds.lines[i]),
    categories: ds.categories,
  };
}
