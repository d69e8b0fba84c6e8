import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  OPTIONS,
  OPTION_ROWS,
  flagOf,
  envOf,
  type OptionSpec,
  type RunConfig,
  type NumberRange,
} from '../../lib/config/options';
import {
  allowedValues,
  configFromArgs,
  configFromEnv,
  describeRange,
  helpText,
  parseValue,
  validateConfig,
} from '../../lib/config/parse';
import { recipeOptions } from '../../lib/config/recipes';
import { TRAINING_DEFAULTS } from '../../lib/heads/defaults';
import { TRIPLET_LOSS_DEFAULTS } from '../../lib/losses/options';

test('defaults follow the study; the settings --recipe decides are unset and resolve from it', () => {
  const c = configFromArgs([]);
  assert.equal(c.text, 'headline+description');
  assert.equal(c.minWords, 10);
  assert.equal(c.recipe, 'auto');
  assert.equal(c.siameseLr, undefined);
  assert.equal(c.classifierLr, undefined);
  assert.deepEqual(recipeOptions(c), {
    recipe: 'auto',
    head: 'logistic',
    siameseLr: 5e-5,
    siameseEpochs: null,
    trainedLr: 5e-5,
    trainedEpochs: null,
    classifierLr: null,
    classifierEpochs: null,
    classifierBatchSize: null,
    classWeights: 'off',
    bucketing: 'on',
  });
  assert.deepEqual(recipeOptions(configFromArgs(['--recipe', 'study'])), {
    recipe: 'study',
    head: 'adam',
    siameseLr: 1e-5,
    siameseEpochs: 25,
    trainedLr: 2e-5,
    trainedEpochs: 3,
    classifierLr: 1e-4,
    classifierEpochs: 40,
    classifierBatchSize: 128,
    classWeights: 'on',
    bucketing: 'off',
  });
  assert.equal(recipeOptions(configFromArgs(['--recipe', 'study', '--bucketing', 'on'])).bucketing, 'on');
  assert.equal(c.siameseBatchSize, 64);
  assert.equal(c.margin, 1);
  assert.equal(c.seed, 3);
  assert.equal(c.maxPerClass, undefined);
  assert.equal(c.overwrite, false);
  assert.deepEqual(c.stages, ['siamese', 'frozen', 'trained', 'siamese-classifier', 'evaluate']);
  assert.ok(!('textField' in c), 'an alias is not a setting of its own');
});

test("the library's training and loss defaults are the table's under --recipe study", () => {
  const c = configFromArgs(['--recipe', 'study']);
  const o = recipeOptions(c);
  assert.deepEqual(
    [TRAINING_DEFAULTS.siamese.learningRate, TRAINING_DEFAULTS.siamese.batchSize, TRAINING_DEFAULTS.siamese.epochs],
    [o.siameseLr, c.siameseBatchSize, o.siameseEpochs],
  );
  assert.deepEqual(
    [TRAINING_DEFAULTS.classifier.learningRate, TRAINING_DEFAULTS.classifier.batchSize],
    [o.classifierLr, o.classifierBatchSize],
  );
  assert.equal(TRAINING_DEFAULTS.siamese.embeddingSize, c.embeddingSize);
  assert.equal(TRAINING_DEFAULTS.siamese.margin, c.margin);
  assert.equal(TRIPLET_LOSS_DEFAULTS.margin, c.margin);
});

test('RunConfig is derived from the table: choices are literal unions, options without default are optional', () => {
  const c: RunConfig = configFromArgs(['--pooling', 'mean']);
  const pooling: 'pooler' | 'cls' | 'mean' = c.pooling;
  const cap: number | undefined = c.maxPerClass;
  // @ts-expect-error -- 'max' is not among the table's pooling choices
  const wrong: RunConfig['pooling'] = 'max';
  // @ts-expect-error -- an option without a default may be undefined
  const required: number = c.patience;
  assert.deepEqual([pooling, cap, wrong, required], ['mean', undefined, 'max', undefined]);
});

test('flags, = syntax, switches, the text-field shorthand and stage lists', () => {
  const c = configFromArgs([
    '--max-per-class',
    '50',
    '--seed=7',
    '--text-field',
    'title',
    '--label-field',
    'label',
    '--stages',
    'siamese,evaluate,siamese',
    '--overwrite',
    '--margin',
    '0.5',
  ]);
  assert.equal(c.maxPerClass, 50);
  assert.equal(c.seed, 7);
  assert.equal(c.text, 'title');
  assert.equal(c.labelField, 'label');
  assert.deepEqual(c.stages, ['siamese', 'evaluate']);
  assert.equal(c.overwrite, true);
  assert.equal(c.margin, 0.5);
});

