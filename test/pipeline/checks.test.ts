/**
 * Checks before any training (issue 13): split validity (case 9), sampler feasibility in the pipeline
 * (case 7), vocabulary fit (case 10) and length fit (case 11). Each stops prepareData / prepareTokenizer
 * with a message naming the option or the data, or returns a warning.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromArgs } from '../../lib/pipeline/config';
import { checkSplit, modelFitProblems, validationRows } from '../../lib/pipeline/checks';
import { prepareData, prepareTokenizer } from '../../lib/pipeline/prepare';
import { trainValSplit } from '../../lib/data/split';
import { sharedPath } from '../helpers/shared';

const dir = mkdtempSync(join(tmpdir(), 'siamese-checks-'));
const FIX = join(import.meta.dirname, '..', 'fixtures');
const WORDPIECE = join(import.meta.dirname, '..', 'tokenizer', 'fixtures', 'tiny-wordpiece');
const albertTokenizer = sharedPath('models/albert-base-v2-tokenizer');
const MINILM = process.env.MINILM_DIR;

/** A JSON-lines file with `counts[name]` records per class. */
function dataFile(name: string, counts: Record<string, number>): string {
  const lines: string[] = [];
  for (const [category, n] of Object.entries(counts))
    for (let i = 0; i < n; i++) lines.push(JSON.stringify({ category, headline: `${category} text number ${i}` }));
  const p = join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}
const five = () => dataFile('five.jsonl', { a: 10, b: 10, c: 10, d: 10, e: 10 });
const cfg = (data: string, ...args: string[]) =>
  configFromArgs(['--data', data, '--text', 'headline', '--min-words', '0', ...args]);

describe('split validity: checked right after data preparation, naming the option', () => {
  test('--max-per-class 1: no class has 2 training texts for the siamese stage', () => {
    assert.throws(
      () => prepareData(cfg(five(), '--max-per-class', '1')),
      /^Error: siamese training cannot work on this split: P×K triplet batches need at least 2 classes with at least 2 rows each .*the 4 training texts hold 4 classes: .*\(1\).*--max-per-class 1\)\. Try: raise --max-per-class/,
    );
  });

  test('--max-per-class 2: refused (no validation class with 2 texts for the P×K validation loss)', () => {
    assert.throws(
      () => prepareData(cfg(five(), '--max-per-class', '2')),
      (e: Error) =>
        /--max-per-class 2/.test(e.message) &&
        /(no class with 2 texts|at least 2 classes with at least 2 rows)/.test(e.message),
    );
  });

  test('--val-fraction 0.04 --sampler random on 22 texts: 1 validation text; the siamese loss needs 2', () => {
    const p = dataFile('22.jsonl', { sports: 11, politics: 11 });
    assert.equal(validationRows([11, 11], 0.04, 'random'), 1);
    assert.throws(() => prepareData(cfg(p, '--val-fraction', '0.04', '--sampler', 'random')), {
      message:
        'the validation split holds 1 of 22 texts (the siamese validation loss needs at least 2): --val-fraction ' +
        '0.04 with --split random rounds its share to 1; use --val-fraction 0.07 or more.',
    });
    // Without the siamese stage one validation text is enough.
    assert.equal(prepareData(cfg(p, '--val-fraction', '0.04', '--stages', 'frozen')).split.val.length, 1);
  });

  test('--split stratified --val-fraction 0.03: 0 validation texts, silently, before; now refused', () => {
    assert.equal(validationRows([10, 10, 10, 10, 10], 0.03, 'stratified'), 0);
    assert.throws(() => prepareData(cfg(five(), '--split', 'stratified', '--val-fraction', '0.03')), {
      message:
        'the validation split holds 0 of 50 texts (nothing to validate on): --val-fraction 0.03 with --split ' +
        "stratified rounds each class's share to 0; use --val-fraction 0.06 or more, or --split random.",
    });
  });

  test('the suggested fraction works (0.05 does not: Math.round(10 × 0.95) = 10)', () => {
    const labels = Int32Array.from({ length: 50 }, (_, i) => Math.floor(i / 10));
    assert.equal(trainValSplit(labels, { seed: 3, valFraction: 0.06, mode: 'stratified' }).val.length, 5);
    assert.equal(trainValSplit(labels, { seed: 3, valFraction: 0.05, mode: 'stratified' }).val.length, 0);
  });

  test('variant: a training split of one class is refused for the classifiers too', () => {
    const labels = Int32Array.from([0, 0, 0, 1]);
    const data = {
      dataset: { labels, categories: ['sports', 'food'] },
      split: { train: Int32Array.from([0, 1, 2]), val: Int32Array.from([3]) },
      trainLabels: Int32Array.from([0, 0, 0]),
      valLabels: Int32Array.from([1]),
    };
    assert.throws(
      () => checkSplit(data, { valFraction: 0.2, split: 'random', sampler: 'pk', stages: ['frozen'] }),
      /the training split holds 1 class \(sports \(3\)\): a classifier needs at least 2 \(--val-fraction 0\.2, --split random\)/,
    );
  });

  test('variant: warnings for a one-class validation split and for classes without training texts', () => {
    const labels = Int32Array.from([0, 0, 0, 1, 1, 2]);
    const warnings = checkSplit(
      {
        dataset: { labels, categories: ['sports', 'food', 'tech'] },
        split: { train: Int32Array.from([0, 1, 3, 4]), val: Int32Array.from([2, 5]) },
        trainLabels: Int32Array.from([0, 0, 1, 1]),
        valLabels: Int32Array.from([0, 2]),
      },
      { valFraction: 0.3, split: 'random', sampler: 'pk', stages: ['frozen'] },
    );
    assert.deepEqual(warnings, [
      '1 class has no training text, so the classifiers cannot learn it: tech (--val-fraction 0.3, --split random).',
    ]);
    const seven = Int32Array.from([0, 0, 0, 1, 1, 2, 2]);
    const one = checkSplit(
      {
        dataset: { labels: seven, categories: ['sports', 'food', 'tech'] },
        split: { train: Int32Array.from([0, 3, 4, 5, 6]), val: Int32Array.from([1, 2]) },
        trainLabels: Int32Array.from([0, 1, 1, 2, 2]),
        valLabels: Int32Array.from([0, 0]),
      },
      { valFraction: 0.3, split: 'random', sampler: 'pk', stages: ['siamese'] },
    );
    assert.ok(
      one.some((w) => /^the validation split holds one class \(sports \(2\)\): its ROC AUCs are undefined/.test(w)),
    );
    assert.ok(one.some((w) => /only one validation class has 2 texts \(sports \(2\)\)/.test(w)));
    assert.ok(one.some((w) => /P×K batches leave out 1 class with a single row .*: sports \(1\)\./.test(w)));
  });
});

