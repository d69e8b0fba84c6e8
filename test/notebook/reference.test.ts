/** The study-recipe reference run of notebook 03: its label states recipe and scale, rows put three sources side by side, and a published copy holds no machine path. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReferenceRun, publishableReport, threeWayRows } from '../../lib/notebook/reference';
import { loadStudyResults } from '../../lib/notebook/study';
import type { Report } from '../../lib/pipeline/report';

const score = (accuracy: number) => ({
  accuracy,
  balanced_accuracy: accuracy,
  f1_macro: accuracy - 0.05,
  f1_weighted: accuracy,
  auc_micro: 0.9,
  auc_macro: 0.9,
  auc_macro_mean: 0.9,
  samples: 410,
  classes_present: 41,
});
const REPORT = {
  model: '/work/main/.cache/minilm/model',
  backend: 'tensorflow',
  seed: 3,
  data: {
    path: '/work/shared/data/x.json',
    records: 2050,
    classes: 41,
    train: 1640,
    val: 410,
    balanced: 8200,
    skipped: 0,
    dropped_short: 0,
    dropped_by_cap: 34850,
  },
  results: {
    frozen: { ...score(0.3), balanced: score(0.31) },
    trained: { ...score(0.4), balanced: score(0.41) },
    siamese: { ...score(0.35), balanced: score(0.36) },
  },
  training: {
    siamese: {
      best_epoch: 20,
      best_value: 0.8,
      monitor: 'val_loss',
      epochs_run: 25,
      stop_reason: 'completed',
      global_step: 700,
    },
  },
  stages: { siamese: { settings: { model: '/work/main/.cache/minilm/model', lr: 1e-5 } } },
  recipe: { name: 'study' },
  timings: { siamese: 3000, trained: 600 },
  config: { maxPerClass: 50, out: '/work/runs/study-50', data: '/work/shared/data/x.json' },
  warnings: [],
} as unknown as Report;

test('loadReferenceRun: recipe, scale, epochs and wall time in the label; a missing classifier is named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ref-'));
  try {
    const path = join(dir, 'r.json');
    writeFileSync(path, JSON.stringify(REPORT));
    const ref = loadReferenceRun(path);
    assert.equal(
      ref.label,
      'recipe study; 50 per category (1,640 train / 410 validation texts); 25 siamese epochs; 1h00m on the development machine',
    );
    assert.equal(ref.scores.trained.accuracy, 0.4);
    const rows = threeWayRows(
      { frozen: REPORT.results.frozen!, trained: REPORT.results.trained!, siamese: REPORT.results.siamese! },
      loadStudyResults(),
      ref,
    );
    assert.deepEqual(
      rows.slice(0, 3).map((r) => [r.model, r.source, r.accuracy]),
      [
        ['frozen', 'this run', 0.3],
        ['frozen', 'study recipe here (study)', 0.3],
        ['frozen', 'study (reported)', 0.322],
      ],
    );
    assert.equal(rows.length, 9);
    assert.equal(
      threeWayRows({ frozen: score(0.3), trained: score(0.3), siamese: score(0.3) }, loadStudyResults()).length,
      6,
    );
    writeFileSync(path, JSON.stringify({ ...REPORT, results: { frozen: REPORT.results.frozen } }));
    assert.throws(() => loadReferenceRun(path), /'results\.trained\.accuracy' must be a number/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('publishableReport: no absolute path survives, other values unchanged', () => {
  const out = publishableReport(REPORT);
  assert.doesNotMatch(JSON.stringify(out), /"\/(work|tmp|home)/);
  assert.equal(out.model, 'model');
  assert.equal((out.config as unknown as { out: string }).out, 'study-50');
  assert.deepEqual(out.results, REPORT.results);
});
