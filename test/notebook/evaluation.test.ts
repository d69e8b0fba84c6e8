/**
 * Notebook 03's evaluation call and the run records the notebooks state, on a finished small run (the tiny BERT
 * of the pipeline tests, wasm): evaluateRun reproduces report.json's results and intervals exactly, the training
 * times are the stages' recorded epochs, the scale counts the distinct texts behind the balanced sample.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { evaluateRun, subsetPredictions, testRows } from '../../lib/notebook/evaluation';
import { readRunReport, runScale, stageTrainingTimes, trainingTimesPhrase } from '../../lib/notebook/run-records';
import { pairedDifferences } from '../../lib/notebook/conclusions';
import { configFromArgs, type RunConfig } from '../../lib/pipeline/config';
import { prepareData, prepareTokenizer, type PreparedData } from '../../lib/pipeline/prepare';
import { runPipeline, type Report } from '../../lib/pipeline/run';
import type { StageContext } from '../../lib/pipeline/stages';
import { quiet, smallRunArgs, tempDir, writeNewsCsv } from '../pipeline/helpers';

describe('evaluateRun and the run records on a finished small run', () => {
  let dir = '';
  let cfg: RunConfig;
  let report: Report;
  let ctx: StageContext;
  let prepared: PreparedData;
  before(async () => {
    dir = tempDir('nb-eval-');
    const csv = writeNewsCsv(dir, 16);
    cfg = configFromArgs(smallRunArgs(csv, join(dir, 'run')));
    report = await runPipeline(cfg, quiet());
    prepared = prepareData(cfg);
    ctx = { cfg, data: prepared, tokenizer: await prepareTokenizer(cfg) };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("its scores and intervals equal report.json's, and it disposes every tensor", async () => {
    const before = tf.memory().numTensors;
    const ev = await evaluateRun(ctx);
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(ev.subsets, ['validation', 'balanced']); // no --test-fraction in this run
    assert.equal(testRows(ctx), undefined);
    for (const name of ['frozen', 'trained', 'siamese'] as const) {
      const saved = report.results[name]! as unknown as Record<string, unknown> & { balanced: object };
      const validation = ev.scores[name].validation!;
      // Every score the notebook shows is the report's, to the last digit.
      for (const [k, v] of Object.entries(validation)) assert.deepEqual(v, saved[k], `${name} ${k}`);
      assert.deepEqual(ev.scores[name].balanced, saved.balanced, name);
    }
    assert.deepEqual(ev.intervals.validation, report.intervals!.validation);
    // The notebooks' extra pair (trained − frozen) is drawn on the same resamples as the report's pairs.
    const pairs = pairedDifferences(subsetPredictions(ev, 'validation'), 'accuracy', cfg.seed);
    assert.deepEqual(pairs[0].difference, report.intervals!.validation!.paired['siamese-frozen'].accuracy);
    assert.deepEqual(pairs[1].difference, report.intervals!.validation!.paired['siamese-trained'].accuracy);
    assert.throws(() => subsetPredictions(ev, 'test'), /'subset' must be one of validation, balanced; got 'test'/);
  });

  test('training times are the sums of the recorded epochs of each finished stage', () => {
    const times = stageTrainingTimes(cfg);
    assert.deepEqual(
      times.map((t) => t.stage),
      ['siamese', 'frozen', 'trained', 'siamese-classifier'],
    );
    const trained = JSON.parse(readFileSync(join(cfg.out, 'trained', 'result.json'), 'utf8')) as {
      history: { seconds: number }[];
    };
    const t = times.find((x) => x.stage === 'trained')!;
    assert.equal(t.epochs, trained.history.length);
    assert.equal(
      t.seconds,
      trained.history.reduce((s, r) => s + r.seconds, 0),
    );
    assert.match(trainingTimesPhrase(times), /^siamese \(triplet\) \d+s \(1 epoch\), frozen head \d+s \(2 epochs\), /);
    assert.equal(readRunReport(cfg)?.seed, 3);
  });

  test('the scale counts the distinct validation texts behind the balanced sample', () => {
    const s = runScale(prepared);
    assert.equal(s.texts, 48);
    assert.equal(s.perClass, 16);
    assert.equal(s.balanced, 12); // 4 per class, with replacement
    assert.equal(s.balancedDistinct, new Set(prepared.balanced).size);
    assert.ok(s.balancedDistinct! <= s.balanced! && s.balancedDistinct! <= s.val);
  });
});

test('stageTrainingTimes: no finished stage, none listed; a foreign result.json is named', () => {
  const dir = tempDir('nb-times-');
  try {
    assert.deepEqual(stageTrainingTimes({ out: dir }), []);
    assert.equal(trainingTimesPhrase([]), 'no stage trained yet');
    mkdirSync(join(dir, 'frozen'));
    writeFileSync(join(dir, 'frozen', 'result.json'), '{"epochs": 3}');
    assert.throws(() => stageTrainingTimes({ out: dir }), /must hold a 'history' list of epochs with 'seconds'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