describe('sampler feasibility in the pipeline: refused or warned before training', () => {
  test('issue case 7: sports×20, politics×2, food×2, seed 3: refused naming the classes and counts', () => {
    const p = dataFile('case7.jsonl', { sports: 20, politics: 2, food: 2 });
    assert.throws(
      () => prepareData(cfg(p, '--seed', '3')),
      /P×K triplet batches need at least 2 classes with at least 2 rows each .* hold 3 classes: sports \(\d+\), (politics|food) \(1\), (politics|food) \(1\) \(--val-fraction 0\.2, --split random\)\. Try: .*--sampler random/,
    );
  });

  test('variant: single-text classes left out of P×K are named in PreparedData.warnings', () => {
    const p = dataFile('leftout.jsonl', { sports: 20, politics: 20, food: 1 });
    const data = prepareData(cfg(p, '--seed', '3', '--split', 'stratified'));
    assert.deepEqual(
      data.warnings.filter((w) => w.startsWith('P×K')),
      [
        'P×K batches leave out 1 class with a single row in the 33 training texts (no positive for an anchor): food (1).',
      ],
    );
  });
});

describe('vocabulary fit: the tokenizer ids must fit the model embedding table', () => {
  const sources = { modelDir: '/m', tokenizerDir: '/t' };
  test(
    'issue case 10: tiny ALBERT (30,000) with the MiniLM tokenizer (30,522): refused at start',
    { skip: MINILM ? false : 'MINILM_DIR is not set' },
    async () => {
      const c = cfg(five(), '--model', join(FIX, 'tiny-albert'), '--tokenizer', MINILM!, '--max-length', '32');
      await assert.rejects(prepareTokenizer(c), (e: Error) => {
        assert.match(
          e.message,
          /the tokenizer in '.*' has 30,522 tokens with ids up to 30,521, but the model in '.*tiny-albert' embeds 30,000 \(config.json vocab_size\)/,
        );
        assert.ok(e.message.includes(MINILM!) && e.message.includes(join(FIX, 'tiny-albert')));
        return true;
      });
    },
  );

  test('variant: an added token above the base vocabulary (id 30,522 on a 30,522-row model) is refused', async () => {
    const tok = JSON.parse(readFileSync(join(WORDPIECE, 'tokenizer.json'), 'utf8'));
    tok.added_tokens.push({
      id: 30522,
      content: '[NEW]',
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    });
    const tdir = mkdtempSync(join(dir, 'tok-'));
    writeFileSync(join(tdir, 'tokenizer.json'), JSON.stringify(tok));
    writeFileSync(join(tdir, 'tokenizer_config.json'), readFileSync(join(WORDPIECE, 'tokenizer_config.json')));
    const c = cfg(five(), '--model', join(FIX, 'tiny-bert'), '--tokenizer', tdir, '--max-length', '32');
    await assert.rejects(prepareTokenizer(c), /ids up to 30,522, but the model in '.*tiny-bert' embeds 30,522/);
  });

  test('variant: a model table larger than the tokenizer is fine', async () => {
    const c = cfg(five(), '--model', join(FIX, 'tiny-bert'), '--tokenizer', WORDPIECE, '--max-length', '32');
    assert.ok((await prepareTokenizer(c)).maxTokenId < 30522);
    assert.deepEqual(
      modelFitProblems(
        { vocabSize: 30000, maxPositionEmbeddings: 512 },
        { maxTokenId: 29999, vocabSize: 30000, specialTokenCount: 2 },
        128,
        sources,
      ),
      [],
    );
  });
});

