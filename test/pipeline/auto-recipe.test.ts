/**
 * A whole run under the auto recipe (the default) on the small generated CSV with the tiny BERT (wasm): the
 * recipe and its reasons in the log and report.json, the logistic heads' converged fits saved in their stage
 * folders and reloaded without a refit, the bootstrap intervals, the refusal of another recipe and of more epochs
 * on a decaying schedule; then `--seeds`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { bootstrapInterval, pairedBootstrapDifference } from '../../lib/metrics/bootstrap';
import { configFromArgs } from '../../lib/pipeline/config';
import { argmaxRows, loadPredictions } from '../../lib/pipeline/evaluate';
import { LOGISTIC_HEAD_FILE } from '../../lib/pipeline/logistic-stage';
import type { HeadFitJson } from '../../lib/pipeline/recipe-report';
import { runPipeline, type Report } from '../../lib/pipeline/run';
import { runSeeds } from '../../lib/pipeline/seeds';
import { rmSync } from 'node:fs';
import { TINY_BERT, TINY_TOKENIZER, quiet, tempDir, writeNewsCsv } from './helpers';

/** The small run of helpers.ts under the default (auto) recipe, with 1 siamese epoch given to keep it short. */
function autoArgs(csv: string, out: string, ...more: string[]): string[] {
  return [
    ...['--data', csv, '--text-field', 'title', '--label-field', 'label', '--min-words', '0'],
    ...['--model', TINY_BERT, '--tokenizer', TINY_TOKENIZER, '--max-length', '16', '--siamese-batch-size', '8'],
    ...['--balanced-per-class', '4', '--backend', 'wasm', '--out', out, ...more],
  ];
}

