import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import {
  batchAllTripletLoss,
  batchHardTripletLoss,
  batchSemiHardTripletLoss,
  pairwiseDistances,
  tripletLoss,
  type TripletDistance,
  type TripletLossOptions,
} from '../../lib/losses';
import { TEST_BACKENDS } from '../helpers/backends';
import { batchAllRef, batchHardRef, finiteDifferenceGrad, semiHardRef } from './reference';

interface GoldenCase {
  name: string;
  embeddings: number[][];
  labels: number[];
  semi_hard: number;
  semi_hard_grad: number[][];
  batch_hard: number;
  batch_hard_grad: number[][];
  batch_all: number;
  batch_all_grad: number[][];
}
const golden = JSON.parse(readFileSync(new URL('../fixtures/triplet_losses.json', import.meta.url), 'utf8')) as {
  cases: GoldenCase[];
};

type LossFn = (labels: number[], e: tf.Tensor2D, o?: TripletLossOptions) => tf.Scalar;
const LOSSES: [string, LossFn, 'semi_hard' | 'batch_hard' | 'batch_all'][] = [
  ['batch-semi-hard', batchSemiHardTripletLoss, 'semi_hard'],
  ['batch-hard', batchHardTripletLoss, 'batch_hard'],
  ['batch-all', batchAllTripletLoss, 'batch_all'],
];

/** Loss value and gradient w.r.t. the embeddings, asserting no tensor leaks. */
function lossAndGrad(
  fn: LossFn,
  labels: number[],
  x: number[][],
  options?: TripletLossOptions,
): { loss: number; grad: Float32Array } {
  const before = tf.memory().numTensors;
  const e = tf.tensor2d(x);
  const { value, grad: g } = tf.valueAndGrad((t: tf.Tensor) => fn(labels, t as tf.Tensor2D, options))(e);
  const out = { loss: value.dataSync()[0], grad: g.dataSync() as Float32Array };
  tf.dispose([e, value, g]);
  assert.equal(tf.memory().numTensors, before, 'tensor leak');
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: number[]): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    assert.ok(Number.isFinite(a[i]), `non-finite value at ${i}: ${a[i]}`);
    m = Math.max(m, Math.abs(a[i] - b[i]));
  }
  return m;
}

for (const backend of TEST_BACKENDS) {
  describe(`triplet losses on ${backend}`, () => {
    const worst: Record<string, { loss: number; grad: number }> = {};
    for (const [name, fn, key] of LOSSES) {
      for (const c of golden.cases) {
        test(`${name} matches sentence-transformers on '${c.name}' (loss and gradient within 1e-5)`, async () => {
          await initBackend(backend);
          const { loss, grad } = lossAndGrad(fn, c.labels, c.embeddings);
          const lossErr = Math.abs(loss - c[key]);
          const gradErr = maxAbsDiff(grad, c[`${key}_grad`].flat());
          worst[name] = {
            loss: Math.max(worst[name]?.loss ?? 0, lossErr),
            grad: Math.max(worst[name]?.grad ?? 0, gradErr),
          };
          assert.ok(lossErr <= 1e-5, `loss ${loss} vs ${c[key]} (err ${lossErr})`);
          assert.ok(gradErr <= 1e-5, `gradient max abs err ${gradErr}`);
        });
      }
    }
    test('report worst errors', () => {
      for (const [k, v] of Object.entries(worst))
        console.log(
          `# ${backend} ${k}: max |loss err| ${v.loss.toExponential(2)}, max |grad err| ${v.grad.toExponential(2)}`,
        );
    });

    test('duplicate points give exact zero distances and finite gradients for every distance', async () => {
      await initBackend(backend);
      const dup = golden.cases.find((c) => c.name === 'duplicates')!;
      for (const distance of ['euclidean', 'squared', 'cosine'] as TripletDistance[]) {
        const d = tf.tidy(() => pairwiseDistances(tf.tensor2d(dup.embeddings), distance).arraySync());
        assert.ok(Math.abs(d[0][1]) < 1e-6, `${distance}: d(dup) = ${d[0][1]}`);
        for (const [, fn] of LOSSES) {
          const { loss, grad } = lossAndGrad(fn, dup.labels, dup.embeddings, { distance });
          assert.ok(Number.isFinite(loss) && grad.every(Number.isFinite), `${distance}: NaN/Inf`);
        }
      }
    });

    const sample = golden.cases.find((c) => c.name === 'unnormalized')!;
    const refs = { 'batch-semi-hard': semiHardRef, 'batch-hard': batchHardRef, 'batch-all': batchAllRef };
    for (const distance of ['squared', 'cosine', 'euclidean'] as TripletDistance[]) {
      for (const [name, fn] of LOSSES) {
        test(`${name} with '${distance}' distance and margin 0.5 matches a float64 brute-force reference (rel 1e-5; grad vs finite differences 1e-4)`, async () => {
          await initBackend(backend);
          const ref = refs[name as keyof typeof refs];
          const f = (x: number[][]) => ref(sample.labels, x, distance, 0.5);
          const { loss, grad } = lossAndGrad(fn, sample.labels, sample.embeddings, { distance, margin: 0.5 });
          const expected = f(sample.embeddings);
          assert.ok(Math.abs(loss - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), `loss ${loss} vs ${expected}`);
          const fd = finiteDifferenceGrad(f, sample.embeddings).flat();
          const scale = Math.max(1, ...fd.map(Math.abs));
          assert.ok(maxAbsDiff(grad, fd) <= 1e-4 * scale, `grad err ${maxAbsDiff(grad, fd)}`);
        });
      }
    }
  });
}

describe('triplet loss arguments', () => {
  test('errors name the function, the parameter and the value', async () => {
    await initBackend(TEST_BACKENDS[0]);
    const before = tf.memory().numTensors;
    const e = tf.zeros([3, 2]) as tf.Tensor2D;
    assert.throws(
      () => batchSemiHardTripletLoss([0, 1], e),
      /batchSemiHardTripletLoss: 'labels' must be 1-D with one label per embedding row \(3\); got 2 labels/,
    );
    assert.throws(
      () => batchHardTripletLoss([0, 1, 1], e, { distance: 'manhattan' as never }),
      /batchHardTripletLoss: 'distance' must be one of euclidean, squared, cosine; got "manhattan"/,
    );
    assert.throws(
      () => batchAllTripletLoss([0, 1, 1], e, { margin: Number.NaN }),
      /batchAllTripletLoss: 'margin' must be a finite number; got NaN/,
    );
    assert.throws(
      () => tripletLoss('semi-hard' as never),
      /tripletLoss: 'name' must be one of batch-semi-hard, batch-hard, batch-all; got "semi-hard"/,
    );
    const flat = tf.zeros([3]);
    assert.throws(() => batchSemiHardTripletLoss([0, 1, 1], flat as never), /'embeddings' must be a 2-D tensor/);
    tf.dispose([e, flat]);
    assert.equal(tf.memory().numTensors, before);
  });

  test('tripletLoss binds options and accepts a label tensor', async () => {
    await initBackend(TEST_BACKENDS[0]);
    const c = golden.cases[0];
    const value = tf.tidy(
      () => tripletLoss('batch-all')(tf.tensor1d(c.labels, 'int32'), tf.tensor2d(c.embeddings)).dataSync()[0],
    );
    assert.ok(Math.abs(value - c.batch_all) <= 1e-5);
  });
});
