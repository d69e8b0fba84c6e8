/**
 * compareRuns (lib/pipeline/compare-runs.ts): two run folders' saved validation predictions, compared per
 * classifier with paired bootstrap intervals; refused when the runs' validation rows differ.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRandom, randomInt } from '../../lib/data/rng';
import { pairedBootstrapDifference } from '../../lib/metrics/bootstrap';
import { compareRuns, formatRunComparison } from '../../lib/pipeline/compare-runs';
import { savePredictions } from '../../lib/pipeline/evaluate';
import type { RunConfig } from '../../lib/pipeline/config';

const CLASSES = 5;
const oneHot = (p: number[]) => p.map((c) => Array.from({ length: CLASSES }, (_, j) => (j === c ? 0.8 : 0.05)));

/** A run folder with split.json and the validation predictions of the given classifiers. */
async function fakeRun(root: string, name: string, val: number[], yTrue: number[], preds: Record<string, number[]>) {
  const out = join(root, name);
  mkdirSync(out, { recursive: true });
  const labels = Array.from({ length: 1000 }, (_, i) => i % CLASSES);
  writeFileSync(
    join(out, 'split.json'),
    JSON.stringify({ texts_sha256: 'x', labels, rows: { train: [], val, balanced: [] } }),
  );
  for (const [clf, p] of Object.entries(preds))
    await savePredictions({ out } as RunConfig, clf as 'frozen', 'validation', { yTrue, yScore: oneHot(p) }, CLASSES);
  return out;
}

test('compareRuns: per classifier, accuracies and A − B intervals equal pairedBootstrapDifference on the argmax', async () => {
  const root = mkdtempSync(join(tmpdir(), 'compare-runs-'));
  try {
    const random = makeRandom('compare-runs-test');
    const n = 300;
    const val = Array.from({ length: n }, (_, i) => i);
    const yTrue = val.map(() => randomInt(random, CLASSES));
    const pred = (p: number) => yTrue.map((y) => (random() < p ? y : randomInt(random, CLASSES)));
    const a = { frozen: pred(0.9), siamese: pred(0.5) };
    const b = { frozen: pred(0.3), siamese: pred(0.5), trained: pred(0.6) };
    const runA = await fakeRun(root, 'a', val, yTrue, a);
    const runB = await fakeRun(root, 'b', val, yTrue, b);
    const c = await compareRuns(runA, runB, { seed: 7, nResamples: 200 });
    assert.deepEqual(
      c.differences.map((d) => d.classifier),
      ['frozen', 'siamese'],
      'only classifiers evaluated in both runs',
    );
    for (const d of c.differences) {
      const [pa, pb] = [a[d.classifier as 'frozen'], b[d.classifier as 'frozen']];
      const want = pairedBootstrapDifference(yTrue, pa, pb, 'accuracy', { seed: 7, nResamples: 200 });
      assert.deepEqual(d.accuracy, want);
      assert.equal(d.accuracyA, pa.filter((p, i) => p === yTrue[i]).length / n);
    }
    const frozen = c.differences[0].accuracy;
    assert.ok(frozen.low > 0.4, `A's frozen is far better: interval ${frozen.low}..${frozen.high} must exclude 0`);
    assert.match(formatRunComparison(c, ['auto', 'study']), /\| frozen \| 0\.\d{4} \| 0\.\d{4} \| \d+\.\d \[/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('compareRuns refuses runs whose validation rows differ, and runs with no common classifier', async () => {
  const root = mkdtempSync(join(tmpdir(), 'compare-runs-'));
  try {
    const yTrue = [0, 1, 2, 3];
    const runA = await fakeRun(root, 'a', [0, 1, 2, 3], yTrue, { frozen: yTrue });
    const runB = await fakeRun(root, 'b', [0, 1, 2, 4], yTrue, { frozen: yTrue });
    await assert.rejects(compareRuns(runA, runB), /different labels or validation rows/);
    const runC = await fakeRun(root, 'c', [0, 1, 2, 3], yTrue, { trained: yTrue });
    await assert.rejects(compareRuns(runA, runC), /no classifier has validation predictions in both/);
    await assert.rejects(compareRuns(runA, join(root, 'missing')), /split\.json' does not exist/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
