/**
 * Bootstrap intervals against numpy/scikit-learn on the SAME resamples (test/fixtures/bootstrap.json: our seeded
 * resamples, written by scripts/goldens/bootstrap_resamples.ts; numpy's percentiles by scripts/goldens/bootstrap.py).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bootstrapDistribution,
  bootstrapInterval,
  bootstrapResamples,
  pairedBootstrapDifference,
  percentile,
  type BootstrapInterval,
} from '../../lib/metrics/bootstrap';
import { accuracyScore, f1Score } from '../../lib/metrics/classification';
import { makeRandom, randomInt } from '../../lib/data/rng';

interface Expected {
  estimate: number;
  low: number;
  high: number;
}
const fx = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'bootstrap.json'), 'utf8')) as {
  seed: number;
  n_resamples: number;
  y_true: number[];
  y_pred_a: number[];
  y_pred_b: number[];
  resamples: number[][];
  expected: Record<string, Expected> & {
    accuracy_a_distribution: number[];
    f1_macro_a_distribution: number[];
    percentile_values: number[];
    percentiles: Record<string, number>;
  };
};
// Same resamples and the same formulas: only summation order differs (macro F1 averages per-class scores).
const TOL = 1e-12;
const opts = { seed: fx.seed, nResamples: fx.n_resamples };

function close(got: BootstrapInterval, want: Expected, what: string): void {
  for (const k of ['estimate', 'low', 'high'] as const)
    assert.ok(Math.abs(got[k] - want[k]) <= TOL, `${what} ${k}: got ${got[k]}, numpy ${want[k]}`);
  assert.equal(got.confidence, 0.95);
  assert.equal(got.nResamples, fx.n_resamples);
}

describe('bootstrap intervals vs numpy on the same resamples', () => {
  test('the seeded resamples are the ones stored in the fixture (and differ for another seed)', () => {
    const r = bootstrapResamples(fx.y_true.length, opts);
    assert.deepEqual(
      r.map((x) => Array.from(x)),
      fx.resamples,
    );
    assert.notDeepEqual(
      Array.from(bootstrapResamples(fx.y_true.length, { ...opts, seed: fx.seed + 1 })[0]),
      fx.resamples[0],
    );
  });

  for (const metric of ['accuracy', 'f1_macro'] as const) {
    test(`${metric}: each classifier's interval and the paired difference A − B within ${TOL}`, () => {
      close(bootstrapInterval(fx.y_true, fx.y_pred_a, metric, opts), fx.expected[`${metric}_a`], 'A');
      close(bootstrapInterval(fx.y_true, fx.y_pred_b, metric, opts), fx.expected[`${metric}_b`], 'B');
      close(
        pairedBootstrapDifference(fx.y_true, fx.y_pred_a, fx.y_pred_b, metric, opts),
        fx.expected[`${metric}_a_minus_b`],
        'A − B',
      );
      const dist = bootstrapDistribution(fx.y_true, fx.y_pred_a, metric, bootstrapResamples(fx.y_true.length, opts));
      const want = fx.expected[`${metric}_a_distribution`];
      dist.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= TOL, `resample ${i}: ${v} vs ${want[i]}`));
    });
  }

  test("percentile equals np.percentile (method 'linear')", () => {
    for (const [q, want] of Object.entries(fx.expected.percentiles))
      assert.ok(Math.abs(percentile(fx.expected.percentile_values, Number(q)) - want) <= 1e-15, `q=${q}`);
  });

  test('a paired difference of a classifier with itself is exactly 0; a custom metric works', () => {
    const d = pairedBootstrapDifference(fx.y_true, fx.y_pred_a, fx.y_pred_a, 'accuracy', opts);
    assert.deepEqual([d.estimate, d.low, d.high], [0, 0, 0]);
    const errors = bootstrapInterval(fx.y_true, fx.y_pred_a, (t, p) => t.filter((v, i) => v !== p[i]).length, {
      seed: 1,
      nResamples: 50,
    });
    assert.ok(errors.low <= errors.estimate && errors.estimate <= errors.high);
  });

  test('accuracy and macro F1 from class counts equal the generic metrics on every resample (random data)', () => {
    const random = makeRandom('bootstrap-fast-path');
    // Small and large n, few and many classes, sparse label ids (absent classes), labels only ever predicted.
    const cases = [
      { n: 1, classes: 1, ids: [0] },
      { n: 7, classes: 3, ids: [0, 5, 40] },
      { n: 60, classes: 41, ids: Array.from({ length: 41 }, (_, c) => c) },
      { n: 500, classes: 6, ids: [2, 3, 9, 10, 11, 300] },
      { n: 2000, classes: 41, ids: Array.from({ length: 41 }, (_, c) => 2 * c) },
    ];
    const generic = {
      accuracy: (t: readonly number[], p: readonly number[]) => accuracyScore(t, p),
      f1_macro: (t: readonly number[], p: readonly number[]) => f1Score(t, p, { average: 'macro', zeroDivision: 0 }),
    };
    for (const { n, classes, ids } of cases) {
      const yTrue = Array.from({ length: n }, () => ids[randomInt(random, Math.max(1, classes - 1))]);
      const yPred = yTrue.map((y) => (random() < 0.6 ? y : ids[randomInt(random, classes)]));
      const resamples = bootstrapResamples(n, { seed: n, nResamples: 40 });
      for (const metric of ['accuracy', 'f1_macro'] as const) {
        const fast = bootstrapDistribution(yTrue, Int32Array.from(yPred), metric, resamples);
        const slow = bootstrapDistribution(yTrue, yPred, generic[metric], resamples);
        fast.forEach((v, i) =>
          assert.ok(Math.abs(v - slow[i]) <= 1e-12, `n=${n} ${metric} resample ${i}: ${v} vs ${slow[i]}`),
        );
      }
    }
    // Labels the counts cannot index (negative) take the generic path: the same values.
    const neg = bootstrapDistribution([-1, 0, 1, 1], [-1, 1, 1, 0], 'f1_macro', bootstrapResamples(4, opts));
    const negGeneric = bootstrapDistribution(
      [-1, 0, 1, 1],
      [-1, 1, 1, 0],
      generic.f1_macro,
      bootstrapResamples(4, opts),
    );
    assert.deepEqual(Array.from(neg), Array.from(negGeneric));
    assert.throws(
      () => bootstrapDistribution([0, 1], [0, 1], 'accuracy', [Int32Array.from([0, 2])]),
      /resample 0 must hold row indices in \[0, 2\); got 2/,
    );
  });

  test('errors name the parameter and what was given', () => {
    assert.throws(() => bootstrapResamples(0, opts), /'n' must be a positive integer \(the number of rows\); got 0/);
    assert.throws(() => bootstrapResamples(5, { seed: -1 }), /'seed' must be a non-negative integer; got -1/);
    assert.throws(
      () => bootstrapInterval([1, 2], [1, 2], 'accuracy', { seed: 1, confidence: 95 }),
      /'confidence' must be in \(0, 1\); got 95/,
    );
    assert.throws(() => bootstrapInterval([1, 2], [1], 'accuracy', opts), /one label per row of 'yTrue' \(2\); got 1/);
    assert.throws(
      () => bootstrapInterval([1, 2], [1, 2], 'auc' as 'accuracy', opts),
      /'metric' must be 'accuracy', 'f1_macro' or a function; got "auc"/,
    );
    assert.throws(() => percentile([], 50), /'values' must not be empty/);
  });
});
