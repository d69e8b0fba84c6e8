/**
 * The run's token table: batches built from it equal the tokenizer's own encodeBatch of the same texts (real
 * ALBERT tokenizer and real headlines when ../shared is there; the tiny WordPiece always), the cache file
 * round-trips (U16 and I32 ids, type ids), and forwardRows gives results in the order of the rows asked for,
 * bucketed or not.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cachedTokenTable,
  forwardBatches,
  forwardRows,
  loadTokenizer,
  readTokenTable,
  tokenizeTexts,
  writeTokenTable,
  TokenTable,
  type EncodedBatch,
} from '../../lib/tokenizer/index';
import { readHeadlines, HEADLINES_FILE } from '../../lib/bench/headlines';
import { sharedPath } from '../helpers/shared';

const WORDPIECE = join(import.meta.dirname, 'fixtures', 'tiny-wordpiece');
const albert = sharedPath('models/albert-base-v2-tokenizer');
const headlines = sharedPath(`data/${HEADLINES_FILE.replace(/^data\//, '')}`);

const TEXTS = [
  'the cat sat on the mat.',
  'dog',
  'Hello, my DOGS are playing!',
  '',
  'a b c d e f g h i j k l m n o p q r s t u v w x y z',
  'playing',
];

function sameBatch(a: EncodedBatch, b: EncodedBatch, what: string): void {
  assert.equal(a.seqLength, b.seqLength, `${what}: seqLength`);
  assert.equal(a.batchSize, b.batchSize, `${what}: batchSize`);
  assert.deepEqual(Array.from(a.inputIds), Array.from(b.inputIds), `${what}: inputIds`);
  assert.deepEqual(Array.from(a.attentionMask), Array.from(b.attentionMask), `${what}: attentionMask`);
  assert.deepEqual(Array.from(a.tokenTypeIds), Array.from(b.tokenTypeIds), `${what}: tokenTypeIds`);
}

describe('TokenTable', () => {
  test('batches of any rows equal encodeBatch of those texts (longest and max_length, truncation)', async () => {
    const tok = await loadTokenizer(WORDPIECE);
    for (const maxLength of [6, 16]) {
      const table = tokenizeTexts(tok, TEXTS, { maxLength });
      assert.ok(table.ids instanceof Uint16Array, 'a small vocabulary gives Uint16 ids');
      assert.equal(table.typeIds, undefined, 'single texts have type ids 0: none stored');
      for (const rows of [[0, 1, 2, 3, 4, 5], [4, 1], [2], [5, 5, 0]]) {
        const texts = rows.map((r) => TEXTS[r]);
        for (const padding of ['longest', 'max_length'] as const)
          sameBatch(
            table.batch(rows, padding),
            tok.encodeBatch(texts, { maxLength, padding }),
            `rows ${rows} ${padding} ${maxLength}`,
          );
      }
      assert.deepEqual(
        Array.from(table.lengths),
        TEXTS.map((t) => tok.encode(t, { maxLength }).ids.length),
      );
    }
    const table = tokenizeTexts(tok, TEXTS, { maxLength: 8 });
    assert.throws(() => table.batch([0, 6]), /TokenTable.batch: 'rows' must be indices into the table \(0..5\); got 6/);
  });

  test('real ALBERT tokenizer on 2,000 real headlines: every batch equals encodeBatch', async (t) => {
    if ('skip' in albert || 'skip' in headlines) return t.skip('needs ../shared (ALBERT tokenizer, headlines)');
    const tok = await loadTokenizer(albert.path);
    const texts = readHeadlines(headlines.path).filter((_, i) => i % 18 === 0);
    const table = tokenizeTexts(tok, texts, { maxLength: 32 });
    assert.ok(table.ids instanceof Uint16Array);
    for (let s = 0; s < texts.length; s += 97) {
      const rows = Array.from({ length: Math.min(64, texts.length - s) }, (_, k) => (s + k * 7) % texts.length);
      sameBatch(
        table.batch(rows),
        tok.encodeBatch(
          rows.map((r) => texts[r]),
          { maxLength: 32 },
        ),
        `from ${s}`,
      );
    }
    // Compact: 2 bytes per token, 6 per text (offset and length).
    assert.ok(table.byteLength <= table.ids.length * 2 + texts.length * 6 + 8, `${table.byteLength} bytes`);
  });

  test('ids beyond 65,535 stay Int32; non-zero type ids are kept; both round-trip through the cache file', async () => {
    const stub = {
      padId: 7,
      encode: (text: string, o: { maxLength: number }) => {
        const ids = Array.from(text, (c) => 70000 + c.charCodeAt(0)).slice(0, o.maxLength);
        return { ids, tokenTypeIds: ids.map((_, i) => i % 2) };
      },
    };
    const table = tokenizeTexts(stub, ['abc', 'de', 'fghij'], { maxLength: 4 });
    assert.ok(table.ids instanceof Int32Array);
    assert.ok(table.typeIds instanceof Uint16Array);
    const b = table.batch([2, 1]);
    assert.deepEqual(Array.from(b.inputIds), [70102, 70103, 70104, 70105, 70100, 70101, 7, 7]);
    assert.deepEqual(Array.from(b.attentionMask), [1, 1, 1, 1, 1, 1, 0, 0]);
    assert.deepEqual(Array.from(b.tokenTypeIds), [0, 1, 0, 1, 0, 1, 0, 0]);
    const dir = mkdtempSync(join(tmpdir(), 'tokens-'));
    await writeTokenTable(join(dir, 't.safetensors'), table, 'k');
    const back = (await readTokenTable(join(dir, 't.safetensors')))!;
    assert.ok(back.ids instanceof Int32Array);
    sameBatch(back.batch([0, 1, 2], 'max_length'), table.batch([0, 1, 2], 'max_length'), 'read back');
  });

  test('cachedTokenTable writes once, hits on the same tokenizer, texts and maxLength, misses otherwise', async () => {
    const tok = await loadTokenizer(WORDPIECE);
    assert.match(tok.identity ?? '', /^[0-9a-f]{64}$/, 'loadTokenizer sets the identity from its files');
    const dir = mkdtempSync(join(tmpdir(), 'tokens-'));
    const first = await cachedTokenTable(tok, TEXTS, { maxLength: 8, cacheDir: dir });
    assert.equal(first.cacheHit, false);
    assert.ok(first.path && existsSync(first.path));
    const again = await cachedTokenTable(tok, TEXTS, { maxLength: 8, cacheDir: dir });
    assert.equal(again.cacheHit, true);
    assert.ok(again.table.ids instanceof Uint16Array, 'U16 ids stay Uint16 after reading');
    sameBatch(again.table.batch([0, 1, 2, 3, 4, 5]), first.table.batch([0, 1, 2, 3, 4, 5]), 'hit');
    assert.equal((await cachedTokenTable(tok, TEXTS, { maxLength: 9, cacheDir: dir })).cacheHit, false);
    assert.equal((await cachedTokenTable(tok, TEXTS.slice(1), { maxLength: 8, cacheDir: dir })).cacheHit, false);
    const edited = [...TEXTS];
    edited[3] = 'x';
    assert.equal((await cachedTokenTable(tok, edited, { maxLength: 8, cacheDir: dir })).cacheHit, false);
    assert.equal(readdirSync(dir).length, 4);
  });

  test('rejects inconsistent arrays, naming them', () => {
    assert.throws(
      () => new TokenTable({ ids: new Uint16Array(3), offsets: Int32Array.from([0, 2]), padId: 0, maxLength: 4 }),
      /TokenTable: 'offsets' must start at 0 and end at the 3 ids; got 0 .. 2/,
    );
    assert.throws(
      () => new TokenTable({ ids: new Uint16Array(5), offsets: Int32Array.from([0, 5]), padId: 0, maxLength: 4 }),
      /text 0 has 5 tokens; 'maxLength' is 4/,
    );
  });
});

describe('forwardRows', () => {
  test('bucketed or not, results come back in the order of the rows; bucketing pads less', async () => {
    const tok = await loadTokenizer(WORDPIECE);
    const table = tokenizeTexts(tok, TEXTS, { maxLength: 16 });
    const rows = [4, 0, 3, 5, 1, 2, 4];
    // Each output row is (table row's length, its first id): identifies the row wherever it was batched.
    const run = async (b: EncodedBatch) => {
      const out = new Float32Array(b.batchSize * 2);
      for (let r = 0; r < b.batchSize; r++) {
        let len = 0;
        for (let t = 0; t < b.seqLength; t++) len += b.attentionMask[r * b.seqLength + t];
        out[r * 2] = len;
        out[r * 2 + 1] = b.inputIds[r * b.seqLength + 1];
      }
      return out;
    };
    const want = rows.flatMap((r) => [table.lengths[r], table.batch([r]).inputIds[1]]);
    const plain = await forwardRows(table, rows, 2, { batchSize: 2, bucketing: false }, run);
    const bucketed = await forwardRows(table, rows, 2, { batchSize: 2, bucketing: true }, run);
    assert.deepEqual(Array.from(plain.data), want);
    assert.deepEqual(Array.from(bucketed.data), want);
    assert.deepEqual(
      forwardBatches(table, rows, { batchSize: 2, bucketing: false }).map((b) => Array.from(b)),
      [[0, 1], [2, 3], [4, 5], [6]],
    );
    // Lengths of the rows: 16 (truncated), 9, 2, 4, 3, 11, 16. In order: (16, 9) (2, 4) (3, 11) (16) pad to 78
    // slots; sorted: (2, 3) (4, 9) (11, 16) (16) to 72, for 61 real tokens.
    assert.deepEqual([plain.padding.padded, bucketed.padding.padded, plain.padding.used], [78, 72, 61]);
    assert.equal(plain.padding.used, bucketed.padding.used);
    await assert.rejects(
      forwardRows(table, rows, 3, { batchSize: 2, bucketing: true }, run),
      /forwardRows: a batch of 2 rows gave 4 values; expected 3 per row/,
    );
  });
});
