import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadTokenizer, toTokenBatch, disposeTokenBatch } from '../../lib/tokenizer/index';
import { initBackend } from '../../lib/backend';
import { sharedPath } from '../helpers/shared';

const WORDPIECE = join(import.meta.dirname, 'fixtures', 'tiny-wordpiece');
const albert = sharedPath('models/albert-base-v2-tokenizer');

function rows(a: Int32Array, width: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.length; i += width) out.push(Array.from(a.subarray(i, i + width)));
  return out;
}

describe('ALBERT tokenizer (shared/models/albert-base-v2-tokenizer)', () => {
  const skip = 'skip' in albert ? albert.skip : false;

  test('encodes "hello, my dog is cute" to the reference ids', { skip }, async () => {
    const tok = await loadTokenizer((albert as { path: string }).path);
    const e = tok.encodeBatch(['hello, my dog is cute']);
    assert.deepEqual(Array.from(e.inputIds), [2, 10975, 15, 51, 1952, 25, 10901, 3]);
    assert.deepEqual(Array.from(e.attentionMask), [1, 1, 1, 1, 1, 1, 1, 1]);
    assert.deepEqual(Array.from(e.tokenTypeIds), [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(e.seqLength, 8);
    // Case-insensitive (do_lower_case) like the SentencePiece model.
    assert.deepEqual(Array.from(tok.encodeBatch(['Hello, My DOG is cute']).inputIds), Array.from(e.inputIds));
  });

  test('a pair gets token types 0…0 1…1 and [CLS] A [SEP] B [SEP]', { skip }, async () => {
    const tok = await loadTokenizer((albert as { path: string }).path);
    const e = tok.encodeBatch(['hello, my dog is cute'], { pairs: ['my dog'] });
    assert.deepEqual(Array.from(e.inputIds), [2, 10975, 15, 51, 1952, 25, 10901, 3, 51, 1952, 3]);
    assert.deepEqual(Array.from(e.tokenTypeIds), [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  });

  test('pads with <pad> (id 0) to the longest, mask 0 on padding', { skip }, async () => {
    const tok = await loadTokenizer((albert as { path: string }).path);
    assert.equal(tok.padId, 0);
    const e = tok.encodeBatch(['hello, my dog is cute', 'hello']);
    assert.equal(e.seqLength, 8);
    assert.deepEqual(rows(e.inputIds, 8)[1], [2, 10975, 3, 0, 0, 0, 0, 0]);
    assert.deepEqual(rows(e.attentionMask, 8)[1], [1, 1, 1, 0, 0, 0, 0, 0]);
  });
});

describe('WordPiece tokenizer (BERT layout, test/tokenizer/fixtures/tiny-wordpiece)', () => {
  test('lowercases, splits punctuation and word pieces, adds [CLS]/[SEP], maps unknown words to [UNK]', async () => {
    const tok = await loadTokenizer(WORDPIECE);
    const e = tok.encode('Hello, my DOGS are playing!');
    assert.deepEqual(e.tokens, ['[CLS]', 'hello', ',', 'my', 'dog', '##s', '[UNK]', 'play', '##ing', '[UNK]', '[SEP]']);
    assert.deepEqual(e.ids, [2, 5, 6, 7, 8, 11, 1, 18, 19, 1, 3]);
  });

  test('padding max_length, truncation of single texts keeps [SEP]', async () => {
    const tok = await loadTokenizer(WORDPIECE);
    const e = tok.encodeBatch(['the cat sat on the mat.', 'dog'], { maxLength: 6, padding: 'max_length' });
    assert.equal(e.seqLength, 6);
    assert.deepEqual(rows(e.inputIds, 6), [
      [2, 12, 13, 14, 15, 3],
      [2, 8, 3, 0, 0, 0],
    ]);
    assert.deepEqual(rows(e.attentionMask, 6), [
      [1, 1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0, 0],
    ]);
    const longest = tok.encodeBatch(['dog', 'cat'], { maxLength: 6 });
    assert.equal(longest.seqLength, 3);
  });

  test('pairs truncate longest first and keep both [SEP]s', async () => {
    const tok = await loadTokenizer(WORDPIECE);
    // A = 6 pieces, B = 2 pieces, budget 9 - 3 = 6: A loses 2.
    const e = tok.encode('the cat sat on the mat', { pair: 'my dog', maxLength: 9 });
    assert.deepEqual(e.tokens, ['[CLS]', 'the', 'cat', 'sat', 'on', '[SEP]', 'my', 'dog', '[SEP]']);
    assert.deepEqual(e.tokenTypeIds, [0, 0, 0, 0, 0, 0, 1, 1, 1]);
  });

  test('errors name the parameter', async () => {
    const tok = await loadTokenizer(WORDPIECE);
    assert.throws(
      () => tok.encodeBatch(['the cat sat on the mat'], { maxLength: 4, truncation: false }),
      /exceeds 'maxLength' 4 and 'truncation' is false/,
    );
    assert.throws(
      () => tok.encodeBatch(['a'], { padding: 'left' as never }),
      /'padding' must be one of longest, max_length; got "left"/,
    );
    assert.throws(
      () => tok.encodeBatch(['a', 'b'], { pairs: ['c'] }),
      /'pairs' must have one entry per text \(2\); got 1/,
    );
    await assert.rejects(loadTokenizer(join(WORDPIECE, 'nope')), /loadTokenizer: 'dir' must hold tokenizer.json/);
  });

  test('toTokenBatch makes int32 [B, T] tensors', async () => {
    await initBackend('cpu');
    const tok = await loadTokenizer(WORDPIECE);
    const before = tf.memory().numTensors;
    const b = toTokenBatch(tok.encodeBatch(['dog', 'the cat']));
    assert.deepEqual(b.inputIds.shape, [2, 4]);
    assert.equal(b.attentionMask.dtype, 'int32');
    assert.deepEqual(await b.tokenTypeIds.array(), [
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    assert.deepEqual(await b.inputIds.array(), [
      [2, 8, 3, 0],
      [2, 12, 13, 3],
    ]);
    disposeTokenBatch(b);
    assert.equal(tf.memory().numTensors, before);
  });
});
