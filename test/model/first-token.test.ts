/**
 * encoder.embed with pooling 'pooler' or 'cls' computes the last layer for the first token only
 * (lib/model/albert.ts, bert.ts): its sentence vectors and their gradients must equal the full
 * forward pass's (forward().pooledOutput, the first row of lastHiddenState), on every backend.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { loadEncoder } from '../../lib/model/load';
import type { TokenBatch } from '../../lib/model/types';
import { TEST_BACKENDS } from '../helpers/backends';

const TOL = 1e-5;

async function maxDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  assert.deepEqual(a.shape, b.shape);
  const [x, y] = [await a.data(), await b.data()];
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

function batch(): TokenBatch {
  // Two texts, the second padded: the mask must still hide its padding from the first token.
  return {
    inputIds: tf.tensor2d(
      [
        [2, 15, 27, 99, 120, 3],
        [2, 44, 3, 0, 0, 0],
      ],
      [2, 6],
      'int32',
    ),
    attentionMask: tf.tensor2d(
      [
        [1, 1, 1, 1, 1, 1],
        [1, 1, 1, 0, 0, 0],
      ],
      [2, 6],
      'int32',
    ),
    tokenTypeIds: tf.zeros([2, 6], 'int32') as tf.Tensor2D,
  };
}

for (const backend of TEST_BACKENDS) {
  describe(`first-token last layer on ${backend}`, () => {
    before(async () => {
      await initBackend(backend);
    });

    for (const name of ['tiny-albert', 'tiny-bert']) {
      test(`${name}: pooler and cls vectors and their gradients equal the full forward pass's`, async () => {
        const n0 = tf.memory().numTensors;
        const b = batch();
        for (const pooling of ['pooler', 'cls'] as const) {
          const encoder = await loadEncoder(`test/fixtures/${name}`, { pooling });
          const full = (): tf.Tensor2D => {
            const out = encoder.forward(b, { training: true });
            const [bs, , h] = out.lastHiddenState.shape;
            return pooling === 'pooler'
              ? out.pooledOutput
              : (out.lastHiddenState.slice([0, 0, 0], [bs, 1, h]).reshape([bs, h]) as tf.Tensor2D);
          };
          const fast = (): tf.Tensor2D => encoder.embed(b, { training: true });
          const [yFast, yFull] = [tf.tidy(fast), tf.tidy(full)];
          const d = await maxDiff(yFast, yFull);
          assert.ok(d < TOL, `${pooling} value: max abs diff ${d}`);
          const probe = tf.randomNormal(yFull.shape, 0, 1, 'float32', 3);
          const vars = encoder.trainableVariables();
          const g = (f: () => tf.Tensor2D) => tf.variableGrads(() => f().mul(probe).sum() as tf.Scalar, vars);
          const [gf, gr] = [g(fast), g(full)];
          // Variables off the path (the pooler weights with 'cls') get no gradient in either.
          assert.deepEqual(Object.keys(gf.grads).sort(), Object.keys(gr.grads).sort());
          for (const v of vars.filter((x) => gr.grads[x.name])) {
            const dv = await maxDiff(gf.grads[v.name], gr.grads[v.name]);
            assert.ok(dv < TOL, `${pooling} d/d${v.name}: max abs diff ${dv}`);
          }
          tf.dispose([yFast, yFull, probe, gf.value, gr.value, ...Object.values(gf.grads), ...Object.values(gr.grads)]);
          encoder.dispose();
        }
        tf.dispose([b.inputIds, b.attentionMask, b.tokenTypeIds]);
        assert.equal(tf.memory().numTensors, n0, 'leaked tensors');
      });
    }
  });
}
