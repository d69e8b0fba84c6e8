/**
 * Run folders the trainer can trust (issue 12): exact resume after a kill at any step (case 4), the full history
 * on reload (case 6), more epochs on a finished run, early stopping on rerun, checkpoint hygiene, damaged files,
 * and seeded dropout (case 7). A kill is simulated here by an exception from `onStep`, which leaves the folder as
 * a SIGKILL at that step would (nothing is written during a step); kills during checkpoint writes are in
 * test/pipeline/kill.test.ts with real SIGKILLs.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { SiameseModel } from '../../lib/heads/index';
import { loadEncoder } from '../../lib/model/load';
import { loadTokenizer } from '../../lib/tokenizer/tokenizer';
import {
  pkSampler,
  readManifest,
  textBatchLoader,
  train,
  type EpochRecord,
  type TrainResult,
} from '../../lib/train/index';
import { TEST_BACKENDS } from '../helpers/backends';
import { blobsSetup, dropoutSiameseSetup, weightBits } from '../helpers/toy-training';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'resume-'));
  dirs.push(d);
  return d;
}

/** History without wall times (they differ between runs). */
const curve = (h: EpochRecord[]) => h.map(({ seconds: _s, ...rest }) => rest);
const killAt = (step: number) => (s: { globalStep: number }) => {
  if (s.globalStep === step) throw new Error(`killed at step ${step}`);
};
/** The bytes of every weights/optimizer file of a checkpoint folder, by name. */
const stateFiles = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.safetensors'))
      .map((f) => [f, readFileSync(join(dir, f)).toString('base64')]),
  );

/** 10 epochs, lr 0.3, validation labels shuffled: the validation loss is best early and then rises. */
const LONG = { epochs: 10, learningRate: 0.3, config: { lr: 0.3 } };

