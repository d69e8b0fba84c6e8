/** Shared pieces of the ONNX tests: batches with padding, comparisons, and a small run fine-tuned by the pipeline. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromArgs } from '../../lib/pipeline/config';
import { runPipeline } from '../../lib/pipeline/run';
import type { EncodedBatch } from '../../lib/tokenizer/types';

export const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
export const TINY_ALBERT = join(FIXTURES, 'tiny-albert');
export const TINY_BERT = join(FIXTURES, 'tiny-bert');
/** A 20-token WordPiece tokenizer (ids < 30000 fit both tiny models' vocabularies). */
export const TINY_TOKENIZER = new URL('../tokenizer/fixtures/tiny-wordpiece', import.meta.url).pathname;

/**
 * `lengths.length` rows padded to the longest: [CLS] ids… [SEP], then [PAD]; token types 1 on the second half of
 * every other row (so token_type_ids matter); ids drawn from [5, vocab) by a fixed rule of `seed`.
 */
export function paddedBatch(lengths: readonly number[], vocab: number, seed = 0): EncodedBatch {
  const t = Math.max(...lengths);
  const b = lengths.length;
  const inputIds = new Int32Array(b * t);
  const attentionMask = new Int32Array(b * t);
  const tokenTypeIds = new Int32Array(b * t);
  lengths.forEach((len, i) => {
    for (let j = 0; j < len; j++) {
      inputIds[i * t + j] = j === 0 ? 2 : j === len - 1 ? 3 : 5 + ((i * 7919 + j * 104729 + seed * 31) % (vocab - 5));
      attentionMask[i * t + j] = 1;
      tokenTypeIds[i * t + j] = i % 2 === 1 && j >= len / 2 ? 1 : 0;
    }
  });
  return { inputIds, attentionMask, tokenTypeIds, batchSize: b, seqLength: t };
}

/** Largest |a - b| over the positions where `keep(i)` (all by default). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, keep: (i: number) => boolean = () => true) {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths differ (${a.length} vs ${b.length}).`);
  let m = 0;
  for (let i = 0; i < a.length; i++) if (keep(i)) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Headlines made of the tiny tokenizer's words, in three classes. */
export const TINY_TEXTS: Record<string, string[]> = {
  pets: ['my dog is cute', 'the cat sat on the mat', 'cats playing', 'my cat is cute', 'dogs playing on the mat'],
  greetings: ['hello , my dog', 'hello , hello', 'hello , the cat', 'hello , my cats', 'hello , my dogs'],
  games: ['playing is cute', 'the playing cat', 'playing on the mat', 'my playing dog', 'the dog is playing'],
};

/**
 * A run folder made by the pipeline: the tiny BERT fine-tuned as a siamese network (a few steps) and as a trained
 * classifier, `--pooling mean`, on 60 generated texts. Returns the run folder.
 */
export async function tinyPipelineRun(pooling: 'mean' | 'pooler' | 'cls' = 'mean'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'siamese-onnx-run-'));
  const rows = ['label,title'];
  for (const [label, texts] of Object.entries(TINY_TEXTS))
    for (let r = 0; r < 4; r++) for (const t of texts) rows.push(`${label},"${t}"`);
  const csv = join(dir, 'tiny.csv');
  writeFileSync(csv, rows.join('\n') + '\n');
  const out = join(dir, 'run');
  const args = {
    '--data': csv,
    '--text-field': 'title',
    '--label-field': 'label',
    '--min-words': '0',
    '--model': TINY_BERT,
    '--tokenizer': TINY_TOKENIZER,
    '--pooling': pooling,
    '--max-length': '16',
    '--siamese-epochs': '2',
    '--siamese-batch-size': '12',
    '--siamese-lr': '1e-3',
    '--trained-epochs': '1',
    '--trained-lr': '1e-3',
    '--stages': 'siamese,trained',
    '--backend': 'wasm',
    '--out': out,
  };
  await runPipeline(configFromArgs(Object.entries(args).flat()), { log: () => {}, reporter: {} });
  return out;
}
