/**
 * Length bucketing in the training samplers: what stays as without it (rows of each epoch, the random sampler's
 * windows, the P×K sampler's classes per batch and rows per window), determinism per seed, and a regression test
 * of the padding on the fixed sample of 2,460 real headline lengths (counts, not times). Also limitSteps.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { paddingOverhead } from '../../lib/data/buckets';
import { limitSteps, pkSampler, randomSampler } from '../../lib/train/sampler';
import fixture from '../fixtures/headline-token-lengths.json';

const lengths = fixture.lengths;
/** The fixture is every 15th headline of the shared file, which holds 900 per category in category order. */
const labels = Int32Array.from(lengths, (_, i) => Math.floor((i * 15) / 900));
const sorted = (a: Iterable<number>) => Array.from(a).sort((x, y) => x - y);

describe('randomSampler with lengths', () => {
  test('each epoch uses every row once; each window holds the rows of the unbucketed epoch', () => {
    const plain = randomSampler(lengths.length, { batchSize: 32, seed: 3 });
    const bucketed = randomSampler(lengths.length, { batchSize: 32, seed: 3, lengths });
    assert.match(bucketed.description, /length-bucketed within windows of 512 rows/);
    for (const epoch of [0, 1]) {
      const a = plain.epochBatches(epoch);
      const b = bucketed.epochBatches(epoch);
      assert.equal(b.length, a.length);
      assert.deepEqual(
        sorted(b.flatMap((x) => Array.from(x))),
        lengths.map((_, i) => i),
      );
      // Windows of 16 batches: the same rows, in other batches.
      const windowOf = new Map<number, number>();
      a.forEach((batch, j) => batch.forEach((r) => windowOf.set(r, Math.floor(j / 16))));
      for (const batch of b) assert.equal(new Set(Array.from(batch, (r) => windowOf.get(r))).size, 1);
    }
    assert.deepEqual(
      bucketed.epochBatches(1),
      randomSampler(lengths.length, { batchSize: 32, seed: 3, lengths }).epochBatches(1),
    );
    assert.notDeepEqual(bucketed.epochBatches(1), bucketed.epochBatches(2));
  });

  test('padding on 2,460 real headline lengths: batches of 32 1.746 -> 1.061, of 64 1.887 -> 1.075 slots per token', () => {
    const used = 40529;
    const pad = (batchSize: number, withLengths: boolean) =>
      paddingOverhead(
        lengths,
        randomSampler(lengths.length, { batchSize, seed: 3, lengths: withLengths ? lengths : undefined }).epochBatches(
          0,
        ),
      );
    assert.deepEqual([pad(32, false).padded, pad(32, true).padded, pad(32, true).used], [70772, 43008, used]);
    assert.deepEqual([pad(64, false).padded, pad(64, true).padded], [76468, 43552]);
  });

  test('errors name a lengths array of the wrong size', () => {
    assert.throws(
      () => randomSampler(3, { batchSize: 2, seed: 1, lengths: [1, 2] }),
      /randomSampler: 'lengths' must have one token length per row \(3\); got 2/,
    );
  });
});

describe('pkSampler with lengths', () => {
  const opts = { classesPerBatch: 16, examplesPerClass: 4, seed: 3 };
  const classesOf = (batch: Int32Array) => sorted(Array.from(batch, (r) => labels[r]));

  test('the classes of each batch, their counts and the rows of each window stay; no row twice in a batch', () => {
    for (const bucketWindow of [4, 64]) {
      const plain = pkSampler(labels, opts).epochBatches(1);
      const bucketed = pkSampler(labels, { ...opts, lengths, bucketWindow }).epochBatches(1);
      assert.equal(bucketed.length, plain.length);
      bucketed.forEach((b, j) => {
        assert.deepEqual(classesOf(b), classesOf(plain[j]), `batch ${j}: classes and counts`);
        assert.equal(new Set(b).size, b.length, `batch ${j}: a row twice`);
      });
      for (let s = 0; s < plain.length; s += bucketWindow) {
        const rows = (bs: Int32Array[]) => sorted(bs.slice(s, s + bucketWindow).flatMap((x) => Array.from(x)));
        assert.deepEqual(rows(bucketed), rows(plain), `window at ${s}`);
      }
    }
    const again = pkSampler(labels, { ...opts, lengths }).epochBatches(1);
    assert.deepEqual(pkSampler(labels, { ...opts, lengths }).epochBatches(1), again);
    assert.notDeepEqual(pkSampler(labels, { ...opts, lengths, seed: 4 }).epochBatches(1), again);
  });

  test('padding on 2,460 real headline lengths (41 classes, 16×4): 1.834 -> 1.527 (windows of 16), 1.316 (64)', () => {
    const plain = paddingOverhead(lengths, pkSampler(labels, opts).epochBatches(0));
    assert.deepEqual({ padded: plain.padded, used: plain.used }, { padded: 75392, used: 41106 });
    const w16 = paddingOverhead(lengths, pkSampler(labels, { ...opts, lengths, bucketWindow: 16 }).epochBatches(0));
    const w64 = paddingOverhead(lengths, pkSampler(labels, { ...opts, lengths }).epochBatches(0));
    assert.deepEqual([w16.padded, w64.padded, w64.used], [62784, 54080, 41106]);
  });

  test('a class whose rows repeat in a window (topped-up chunks, small classes) never gives a row twice', () => {
    // 3 classes of 5, 6 and 2 rows, P = 2, K = 4: chunks are topped up with repeated rows.
    const small = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2]);
    const lens = [5, 1, 9, 3, 7, 2, 8, 4, 6, 1, 9, 3, 3];
    for (let epoch = 0; epoch < 20; epoch++) {
      const batches = pkSampler(small, {
        classesPerBatch: 2,
        examplesPerClass: 4,
        seed: 7,
        lengths: lens,
      }).epochBatches(epoch);
      const plain = pkSampler(small, { classesPerBatch: 2, examplesPerClass: 4, seed: 7 }).epochBatches(epoch);
      batches.forEach((b, j) => {
        assert.equal(new Set(b).size, b.length, `epoch ${epoch} batch ${j}: ${Array.from(b)}`);
        assert.deepEqual(sorted(Array.from(b, (r) => small[r])), sorted(Array.from(plain[j], (r) => small[r])));
      });
    }
  });
});

describe('limitSteps', () => {
  test('keeps the first n batches of every epoch and says so; undefined keeps the sampler', () => {
    const s = randomSampler(100, { batchSize: 8, seed: 1 });
    const limited = limitSteps(s, 3);
    assert.deepEqual(limited.epochBatches(2), s.epochBatches(2).slice(0, 3));
    assert.equal(limited.batchSize, 8);
    assert.match(limited.description, /random batches of 8 \(seed 1\); at most 3 steps per epoch/);
    assert.equal(limitSteps(s, undefined), s);
    assert.equal(limitSteps(s, 50).epochBatches(0).length, 13);
    assert.throws(() => limitSteps(s, 0), /limitSteps: 'maxSteps' must be a positive integer; got 0/);
    const pk = limitSteps(pkSampler(labels, { classesPerBatch: 4, examplesPerClass: 4, seed: 3 }), 2);
    assert.equal(pk.epochBatches(0).length, 2);
    assert.deepEqual(pk.eligibleClasses.length, 41, 'P×K fields stay');
  });
});
