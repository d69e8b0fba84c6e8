/**
 * `<out>/split.json`: which records a run trains and evaluates on, as dataset rows and as the data file's lines,
 * so that another implementation (the Python peer of `npm run compare-peer`, scripts/peer/pipeline.py) or an
 * audit can take exactly the same texts, labels and split without repeating the cleaning. Written by every run.
 */
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../io/safetensors';
import type { RunConfig } from './config';
import type { PreparedData } from './prepare';

/** The file's `format` field. */
export const SPLIT_FILE_FORMAT = 'siamese-albert-ts/split';

/** `<out>/split.json` (snake_case, as written). */
export interface SplitFile {
  format: typeof SPLIT_FILE_FORMAT;
  version: 1;
  /** The data file and the settings that made the texts. */
  data: { path: string; format: string | null; text: string; label_field: string };
  /** Category names; a label is an index into them. */
  categories: string[];
  /** Per dataset row (the cleaned, capped dataset): the data file's 1-based line (or JSON array element) and label. */
  lines: number[];
  labels: number[];
  /** Dataset rows of each part: `balanced` is the study's with-replacement sample of validation rows. */
  rows: { train: number[]; val: number[]; balanced: number[] };
  /** sha256 over every text (length, ':', text), in dataset order: lets a reader check it built the same texts. */
  texts_sha256: string;
}

/** sha256 over `${text.length}:${text}` of every text in order, as hex (SplitFile.texts_sha256). */
export function textsSha256(texts: readonly string[]): string {
  const h = createHash('sha256');
  for (const t of texts) h.update(`${t.length}:${t}`);
  return h.digest('hex');
}

/** The split file of a run's prepared data. */
export function splitFileOf(cfg: RunConfig, data: PreparedData): SplitFile {
  const ds = data.dataset;
  return {
    format: SPLIT_FILE_FORMAT,
    version: 1,
    data: { path: cfg.data, format: cfg.format ?? null, text: cfg.text, label_field: cfg.labelField },
    categories: ds.categories,
    lines: Array.from(ds.lines),
    labels: Array.from(ds.labels),
    rows: { train: Array.from(data.split.train), val: Array.from(data.split.val), balanced: Array.from(data.balanced) },
    texts_sha256: textsSha256(ds.texts),
  };
}

/** Write `<out>/split.json` atomically. */
export async function writeSplitFile(path: string, cfg: RunConfig, data: PreparedData): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(splitFileOf(cfg, data))}\n`);
}