describe('a run under --recipe auto', () => {
  let dir = '';
  let csv = '';
  let out = '';
  let report: Report;
  let lines: string[] = [];
  before(async () => {
    dir = tempDir('auto-recipe-');
    csv = writeNewsCsv(dir, 16);
    out = join(dir, 'run');
    const before = tf.memory().numTensors;
    const q = quiet();
    report = await runPipeline(configFromArgs(autoArgs(csv, out)), q);
    lines = q.lines;
    assert.equal(tf.memory().numTensors, before, 'the run disposes every tensor it made');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the log states the recipe, the P×K shape that fills the batch and the heads’ converged fits', () => {
    const text = lines.join('\n');
    assert.ok(lines.includes('recipe auto (docs/recipe-evidence.md §4); options given explicitly win'), text);
    // 3 classes, batch 8: P×K 2×4 (P = min(3, 8 / 4)); the siamese budget of 220 steps caps at 25 epochs.
    assert.match(text, /^ {2}siamese: AdamW \(weight decay 0\.01\) encoder 5e-5 \/ head 1e-3, warmup \d+ steps/m);
    // auto buckets by length (study keeps its batches: test/pipeline/scale.test.ts).
    assert.match(
      text,
      /^siamese: P×K 2×4 over 3 classes \(seed 3\), length-bucketed within windows of 64 batches, batches of 8 rows/m,
    );
    for (const label of ['frozen', 'siamese classifier'])
      assert.match(
        text,
        new RegExp(
          `^${label}: head: L-BFGS, \\d+ iterations, converged \\(.*\\), C=[0-9.]+ by 5-fold CV \\(held-out`,
          'm',
        ),
      );
    assert.match(text, /^intervals \(validation, 95%, 1000 resamples, seed 3\): siamese − frozen accuracy /m);
  });

  test("report.json's recipe holds every stage's resolved values, reasons and the heads' fits", () => {
    const saved = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    const r = saved.recipe!;
    assert.equal(r.name, 'auto');
    assert.equal(r.siamese.optimizer, 'adamw');
    assert.deepEqual(r.siamese.pk, { p: 2, k: 4, validation: { p: 2, k: 4 }, rule: 'fill' });
    assert.equal(r.siamese.epochs, 25);
    assert.equal(saved.training.siamese!.epochs_run, 25);
    assert.match(String((r.siamese.reasons as Record<string, string>).epochs), /^25 = clamp\(⌈220 \//);
    assert.equal(r.trained.epochs, 20);
    for (const stage of ['frozen', 'siamese-classifier'] as const) {
      const fit = r[stage].fit as HeadFitJson;
      assert.equal(fit.converged, true, stage);
      assert.equal(fit.folds, 5);
      assert.equal(fit.cv_loss.length, 6);
      // Below the 30,000-row threshold the search ran on every training row.
      assert.deepEqual([fit.cv_rows, fit.rows, r[stage].cv_max_rows], [saved.data.train, saved.data.train, 30_000]);
      // global_step of a logistic head is its final fit's L-BFGS iterations, also named as such.
      const t = saved.training[stage]!;
      assert.deepEqual([t.global_step, t.lbfgs_iterations], [fit.iterations, fit.iterations], stage);
      assert.ok(existsSync(join(out, stage, LOGISTIC_HEAD_FILE)), stage);
      assert.ok(existsSync(join(out, stage, 'result.json')), stage);
      assert.equal(saved.training[stage]!.monitor, 'val_loss');
    }
    assert.deepEqual(saved.config.recipe, 'auto');
  });

  test('the intervals equal lib/metrics/bootstrap on the saved validation predictions (seed = the run’s)', async () => {
    const v = report.intervals!.validation!;
    assert.deepEqual([v.rows, v.n_resamples, v.seed, v.confidence], [report.data.val, 1000, 3, 0.95]);
    const cfg = configFromArgs(autoArgs(csv, out));
    const p = Object.fromEntries(
      await Promise.all(
        (['frozen', 'trained', 'siamese'] as const).map(async (n) => [
          n,
          (await loadPredictions(cfg, n, 'validation'))!,
        ]),
      ),
    );
    const pred = (n: string) => argmaxRows(p[n].yScore);
    const y = p.frozen.yTrue;
    for (const n of ['frozen', 'trained', 'siamese'] as const) {
      const want = bootstrapInterval(y, pred(n), 'f1_macro', { seed: 3 });
      assert.deepEqual(v.classifiers[n]!.f1_macro, { estimate: want.estimate, low: want.low, high: want.high });
      assert.equal(v.classifiers[n]!.accuracy.estimate, report.results[n]!.accuracy);
    }
    for (const [a, b] of [
      ['siamese', 'frozen'],
      ['siamese', 'trained'],
    ] as const) {
      const want = pairedBootstrapDifference(y, pred(a), pred(b), 'accuracy', { seed: 3 });
      assert.deepEqual(v.paired[`${a}-${b}`].accuracy, { estimate: want.estimate, low: want.low, high: want.high });
    }
  });

  test('the same command reloads every stage (no refit of the heads) and gives the same results', async () => {
    const head = join(out, 'frozen', LOGISTIC_HEAD_FILE);
    const mtime = statSync(head).mtimeMs;
    const q = quiet();
    const again = await runPipeline(configFromArgs(autoArgs(csv, out)), q);
    assert.deepEqual(again.results, report.results);
    assert.deepEqual(again.intervals, report.intervals);
    assert.equal(statSync(head).mtimeMs, mtime, 'the head file is not rewritten');
    assert.ok(
      q.lines.some((l) => /^frozen: reloading the fitted head \(L-BFGS, \d+ iterations, converged/.test(l)),
      q.lines.join('\n'),
    );
  });

  test('another recipe, or more epochs on a decaying schedule, is refused before any work', async () => {
    await assert.rejects(runPipeline(configFromArgs(autoArgs(csv, out, '--recipe', 'study')), quiet()), (e: Error) => {
      assert.match(
        e.message,
        /--recipe: "auto" in the run folder, "study" now \(siamese, frozen, trained, siamese-classifier\)/,
      );
      assert.match(e.message, /--recipe: the trained stage's optimizer is "adamw" in the run folder, "adam" now/);
      return true;
    });
    await assert.rejects(
      runPipeline(configFromArgs(autoArgs(csv, out, '--trained-epochs', '30', '--stages', 'trained')), quiet()),
      /--trained-epochs: "step budget 300 \(2–20 epochs\)" in the run folder, 30 now; with a decaying learning rate the epochs fix the schedule, so a finished training is not continued/,
    );
  });
});

describe('--seeds', () => {
  test("runs each seed into <out>/seed-<seed> and reports each seed's figures with mean ± std", async () => {
    const dir = tempDir('seeds-');
    try {
      const csv = writeNewsCsv(dir, 12);
      const out = join(dir, 'run');
      const cfg = configFromArgs(
        autoArgs(csv, out, '--siamese-epochs', '1', '--trained-epochs', '1', '--seeds', '3,4'),
      );
      await assert.rejects(
        runPipeline(cfg, quiet()),
        /runPipeline runs one seed \(--seed\); for --seeds 3,4 use runSeeds/,
      );
      const q = quiet();
      const r = await runSeeds(cfg, q);
      assert.deepEqual(r.seeds, [3, 4]);
      const runs = [3, 4].map((s) => JSON.parse(readFileSync(join(out, `seed-${s}`, 'report.json'), 'utf8')) as Report);
      assert.deepEqual(
        runs.map((x) => x.seed),
        [3, 4],
      );
      for (const name of ['frozen', 'trained', 'siamese'] as const) {
        const acc = runs.map((x) => x.results[name]!.accuracy);
        assert.deepEqual(
          [3, 4].map((s) => r.per_seed[String(s)].results[name]!.accuracy),
          acc,
        );
        const s = r.summary.results[name]!.accuracy;
        assert.equal(s.mean, (acc[0] + acc[1]) / 2);
        assert.ok(Math.abs(s.std - Math.abs(acc[0] - acc[1]) / Math.SQRT2) < 1e-12, 'sample standard deviation');
      }
      assert.deepEqual(Object.keys(r.summary.paired), ['siamese-frozen', 'siamese-trained']);
      const saved = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      assert.equal(saved.kind, 'seeds');
      assert.ok(
        q.lines.some((l) =>
          /^seeds: frozen validation accuracy [0-9.]+ ± [0-9.]+, macro F1 [0-9.]+ ± [0-9.]+ \(2 seeds\)$/.test(l),
        ),
        q.lines.join('\n'),
      );
      // A single run into the seeds' folder is refused by name.
      await assert.rejects(
        runPipeline(configFromArgs(autoArgs(csv, out, '--siamese-epochs', '1', '--trained-epochs', '1')), quiet()),
        /run folder: '.*report\.json' has no 'results' object, so it is not a pipeline report/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