for (const backend of TEST_BACKENDS) {
  describe(`resume and reload on ${backend} (feature classifier on blobs)`, () => {
    // Noisy validation: non-improving epochs, whose work a best-only checkpoint would lose. Clean validation:
    // improving every epoch, so a kill late in the run restores Adam at step 64+, where beta2^t as a power differs
    // from the running product (TF.js' own restore fails this case).
    const scenarios = [
      {
        name: 'validation loss rising after its best',
        train: LONG,
        noisy: true,
        kills: [[3], [8], [21], [43], [77], [21, 43]],
      },
      { name: 'improving every epoch', train: { epochs: 12 }, noisy: false, kills: [[70], [90]] },
    ];
    for (const sc of scenarios) {
      test(`killed at any step and rerun (also twice): bit-identical to an uninterrupted run (${sc.name})`, async () => {
        await initBackend(backend);
        const before = tf.memory().numTensors;
        const setup = (o: Parameters<typeof blobsSetup>[0]) =>
          blobsSetup({ ...sc.train, ...o }, { noisyValidation: sc.noisy });
        const refDir = await tempDir();
        const ref = setup({ outDir: refDir });
        const reference = await train(ref.opts);
        const refBits = weightBits(ref.head.checkpointWeights());
        ref.head.dispose();
        const improving = reference.history.every((h, i) => i === 0 || h.valLoss! < reference.history[i - 1].valLoss!);
        assert.equal(improving, !sc.noisy, `history ${reference.history.map((h) => h.valLoss)}`);

        for (const kills of sc.kills) {
          const dir = await tempDir();
          for (const k of kills) {
            const run = setup({ outDir: dir, onStep: killAt(k) });
            await assert.rejects(train(run.opts), new RegExp(`killed at step ${k}`));
            run.head.dispose();
          }
          const resumed = setup({ outDir: dir });
          const r = await train(resumed.opts);
          const where = `killed at step ${kills.join(', then ')}`;
          assert.deepEqual(curve(r.history), curve(reference.history), where);
          assert.deepEqual(
            [r.bestEpoch, r.bestValue, r.globalStep],
            [reference.bestEpoch, reference.bestValue, reference.globalStep],
          );
          assert.deepEqual(weightBits(resumed.head.checkpointWeights()), refBits, where);
          assert.deepEqual(stateFiles(dir), stateFiles(refDir), `${where}: checkpoint files`);
          resumed.head.dispose();
        }
        assert.equal(tf.memory().numTensors, before);
      });
    }

    test('reloading a finished run returns its whole history, best epoch and value, and its best weights', async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const dir = await tempDir();
      const first = blobsSetup({ ...LONG, epochs: 4, outDir: dir }, { noisyValidation: true });
      const done = await train(first.opts);
      const best = weightBits(first.head.checkpointWeights());
      first.head.dispose();
      assert.ok(done.bestEpoch < 4, `best epoch ${done.bestEpoch} (the reload must not cut the history there)`);

      const messages: string[] = [];
      const again = blobsSetup(
        { ...LONG, epochs: 4, outDir: dir, reporter: { onMessage: (m) => messages.push(m) } },
        { noisyValidation: true },
      );
      const reloaded = await train(again.opts);
      assert.equal(reloaded.reloaded, true);
      assert.equal(reloaded.history.length, 4);
      assert.deepEqual(reloaded.history, done.history);
      assert.deepEqual(
        [reloaded.bestEpoch, reloaded.bestValue, reloaded.globalStep, reloaded.stopReason],
        [done.bestEpoch, done.bestValue, 32, 'completed'],
      );
      assert.deepEqual(weightBits(again.head.checkpointWeights()), best);
      assert.match(
        messages.join('\n'),
        /holds a finished run \(4 epochs, best val_loss .* at epoch \d\); loaded its best/,
      );
      again.head.dispose();
      assert.equal(tf.memory().numTensors, before);
    });

    test('more epochs on a finished run train on from its last epoch, say so, and equal a longer run', async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const ref = blobsSetup({ ...LONG, epochs: 6 }, { noisyValidation: true });
      const reference = await train(ref.opts);
      const refLast = weightBits(ref.head.checkpointWeights()); // no outDir: the last epoch's weights
      ref.head.dispose();

      const dir = await tempDir();
      const short = blobsSetup({ ...LONG, epochs: 3, outDir: dir }, { noisyValidation: true });
      await train(short.opts);
      short.head.dispose();
      const messages: string[] = [];
      const longer = blobsSetup(
        { ...LONG, epochs: 6, outDir: dir, restoreBest: false, reporter: { onMessage: (m) => messages.push(m) } },
        { noisyValidation: true },
      );
      const r = await train(longer.opts);
      assert.match(messages.join('\n'), /holds a finished run of 3 epochs \(completed\); training on to 6 epochs/);
      assert.deepEqual(r.resumedFrom, { epoch: 3, step: 24 });
      assert.equal(r.reloaded, false);
      assert.deepEqual(curve(r.history), curve(reference.history));
      assert.deepEqual([r.bestEpoch, r.globalStep, r.stopReason], [reference.bestEpoch, 48, 'completed']);
      assert.deepEqual(weightBits(longer.head.checkpointWeights()), refLast);
      longer.head.dispose();

      const fewer = blobsSetup({ ...LONG, epochs: 2, outDir: dir }, { noisyValidation: true });
      await assert.rejects(
        train(fewer.opts),
        /train: '.*' holds a run of 6 epochs; 'epochs' is 2\. Its best epoch may lie beyond 2: ask for at least 6/,
      );
      fewer.head.dispose();
      assert.equal(tf.memory().numTensors, before);
    });

    test('a run stopped early says so on rerun and trains no further; a larger patience trains on', async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const ref = blobsSetup({ ...LONG, patience: 20, outDir: await tempDir() }, { noisyValidation: true });
      const reference = await train(ref.opts);
      const refBits = weightBits(ref.head.checkpointWeights());
      ref.head.dispose();

      const dir = await tempDir();
      const early = blobsSetup({ ...LONG, patience: 2, outDir: dir }, { noisyValidation: true });
      const stopped = await train(early.opts);
      early.head.dispose();
      assert.equal(stopped.stopReason, 'early-stopping');
      assert.ok(stopped.history.length < 10);

      const messages: string[] = [];
      const same = blobsSetup(
        { ...LONG, patience: 2, outDir: dir, reporter: { onMessage: (m) => messages.push(m) } },
        { noisyValidation: true },
      );
      const again = await train(same.opts);
      same.head.dispose();
      assert.deepEqual(
        [again.reloaded, again.stopReason, again.globalStep, again.history.length],
        [true, 'early-stopping', stopped.globalStep, stopped.history.length],
      );
      assert.match(
        messages.join('\n'),
        new RegExp(
          `stopped early after epoch ${stopped.history.length} of 10 \\(no val_loss improvement for 2 epochs, ` +
            `best val_loss .*\\); not training further.* A patience above 2 lets it train on`,
        ),
      );

      const patient = blobsSetup({ ...LONG, patience: 20, outDir: dir }, { noisyValidation: true });
      const more = await train(patient.opts);
      assert.deepEqual(curve(more.history), curve(reference.history));
      assert.deepEqual([more.globalStep, more.stopReason], [80, 'completed']);
      assert.deepEqual(weightBits(patient.head.checkpointWeights()), refBits);
      patient.head.dispose();
      assert.equal(tf.memory().numTensors, before);
    });
  });
}

