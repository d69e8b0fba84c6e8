/**
 * A small run for pipeline tests that needs nothing outside the repository: a generated CSV of three
 * topics, the tiny BERT of test/fixtures with the tiny WordPiece tokenizer of the tokenizer tests, and
 * the fewest epochs. One full run takes about two seconds on wasm.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineOptions } from '../../lib/pipeline/run';

export const TINY_BERT = new URL('../fixtures/tiny-bert', import.meta.url).pathname;
export const TINY_TOKENIZER = new URL('../tokenizer/fixtures/tiny-wordpiece', import.meta.url).pathname;

const TOPICS: Record<string, string[]> = {
  sports: ['the team won the final match', 'a late goal decides the derby', 'the coach praises young players'],
  politics: ['the senate votes on the budget', 'the president signs a new law', 'the minister resigns today'],
  food: ['a simple recipe for summer pasta', 'the best bakeries in the city', 'how to roast vegetables well'],
};

/** A fresh temporary folder. */
export function tempDir(prefix = 'pipeline-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A CSV (label,title) of `perTopic` rows for each of three topics; returns its path. */
export function writeNewsCsv(dir: string, perTopic = 12, name = 'news.csv'): string {
  const rows = ['label,title'];
  for (const [label, titles] of Object.entries(TOPICS))
    for (let r = 0; r < perTopic; r++) rows.push(`${label},"${titles[r % titles.length]} ${r}"`);
  const path = join(dir, name);
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

/**
 * Command-line arguments of the small run on `csv` into `out`, under `--recipe study` (fixed learning rates, so
 * that more epochs continue a finished stage: the run-folder rules these tests check).
 */
export function smallRunArgs(csv: string, out: string): string[] {
  return [
    ...['--recipe', 'study'],
    ...['--data', csv, '--text-field', 'title', '--label-field', 'label', '--min-words', '0'],
    ...['--model', TINY_BERT, '--tokenizer', TINY_TOKENIZER, '--max-length', '16'],
    ...['--siamese-epochs', '1', '--siamese-batch-size', '8', '--classifier-epochs', '2', '--trained-epochs', '1'],
    ...['--balanced-per-class', '4', '--backend', 'wasm', '--out', out],
  ];
}

/** Pipeline options that collect the log instead of printing it. */
export function quiet(): PipelineOptions & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (l: string) => lines.push(l), reporter: {} };
}