test('bad values name the flag, the allowed values and what was given', () => {
  assert.throws(() => configFromArgs(['--seed', 'x']), { message: "--seed must be an integer >= 0; got 'x'." });
  assert.throws(() => configFromArgs(['--seed', '1.5']), { message: "--seed must be an integer >= 0; got '1.5'." });
  assert.throws(() => configFromArgs(['--pooling', 'max']), {
    message: "--pooling must be one of pooler, cls, mean; got 'max'.",
  });
  assert.throws(() => configFromArgs(['--stages', 'siamese,tune']), {
    message:
      '--stages must be a comma-separated list of siamese, frozen, trained, siamese-classifier, evaluate; got ' +
      "'siamese,tune'.",
  });
  assert.throws(() => configFromArgs(['--epochs', '3']), /^Error: unknown option '--epochs'. Run with --help/);
  assert.throws(() => configFromArgs(['--seed']), { message: '--seed needs a value.' });
  assert.throws(() => configFromArgs(['--seed', '--max-length', '3']), {
    message: "--seed needs a value; got the option '--max-length' instead.",
  });
  assert.throws(() => configFromArgs(['runs/x']), /unexpected argument 'runs\/x'/);
  assert.throws(() => configFromArgs(['--overwrite=yes']), {
    message: "--overwrite takes no value; got '--overwrite=yes'.",
  });
  assert.throws(() => configFromArgs(['--text', 'a', '--text-field', 'b']), {
    message: '--text-field is a shorthand for --text: give one of them; got both.',
  });
  assert.throws(() => configFromArgs(['--val-fraction', '1.5']), {
    message: "--val-fraction must be a number in (0, 1); got '1.5'.",
  });
  assert.throws(() => configFromArgs(['--data', '']), { message: "--data must be a non-empty text; got ''." });
});

test('issue 13 case 12: every option out of its range fails at parse time with the flag', () => {
  const cases: [string[], string][] = [
    [['--siamese-batch-size', '0'], "--siamese-batch-size must be an integer >= 2; got '0'."],
    [['--siamese-batch-size', '1'], "--siamese-batch-size must be an integer >= 2; got '1'."],
    [['--margin', '-5'], "--margin must be a number > 0; got '-5'."],
    [['--siamese-epochs', '0'], "--siamese-epochs must be an integer >= 1; got '0'."],
    [['--siamese-lr', '0'], "--siamese-lr must be a number > 0; got '0'."],
    [['--classifier-batch-size', '0'], "--classifier-batch-size must be an integer >= 1; got '0'."],
    [['--embedding-size', '0'], "--embedding-size must be an integer >= 1; got '0'."],
    [['--max-length', '0'], "--max-length must be an integer >= 3; got '0'."],
    [['--balanced-per-class', '0'], "--balanced-per-class must be an integer >= 1; got '0'."],
    [['--patience', '0'], "--patience must be an integer >= 1; got '0'."],
    [['--trained-lr', '-1e-5'], "--trained-lr must be a number > 0; got '-1e-5'."],
    [['--max-per-class', '0'], "--max-per-class must be an integer >= 1; got '0'."],
  ];
  for (const [argv, message] of cases) assert.throws(() => configFromArgs(argv), { message }, argv.join(' '));
});

/** A value just outside `r` (undefined when the range is unbounded on both sides). */
function outside(kind: 'int' | 'float', r: NumberRange): string | undefined {
  if (r.min !== undefined) return String(r.minOpen ? r.min : kind === 'int' ? r.min - 1 : r.min - 1e-9);
  if (r.max !== undefined) return String(r.maxOpen ? r.max : r.max + 1);
  return undefined;
}

test('every number option of the table is range-checked, on the command line and in the environment', () => {
  const numeric = OPTION_ROWS.filter((row): row is [keyof typeof OPTIONS, OptionSpec & { kind: 'int' | 'float' }] =>
    ['int', 'float'].includes(row[1].kind),
  );
  assert.ok(numeric.length >= 15, `${numeric.length} number options`);
  for (const [key, spec] of numeric) {
    const bad = outside(spec.kind, spec.range);
    assert.ok(bad !== undefined, `${key} has a range`);
    const allowed = describeRange(spec.kind, spec.range);
    assert.throws(() => configFromArgs([flagOf(key), bad]), {
      message: `${flagOf(key)} must be ${allowed}; got '${bad}'.`,
    });
    assert.throws(() => configFromEnv({ [envOf(key)]: bad }), {
      message: `${envOf(key)} must be ${allowed}; got '${bad}'.`,
    });
  }
});