describe('checkpoint folder hygiene and damaged files', () => {
  test('leftover temporary files of dead writers and superseded checkpoints are removed when training starts', async () => {
    await initBackend(TEST_BACKENDS[0]);
    const dir = await tempDir();
    const first = blobsSetup({ outDir: dir, epochs: 2 }, { noisyValidation: true });
    await train(first.opts);
    first.head.dispose();
    const manifest = (await readManifest(dir))!;
    const referenced = new Set([...Object.values(manifest.files.last), manifest.files.best.weights]);
    assert.deepEqual(
      readdirSync(dir).sort(),
      ['checkpoint.json', 'result.json', ...referenced].sort(),
      'a finished folder holds only the manifest, the result and the referenced files',
    );

    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // a process that has exited
    const leftovers = [
      `.weights-99.safetensors.${dead}.1700000000000.tmp`,
      `.checkpoint.json.${process.pid}.1700000000001.tmp`, // this process writes nothing there yet: stale
      'weights-7.safetensors',
      'optimizer-7.safetensors',
    ];
    const live = `.optimizer-99.safetensors.${process.ppid}.1700000000002.tmp`; // a running writer: kept
    for (const f of [...leftovers, live]) writeFileSync(join(dir, f), 'x');
    const messages: string[] = [];
    const more = blobsSetup(
      { outDir: dir, epochs: 3, reporter: { onMessage: (m) => messages.push(m) } },
      { noisyValidation: true },
    );
    await train(more.opts);
    more.head.dispose();
    for (const f of leftovers) assert.equal(existsSync(join(dir, f)), false, `${f} is removed`);
    assert.ok(existsSync(join(dir, live)), 'the temporary file of a live process is kept');
    assert.match(messages.join('\n'), /removed 4 leftover file\(s\) of an interrupted run from '.*': /);
  });

  test('a damaged checkpoint.json or result.json, or a missing weights file, is an error naming the file', async () => {
    await initBackend(TEST_BACKENDS[0]);
    const run = async (dir: string): Promise<TrainResult> => {
      const s = blobsSetup({ outDir: dir, epochs: 2 });
      try {
        return await train(s.opts);
      } finally {
        s.head.dispose();
      }
    };
    const dir = await tempDir();
    await run(dir);
    const manifestPath = join(dir, 'checkpoint.json');
    const manifestText = readFileSync(manifestPath, 'utf8');
    const resultText = readFileSync(join(dir, 'result.json'), 'utf8');
    const fix = /\. Delete the folder '.*' to train this stage again from the start, or use another output folder\./;

    writeFileSync(manifestPath, manifestText.slice(0, 100));
    await assert.rejects(run(dir), (e: Error) => {
      assert.match(e.message, /^checkpoint: .*checkpoint\.json: not valid JSON \(.*\); expected a .* manifest\. /);
      assert.match(e.message, fix);
      return true;
    });
    writeFileSync(manifestPath, manifestText);
    writeFileSync(join(dir, 'result.json'), resultText.slice(0, 50));
    await assert.rejects(run(dir), (e: Error) => {
      assert.match(e.message, /^checkpoint: .*result\.json: not valid JSON \(.*\); expected a finished training's /);
      assert.match(e.message, fix);
      return true;
    });
    writeFileSync(join(dir, 'result.json'), resultText);
    const manifest = JSON.parse(manifestText);
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, files: { ...manifest.files, best: { weights: 'x' } } }));
    await assert.rejects(run(dir), /checkpoint: '.*checkpoint\.json' is damaged \(missing or invalid 'files'\)/);
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, version: 1 }));
    await assert.rejects(run(dir), /checkpoint: '.*checkpoint\.json' has version 1; this version reads 2/);
    writeFileSync(manifestPath, manifestText);
    await rm(join(dir, manifest.files.best.weights));
    await assert.rejects(run(dir), /checkpoint: '.*checkpoint\.json' is damaged \(it points to 'weights-\d+/);
  });
});

