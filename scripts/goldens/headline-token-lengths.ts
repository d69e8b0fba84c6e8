/**
 * Writes test/fixtures/headline-token-lengths.json: the ALBERT token counts ([CLS] ... [SEP], max 128) of
 * every 15th headline of the shared balanced HuffPost file (2,460 of 36,900, every category covered), the
 * fixed sample of test/data/buckets.test.ts's padding regression test. Counts only, no text.
 *   SHARED_DIR=../shared node --import tsx scripts/goldens/headline-token-lengths.ts
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readHeadlines, HEADLINES_FILE, ALBERT_TOKENIZER_DIR } from '../../lib/bench/headlines';
import { loadTokenizer } from '../../lib/tokenizer/index';

const shared = resolve(process.env.SHARED_DIR ?? '../shared');
const all = readHeadlines(join(shared, HEADLINES_FILE));
const tokenizer = await loadTokenizer(join(shared, ALBERT_TOKENIZER_DIR));
const stride = 15;
const lengths = all.filter((_, i) => i % stride === 0).map((t) => tokenizer.encode(t, { maxLength: 128 }).ids.length);
const out = {
  source: `${HEADLINES_FILE} (shared/), every ${stride}th headline, ALBERT tokenizer (${ALBERT_TOKENIZER_DIR}), max 128`,
  generator: 'scripts/goldens/headline-token-lengths.ts',
  count: lengths.length,
  lengths,
};
writeFileSync('test/fixtures/headline-token-lengths.json', `${JSON.stringify(out)}\n`);
console.log(
  `wrote ${lengths.length} lengths, mean ${(lengths.reduce((a, b) => a + b, 0) / lengths.length).toFixed(2)}`,
);
