/**
 * The hand-written-gradient ops (lib/model/fast-ops) against TF.js autodiff of the plain formulas:
 * values and gradients (w.r.t. every input, weights as plain tensors and as Variables), no leaks.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { batchMatMul, gelu, layerNormOp, linear2d } from '../../lib/model/fast-ops';
import { TEST_BACKENDS } from '../helpers/backends';

/** Float32 rounding of sums over a few hundred terms: relative 1e-5 with an absolute floor. */
const TOL = 2e-5;

async function assertClose(actual: tf.Tensor, expected: tf.Tensor, what: string, tol = TOL): Promise<void> {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = await actual.data();
  const e = await expected.data();
  let worst = 0;
  for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i])));
  assert.ok(worst <= tol, `${what}: max relative error ${worst} > ${tol}`);
}

/** Value and gradients of sum(f(...) * probe) w.r.t. each input, for `fast` and `reference`. */
async function compareGrads(
  inputs: tf.Tensor[],
  fast: (...xs: tf.Tensor[]) => tf.Tensor,
  reference: (...xs: tf.Tensor[]) => tf.Tensor,
  what: string,
): Promise<void> {
  const n0 = tf.memory().numTensors;
  const y1 = tf.tidy(() => fast(...inputs));
  const y2 = tf.tidy(() => reference(...inputs));
  const probe = tf.randomNormal(y2.shape, 0, 1, 'float32', 7);
  const run = (f: (...xs: tf.Tensor[]) => tf.Tensor) =>
    tf.valueAndGrads((...xs: tf.Tensor[]) =>
      f(...xs)
        .mul(probe)
        .sum(),
    )(inputs);
  await assertClose(y1, y2, `${what} value`);
  const a = run(fast);
  const b = run(reference);
  for (let i = 0; i < inputs.length; i++) await assertClose(a.grads[i], b.grads[i], `${what} d/dinput${i}`);
  tf.dispose([y1, y2, probe, a.value, b.value, ...a.grads, ...b.grads]);
  assert.equal(tf.memory().numTensors, n0, `${what}: leaked tensors`);
}

const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

for (const backend of TEST_BACKENDS) {
  describe(`fast ops on ${backend}`, () => {
    before(async () => {
      await initBackend(backend);
    });

    test('linear2d equals x W^T + b with autodiff gradients (weights as tensors)', async () => {
      const xs = [rand([6, 5], 1), rand([4, 5], 2), rand([4], 3)];
      await compareGrads(
        xs,
        (x, w, b) => linear2d(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
        (x, w, b) => tf.matMul(x, w, false, true).add(b),
        'linear2d',
      );
      tf.dispose(xs);
    });

    test('linear2d with Variable weights: gradients reach the variables (variableGrads)', async () => {
      const x = rand([6, 5], 4);
      const w = tf.variable(rand([4, 5], 5));
      const b = tf.variable(rand([4], 6));
      const n0 = tf.memory().numTensors;
      const f = (fast: boolean) =>
        tf.variableGrads(() => {
          const y = fast
            ? linear2d(x as tf.Tensor2D, w as tf.Variable<tf.Rank.R2>, b as tf.Variable<tf.Rank.R1>)
            : tf.matMul(x, w, false, true).add(b);
          return y.square().sum() as tf.Scalar;
        }, [w, b]);
      const a = f(true);
      const r = f(false);
      await assertClose(a.value, r.value, 'loss');
      await assertClose(a.grads[w.name], r.grads[w.name], 'dW');
      await assertClose(a.grads[b.name], r.grads[b.name], 'db');
      tf.dispose([a.value, r.value, ...Object.values(a.grads), ...Object.values(r.grads)]);
      assert.equal(tf.memory().numTensors, n0);
      tf.dispose([x, w, b]);
    });

    test('batchMatMul equals tf.matMul with its gradients (4-D attention shapes)', async () => {
      const xs = [rand([2, 3, 4, 5], 8), rand([2, 3, 5, 4], 9)];
      await compareGrads(
        xs,
        (a, b) => batchMatMul(a, b),
        (a, b) => tf.matMul(a, b),
        'batchMatMul',
      );
      tf.dispose(xs);
    });

    for (const kind of ['tanh', 'erf'] as const) {
      test(`gelu (${kind}) value and analytic derivative equal autodiff of the formula`, async () => {
        const x = tf.mul(rand([3, 7], 10), 3); // covers the tails
        const reference =
          kind === 'tanh'
            ? (v: tf.Tensor) =>
                v.mul(0.5).mul(tf.tanh(v.add(v.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI))).add(1))
            : (v: tf.Tensor) => v.mul(0.5).mul(tf.erf(v.mul(Math.SQRT1_2)).add(1));
        await compareGrads([x], (v) => gelu(v, kind), reference, `gelu ${kind}`);
        x.dispose();
      });
    }

    test('layerNormOp equals the moments formula with autodiff gradients (x, gamma, beta)', async () => {
      const xs = [tf.add(rand([2, 3, 8], 11), 2), rand([8], 12), rand([8], 13)];
      const reference = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(x, 2, true);
        return x
          .sub(mean)
          .mul(tf.rsqrt(variance.add(1e-12)))
          .mul(g)
          .add(b);
      };
      await compareGrads(xs, (x, g, b) => layerNormOp(x, g, b, 1e-12), reference, 'layerNorm');
      tf.dispose(xs);
    });
  });
}
