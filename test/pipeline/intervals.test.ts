/**
 * subsetIntervals (lib/pipeline/intervals.ts) scores every resample from class counts (bootstrapScores); its
 * intervals must equal those of the generic metrics called on each resample's labels (scikit-learn's accuracy and
 * macro F1, zero_division 0; the generic path is checked against numpy in test/metrics/bootstrap.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRandom, randomInt } from '../../lib/data/rng';
import { bootstrapInterval, pairedBootstrapDifference } from '../../lib/metrics/bootstrap';
import { accuracyScore, f1Score } from '../../lib/metrics/classification';
import { subsetIntervals } from '../../lib/pipeline/intervals';

test('subsetIntervals equals the generic metrics per resample for each classifier and pair (1e-12)', () => {
  const random = makeRandom('intervals-test');
  const n = 400,
    classes = 12,
    seed = 5;
  // Class 11 is never true (only predicted), so resamples differ in the labels present.
  const yTrue = Array.from({ length: n }, () => randomInt(random, classes - 1));
  const pred = (p: number) => yTrue.map((y) => (random() < p ? y : randomInt(random, classes)));
  const yPred = { frozen: pred(0.4), trained: pred(0.6), siamese: pred(0.5) };
  const oneHot = (p: number[]) =>
    p.map((c) => Array.from({ length: classes }, (_, j) => (j === c ? 0.9 : 0.1 / classes)));
  const got = subsetIntervals(
    {
      frozen: { yTrue, yScore: oneHot(yPred.frozen) },
      trained: { yTrue, yScore: oneHot(yPred.trained) },
      siamese: { yTrue, yScore: oneHot(yPred.siamese) },
    },
    seed,
  );
  const generic = {
    accuracy: (t: readonly number[], p: readonly number[]) => accuracyScore(t, p),
    f1_macro: (t: readonly number[], p: readonly number[]) => f1Score(t, p, { average: 'macro', zeroDivision: 0 }),
  };
  const opts = { seed, nResamples: 1000 };
  const close = (a: { estimate: number; low: number; high: number }, b: typeof a, what: string) => {
    for (const k of ['estimate', 'low', 'high'] as const)
      assert.ok(Math.abs(a[k] - b[k]) <= 1e-12, `${what} ${k}: ${a[k]} vs generic ${b[k]}`);
  };
  for (const name of ['frozen', 'trained', 'siamese'] as const)
    for (const m of ['accuracy', 'f1_macro'] as const)
      close(got.classifiers[name]![m], bootstrapInterval(yTrue, yPred[name], generic[m], opts), `${name} ${m}`);
  for (const [a, b] of [
    ['siamese', 'frozen'],
    ['siamese', 'trained'],
  ] as const)
    for (const m of ['accuracy', 'f1_macro'] as const)
      close(
        got.paired[`${a}-${b}`][m],
        pairedBootstrapDifference(yTrue, yPred[a], yPred[b], generic[m], opts),
        `${a} − ${b} ${m}`,
      );
});