test('cross-option rule: P×K batches need room for two classes', () => {
  assert.throws(
    () => configFromArgs(['--siamese-batch-size', '4']),
    /^Error: --siamese-batch-size must be at least 8 with --sampler pk \(2 classes × 4 texts, so that every anchor has a negative\); got 4\.$/,
  );
  assert.equal(configFromArgs(['--siamese-batch-size', '4', '--sampler', 'random']).siameseBatchSize, 4);
  assert.throws(
    () => configFromEnv({ SIAMESE_SIAMESE_BATCH_SIZE: '6' }),
    /SIAMESE_SIAMESE_BATCH_SIZE must be at least 8 with SIAMESE_SAMPLER pk/,
  );
});

test('environment variables (notebook parameters) parse and check the same way', () => {
  const c = configFromEnv({
    SIAMESE_MAX_PER_CLASS: '20',
    SIAMESE_BACKEND: 'cpu',
    SIAMESE_TEXT: '',
    SIAMESE_OVERWRITE: '1',
  });
  assert.equal(c.maxPerClass, 20);
  assert.equal(c.backend, 'cpu');
  assert.equal(c.text, 'headline+description');
  assert.equal(c.overwrite, true);
  assert.equal(configFromEnv({ SIAMESE_OVERWRITE: 'no' }).overwrite, false);
  assert.throws(() => configFromEnv({ SIAMESE_BACKEND: 'gpu' }), {
    message: "SIAMESE_BACKEND must be one of auto, tensorflow, wasm, cpu; got 'gpu'.",
  });
  assert.throws(() => configFromEnv({ SIAMESE_OVERWRITE: 'maybe' }), /SIAMESE_OVERWRITE must be on or off/);
  assert.throws(() => configFromEnv({ SIAMESE_MARGIN: '-5' }), {
    message: "SIAMESE_MARGIN must be a number > 0; got '-5'.",
  });
  assert.throws(() => configFromEnv({}, { siameseLr: 0 }), {
    message: '--siamese-lr (SIAMESE_SIAMESE_LR) must be a number > 0; got 0.',
  });
});

test('a hand-built config (notebooks, tests) is checked by validateConfig with both names', () => {
  const ok = configFromArgs([]);
  assert.equal(validateConfig(ok), ok);
  assert.throws(() => validateConfig({ ...ok, embeddingSize: 0 }), {
    message: '--embedding-size (SIAMESE_EMBEDDING_SIZE) must be an integer >= 1; got 0.',
  });
  assert.throws(
    () => validateConfig({ ...ok, pooling: 'max' as 'mean' }),
    /--pooling \(SIAMESE_POOLING\) must be one of/,
  );
  assert.throws(() => validateConfig({ ...ok, stages: [] }), /--stages \(SIAMESE_STAGES\) must be a comma-separated/);
  assert.throws(
    () => validateConfig({ ...ok, epochs: 3 } as RunConfig),
    /RunConfig: unknown setting 'epochs'\. The settings are listed by npm run pipeline -- --help\./,
  );
});

test('--help documents every option with its flag, value range or choices, default, env name and stages', () => {
  const h = helpText();
  for (const [key, spec] of OPTION_ROWS) {
    const line = h.split('\n').findIndex((l) => l.startsWith(`  ${flagOf(key)} `) || l === `  ${flagOf(key)}`);
    assert.ok(line >= 0, flagOf(key));
    const [head, body] = h.split('\n').slice(line, line + 2);
    assert.ok(body.includes(`env ${envOf(key)}`), `${key}: ${body}`);
    if ('default' in spec && spec.kind !== 'flag') {
      const d = Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default);
      assert.ok(head.includes(`(default ${d})`), `${key}: ${head}`);
    }
    if (spec.kind === 'int' || spec.kind === 'float')
      assert.ok(head.includes(describeRange(spec.kind, spec.range).replace(/^an? /, '')), `${key}: ${head}`);
    if (spec.kind === 'choice') assert.ok(head.includes(spec.choices.join('|')), `${key}: ${head}`);
  }
  assert.match(
    h,
    /--siamese-epochs VALUE \[integer >= 1\]\n.*default: from --recipe \(study: 25; auto: from the step budget 220 \(1–25 epochs\)\).*affects siamese, siamese-classifier; more epochs continue siamese/,
  );
  assert.match(h, /--min-words .*\n.*affects every stage/);
});

test('a list of integers (for options such as --seeds) parses, keeps its order and checks every item', () => {
  const seeds: OptionSpec = { kind: 'ints', range: { min: 0 }, group: 'run', stages: [], help: 'seeds' };
  assert.deepEqual(parseValue(seeds, '3, 1,2', '--seeds'), [3, 1, 2]);
  assert.equal(allowedValues(seeds), 'a comma-separated list of integers >= 0');
  for (const bad of ['', '1,,2', '1,x', '1,-2', '1.5'])
    assert.throws(() => parseValue(seeds, bad, '--seeds'), {
      message: `--seeds must be a comma-separated list of integers >= 0; got '${bad}'.`,
    });
});
