import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import {
  formatStep,
  NonFiniteLossError,
  notebookReporter,
  readManifest,
  terminalReporter,
  train,
  type EpochRecord,
  type LabeledBatch,
} from '../../lib/train';
import { TEST_BACKENDS } from '../helpers/backends';
import { blobsSetup } from '../helpers/toy-training';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'trainer-'));
  dirs.push(d);
  return d;
}

const setup = blobsSetup;

for (const backend of TEST_BACKENDS) {
  describe(`trainer on ${backend} (feature classifier on synthetic blobs)`, () => {
    test('learns, keeps history, and tensor count is the same after epochs 1 and 3', async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const { head, opts } = setup();
      const counts: number[] = [];
      const result = await train({
        ...opts,
        onEpochEnd: () => {
          counts.push(tf.memory().numTensors);
        },
      });
      assert.equal(result.history.length, 4);
      assert.equal(result.stopReason, 'completed');
      assert.equal(result.monitor, 'val_loss');
      assert.equal(result.globalStep, 4 * 8);
      assert.equal(counts[0], counts[2], `numTensors per epoch: ${counts}`);
      const [first, last] = [result.history[0], result.history[3]];
      assert.ok(last.valLoss! < first.valLoss!, `val loss ${first.valLoss} -> ${last.valLoss}`);
      assert.ok(last.accuracy! > 0.8 && last.valAccuracy! > 0.8, JSON.stringify(last));
      head.dispose();
      assert.equal(tf.memory().numTensors, before);
    });

    test('an interrupted run resumes from the best checkpoint and ends like an uninterrupted one (1e-5)', async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const straight = setup();
      const reference = await train(straight.opts);
      const refKernel = straight.head.dense.kernel.dataSync().slice();
      straight.head.dispose();

      const outDir = await tempDir();
      const first = setup({ outDir });
      await assert.rejects(
        train({
          ...first.opts,
          onStep: (s) => {
            if (s.globalStep === 20) throw new Error('killed');
          },
        }),
        /killed/,
      );
      first.head.dispose();
      const manifest = await readManifest(outDir);
      assert.equal(manifest?.epoch, 2);
      assert.equal(manifest?.step, 16);
      assert.equal(existsSync(join(outDir, 'result.json')), false);

      const second = setup({ outDir });
      const resumed = await train(second.opts);
      assert.deepEqual(resumed.resumedFrom, { epoch: 2, step: 16 });
      assert.equal(resumed.history.length, 4);
      assert.equal(resumed.globalStep, 32);
      for (let e = 0; e < 4; e++) {
        assert.ok(
          Math.abs(resumed.history[e].valLoss! - reference.history[e].valLoss!) < 1e-5,
          `epoch ${e + 1}: ${resumed.history[e].valLoss} vs ${reference.history[e].valLoss}`,
        );
      }
      const best = reference.history.reduce((a, b) => (b.valLoss! < a.valLoss! ? b : a));
      assert.equal(resumed.bestEpoch, best.epoch);
      if (best.epoch === 4) {
        const kernel = second.head.dense.kernel.dataSync();
        for (let i = 0; i < kernel.length; i++) assert.ok(Math.abs(kernel[i] - refKernel[i]) < 1e-5);
      }
      const saved = JSON.parse(await readFile(join(outDir, 'result.json'), 'utf8'));
      assert.equal(saved.stop_reason, 'completed');
      assert.equal(saved.history.length, 4);
      assert.ok('val_loss' in saved.history[0]);
      second.head.dispose();

      const third = setup({ outDir });
      const again = await train(third.opts);
      assert.equal(again.stopReason, 'completed');
      assert.equal(again.globalStep, 32, 'a finished run is not trained again');
      third.head.dispose();
      assert.equal(tf.memory().numTensors, before);
    });

    test('maxSteps stops resumably; other settings on resume are refused', async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const outDir = await tempDir();
      const a = setup({ outDir, maxSteps: 12 });
      const r = await train(a.opts);
      assert.equal(r.stopReason, 'max-steps');
      assert.equal(r.globalStep, 12);
      assert.equal(r.history.length, 1);
      a.head.dispose();
      const b = setup({ outDir, config: { lr: 0.1, seed: 1 } });
      await assert.rejects(
        train(b.opts),
        /train: the checkpoint in '.*' was made with other settings \(lr: checkpoint 0\.05, now 0\.1\)/,
      );
      b.head.dispose();
      const c = setup({ outDir });
      const done = await train(c.opts);
      assert.deepEqual(done.resumedFrom, { epoch: 1, step: 8 });
      assert.equal(done.history.length, 4);
      c.head.dispose();
      assert.equal(tf.memory().numTensors, before);
    });

    test('a NaN loss stops with an error naming epoch and step, and keeps the last good checkpoint', async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const outDir = await tempDir();
      const { head, opts } = setup({ outDir });
      let calls = 0;
      const poisoned = {
        trainableVariables: () => head.trainableVariables(),
        checkpointWeights: () => head.checkpointWeights(),
        lossFn: (b: LabeledBatch<tf.Tensor2D>, training: boolean) => {
          const loss = head.lossFn(b, training);
          if (training && ++calls === 19) return tf.tidy(() => loss.mul(NaN)) as tf.Scalar;
          return loss;
        },
      };
      const err = await train({ ...opts, model: poisoned }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof NonFiniteLossError, String(err));
      assert.match(
        err.message,
        /train: the train loss is NaN at epoch 3, step 19; training stopped\. The last good checkpoint is kept in '.*checkpoint\.json'/,
      );
      assert.equal((await readManifest(outDir))?.epoch, 2);
      assert.ok(head.dense.kernel.dataSync().every(Number.isFinite), 'the NaN step was not applied');
      head.dispose();
      assert.equal(tf.memory().numTensors, before);
    });

    test('early stopping after `patience` epochs without improvement', async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const { head, opts } = setup({ epochs: 10, patience: 2, learningRate: 0.5 });
      const constant = {
        ...head,
        trainableVariables: () => head.trainableVariables(),
        checkpointWeights: () => head.checkpointWeights(),
        lossFn: (b: LabeledBatch<tf.Tensor2D>, training: boolean) =>
          training ? head.lossFn(b, training) : tf.scalar(1),
      };
      const messages: string[] = [];
      const r = await train({ ...opts, model: constant, reporter: { onMessage: (m) => messages.push(m) } });
      assert.equal(r.stopReason, 'early-stopping');
      assert.equal(r.history.length, 3);
      assert.equal(r.bestEpoch, 1);
      assert.match(messages.join('\n'), /early stopping after epoch 3: no val_loss improvement for 2 epochs/);
      head.dispose();
      assert.equal(tf.memory().numTensors, before);
    });
  });
}