describe('length fit: --max-length within the model positions, and above the special tokens', () => {
  const sources = { modelDir: '/m', tokenizerDir: '/t' };
  const tok = { maxTokenId: 10, vocabSize: 11, specialTokenCount: 2 };

  test(
    'issue case 11: the default 128 with a 64-position model (tiny ALBERT) is refused at start',
    { skip: 'skip' in albertTokenizer ? albertTokenizer.skip : false },
    async () => {
      const c = cfg(
        five(),
        '--model',
        join(FIX, 'tiny-albert'),
        '--tokenizer',
        (albertTokenizer as { path: string }).path,
      );
      await assert.rejects(prepareTokenizer(c), (e: Error) => {
        assert.match(
          e.message,
          /--max-length 128 exceeds the model's 64 positions \(max_position_embeddings in '.*tiny-albert\/config\.json'\): use --max-length 64 or less/,
        );
        return true;
      });
    },
  );

  test('variant: --max-length 2 leaves no room for text after [CLS] and [SEP]', () => {
    assert.deepEqual(modelFitProblems({ vocabSize: 30, maxPositionEmbeddings: 64 }, tok, 2, sources), [
      "--max-length 2 leaves no room for text after the tokenizer's 2 special tokens: use --max-length 3 or more (the study: 128)",
    ]);
  });

  test('variant: both problems at once are reported together', () => {
    const problems = modelFitProblems({ vocabSize: 5, maxPositionEmbeddings: 64 }, tok, 65, sources);
    assert.equal(problems.length, 2);
    assert.match(problems[0], /ids up to 10, but the model in '\/m' embeds 5/);
    assert.match(problems[1], /--max-length 65 exceeds the model's 64 positions/);
  });
});

describe('records skipped as invalid are named even when a later check stops the run (task U, item 1)', () => {
  /** `counts` valid records per class, then two unusable lines (malformed JSON, no category). */
  function withInvalid(name: string, counts: Record<string, number>): string {
    const p = dataFile(name, counts);
    writeFileSync(p, readFileSync(p, 'utf8') + '{"headline": "cut off\n{"headline": "no category"}\n');
    return p;
  }

  test('a split check that fails: its error, then the skipped records with file:line and reason', () => {
    const p = withInvalid('invalid-then-split.jsonl', { a: 10, b: 10, c: 10, d: 10, e: 10 });
    assert.throws(
      () => prepareData(cfg(p, '--split', 'stratified', '--val-fraction', '0.03')),
      (e: Error) => {
        assert.match(e.message, /^the validation split holds 0 of 50 texts/);
        assert.match(
          e.message,
          /\(The data had invalid records: skipped 2 records: .*invalid-then-split\.jsonl:51: malformed JSON: .*; .*invalid-then-split\.jsonl:52: missing field 'category'.*\.\)$/,
        );
        return true;
      },
    );
  });

  test('one class left: the error names --data, not a function, and the skipped records', () => {
    const p = withInvalid('invalid-one-class.jsonl', { a: 10 });
    assert.throws(
      () => prepareData(cfg(p)),
      (e: Error) => {
        assert.match(e.message, /^--data '.*invalid-one-class\.jsonl' has 1 class after cleaning; a classifier needs/);
        assert.match(e.message, /\(The data had invalid records: skipped 2 records: .*:11: malformed JSON/);
        return true;
      },
    );
  });

  test('without invalid records the error is unchanged', () => {
    assert.throws(
      () => prepareData(cfg(five(), '--split', 'stratified', '--val-fraction', '0.03')),
      (e: Error) => {
        assert.doesNotMatch(e.message, /invalid records/);
        return true;
      },
    );
  });
});
