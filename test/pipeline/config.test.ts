import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFromArgs, configFromEnv, helpText } from '../../lib/pipeline/config';
import { OPTIONS, flagOf, envOf } from '../../lib/pipeline/options';

test('defaults follow the study', () => {
  const c = configFromArgs([]);
  assert.equal(c.text, 'headline+description');
  assert.equal(c.minWords, 10);
  assert.equal(c.siameseLr, 1e-5);
  assert.equal(c.classifierLr, 1e-4);
  assert.equal(c.siameseBatchSize, 64);
  assert.equal(c.seed, 3);
  assert.equal(c.maxPerClass, undefined);
  assert.deepEqual(c.stages, ['siamese', 'frozen', 'trained', 'siamese-classifier', 'evaluate']);
});

test('flags, = syntax, text-field shorthand and stage lists', () => {
  const c = configFromArgs([
    '--max-per-class',
    '50',
    '--seed=7',
    '--text-field',
    'title',
    '--label-field',
    'label',
    '--stages',
    'siamese,evaluate',
  ]);
  assert.equal(c.maxPerClass, 50);
  assert.equal(c.seed, 7);
  assert.equal(c.text, 'title');
  assert.equal(c.labelField, 'label');
  assert.deepEqual(c.stages, ['siamese', 'evaluate']);
});

test('bad values name the flag, the allowed values and what was given', () => {
  assert.throws(() => configFromArgs(['--seed', 'x']), { message: "--seed must be an integer; got 'x'." });
  assert.throws(() => configFromArgs(['--pooling', 'max']), {
    message: "--pooling must be one of pooler, cls, mean; got 'max'.",
  });
  assert.throws(
    () => configFromArgs(['--stages', 'siamese,tune']),
    /--stages must be a comma-separated list of siamese, frozen, trained, siamese-classifier, evaluate; got 'siamese,tune'/,
  );
  assert.throws(() => configFromArgs(['--epochs', '3']), /unknown option '--epochs'. Run with --help/);
  assert.throws(() => configFromArgs(['--seed']), /--seed needs a value/);
  assert.throws(() => configFromArgs(['--val-fraction', '1.5']), /--val-fraction must be in \(0, 1\); got 1.5/);
});

test('environment variables (notebook parameters) parse the same way', () => {
  const c = configFromEnv({ SIAMESE_MAX_PER_CLASS: '20', SIAMESE_BACKEND: 'cpu', SIAMESE_TEXT: '' });
  assert.equal(c.maxPerClass, 20);
  assert.equal(c.backend, 'cpu');
  assert.equal(c.text, 'headline+description');
  assert.throws(
    () => configFromEnv({ SIAMESE_BACKEND: 'gpu' }),
    /SIAMESE_BACKEND must be one of auto, tensorflow, wasm, cpu; got 'gpu'/,
  );
});

test('--help documents every option with its flag and environment name', () => {
  const h = helpText();
  for (const o of OPTIONS) {
    assert.ok(h.includes(flagOf(o.key)), flagOf(o.key));
    assert.ok(h.includes(envOf(o.key)), envOf(o.key));
  }
});
