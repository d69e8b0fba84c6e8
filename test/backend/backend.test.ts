import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { unsortedSegmentSumValues } from '../../lib/backend/unsorted-segment-sum';

test('unsortedSegmentSumValues sums rows into segments and drops out-of-range ids', () => {
  const out = new Float32Array(6);
  unsortedSegmentSumValues([1, 2, 3, 4, 5, 6, 7, 8], [2, 0, 2, 5], 3, out);
  assert.deepEqual([...out], [3, 4, 0, 0, 6, 8]);
});

test('an explicit unknown backend is rejected with the allowed values', async () => {
  await assert.rejects(initBackend('gpu' as never), /must be one of auto, tensorflow, wasm, cpu; got 'gpu'/);
});

test('gather gradient (UnsortedSegmentSum) on wasm equals cpu', async () => {
  const grads: number[][] = [];
  for (const name of ['wasm', 'cpu'] as const) {
    const info = await initBackend(name);
    assert.equal(info.name, name);
    assert.equal(tf.getBackend(), name);
    const before = tf.memory().numTensors;
    const table = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const ids = tf.tensor1d([2, 0, 2], 'int32');
    const g = tf.grad((t: tf.Tensor) =>
      tf
        .gather(t, ids)
        .mul(tf.tensor1d([1, 10]))
        .sum(),
    )(table);
    grads.push(Array.from(await g.data()));
    tf.dispose([table, ids, g]);
    assert.equal(tf.memory().numTensors, before);
  }
  assert.deepEqual(grads[0], [1, 10, 0, 0, 2, 20]);
  assert.deepEqual(grads[0], grads[1]);
});
