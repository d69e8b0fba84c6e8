/**
 * The notebooks' setup call: parameters cell < SIAMESE_* environment, the missing-input messages that
 * replace stack traces (data, model, an earlier notebook's output), and one real setup on the
 * embedded sample with a tiny model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspect } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { SAMPLE_DATA } from '../../lib/data/sample';
import {
  missingInputs,
  notebookConfig,
  NotebookSetupError,
  setupNotebook,
  type NotebookParams,
} from '../../lib/notebook/setup';
import { runPaths } from '../../lib/pipeline/prepare';
import { classifierFolder } from '../../lib/pipeline/stages';
import { RESULT_FILE } from '../../lib/train/trainer';

const ROOT = resolve(import.meta.dirname, '../..');
const TINY_MODEL = join(ROOT, 'test/fixtures/tiny-bert');
const TINY_TOKENIZER = join(ROOT, 'test/tokenizer/fixtures/tiny-wordpiece');
const PARAMS: NotebookParams = {
  data: join(ROOT, SAMPLE_DATA),
  text: 'headline',
  minWords: 0,
  model: TINY_MODEL,
  pooling: 'mean',
  maxLength: 64, // the tiny model has 64 positions
  siameseEpochs: 2,
};

test('notebookConfig: defaults < parameters cell < non-empty SIAMESE_* variables', () => {
  const { cfg, fromEnv } = notebookConfig(PARAMS, {
    SIAMESE_SIAMESE_EPOCHS: '5',
    SIAMESE_MAX_PER_CLASS: '',
    SIAMESE_STAGES: 'siamese,evaluate',
    OTHER: 'x',
  });
  assert.equal(cfg.text, 'headline'); // parameters cell
  assert.equal(cfg.minWords, 0);
  assert.equal(cfg.siameseEpochs, 5); // environment wins
  assert.equal(cfg.maxPerClass, undefined); // empty variable: ignored
  assert.deepEqual(cfg.stages, ['siamese', 'evaluate']);
  assert.equal(cfg.seed, 3); // default
  assert.deepEqual(fromEnv, ['SIAMESE_SIAMESE_EPOCHS', 'SIAMESE_STAGES']);
});

test('notebookConfig names an unknown parameter and a bad variable, without a stack', () => {
  const unknown = () => notebookConfig({ ...PARAMS, epochs: 3 } as NotebookParams, {});
  assert.throws(unknown, NotebookSetupError);
  assert.throws(unknown, /the parameters cell sets 'epochs', which is not a run setting; the settings are data, /);
  assert.throws(
    () => notebookConfig(PARAMS, { SIAMESE_SEED: 'three' }),
    /SIAMESE_SEED must be an integer >= 0; got 'three'\. \(a SIAMESE_\* variable or the parameters cell\)/,
  );
  try {
    notebookConfig(PARAMS, { SIAMESE_POOLING: 'max' });
    assert.fail('no error');
  } catch (e) {
    assert.ok(e instanceof NotebookSetupError);
    const shown = inspect(e); // what tslab's console.error prints
    assert.match(shown, /NotebookSetupError: SIAMESE_POOLING must be one of pooler, cls, mean; got 'max'/);
    assert.doesNotMatch(shown, /\n\s+at /);
  }
});

test('missingInputs says what to run for missing data, model and earlier notebooks', () => {
  const out = mkdtempSync(join(tmpdir(), 'nb-setup-'));
  try {
    const { cfg } = notebookConfig(
      { ...PARAMS, data: join(out, 'none.json'), model: join(out, 'no-model'), out: join(out, 'run') },
      {},
    );
    const [data, model, siamese, classifiers] = missingInputs(cfg, ['siamese', 'classifiers']);
    assert.match(data, /The data file '.*none\.json' \(parameter 'data', SIAMESE_DATA\) does not exist\./);
    assert.match(data, /embedded sample is 'data\/huffpost-sample\/.*`npm run data`/);
    assert.match(model, /The model folder '.*no-model' \(parameter 'model', SIAMESE_MODEL\) has no config\.json/);
    assert.match(model, /`npm run setup`/);
    assert.match(siamese, /has no siamese encoder .* Run notebook 01 first with the same parameters/);
    assert.match(classifiers, /no finished training of the frozen, trained, siamese classifiers\. Run notebook 02/);
    assert.match(classifiers, /--stages frozen,trained,siamese-classifier/);
    assert.deepEqual(missingInputs({ ...cfg, model: 'albert-base-v2', data: PARAMS.data! }), []); // a hub id

    // Outputs present: nothing is missing.
    const paths = runPaths(cfg.out);
    mkdirSync(paths.siameseEncoder, { recursive: true });
    writeFileSync(join(paths.siameseEncoder, 'model.safetensors'), '');
    for (const name of ['frozen', 'trained', 'siamese'] as const) {
      mkdirSync(classifierFolder(cfg, name), { recursive: true });
      if (name !== 'trained') writeFileSync(join(classifierFolder(cfg, name), RESULT_FILE), '{}');
    }
    const full = { ...cfg, data: PARAMS.data!, model: TINY_MODEL };
    assert.deepEqual(missingInputs(full, ['siamese']), []);
    assert.deepEqual(missingInputs(full, ['classifiers']), [
      `The run folder '${cfg.out}' has no finished training of the trained classifier. Run notebook 02 first ` +
        'with the same parameters (or `npm run pipeline -- --stages trained`).',
    ]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('setupNotebook: settings, backend, prepared sample and tokenizer in one call; one error for all gaps', async () => {
  const before = tf.memory().numTensors;
  const s = await setupNotebook(
    { ...PARAMS, tokenizer: TINY_TOKENIZER, backend: 'cpu', out: join(tmpdir(), 'nb-setup-none') },
    { env: {}, show: false },
  );
  assert.equal(s.backend.name, 'cpu');
  assert.equal(s.prepared.dataset.texts.length, 2050);
  assert.equal(s.prepared.dataset.categories.length, 41);
  assert.equal(s.prepared.split.train.length + s.prepared.split.val.length, 2050);
  assert.ok(s.tokenizer.encode('hello world').ids.length > 2);
  assert.ok(s.startedAt <= Date.now());
  assert.deepEqual(s.fromEnv, []);
  assert.equal(tf.memory().numTensors, before);
  await assert.rejects(
    setupNotebook(
      { ...PARAMS, data: 'nope.json', out: join(tmpdir(), 'nb-setup-none') },
      { env: {}, needs: ['siamese'] },
    ),
    (e: Error) => e instanceof NotebookSetupError && e.message.split('\n').length === 2,
  );
});
