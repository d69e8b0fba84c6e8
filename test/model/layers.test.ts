import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { activation, additiveMask, linear, maskedMean } from '../../lib/model/layers';
import { TEST_BACKENDS } from '../helpers/backends';

const TOL = 1e-6;
const close = (a: ArrayLike<number>, b: number[], tol = TOL) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `[${i}] ${a[i]} vs ${b[i]} (tol ${tol})`);
};

for (const backend of TEST_BACKENDS) {
  describe(`layers on ${backend}`, () => {
    before(async () => {
      await initBackend(backend);
    });

    test('linear uses [out, in] weights and adds the bias to every row (wasm fused matMul + transposeB bug guard)', async () => {
      const n0 = tf.memory().numTensors;
      const x = tf.tensor3d([
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [
          [7, 8, 9],
          [0, 1, 0],
        ],
      ]); // [2, 2, 3]
      const w = tf.tensor2d([
        [1, 0, 1],
        [0, 1, 0],
        [2, 2, 2],
        [1, 1, 1],
      ]); // [4, 3]
      const b = tf.tensor1d([0.5, 0, 0, 1]);
      const y = tf.tidy(() => linear(x, w, b)); // layers run inside the caller's tidy
      assert.deepEqual(y.shape, [2, 2, 4]);
      close(await y.data(), [4.5, 2, 12, 7, 10.5, 5, 30, 16, 16.5, 8, 48, 25, 0.5, 1, 2, 2]);
      tf.dispose([x, w, b, y]);
      assert.equal(tf.memory().numTensors, n0);
    });

    test('activations match reference values (gelu erf, gelu_new tanh, relu, silu)', async () => {
      const x = tf.tensor1d([-2, -0.5, 0, 0.5, 2]);
      // torch.nn.functional.gelu(x) and gelu(x, approximate='tanh')
      close(
        await tf.tidy(() => activation(x, 'gelu')).data(),
        [-0.04550028, -0.15426877, 0, 0.34573123, 1.95449972],
        1e-6,
      );
      close(
        await tf.tidy(() => activation(x, 'gelu_new')).data(),
        [-0.04540231, -0.15428599, 0, 0.34571401, 1.95459769],
        1e-6,
      );
      close(await tf.tidy(() => activation(x, 'relu')).data(), [0, 0, 0, 0.5, 2]);
      close(
        await tf.tidy(() => activation(x, 'silu')).data(),
        [-0.23840584, -0.18877033, 0, 0.31122967, 1.76159416],
        1e-6,
      );
      x.dispose();
    });

    test('additive mask and masked mean', async () => {
      const m = tf.tensor2d([[1, 1, 0]], undefined, 'int32');
      const a = tf.tidy(() => additiveMask(m));
      assert.deepEqual(a.shape, [1, 1, 1, 3]);
      close(await a.data(), [0, 0, -1e9]);
      const h = tf.tensor3d([
        [
          [1, 2],
          [3, 4],
          [100, 100],
        ],
      ]);
      const mean = tf.tidy(() => maskedMean(h, m));
      close(await mean.data(), [2, 3]);
      mean.dispose();
      tf.dispose([m, a, h]);
    });
  });
}
