/**
 * The pipeline's inference engine (--inference), held-out test split (--test-fraction) and evaluation sets: the
 * test split is disjoint from train/validation and stable per seed; a run reports test beside validation, the
 * balanced sample's distinct texts and the engine of each forward pass; --inference onnx gives the metrics of tfjs
 * within 1e-4; evaluateClassifiers predicts each distinct row once with results identical to per-row prediction,
 * and reads a run folder's predictions back to the report's figures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { testSplit, trainValSplit } from '../../lib/data/split';
import { configFromArgs } from '../../lib/pipeline/config';
import { predictRows, summarize } from '../../lib/pipeline/evaluate';
import { evaluateClassifiers } from '../../lib/pipeline/evaluation';
import { prepareData } from '../../lib/pipeline/prepare';
import { runPipeline } from '../../lib/pipeline/run';
import type { TrainedClassifier } from '../../lib/pipeline/stages';
import { quiet, smallRunArgs, tempDir, writeNewsCsv } from './helpers';

test('testSplit: disjoint from train/validation, every row once, stable per seed, stratified per class', () => {
  const labels = Int32Array.from({ length: 103 }, (_, i) => i % 4);
  for (const mode of ['random', 'stratified'] as const) {
    const held = testSplit(labels, { testFraction: 0.2, seed: 7, mode });
    const split = trainValSplit(labels, { valFraction: 0.25, seed: 7, mode, rows: held.rest });
    const all = [...held.test, ...split.train, ...split.val].sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: 103 }, (_, i) => i),
      `${mode}: every row exactly once`,
    );
    assert.deepEqual(testSplit(labels, { testFraction: 0.2, seed: 7, mode }), held, `${mode}: stable per seed`);
    assert.notDeepEqual(testSplit(labels, { testFraction: 0.2, seed: 8, mode }).test, held.test);
    if (mode === 'stratified') {
      // Classes of 26, 26, 26, 25 rows: round(0.2 · n) of each.
      const per = [0, 1, 2, 3].map((c) => held.test.filter((i) => labels[i] === c).length);
      assert.deepEqual(per, [5, 5, 5, 5]);
    } else assert.equal(held.test.length, Math.round(103 * 0.2));
  }
  // Without `rows`, trainValSplit is the study's split of every row (the golden of --recipe study pins it too).
  const whole = trainValSplit(labels, { valFraction: 0.2, seed: 3, mode: 'random' });
  const viaRows = trainValSplit(labels, { valFraction: 0.2, seed: 3, mode: 'random', rows: labels.map((_, i) => i) });
  assert.deepEqual(viaRows, whole);
  assert.throws(() => testSplit(labels, { testFraction: 1, seed: 1 }), /testSplit: 'testFraction' must be in \(0, 1\)/);
});

test('a run with --test-fraction reports test beside validation, the balanced sample distinct texts, the engines', async () => {
  const dir = tempDir();
  const csv = writeNewsCsv(dir, 16);
  const out = join(dir, 'run');
  const args = [...smallRunArgs(csv, out), '--test-fraction', '0.25', '--split', 'stratified'];
  const cfg = configFromArgs(args);
  const data = prepareData(cfg);
  assert.equal(data.test.length, 12, '0.25 of 16 per class, 3 classes');
  const seen = new Set([...data.split.train, ...data.split.val]);
  assert.ok(
    [...data.test].every((i) => !seen.has(i)),
    'test rows are neither trained nor validated on',
  );
  const o = quiet();
  const report = await runPipeline(cfg, o);
  assert.equal(report.data.test, 12);
  assert.equal(report.data.balanced, 12);
  assert.equal(report.data.balanced_distinct, new Set(data.balanced).size);
  assert.ok(report.data.balanced_distinct! <= data.split.val.length);
  for (const name of ['frozen', 'trained', 'siamese'] as const) {
    const r = report.results[name]!;
    assert.equal(r.test!.samples, 12);
    assert.equal(r.samples, data.split.val.length);
    assert.deepEqual(Object.keys(r.f1_per_class!.test!).sort(), ['food', 'politics', 'sports']);
  }
  assert.equal(report.intervals!.test!.rows, 12);
  assert.ok(report.intervals!.test!.paired['siamese-frozen']);
  assert.deepEqual(Object.keys(report.inference).sort(), [
    'frozen features',
    'siamese embeddings',
    'siamese-classifier features',
    'trained predictions',
  ]);
  for (const run of Object.values(report.inference))
    assert.deepEqual([run.choice, run.engine], ['auto', 'tfjs (wasm)']);
  assert.equal(report.inference['trained predictions'].texts, data.split.val.length + 12, 'distinct rows once');
  assert.ok(
    o.lines.some((l) => l === 'trained classifier: inference on tfjs (wasm) (--inference auto)'),
    o.lines.join('\n'),
  );
  assert.ok(
    o.lines.some((l) => /accuracy on the balanced sample .* \(12 draws of \d+ distinct validation texts\)/.test(l)),
  );

  // The notebooks' one call reads the run folder's predictions back to the report's figures.
  const ev = await evaluateClassifiers({ cfg, data });
  assert.deepEqual(ev.subsets, ['validation', 'test', 'balanced']);
  for (const name of ['frozen', 'trained', 'siamese'] as const) {
    const e = ev.classifiers[name]!;
    assert.equal(e.subsets.test!.scores.accuracy, report.results[name]!.test!.accuracy);
    assert.equal(e.subsets.validation!.scores.f1_macro, report.results[name]!.f1_macro);
    const c = e.subsets.test!.confusion;
    assert.equal(
      c.flat().reduce((a, b) => a + b, 0),
      12,
    );
    assert.equal(c.reduce((s, row, i) => s + row[i], 0) / 12, report.results[name]!.test!.accuracy);
  }
  assert.deepEqual(ev.intervals.test, report.intervals!.test);
  await assert.rejects(
    evaluateClassifiers({ cfg: { ...cfg, out: join(dir, 'none') }, data }),
    /holds no saved predictions: run the evaluate stage first/,
  );
});

test('--inference onnx gives the metrics of tfjs within 1e-4 through the pipeline, and names its engine', async () => {
  const dir = tempDir();
  const csv = writeNewsCsv(dir, 12);
  const reports = [];
  for (const engine of ['tfjs', 'onnx']) {
    const o = quiet();
    reports.push(
      await runPipeline(configFromArgs([...smallRunArgs(csv, join(dir, engine)), '--inference', engine]), o),
    );
    assert.ok(
      o.lines.some((l) => l.startsWith(`frozen: inference on ${engine}`)),
      o.lines.join('\n'),
    );
  }
  const [a, b] = reports;
  assert.match(b.inference['trained predictions'].engine, /^onnx \(onnxruntime-node/);
  assert.equal(b.inference['frozen features'].choice, 'onnx');
  for (const name of ['frozen', 'trained', 'siamese'] as const)
    for (const m of ['accuracy', 'f1_macro', 'auc_micro', 'auc_macro'] as const) {
      assert.ok(Math.abs(a.results[name]![m] - b.results[name]![m]) <= 1e-4, `${name} ${m}`);
      assert.ok(Math.abs(a.results[name]!.balanced[m] - b.results[name]!.balanced[m]) <= 1e-4, `${name} balanced ${m}`);
    }
  assert.ok(Math.abs(a.embeddings!.knn_accuracy - b.embeddings!.knn_accuracy) <= 1e-4);
});

test('evaluateClassifiers predicts each distinct row once; the results equal per-row prediction', async () => {
  const dir = tempDir();
  const csv = writeNewsCsv(dir, 10);
  const cfg = configFromArgs([
    ...smallRunArgs(csv, join(dir, 'run')),
    '--test-fraction',
    '0.2',
    '--balanced-per-class',
    '30',
  ]);
  const data = prepareData(cfg);
  const before = tf.memory().numTensors;
  const calls: number[][] = [];
  // A deterministic classifier of the row index (3 classes), counting the rows it is asked for.
  const fake: TrainedClassifier = {
    name: 'frozen',
    result: {} as TrainedClassifier['result'],
    state: {} as TrainedClassifier['state'],
    fingerprint: 'f',
    inference: [],
    predictProba: async (rows) => {
      calls.push(Array.from(rows));
      return Array.from(rows, (i) => [Math.sin(i), Math.cos(i), Math.sin(2 * i)].map((x) => Math.exp(x) / 6));
    },
    dispose: () => undefined,
  };
  const ev = await evaluateClassifiers({ cfg, data }, { classifiers: [fake] });
  assert.equal(calls.length, 1, 'one prediction call');
  assert.equal(calls[0].length, data.split.val.length + data.test.length, 'validation and test rows, once each');
  assert.equal(new Set(calls[0]).size, calls[0].length);
  assert.equal(data.balanced.length, 90);
  assert.ok(data.balancedDistinct < 90, 'the balanced sample repeats validation texts');
  assert.equal(ev.balanced.distinct, data.balancedDistinct);
  for (const s of ['validation', 'test', 'balanced'] as const) {
    const rows = s === 'validation' ? data.split.val : s === 'test' ? data.test : data.balanced;
    const direct = await predictRows(data, fake, rows);
    assert.deepEqual(ev.classifiers.frozen!.subsets[s]!.predictions, direct, s);
    assert.deepEqual(ev.classifiers.frozen!.subsets[s]!.scores, summarize(direct).scores, s);
  }
  assert.deepEqual(Object.keys(ev.classifiers), ['frozen']);
  assert.equal(tf.memory().numTensors, before);
});

test('a --test-fraction that rounds to no text is refused before training, naming the option and a value', () => {
  const dir = tempDir();
  const csv = writeNewsCsv(dir, 12);
  const args = smallRunArgs(csv, join(dir, 'run'));
  assert.throws(
    () => prepareData(configFromArgs([...args, '--test-fraction', '0.01', '--split', 'stratified'])),
    /the test split holds no text: --test-fraction 0.01 with --split stratified rounds each class's share of the 36 texts to 0; use --test-fraction 0.05 or more, or 0 for no test split/,
  );
  assert.equal(
    prepareData(configFromArgs([...args, '--test-fraction', '0.05', '--split', 'stratified'])).test.length,
    3,
  );
  assert.equal(prepareData(configFromArgs(args)).test.length, 0, 'the default: no test split');
});
