/**
 * Length buckets (lib/data/buckets): batch membership, seeded batch order, sort-within-chunk, and a
 * regression test of the padding they save on a fixed sample of real headline lengths (counts, not times).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { lengthBuckets, paddingOverhead, sortWithinChunks } from '../../lib/data/buckets';
import { makeRandom, permutation } from '../../lib/data/rng';
import fixture from '../fixtures/headline-token-lengths.json';

/** Consecutive batches of `size` rows cut from `order`. */
const cut = (order: ArrayLike<number>, size: number): number[][] =>
  Array.from({ length: Math.ceil(order.length / size) }, (_, k) => Array.from(order).slice(k * size, (k + 1) * size));

describe('lengthBuckets', () => {
  test('sorts rows by length (stable), cuts batches, keeps every row once', () => {
    const lengths = [5, 2, 9, 2, 7, 1, 5];
    const batches = lengthBuckets(lengths, { batchSize: 3 });
    assert.deepEqual(
      batches.map((b) => [...b]),
      [[5, 1, 3], [0, 6, 4], [2]],
    );
    assert.deepEqual(
      batches.flatMap((b) => [...b]).sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6],
    );
  });

  test('a seed reorders batches, not their contents, and the same seed gives the same order', () => {
    const lengths = Array.from({ length: 100 }, (_, i) => 3 + ((i * 37) % 29));
    const plain = lengthBuckets(lengths, { batchSize: 10 });
    const shuffled = lengthBuckets(lengths, { batchSize: 10, seed: 3 });
    const key = (bs: Int32Array[]) => bs.map((b) => [...b].join(',')).sort();
    assert.deepEqual(key(shuffled), key(plain));
    assert.notDeepEqual(
      shuffled.map((b) => b[0]),
      plain.map((b) => b[0]),
    );
    assert.deepEqual(lengthBuckets(lengths, { batchSize: 10, seed: 3 }), shuffled);
    assert.notDeepEqual(lengthBuckets(lengths, { batchSize: 10, seed: 4 }), shuffled);
  });

  test('errors name the parameter', () => {
    assert.throws(
      () => lengthBuckets([1], { batchSize: 0 }),
      /lengthBuckets: 'batchSize' must be a positive integer; got 0/,
    );
    assert.throws(
      () => lengthBuckets([1, -2], { batchSize: 2 }),
      /'lengths' must be non-negative numbers; got -2 at 1/,
    );
  });
});

describe('sortWithinChunks', () => {
  test('sorts each chunk by length (stable) and keeps which rows are in which chunk', () => {
    const lengths = [4, 1, 3, 1, 2, 5];
    const out = sortWithinChunks(lengths, [5, 0, 3, 1, 2, 4], 3);
    assert.deepEqual([...out], [3, 0, 5, 1, 4, 2]);
    assert.throws(() => sortWithinChunks(lengths, [0], 0), /'chunkSize' must be a positive integer; got 0/);
    assert.throws(() => sortWithinChunks(lengths, [6], 2), /'rows' must be indices into 'lengths' \(0\.\.5\); got 6/);
  });
});

describe('padding regression on 2,460 real headline lengths (test/fixtures/headline-token-lengths.json)', () => {
  const lengths = fixture.lengths;
  const used = 40529; // sum of the lengths: 16.48 tokens per headline

  test('the fixed sample is the one the counts below were taken on', () => {
    assert.equal(lengths.length, 2460);
    assert.equal(
      lengths.reduce((a, b) => a + b, 0),
      used,
    );
  });

  test('length-bucketed batches of 64: 41,440 padded slots, 1.022 per real token (file order: 1.795)', () => {
    const bucketed = paddingOverhead(lengths, lengthBuckets(lengths, { batchSize: 64 }));
    assert.deepEqual({ padded: bucketed.padded, used: bucketed.used }, { padded: 41440, used });
    assert.ok(Math.abs(bucketed.ratio - 1.0225) < 1e-4, `${bucketed.ratio}`);
    const fileOrder = paddingOverhead(
      lengths,
      cut(
        lengths.map((_, i) => i),
        64,
      ),
    );
    assert.equal(fileOrder.padded, 72768);
    // A seed changes the batch order only: the padding stays the same.
    assert.equal(paddingOverhead(lengths, lengthBuckets(lengths, { batchSize: 64, seed: 3 })).padded, 41440);
  });

  test('batches of 32: bucketed 41,056 slots (1.013); seeded random batches 70,980 (1.751); sorted within chunks of 512: 43,108 (1.064)', () => {
    assert.equal(paddingOverhead(lengths, lengthBuckets(lengths, { batchSize: 32 })).padded, 41056);
    const perm = permutation(lengths.length, makeRandom(3));
    assert.equal(paddingOverhead(lengths, cut(perm, 32)).padded, 70980);
    assert.equal(paddingOverhead(lengths, cut(sortWithinChunks(lengths, perm, 512), 32)).padded, 43108);
  });
});