describe('progress reporters', () => {
  const step = {
    epoch: 2,
    epochs: 5,
    step: 40,
    steps: 40,
    globalStep: 80,
    loss: 0.81234,
    samplesPerSecond: 42.13,
    etaSeconds: 115,
  };
  test('formatStep shows epoch, step/steps, loss, samples/s and ETA', () => {
    assert.equal(formatStep(step), 'epoch 2/5 step 40/40 loss 0.8123 | 42.1 samples/s | ETA 1m55s');
  });
  test('notebook reporter prints every N steps and each epoch; a non-TTY terminal reporter too', () => {
    const lines: string[] = [];
    const r = notebookReporter({ everySteps: 10, write: (l) => lines.push(l) });
    r.onStep!({ ...step, step: 5 });
    r.onStep!({ ...step, step: 10 });
    const record: EpochRecord = { epoch: 2, loss: 0.5, accuracy: 0.75, valLoss: 0.6, valAccuracy: 0.7, seconds: 63 };
    r.onStep!({ ...step, step: 40 }); // the epoch's last step: the epoch line says it
    r.onEpochEnd!(record, { epochs: 5, improved: true });
    assert.deepEqual(lines, [
      formatStep({ ...step, step: 10 }),
      'epoch 2/5 loss 0.5000 accuracy 0.7500 val_loss 0.6000 val_accuracy 0.7000 (1m03s) *best*',
    ]);
    const sparse: string[] = [];
    const s = notebookReporter({ everyEpochs: 10, write: (l) => sparse.push(l) });
    for (let e = 1; e <= 25; e++) s.onEpochEnd!({ ...record, epoch: e }, { epochs: 25, improved: false });
    assert.deepEqual(
      sparse.map((l) => l.split(' ')[1]),
      ['1/25', '10/25', '20/25', '25/25'],
    );
    const out: string[] = [];
    const fakeStream = {
      isTTY: false,
      write: (s: string) => {
        out.push(s);
        return true;
      },
    } as unknown as NodeJS.WriteStream;
    const t = terminalReporter({ stream: fakeStream, everySteps: 20 });
    t.onStep!({ ...step, step: 20 });
    assert.deepEqual(out, [`${formatStep({ ...step, step: 20 })}\n`]);
    const tty: string[] = [];
    const ttyStream = {
      isTTY: true,
      columns: 200,
      write: (s: string) => {
        tty.push(s);
        return true;
      },
    } as unknown as NodeJS.WriteStream;
    const tt = terminalReporter({ stream: ttyStream });
    tt.onStep!({ ...step, step: 1 });
    assert.ok(tty[0].startsWith('\repoch 2/5 step 1/40'));
  });
});
