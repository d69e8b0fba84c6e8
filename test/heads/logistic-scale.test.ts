/**
 * The logistic head at scale: the C search on a seeded stratified subsample above `cvMaxRows` (final fit on every
 * row, equal to scikit-learn's LogisticRegression at the chosen C: test/fixtures/logistic_regression.json
 * `cv.refit_by_C`, scripts/goldens/logistic_regression.py), bit-identical results at or below the threshold, and
 * L-BFGS stopped by an AbortSignal between iterations.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { fitLogisticRegression } from '../../lib/heads/logistic';
import { fitLogisticRegressionCV, stratifiedSubsample } from '../../lib/heads/logistic-cv';
import { minimizeLbfgs } from '../../lib/train/lbfgs';
import type { FeatureMatrix } from '../../lib/train/batches';
import { TEST_BACKENDS } from '../helpers/backends';

const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'logistic_regression.json'), 'utf8'),
) as {
  x: number[][];
  cases: { labels: number[] }[];
  cv: { Cs: number[]; refit_by_C: { C: number; coef: number[][]; intercept: number[] }[] };
};
const X: FeatureMatrix = { data: Float32Array.from(golden.x.flat()), rows: golden.x.length, cols: golden.x[0].length };
// 150 rows: 60/40/30/20 of classes 0..3.
const LABELS = golden.cases[0].labels;
// As test/heads/logistic.test.ts: fitted to max |gradient| <= 1e-7, coefficients within 1e-3 of scikit-learn's.
const COEF_TOL = 1e-3;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const countOf = (labels: ArrayLike<number>, rows: ArrayLike<number>, c: number) =>
  Array.from(rows).filter((r) => labels[r] === c).length;

describe('stratifiedSubsample', () => {
  test('exactly `size` distinct ascending positions, seeded, every class in proportion', () => {
    const s = stratifiedSubsample(LABELS, 75, 3);
    assert.equal(s.length, 75);
    assert.deepEqual(
      Array.from(s),
      [...new Set(s)].sort((a, b) => a - b),
    );
    assert.deepEqual(s, stratifiedSubsample(LABELS, 75, 3), 'the same seed gives the same rows');
    assert.notDeepEqual(s, stratifiedSubsample(LABELS, 75, 4), 'another seed gives other rows');
    // Half of 60/40/30/20.
    assert.deepEqual(
      [0, 1, 2, 3].map((c) => countOf(LABELS, s, c)),
      [30, 20, 15, 10],
    );
    // 100 of 150: shares 40, 26.7, 20, 13.3; largest remainder gives the extra row to class 1.
    assert.deepEqual(
      [0, 1, 2, 3].map((c) => countOf(LABELS, stratifiedSubsample(LABELS, 100, 0), c)),
      [40, 27, 20, 13],
    );
  });

  test('every class keeps min(count, minPerClass) rows; all rows when size covers them; errors', () => {
    const labels = [...Array.from({ length: 995 }, () => 0), 1, 1, 2, 2, 2];
    const s = stratifiedSubsample(labels, 20, 1, 3);
    assert.equal(s.length, 20);
    assert.deepEqual(
      [0, 1, 2].map((c) => countOf(labels, s, c)),
      [15, 2, 3],
    );
    assert.deepEqual(
      Array.from(stratifiedSubsample(labels, 1000, 1)),
      Array.from({ length: 1000 }, (_, i) => i),
    );
    assert.throws(
      () => stratifiedSubsample(labels, 0, 1),
      /stratifiedSubsample: 'size' must be a positive integer; got 0/,
    );
    assert.throws(() => stratifiedSubsample(labels, 7, 1, 3), /'size' must hold 3 rows of each of the 3 classes \(8\)/);
  });
});

describe('fitLogisticRegressionCV with cvMaxRows', () => {
  test('at or below the threshold: bit-identical to no threshold', async () => {
    await initBackend(TEST_BACKENDS[0]);
    const opts = { Cs: golden.cv.Cs, folds: 5, seed: 2 };
    const plain = await fitLogisticRegressionCV(X, LABELS, opts);
    for (const cvMaxRows of [150, 30_000]) {
      const r = await fitLogisticRegressionCV(X, LABELS, { ...opts, cvMaxRows });
      assert.deepEqual(r.cvLoss, plain.cvLoss);
      assert.equal(r.C, plain.C);
      assert.deepEqual([r.model.coef, r.model.intercept], [plain.model.coef, plain.model.intercept]);
      assert.deepEqual([r.cvRows, r.rows], [150, 150]);
    }
  });

  test("above it: the search on the seeded subsample, the final fit on every row = scikit-learn's at that C", async () => {
    await initBackend(TEST_BACKENDS[0]);
    const before = tf.memory().numTensors;
    const opts = { Cs: golden.cv.Cs, folds: 3, seed: 5, tol: 1e-7 };
    const r = await fitLogisticRegressionCV(X, LABELS, { ...opts, cvMaxRows: 90 });
    assert.deepEqual([r.cvRows, r.rows, r.folds], [90, 150, 3]);
    // The same search run by hand on the subsample's rows: the same held-out losses and C, to the bit.
    const sub = stratifiedSubsample(LABELS, 90, 5, 3);
    const byHand = await fitLogisticRegressionCV(
      X,
      Array.from(sub, (i) => LABELS[i]),
      { ...opts, rows: sub },
    );
    assert.deepEqual(r.cvLoss, byHand.cvLoss);
    assert.equal(r.C, byHand.C);
    // The final model is the fit on all 150 rows (scikit-learn's), not the subsample's.
    const sk = golden.cv.refit_by_C.find((g) => g.C === r.C)!;
    const dc = maxDiff(r.model.coef, sk.coef.flat());
    const di = maxDiff(r.model.intercept, sk.intercept);
    assert.ok(dc <= COEF_TOL && di <= COEF_TOL, `C=${r.C}: coef max diff ${dc}, intercept ${di}`);
    assert.ok(maxDiff(byHand.model.coef, sk.coef.flat()) > 10 * COEF_TOL, 'the subsample alone fits other weights');
    assert.equal(tf.memory().numTensors, before);
  });

  test('errors: cvMaxRows needs a fold count and at least 2 rows', async () => {
    await initBackend(TEST_BACKENDS[0]);
    await assert.rejects(
      fitLogisticRegressionCV(X, LABELS, { cvMaxRows: 1 }),
      /fitLogisticRegressionCV: 'cvMaxRows' must be an integer of at least 2; got 1\./,
    );
    const folds = [0, 1].map((f) => Int32Array.from({ length: 75 }, (_, i) => 2 * i + f));
    await assert.rejects(
      fitLogisticRegressionCV(X, LABELS, { cvMaxRows: 100, folds }),
      /'cvMaxRows' needs a number of 'folds', not explicit held-out positions/,
    );
  });
});

describe('stopping L-BFGS with an AbortSignal', () => {
  const rosenbrock = (x: Float64Array) => {
    const g = new Float64Array(x.length);
    let f = 0;
    for (let i = 0; i + 1 < x.length; i++) {
      const a = x[i + 1] - x[i] * x[i],
        b = 1 - x[i];
      f += 100 * a * a + b * b;
      g[i] += -400 * x[i] * a - 2 * b;
      g[i + 1] += 200 * a;
    }
    return { f, g };
  };

  test('a timer aborts a synchronous objective between iterations', async () => {
    // f(x) = x is unbounded below: every line search accepts a longer step, so L-BFGS never stops by itself. The
    // objective never yields, so only L-BFGS's own turn of the event loop lets the timer run; without it, the
    // guard below ends the test with its error instead of an AbortError.
    let evaluations = 0;
    const linear = (x: Float64Array) => {
      if (++evaluations > 2_000_000) throw new Error('L-BFGS did not stop: the abort timer never ran');
      return { f: x[0], g: Float64Array.of(1) };
    };
    const controller = new AbortController();
    let iterations = 0;
    await assert.rejects(
      minimizeLbfgs(linear, new Float64Array(1), {
        tol: 0,
        ftol: 0,
        maxIter: 1e9,
        signal: controller.signal,
        onIteration: (i) => {
          iterations = i;
          if (i === 1) setTimeout(() => controller.abort(), 20);
        },
      }),
      { name: 'AbortError' },
    );
    assert.ok(iterations > 1, `${iterations} iterations before the abort`);
  });

  test('an aborted signal evaluates nothing; fitLogisticRegression rejects with its reason and frees its tensors', async () => {
    let evaluations = 0;
    const reason = new Error('stop now');
    await assert.rejects(
      minimizeLbfgs(
        (x) => {
          evaluations++;
          return rosenbrock(x);
        },
        new Float64Array(4),
        { signal: AbortSignal.abort(reason) },
      ),
      /stop now/,
    );
    assert.equal(evaluations, 0);
    await initBackend(TEST_BACKENDS[0]);
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const fit = fitLogisticRegression(X, LABELS, {
      tol: 0,
      maxIter: 1e6,
      signal: controller.signal,
      onIteration: (i) => i === 3 && controller.abort(reason),
    });
    await assert.rejects(fit, /stop now/);
    assert.equal(tf.memory().numTensors, before);
  });
});
