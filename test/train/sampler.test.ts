import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pkSampler, randomSampler } from '../../lib/train/sampler';
import { makeRandom, randomInt } from '../../lib/data/rng';

/** Unbalanced labels: class c has 1 + 3c rows for c < 10, plus a singleton class 99 and a 3-row class 50. */
function unbalancedLabels(): number[] {
  const labels: number[] = [];
  for (let c = 0; c < 10; c++) for (let i = 0; i < 1 + 3 * c; i++) labels.push(c);
  labels.push(99, 50, 50, 50);
  const random = makeRandom('labels');
  for (let i = labels.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    [labels[i], labels[j]] = [labels[j], labels[i]];
  }
  return labels;
}

describe('pkSampler', () => {
  const labels = unbalancedLabels();
  const sampler = pkSampler(labels, { classesPerBatch: 4, examplesPerClass: 4, seed: 7 });

  test('every batch has P distinct classes, each with at least 2 distinct rows (and at most K)', () => {
    for (let epoch = 0; epoch < 3; epoch++) {
      const batches = sampler.epochBatches(epoch);
      assert.ok(batches.length > 5);
      for (const b of batches) {
        assert.equal(new Set(b).size, b.length, 'a row repeated inside a batch');
        const counts = new Map<number, number>();
        for (const r of b) counts.set(labels[r], (counts.get(labels[r]) ?? 0) + 1);
        assert.equal(counts.size, 4, `classes in batch: ${[...counts.keys()]}`);
        for (const [c, n] of counts) assert.ok(n >= 2 && n <= 4, `class ${c} has ${n} rows`);
      }
    }
  });

  test('covers every row of every eligible class in each epoch; singleton classes are excluded and reported', () => {
    assert.deepEqual(sampler.excludedClasses, [0, 99]); // class 0 has 1 row, class 99 too
    assert.deepEqual(sampler.eligibleClasses, [1, 2, 3, 4, 5, 6, 7, 8, 9, 50]);
    for (let epoch = 0; epoch < 2; epoch++) {
      const seen = new Set(sampler.epochBatches(epoch).flatMap((b) => [...b]));
      labels.forEach((c, i) => assert.equal(seen.has(i), c !== 0 && c !== 99, `row ${i} (class ${c})`));
    }
  });

  test('a class smaller than K contributes all its rows (3 < K = 4)', () => {
    const batches = sampler.epochBatches(0);
    const withSmall = batches.filter((b) => [...b].some((r) => labels[r] === 50));
    assert.ok(withSmall.length >= 1);
    for (const b of withSmall) assert.equal([...b].filter((r) => labels[r] === 50).length, 3);
  });

  test('deterministic for a seed, different across epochs and seeds', () => {
    const again = pkSampler(labels, { classesPerBatch: 4, examplesPerClass: 4, seed: 7 });
    assert.deepEqual(again.epochBatches(1), sampler.epochBatches(1));
    assert.notDeepEqual(sampler.epochBatches(0), sampler.epochBatches(1));
    assert.notDeepEqual(
      pkSampler(labels, { classesPerBatch: 4, examplesPerClass: 4, seed: 8 }).epochBatches(0),
      sampler.epochBatches(0),
    );
  });

  test('chunks are drawn without replacement: with class sizes that are multiples of K each row appears once', () => {
    const even = Array.from({ length: 96 }, (_, i) => i % 6); // 6 classes × 16 rows
    const s = pkSampler(even, { classesPerBatch: 3, examplesPerClass: 4, seed: 1 });
    const rows = s.epochBatches(0).flatMap((b) => [...b]);
    assert.equal(rows.length, 96);
    assert.equal(new Set(rows).size, 96);
    assert.equal(s.batchSize, 12);
  });

  test('invalid options are rejected with the parameter named', () => {
    assert.throws(
      () => pkSampler(labels, { classesPerBatch: 11, examplesPerClass: 2, seed: 0 }),
      /pkSampler: 'classesPerBatch' must be at most the number of classes with at least 2 examples \(10\); got 11/,
    );
    assert.throws(
      () => pkSampler(labels, { classesPerBatch: 2, examplesPerClass: 1, seed: 0 }),
      /'examplesPerClass' must be at least 2/,
    );
    assert.throws(
      () => pkSampler(labels, { classesPerBatch: 0, examplesPerClass: 2, seed: 0 }),
      /'classesPerBatch' must be a positive integer; got 0/,
    );
  });
});

describe('randomSampler', () => {
  test('a seeded permutation per epoch, cut into batches, covering every row once', () => {
    const s = randomSampler(10, { batchSize: 4, seed: 3 });
    const e0 = s.epochBatches(0);
    assert.deepEqual(
      e0.map((b) => b.length),
      [4, 4, 2],
    );
    assert.deepEqual(
      [...e0.flatMap((b) => [...b])].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.deepEqual(randomSampler(10, { batchSize: 4, seed: 3 }).epochBatches(0), e0);
    assert.notDeepEqual(s.epochBatches(1), e0);
    assert.deepEqual(randomSampler(10, { batchSize: 4, seed: 3, dropLast: true }).epochBatches(0).length, 2);
  });
});
