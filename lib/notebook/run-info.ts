/** What a run used, stated the same way in notebooks, logs and reports. */
import { isAbsolute, relative, basename } from 'node:path';
import type { RunConfig } from '../pipeline/config';

/**
 * A path fit for checked-in output: relative to the project root when that is
 * shorter and stays close, else only the file name (no machine paths).
 */
export function displayPath(p: string, root = process.cwd()): string {
  if (!isAbsolute(p)) return p;
  const rel = relative(root, p);
  return rel.split('/').filter((s) => s === '..').length <= 2 ? rel : `…/${basename(p)}`;
}

/** `1h02m`, `3m05s`, `42s` (the trainer's progress format). */
export { formatDuration } from '../train/progress';

/** The run statement: model, data, scale, seed, backend (and more rows from the caller), as markdown. */
export function runStatement(cfg: RunConfig, rows: Record<string, string | number> = {}): string {
  const base: Record<string, string | number> = {
    model: displayPath(cfg.model),
    tokenizer: cfg.tokenizer ? displayPath(cfg.tokenizer) : "the model's own",
    data: displayPath(cfg.data),
    text: cfg.text,
    'min words': cfg.minWords,
    'max per class': cfg.maxPerClass ?? 'no cap',
    'max tokens': cfg.maxLength,
    'siamese epochs / batch / lr': `${cfg.siameseEpochs} / ${cfg.siameseBatchSize} / ${cfg.siameseLr}`,
    'classifier epochs / batch / lr': `${cfg.classifierEpochs} / ${cfg.classifierBatchSize} / ${cfg.classifierLr}`,
    'trained epochs / batch / lr': `${cfg.trainedEpochs} / ${cfg.trainedBatchSize} / ${cfg.trainedLr}`,
    seed: cfg.seed,
    'run folder': displayPath(cfg.out),
    ...rows,
  };
  return [
    '| setting | value |',
    '|---|---|',
    ...Object.entries(base).map(([k, v]) => `| ${k} | ${String(v).replace(/\|/g, '\\|')} |`),
  ].join('\n');
}
