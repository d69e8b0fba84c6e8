/**
 * Bad input and degenerate data (issue 13), one suite per kind of fault: CSV shape, quoting, text
 * joining, input size, array-size limits. Each covers the case and at least one variant.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  balancedSample,
  capPerClass,
  classCounts,
  classWeights,
  DataError,
  factorize,
  InvalidRecords,
  loadDataset,
  makeBatches,
  readRecords,
  trainValSplit,
  wordCount,
} from '../../lib/data/index';

const dir = mkdtempSync(join(tmpdir(), 'siamese-bad-input-'));
function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

interface CsvCase {
  name: string;
  delimiter: string;
  text: string;
  records?: Record<string, string>[];
  csv_module: string[][];
}
const CSV = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'csv_reading.json'), 'utf8')) as {
  cases: CsvCase[];
};
const csvCase = (name: string) => CSV.cases.find((c) => c.name === name)!;
const ext = (c: CsvCase) => (c.delimiter === '\t' ? 'tsv' : 'csv');

describe('CSV shape: a record with more or fewer fields than the header is invalid, never cut or padded', () => {
  const more = csvCase('csv_more_fields'); // label,title / sports,Win, at last / politics,Vote today

  test('more fields (unquoted comma): skipped with file:line and "3 fields, header has 2"', () => {
    const p = file('more.csv', more.text);
    const ds = loadDataset({ path: p, text: 'title', labelField: 'label', minWords: 0, onInvalid: 'skip' });
    assert.deepEqual(ds.texts, ['Vote today']);
    assert.deepEqual(
      ds.skipped.map((s) => [s.file, s.line, s.reason]),
      [[p, 2, "3 fields, header has 2: quote a field that holds ','"]],
    );
    // Python's csv module sees the same 3 fields on that line (pandas silently shifts the row into its index).
    assert.equal(more.csv_module[1].length, 3);
  });

  test('an unclosed quote: the lines it swallows are named in the skip reason, not lost unseen', () => {
    // The quote opened on line 3 closes at the first '"' of line 6, whose ',hot' then makes a third field.
    const text = 'label,title\nsports,Win\nfood,"unclosed pizza,x\nsports,Lost\npolitics,Vote\nfood,"Tea",hot\n';
    const p = file('unclosed.csv', text);
    const ds = loadDataset({ path: p, text: 'title', labelField: 'label', minWords: 0, onInvalid: 'skip' });
    assert.deepEqual(ds.texts, ['Win']);
    assert.equal(ds.skipped.length, 1);
    assert.equal(ds.skipped[0].line, 3);
    assert.match(ds.skipped[0].reason, /lines 3–6 were read as one record because a quoted field spans them/);
  });

  test('more fields under --on-invalid error: fatal, naming file and line', () => {
    const p = file('more-error.csv', more.text);
    assert.throws(
      () => loadDataset({ path: p, text: 'title', labelField: 'label', minWords: 0, onInvalid: 'error' }),
      (e: unknown) => e instanceof DataError && e.line === 2 && e.message.startsWith(`${p}:2: 3 fields, header has 2`),
    );
  });

  test('fewer fields: invalid too ("2 fields, header has 3"), where pandas would pad with empty strings', () => {
    const fewer = csvCase('csv_fewer_fields');
    assert.deepEqual(fewer.records![0], { label: 'sports', title: 'Win', description: '' });
    const p = file('fewer.csv', fewer.text);
    const ds = loadDataset({ path: p, text: 'title+description', labelField: 'label', minWords: 0 });
    assert.deepEqual(ds.texts, ['Vote. today']);
    assert.deepEqual(
      ds.skipped.map((s) => [s.line, s.reason]),
      [[2, '2 fields, header has 3']],
    );
  });

  test('variant: TSV with a stray tab; the line is where the record starts, after a multi-line quoted record', () => {
    const p = file('shape.tsv', 'label\ttitle\na\t"two\nlines"\nb\tone\textra\nc\tfine\n');
    const ds = loadDataset({ path: p, text: 'title', labelField: 'label', minWords: 0 });
    assert.deepEqual(ds.texts, ['two\nlines', 'fine']);
    assert.deepEqual([...ds.lines], [2, 5]);
    assert.deepEqual(
      ds.skipped.map((s) => [s.line, s.reason]),
      [[4, "3 fields, header has 2: quote a field that holds '\\t'"]],
    );
  });

  test('variant: a header naming a column twice is an error at line 1 (which one is the text?)', () => {
    const p = file('dup.csv', 'label,title,title\na,b,c\n');
    assert.throws(
      () => readRecords(p, { invalid: new InvalidRecords('skip') }),
      (e: unknown) => e instanceof DataError && e.line === 1 && /names column 'title' twice/.test(e.message),
    );
  });
});

describe('quoting: files read as pandas reads them (test/fixtures/csv_reading.json, pandas 3.1.1)', () => {
  const quoting = [
    'tsv_quote_inside_field', // issue case 2, TSV
    'csv_quote_inside_field', // issue case 2, CSV
    'csv_quoted_delimiter',
    'csv_quoted_line_break_crlf',
    'tsv_quoted_tab',
    'csv_empty_fields',
  ];
  for (const name of quoting) {
    test(`${name}: the same records as pandas`, () => {
      const c = csvCase(name);
      const p = file(`${name}.${ext(c)}`, c.text);
      const records = readRecords(p, { invalid: new InvalidRecords('error') }).map((r) => r.fields);
      assert.deepEqual(records, c.records);
    });
  }

  test('both rows of the issue TSV become texts ("The "Best" Movie Of 2018", "Win")', () => {
    const c = csvCase('tsv_quote_inside_field');
    const ds = loadDataset({ path: file('issue.tsv', c.text), text: 'title', labelField: 'label', minWords: 0 });
    assert.deepEqual(ds.texts, ['The "Best" Movie Of 2018', 'Win']);
    assert.equal(ds.skipped.length, 0);
  });

  test('the one documented difference: a quoted field followed by text keeps its quotes (pandas drops them)', () => {
    const c = csvCase('tsv_quote_then_text');
    assert.equal(c.records![0].title, 'Best Movie');
    const records = readRecords(file('then.tsv', c.text), { invalid: new InvalidRecords('error') });
    assert.equal(records[0].fields.title, '"Best" Movie');
  });

  test('an unclosed quote is still a file error with its line (every later row would be unreliable)', () => {
    const p = file('open.csv', 'label,title\na,"never closed\nb,c\n');
    assert.throws(
      () => readRecords(p, { invalid: new InvalidRecords('skip') }),
      (e: unknown) => e instanceof DataError && /malformed CSV: .*Quote Not Closed/i.test(e.message),
    );
  });
});

describe('text joining: the joined text is judged, as the study pandas recipe', () => {
  const rec = (headline: string, short_description: string, category = 'A') =>
    JSON.stringify({ category, headline, short_description });

  test('an empty headline with a real description is kept as ". description" (issue case 3)', () => {
    const p = file('joined.jsonl', [rec('', 'A real description here'), rec('Head', 'desc', 'B')].join('\n'));
    const ds = loadDataset({ path: p, text: 'headline+description', minWords: 0 });
    assert.deepEqual(ds.texts, ['. A real description here', 'Head. desc']);
    assert.equal(ds.skipped.length, 0);
  });

  test('variant: every part empty or blank is invalid, naming all the fields', () => {
    const p = file('blank.jsonl', [rec('  ', '\t'), rec('x', '', 'B'), rec('y', 'z', 'C')].join('\n'));
    const ds = loadDataset({ path: p, text: 'headline+description', minWords: 0 });
    assert.deepEqual(ds.texts, ['x. ', 'y. z']);
    assert.deepEqual(
      ds.skipped.map((s) => [s.line, s.reason]),
      [[1, "empty text: fields 'headline' and 'short_description' are empty"]],
    );
  });

  test('variant: three CSV fields joined; --min-words counts the words of the joined text', () => {
    const p = file('three.csv', 'label,a,b,c\nx,,one two,three\ny,,,four\n');
    const ds = loadDataset({ path: p, text: 'a+b+c', labelField: 'label', minWords: 4 });
    // Python: len('. one two. three'.split()) == 4, len('. . four'.split()) == 3.
    assert.deepEqual(ds.texts, ['. one two. three']);
    assert.equal(ds.droppedShort, 1);
  });
});

describe('input size: long texts and large files', () => {
  test('a 16 MB headline is read whole and counted in one pass, as Python str.split counts', () => {
    const big = 'word '.repeat(3_200_000);
    const p = file(
      'big.jsonl',
      `${JSON.stringify({ category: 'A', headline: big })}\n{"category":"B","headline":"x"}\n`,
    );
    const ds = loadDataset({ path: p, text: 'headline', minWords: 2 });
    assert.equal(ds.texts[0].length, big.length);
    assert.equal(wordCount(ds.texts[0]), 3_200_000);
    assert.equal(ds.droppedShort, 1);
  });

  test('variant: word counts follow Python str.isspace, not JavaScript \\s', () => {
    // U+001F and U+0085 separate words in Python; U+FEFF does not (JavaScript's \s says the opposite).
    assert.equal(wordCount('a\u001fb\u0085c'), 3);
    assert.equal(wordCount('a\ufeffb'), 1);
    assert.equal(wordCount('a\u3000b\u00a0c'), 3);
  });
});

describe('array-size limits: data-sized arrays of 1,000,000 elements (spreads overflowed at ~125,000)', () => {
  const N = 1_000_000;

  test('capPerClass with 1,000,000 rows in one class', () => {
    const labels = new Int32Array(N);
    assert.equal(capPerClass(labels, N, 3).length, N);
    const half = capPerClass(labels, N / 2, 3);
    assert.equal(half.length, N / 2);
    assert.ok(
      half.every((v, i) => i === 0 || v > half[i - 1]),
      'sorted, distinct',
    );
  });

  test('splits, samples, batches, factorize and weights on 1,000,000 labels', () => {
    const labels = Int32Array.from({ length: N }, (_, i) => (i < 999_990 ? 0 : 1));
    const s = trainValSplit(labels, { seed: 3, mode: 'stratified' });
    assert.equal(s.train.length + s.val.length, N);
    assert.equal(balancedSample(labels, s.val, 10, 3).length, 20);
    assert.equal(
      makeBatches(s.train, { batchSize: 64, shuffle: true, seed: 1 }).length,
      Math.ceil(s.train.length / 64),
    );
    const { codes, categories } = factorize(Array.from(labels, (l) => (l ? 'b' : 'a')));
    assert.deepEqual(categories, ['a', 'b']);
    assert.deepEqual([...classCounts(codes, 2)], [999_990, 10]);
    assert.equal(classWeights(codes, 2).length, 2);
  });

  test('loadDataset with --max-per-class on 2 classes × 130,000 rows (the issue CLI case)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 260_000; i++) lines.push(`{"category":"${i % 2 ? 'B' : 'A'}","headline":"h ${i}"}`);
    const p = file('many.jsonl', lines.join('\n'));
    const ds = loadDataset({ path: p, text: 'headline', minWords: 0, maxPerClass: 130_000 });
    assert.equal(ds.texts.length, 260_000);
    assert.equal(ds.droppedByCap, 0);
  });
});
