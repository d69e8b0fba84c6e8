/**
 * The benchmark's pieces (no timings asserted): medians, interleaving, FLOP counts, synthetic
 * batches, the peer's skip message, and that a training step leaks no tensors over many steps.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { lossAgreement } from '../../lib/bench/format';
import { encoderForwardFlops } from '../../lib/bench/flops';
import { loadPeer, maxAbsDiff, onnxExportProblem } from '../../lib/bench/peer';
import { trainingTokenLimit } from '../../lib/bench/run';
import { median, timeRepeated } from '../../lib/bench/stats';
import { pkLabels, syntheticBatch, TrainingBench } from '../../lib/bench/workloads';
import { parseConfig } from '../../lib/model/config';
import { loadEncoder } from '../../lib/model/load';
import albertBase from '../fixtures/albert-base-v2-config.json';
import { TEST_BACKENDS } from '../helpers/backends';

describe('stats', () => {
  test('median of odd and even lengths; empty is an error', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]), /median: 'xs' must not be empty/);
  });

  test('timeRepeated runs warm-up + repeats and reports every timed run', async () => {
    let calls = 0;
    const t = await timeRepeated(
      async () => {
        calls++;
      },
      { warmup: 2, repeats: 3 },
    );
    assert.equal(calls, 5);
    assert.equal(t.runsMs.length, 3);
    await assert.rejects(
      timeRepeated(async () => {}, { warmup: 0, repeats: 0 }),
      /'repeats' must be an integer >= 1; got 0/,
    );
  });
});

describe('flops and limits', () => {
  test('ALBERT-base forward at 32 tokens is ~171 MFLOP per token (hand count)', () => {
    const c = parseConfig(albertBase as Record<string, unknown>);
    const t = 32;
    const perLayer = 4 * t * 768 * 768 + 2 * t * 768 * 3072 + 2 * t * t * 768;
    const expected = 2 * (12 * perLayer + t * 128 * 768 + 768 * 768);
    assert.equal(encoderForwardFlops(c, t), expected);
    assert.ok(Math.abs(expected / t / 1e6 - 171) < 1, `${expected / t / 1e6} MFLOP/token`);
  });

  test('wasm training limit keeps ALBERT-base 32x32 and refuses 32x64 (4 GB heap)', () => {
    const c = parseConfig(albertBase as Record<string, unknown>);
    const limit = trainingTokenLimit('wasm', c);
    assert.ok(limit >= 1024 && limit < 2048, `limit ${limit}`);
  });
});

describe('synthetic batches and labels', () => {
  test('exact length, [CLS]/[SEP] at the ends, ids inside the vocabulary, deterministic', () => {
    const b = syntheticBatch(4, 6, 100, 3);
    assert.equal(b.inputIds.length, 24);
    assert.deepEqual([b.inputIds[0], b.inputIds[5], b.inputIds[6]], [2, 3, 2]);
    assert.ok([...b.inputIds].every((v) => v >= 2 && v < 100));
    assert.ok([...b.attentionMask].every((v) => v === 1));
    assert.deepEqual(syntheticBatch(4, 6, 100, 3).inputIds, b.inputIds);
    assert.notDeepEqual(syntheticBatch(4, 6, 100, 4).inputIds, b.inputIds);
    assert.throws(() => syntheticBatch(1, 6, 100), /'batchSize' must be an integer >= 2; got 1/);
  });

  test('P x K labels give every class at least two rows', () => {
    for (const n of [4, 10, 32, 64]) {
      const counts = new Map<number, number>();
      for (const l of pkLabels(n)) counts.set(l, (counts.get(l) ?? 0) + 1);
      assert.ok(
        [...counts.values()].every((c) => c >= 2),
        `batch ${n}`,
      );
    }
  });
});

describe('peer and comparisons', () => {
  test('a folder without an ONNX export gives a message naming the script; loadPeer refuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-onnx-'));
    try {
      assert.match(
        onnxExportProblem(dir) ?? '',
        /no ONNX export at .*\(missing config\.json\).*scripts\/export-onnx\.py/,
      );
      await assert.rejects(loadPeer(dir), /loadPeer: no ONNX export/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('maxAbsDiff and lossAgreement', () => {
    assert.equal(maxAbsDiff([1, 2, 3], [1, 2.5, 2]), 1);
    assert.throws(() => maxAbsDiff([1], [1, 2]), /equal lengths; got 1 and 2/);
    assert.deepEqual(lossAgreement([1, 2, 3], [1, 2.25]), { steps: 2, maxAbsDiff: 0.25 });
  });
});

for (const backend of TEST_BACKENDS) {
  describe(`TrainingBench on ${backend}`, () => {
    before(async () => {
      await initBackend(backend);
    });

    test('tiny-albert: the live tensor count is flat over 6 steps and dispose frees everything', async () => {
      const n0 = tf.memory().numTensors;
      const bench = new TrainingBench(await loadEncoder('test/fixtures/tiny-albert'), syntheticBatch(8, 8, 30000, 1), {
        learningRate: 1e-3,
      });
      const counts: number[] = [];
      const losses: number[] = [];
      for (let i = 0; i < 6; i++) {
        losses.push(await bench.step());
        counts.push(tf.memory().numTensors);
      }
      // Adam creates its two moment slots per variable on the first step; after that nothing may grow.
      assert.deepEqual(
        counts.slice(1),
        counts.slice(0, 5).map(() => counts[0]),
        `tensor counts ${counts}`,
      );
      assert.ok(losses.every(Number.isFinite));
      assert.ok(losses[5] < losses[0], `the loss of a fixed batch must fall with lr 1e-3: ${losses}`);
      bench.dispose();
      assert.equal(tf.memory().numTensors, n0);
    });
  });
}
