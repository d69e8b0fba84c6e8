/**
 * Peak memory of loading and tokenizing a large labelled-text file (issue 13: "loading + tokenizing a
 * 1,000,000-record file of short texts stays under 4 GB RSS"), or of one huge text:
 *   node --import tsx scripts/measure-data-memory.ts [--records 1000000] [--long-text-mb 0] [--tokenizer DIR]
 * Writes a seeded JSON-lines file of short headline-like texts (41 categories) into a temporary folder,
 * loads it with loadDataset (as the pipeline does: headline text, no minimum length), then tokenizes
 * every text with encodeBatch in batches of 64 (the pipeline's batch), and prints one JSON line with the
 * time of each step and the process's peak resident set size (process.resourceUsage().maxRSS).
 * `--long-text-mb N` adds one record whose headline is N MB of words (the issue's 200 MB headline).
 * The tokenizer defaults to MINILM_DIR, else the tiny WordPiece test fixture. Not a test: it asserts nothing.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../lib/data/dataset';
import { makeRandom, randomInt } from '../lib/data/rng';
import { loadTokenizer } from '../lib/tokenizer/tokenizer';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    'long-text-mb': { type: 'string', default: '0' },
    tokenizer: { type: 'string' },
  },
});
const records = Number(values.records);
const longMb = Number(values['long-text-mb']);
const tokenizerDir = values.tokenizer ?? process.env.MINILM_DIR ?? 'test/tokenizer/fixtures/tiny-wordpiece';

const WORDS = (
  'the a new how why what trump says after over first world people women man study life photos week best ' +
  'police school health food travel style money tech science sports team win loses election court climate ' +
  'kids parents love home city state star show film music book art dog cat watch video year day night'
).split(' ');

async function writeFile(path: string): Promise<void> {
  const random = makeRandom('memory');
  const out = createWriteStream(path);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', r)));
  if (longMb > 0) {
    const chunk = 'word '.repeat(200_000); // 1 MB
    await write('{"category": "CATEGORY 0", "headline": "');
    for (let i = 0; i < longMb; i++) await write(chunk);
    await write('"}\n');
  }
  for (let i = 0; i < records; i++) {
    const n = 6 + randomInt(random, 10);
    const words = Array.from({ length: n }, () => WORDS[randomInt(random, WORDS.length)]);
    await write(`${JSON.stringify({ category: `CATEGORY ${i % 41}`, headline: words.join(' ') })}\n`);
  }
  await new Promise<void>((r) => out.end(r));
}

const dir = mkdtempSync(join(tmpdir(), 'data-memory-'));
try {
  const path = join(dir, 'records.jsonl');
  let t = performance.now();
  await writeFile(path);
  const writeS = (performance.now() - t) / 1000;
  const fileMb = statSync(path).size / 2 ** 20;

  t = performance.now();
  const ds = loadDataset({ path, text: 'headline', minWords: 0 });
  const loadS = (performance.now() - t) / 1000;
  const afterLoadMb = process.resourceUsage().maxRSS / 1024;

  const tokenizer = await loadTokenizer(tokenizerDir);
  t = performance.now();
  let tokens = 0;
  for (let s = 0; s < ds.texts.length; s += 64) {
    const e = tokenizer.encodeBatch(ds.texts.slice(s, s + 64), { maxLength: 128 });
    for (let i = 0; i < e.attentionMask.length; i++) tokens += e.attentionMask[i];
  }
  const tokenizeS = (performance.now() - t) / 1000;
  console.log(
    JSON.stringify({
      records: ds.texts.length,
      longTextMb: longMb,
      fileMb: Math.round(fileMb),
      tokenizer: tokenizerDir,
      tokens,
      seconds: { write: +writeS.toFixed(1), load: +loadS.toFixed(1), tokenize: +tokenizeS.toFixed(1) },
      peakRssMb: { afterLoad: Math.round(afterLoadMb), end: Math.round(process.resourceUsage().maxRSS / 1024) },
      node: process.version,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
