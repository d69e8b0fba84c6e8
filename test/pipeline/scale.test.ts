/**
 * The pipeline's scale features on the small run of test/pipeline/helpers.ts: the run's token table (written once,
 * read by a rerun), split.json, padded slots per real token in report.json and the log, --max-steps-per-epoch,
 * and siamese losses with and without length bucketing for a fixed seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { configFromArgs } from '../../lib/pipeline/config';
import { runPipeline } from '../../lib/pipeline/run';
import { prepareData, prepareTokenizer } from '../../lib/pipeline/prepare';
import { peerInput } from '../../lib/pipeline/peer-input';
import { splitFileOf, textsSha256 } from '../../lib/pipeline/split-file';
import { quiet, smallRunArgs, tempDir, writeNewsCsv } from './helpers';

test('tokens once per run, split.json, padding in the report, --max-steps-per-epoch', async () => {
  const dir = tempDir();
  const csv = writeNewsCsv(dir, 20);
  const out = join(dir, 'run');
  // smallRunArgs is --recipe study, whose bucketing is off unless given.
  const args = [
    ...smallRunArgs(csv, out),
    ...['--max-steps-per-epoch', '2', '--classifier-batch-size', '4', '--bucketing', 'on'],
  ];
  const q = quiet();
  const before = tf.memory().numTensors;
  const report = await runPipeline(configFromArgs(args), q);
  assert.equal(tf.memory().numTensors, before);

  // One token table in the run folder, made once; the rerun reads it.
  const files = readdirSync(join(out, 'tokens'));
  assert.equal(files.length, 1);
  assert.match(files[0], /^tokens-[0-9a-f]{64}\.safetensors$/);
  assert.ok(q.lines.some((l) => /^tokens: 60 texts, \d+ tokens .* tokenized in .* cached in/.test(l)));
  const again = quiet();
  await runPipeline(configFromArgs(args), again);
  assert.ok(
    again.lines.some((l) => /^tokens: 60 texts, .* read from /.test(l)),
    again.lines.join('\n'),
  );

  // split.json: the run's rows, lines and texts.
  const split = JSON.parse(readFileSync(join(out, 'split.json'), 'utf8'));
  const data = prepareData(configFromArgs(args));
  assert.deepEqual(split, JSON.parse(JSON.stringify(splitFileOf(configFromArgs(args), data))));
  assert.equal(split.texts_sha256, textsSha256(data.dataset.texts));
  assert.deepEqual(split.rows.train, Array.from(data.split.train));
  assert.equal(split.lines.length, 60);

  // Padded slots per real token: every set of batches that tokenized, bucketed.
  const padding = report.padding!;
  for (const what of ['siamese', 'siamese/validation', 'frozen/features', 'trained', 'trained/validation'])
    assert.ok(
      padding[what]?.ratio >= 1 && padding[what].bucketing === true,
      `${what}: ${JSON.stringify(padding[what])}`,
    );
  assert.ok(padding.embeddings && padding['trained/predictions']);
  assert.ok(
    q.lines.some((l) =>
      /^siamese: [\d.]+ padded token slots per real token \(\d+ slots for \d+ tokens; bucketing on\)$/.test(l),
    ),
  );

  // At most 2 steps per epoch in every training stage.
  assert.equal(report.training.siamese!.global_step, 2 * report.training.siamese!.epochs_run);
  assert.equal(report.training.trained!.global_step, 2 * report.training.trained!.epochs_run);
  assert.equal(report.training.frozen!.global_step, 2 * report.training.frozen!.epochs_run);
  assert.equal(
    report.training['siamese-classifier']!.global_step,
    2 * report.training['siamese-classifier']!.epochs_run,
  );
  assert.match(JSON.stringify(report.stages.siamese!.settings), /"maxStepsPerEpoch":2/);
  assert.ok(existsSync(join(out, 'embeddings', 'vectors.tsv')));

  // The Python peer's input: the stages' own batches, as many epochs as each ran, positions inside the split.
  const cfg = configFromArgs(args);
  const input = await peerInput(cfg, data, await prepareTokenizer(cfg), report);
  assert.equal(input.split, join(out, 'split.json'));
  assert.equal(input.settings.bucketing, 'on');
  for (const stage of ['siamese', 'frozen', 'trained', 'siamese-classifier'] as const) {
    const s = input.stages[stage];
    assert.equal(s.epochs, report.training[stage]!.epochs_run, stage);
    assert.equal(s.train_batches.length, s.epochs, stage);
    for (const epoch of s.train_batches) {
      assert.equal(epoch.length, 2, stage);
      for (const b of epoch)
        assert.ok(
          b.every((i) => i >= 0 && i < data.split.train.length),
          stage,
        );
    }
    const val = s.validation_batches.flat().sort((a, b) => a - b);
    // P×K validation batches (siamese) may repeat rows of small classes; the others hold every row once.
    if (stage === 'siamese')
      assert.ok(
        val.every((i) => i >= 0 && i < data.split.val.length),
        stage,
      );
    else
      assert.deepEqual(
        val,
        Array.from(data.split.val, (_, i) => i),
        `${stage}: every validation row once`,
      );
  }
  assert.equal(tf.memory().numTensors, before);
});

test('siamese losses for a fixed seed with and without length bucketing (documented in docs/performance.md)', async (t) => {
  const dir = tempDir();
  // Titles of very different lengths, so that bucketing changes which rows share a batch.
  const rows = ['label,title'];
  const words = 'the team won a late match in the final minute after a long season of hard work'.split(' ');
  for (const label of ['sports', 'politics', 'food', 'travel'])
    for (let r = 0; r < 24; r++)
      rows.push(`${label},"${label} ${words.slice(0, 1 + ((r * 7) % words.length)).join(' ')}"`);
  const csv = join(dir, 'lengths.csv');
  (await import('node:fs')).writeFileSync(csv, rows.join('\n') + '\n');
  const run = async (bucketing: string) => {
    const args = [...smallRunArgs(csv, join(dir, bucketing)), '--stages', 'siamese', '--siamese-epochs', '3'];
    const given = bucketing === 'study' ? [] : ['--bucketing', bucketing];
    const report = await runPipeline(configFromArgs([...args, ...given]), quiet());
    const manifest = JSON.parse(readFileSync(join(dir, bucketing, 'siamese', 'checkpoint', 'checkpoint.json'), 'utf8'));
    return { report, history: manifest.history as { loss: number; val_loss: number }[] };
  };
  const on = await run('on');
  const off = await run('off');
  // --recipe study without --bucketing keeps the study's batches: the same losses as 'off'.
  const study = await run('study');
  const losses = (h: { loss: number; val_loss: number }[]) => h.map((e) => [e.loss, e.val_loss]);
  assert.deepEqual(losses(study.history), losses(off.history));
  assert.equal(study.report.padding!.siamese.bucketing, false);
  const fmt = (h: { loss: number; val_loss: number }[]) =>
    h.map((e) => `${e.loss.toFixed(4)}/${e.val_loss.toFixed(4)}`);
  t.diagnostic(`bucketing on  (loss/val_loss per epoch): ${fmt(on.history).join(', ')}`);
  t.diagnostic(`bucketing off (loss/val_loss per epoch): ${fmt(off.history).join(', ')}`);
  assert.equal(on.history.length, 3);
  // Same rows and steps, other batch compositions: other losses, and fewer padded slots.
  assert.notDeepEqual(fmt(on.history), fmt(off.history));
  assert.ok(on.report.padding!.siamese.padded < off.report.padding!.siamese.padded);
  assert.equal(on.report.padding!.siamese.used, off.report.padding!.siamese.used);
  assert.equal(on.report.training.siamese!.global_step, off.report.training.siamese!.global_step);
});
