/**
 * Sampler feasibility (issue 13, cases 7 and 8): triplet batches need a positive and a negative for an
 * anchor; classes left out of P×K are named; no batch has a single row.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/index';
import { batchSemiHardTripletLoss } from '../../lib/losses/index';
import { checkTripletLabels, pkSampler, randomSampler } from '../../lib/train/sampler';
import { makeBatches } from '../../lib/data/batches';

const NAMES = ['sports', 'politics', 'food', 'tech'];
const repeat = (counts: number[]) => counts.flatMap((n, c) => Array.from({ length: n }, () => c));

describe('sampler feasibility: a batch must be able to hold a positive and a negative', () => {
  test('P×K with one class of 2+ texts (sports×16, politics×1, food×1): refused, naming classes and counts', () => {
    assert.throws(() => checkTripletLabels(repeat([16, 1, 1]), { sampler: 'pk', classNames: NAMES }), {
      message:
        'P×K triplet batches need at least 2 classes with at least 2 rows each (an anchor needs a positive and ' +
        'a negative); the training rows hold 3 classes: sports (16), politics (1), food (1).',
    });
  });

  test('P×K with no class of 2+ texts (the issue 12-row case that failed with "(0)"): refused', () => {
    assert.throws(
      () => checkTripletLabels([0, 1, 2, 3], { sampler: 'pk', classNames: NAMES, what: 'the 4 training texts' }),
      /at least 2 classes with at least 2 rows each .*; the 4 training texts hold 4 classes: sports \(1\), politics \(1\), food \(1\), tech \(1\)\.$/,
    );
  });

  test('P×K leaving single-text classes out: a warning names them', () => {
    assert.deepEqual(checkTripletLabels(repeat([5, 1, 4, 1]), { sampler: 'pk', classNames: NAMES }), [
      'P×K batches leave out 2 classes with a single row in the training rows (no positive for an anchor): ' +
        'politics (1), tech (1).',
    ]);
    const s = pkSampler(repeat([5, 1, 4, 1]), { classesPerBatch: 2, examplesPerClass: 2, seed: 1, classNames: NAMES });
    assert.deepEqual(s.excludedClasses, [1, 3]);
    assert.match(s.warnings[0], /leave out 2 classes with a single row .*: politics \(1\), tech \(1\)\.$/);
    assert.deepEqual(pkSampler(repeat([2, 2]), { classesPerBatch: 2, examplesPerClass: 2, seed: 1 }).warnings, []);
  });

  test('variant: random batches need 2 classes and one pair; single texts stay in as negatives (no warning)', () => {
    assert.throws(
      () => checkTripletLabels(repeat([7]), { sampler: 'random', classNames: NAMES }),
      /hold 1 class: sports \(7\)/,
    );
    assert.throws(
      () => checkTripletLabels([0, 1, 2], { sampler: 'random', classNames: NAMES }),
      /need at least 2 classes, one of them with at least 2 rows/,
    );
    assert.deepEqual(checkTripletLabels(repeat([2, 1, 1]), { sampler: 'random' }), []);
  });

  test('variant: no rows at all', () => {
    assert.throws(() => checkTripletLabels([], { sampler: 'pk' }), /hold 0 classes: none\.$/);
  });

  test('variant: more than 10 classes are summarised', () => {
    const labels = Array.from({ length: 15 }, (_, i) => i);
    assert.throws(() => checkTripletLabels(labels, { sampler: 'pk' }), /class 9 \(1\), … and 5 more\.$/);
  });
});

describe('sampler feasibility: no one-row batch (issue case 8: 33 rows in batches of 32)', () => {
  test('randomSampler merges a one-row last batch into the one before, and says so', () => {
    const s = randomSampler(33, { batchSize: 32, seed: 3 });
    for (let epoch = 0; epoch < 3; epoch++) {
      const batches = s.epochBatches(epoch);
      assert.deepEqual(
        batches.map((b) => b.length),
        [33],
      );
      assert.equal(new Set(batches[0]).size, 33);
    }
    assert.equal(s.description, 'random batches of 32 (seed 3); the last row joins the batch before');
    assert.equal(randomSampler(64, { batchSize: 32, seed: 3 }).description, 'random batches of 32 (seed 3)');
  });

  test('variant: 65 rows → 32 + 33; minBatchSize 3 merges a 2-row tail; minBatchSize 1 and dropLast keep old ways', () => {
    const lengths = (n: number, o: object) =>
      randomSampler(n, { batchSize: 32, seed: 1, ...o })
        .epochBatches(0)
        .map((b) => b.length);
    assert.deepEqual(lengths(65, {}), [32, 33]);
    assert.deepEqual(lengths(66, {}), [32, 32, 2]);
    assert.deepEqual(lengths(66, { minBatchSize: 3 }), [32, 34]);
    assert.deepEqual(lengths(33, { minBatchSize: 1 }), [32, 1]);
    assert.deepEqual(lengths(33, { dropLast: true }), [32]);
    assert.deepEqual(lengths(1, {}), [1], 'a lone batch cannot merge');
    assert.deepEqual(
      randomSampler(3, { batchSize: 1, seed: 1 })
        .epochBatches(0)
        .map((b) => b.length),
      [1, 1, 1],
      'batch size 1 keeps its batches',
    );
    assert.throws(
      () => makeBatches([1, 2], { batchSize: 2, minBatchSize: 3 }),
      /'minBatchSize' must be an integer in \[1, batchSize 2\]; got 3/,
    );
  });

  test('every merged batch goes through the semi-hard triplet loss (a one-row batch failed: "depth must be >=2")', async () => {
    await initBackend('cpu');
    const before = tf.memory().numTensors;
    const labels = repeat([17, 16]);
    for (const b of randomSampler(33, { batchSize: 32, seed: 3 }).epochBatches(0)) {
      const y = Array.from(b, (i) => labels[i]);
      const loss = tf.tidy(() => batchSemiHardTripletLoss(y, tf.randomNormal([b.length, 4], 0, 1, 'float32', 1)));
      assert.ok(Number.isFinite(loss.dataSync()[0]));
      loss.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
  });
});
