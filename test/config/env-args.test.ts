import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFromArgs } from '../../lib/config/parse';

// The command line reads SIAMESE_* variables as --help says; a flag wins over a variable.
test('configFromArgs with env: SIAMESE_* variables set options, flags win, bad values name the variable', () => {
  const env = { SIAMESE_VAL_FRACTION: '0.5', SIAMESE_SEED: '5', SIAMESE_MIN_WORDS: '0', SIAMESE_OVERWRITE: '1' };
  const cfg = configFromArgs(['--seed', '7'], env);
  assert.equal(cfg.valFraction, 0.5);
  assert.equal(cfg.minWords, 0);
  assert.equal(cfg.overwrite, true);
  assert.equal(cfg.seed, 7, 'the flag wins');
  assert.equal(configFromArgs([]).valFraction, configFromArgs([], {}).valFraction, 'no env: the defaults');
  assert.notEqual(configFromArgs([]).valFraction, 0.5);
  assert.throws(() => configFromArgs([], { SIAMESE_VAL_FRACTION: '2' }), /SIAMESE_VAL_FRACTION must be/);
  assert.throws(() => configFromArgs([], { SIAMESE_SEED: 'abc' }), /SIAMESE_SEED must be/);
  assert.equal(configFromArgs([], { SIAMESE_SEED: '' }).seed, configFromArgs([]).seed, 'empty: unset');
});