for (const backend of TEST_BACKENDS) {
  describe(`seeded dropout on ${backend} (siamese tiny BERT, dropout 0.1)`, () => {
    const runOnce = async (overrides: Parameters<typeof dropoutSiameseSetup>[0] = {}) => {
      const { model, opts } = await dropoutSiameseSetup(overrides);
      try {
        const result = await train(opts);
        return { result, bits: weightBits(model.checkpointWeights()) };
      } finally {
        model.dispose();
      }
    };

    test('identical trainings are bit-identical, also killed mid-epoch and rerun; another seed differs', async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const a = await runOnce({ outDir: await tempDir() });
      const b = await runOnce();
      assert.deepEqual(curve(b.result.history), curve(a.result.history));
      assert.deepEqual(b.bits, a.bits, 'the same seed: the same weights');

      const dir = await tempDir();
      await assert.rejects(runOnce({ outDir: dir, onStep: killAt(3) }), /killed at step 3/);
      const resumed = await runOnce({ outDir: dir });
      assert.deepEqual(resumed.result.resumedFrom, { epoch: 1, step: 2 });
      assert.deepEqual(curve(resumed.result.history), curve(a.result.history));
      assert.deepEqual(resumed.bits, a.bits, 'killed and resumed: the same weights');

      const c = await runOnce({ seed: 4 });
      assert.notDeepEqual(
        c.result.history.map((h) => h.loss),
        a.result.history.map((h) => h.loss),
      );
      assert.notDeepEqual(c.bits, b.bits, 'another seed: other dropout masks, other weights');
      assert.equal(tf.memory().numTensors, before);
    });
  });
}

const MINILM = process.env.MINILM_DIR;
// Without the pure-JS cpu backend, too slow for a 22M-parameter model (as test/model/minilm.test.ts).
const MINILM_BACKENDS = TEST_BACKENDS.length > 1 ? TEST_BACKENDS.filter((b) => b !== 'cpu') : TEST_BACKENDS;
describe(
  'seeded dropout with a real encoder (all-MiniLM-L6-v2, dropout 0.1)',
  {
    skip: MINILM ? false : 'MINILM_DIR is not set: skipping the real MiniLM encoder',
  },
  () => {
    for (const backend of MINILM_BACKENDS) {
      test(`two identical siamese trainings (3 steps) are bit-identical on ${backend}`, async () => {
        await initBackend(backend);
        const before = tf.memory().numTensors;
        const golden = JSON.parse(readFileSync(new URL('../fixtures/minilm-headlines.json', import.meta.url), 'utf8'));
        const texts: string[] = golden.headlines;
        const labels = Int32Array.from(texts, (_, i) => i % 4);
        const tokenizer = await loadTokenizer(MINILM!);
        const loader = textBatchLoader(texts, labels, tokenizer, { maxLength: 16 });
        const run = async () => {
          const model = new SiameseModel(await loadEncoder(MINILM!, { pooling: 'mean' }), { seed: 1 });
          const losses: number[] = [];
          try {
            await train({
              model,
              sampler: pkSampler(labels, { classesPerBatch: 2, examplesPerClass: 4, seed: 1 }),
              loadBatch: (idx) => loader.loadBatch(idx),
              disposeBatch: loader.disposeBatch,
              epochs: 1,
              maxSteps: 3,
              learningRate: 1e-4,
              seed: 3,
              onStep: (s) => {
                losses.push(s.loss);
              },
            });
            const hash = createHash('sha256');
            for (const v of model.trainableVariables()) {
              const a = v.dataSync();
              hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
            }
            return { losses, weights: hash.digest('hex') };
          } finally {
            model.dispose();
          }
        };
        const a = await run();
        const b = await run();
        assert.equal(a.losses.length, 3);
        assert.deepEqual(b, a);
        assert.equal(tf.memory().numTensors, before);
      });
    }
  },
);
