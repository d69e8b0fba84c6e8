import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, readRecords, InvalidRecords, DataError, summarizeSkips } from '../../lib/data';

const dir = mkdtempSync(join(tmpdir(), 'siamese-data-'));
function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}
const rec = (category: unknown, headline: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ category, headline, short_description: 'd', ...extra });

describe('bad input, policy skip: counted and reported with file, line and reason', () => {
  const p = file(
    'bad.json',
    [
      rec('A', 'one two three'),
      '{"category": "A", "headline": ', // 2: malformed
      '[1, 2]', // 3: not an object
      JSON.stringify({ headline: 'no label here' }), // 4: missing label
      rec('B', 42), // 5: number -> accepted as text "42"
      rec('B', null), // 6: wrong type
      rec('B', '   '), // 7: empty text
      rec('', 'empty label'), // 8: empty label
      rec('B', ['x']), // 9: array
      '', // blank line: not a record
      rec('C', 'last one'), // 11
    ].join('\n'),
  );

  test('skips exactly the bad lines, with exact reasons', () => {
    const ds = loadDataset({ path: p, text: 'headline', minWords: 0, onInvalid: 'skip' });
    assert.deepEqual(ds.texts, ['one two three', '42', 'last one']);
    assert.deepEqual([...ds.lines], [1, 5, 11]);
    assert.deepEqual(
      ds.skipped.map((s) => [s.line, s.reason]),
      [
        [
          2,
          'malformed JSON: ' +
            (() => {
              try {
                JSON.parse('{"category": "A", "headline": ');
              } catch (e) {
                return (e as Error).message;
              }
              return '';
            })(),
        ],
        [3, 'expected a JSON object, got an array'],
        [4, "missing field 'category'"],
        [6, "field 'headline' must be a string or a number; got null"],
        [7, "empty text: field 'headline' is empty"],
        [8, "empty label field 'category'"],
        [9, "field 'headline' must be a string or a number; got an array"],
      ],
    );
    assert.ok(ds.skipped.every((s) => s.file === p));
    assert.match(
      summarizeSkips(ds.skipped, 2),
      /^skipped 7 records: .*bad\.json:2: malformed JSON.*; .*bad\.json:3: expected a JSON object, got an array; … and 5 more$/,
    );
  });

  test('policy error: the first bad line is an error naming file and line', () => {
    assert.throws(
      () => loadDataset({ path: p, text: 'headline', minWords: 0, onInvalid: 'error' }),
      (e: unknown) => e instanceof DataError && e.line === 2 && e.message.startsWith(`${p}:2: malformed JSON`),
    );
  });

  test('an unknown policy is rejected', () => {
    assert.throws(() => new InvalidRecords('ignore' as never), /'onInvalid' must be one of error, skip; got 'ignore'/);
  });
});

describe('file-level problems', () => {
  test('empty file', () => {
    const p = file('empty.jsonl', '');
    assert.throws(() => readRecords(p, { invalid: new InvalidRecords('skip') }), {
      message: `${p}: file is empty: no records to read`,
    });
  });
  test('only whitespace lines is empty too', () => {
    const p = file('blank.jsonl', '\n\r\n  \n');
    assert.throws(() => readRecords(p, { invalid: new InvalidRecords('skip') }), /file is empty/);
  });
  test('every line bad: no valid records', () => {
    const p = file('allbad.jsonl', 'x\ny\n');
    assert.throws(() => readRecords(p, { invalid: new InvalidRecords('skip') }), {
      message: `${p}: no valid records (2 skipped)`,
    });
  });
  test('unknown format names the extension and the choices', () => {
    const p = file('data.xlsx', 'whatever');
    assert.throws(
      () => readRecords(p, { invalid: new InvalidRecords('skip') }),
      /data\.xlsx: unknown file format '\.xlsx': expected one of \.jsonl, \.ndjson, \.json, \.csv, \.tsv, or pass format/,
    );
  });
  test('missing file', () => {
    assert.throws(
      () => readRecords(join(dir, 'nope.json'), { invalid: new InvalidRecords('skip') }),
      /nope\.json: cannot read file: ENOENT/,
    );
  });
  test('BOM and CRLF are handled', () => {
    const p = file(
      'bom.json',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${rec('A', 'x y')}\r\n${rec('B', 'z')}\r\n`)]),
    );
    const ds = loadDataset({ path: p, text: 'headline', minWords: 0, onInvalid: 'error' });
    assert.deepEqual(ds.texts, ['x y', 'z']);
    assert.deepEqual(ds.categories, ['A', 'B']);
  });
  test('a huge line (5 MB) is read whole', () => {
    const big = 'w '.repeat(2_500_000).trim();
    const p = file('huge.jsonl', `${rec('A', big)}\n${rec('B', 'small')}\n`);
    const ds = loadDataset({ path: p, text: 'headline', minWords: 0 });
    assert.equal(ds.texts[0].length, big.length);
    assert.equal(ds.texts.length, 2);
  });
});

describe('JSON arrays and CSV', () => {
  test('JSON array with a non-object element (element index reported)', () => {
    const p = file(
      'arr.json',
      JSON.stringify([{ category: 'A', headline: 'h1' }, 'oops', { category: 'B', headline: 'h2' }]),
    );
    const ds = loadDataset({ path: p, text: 'headline', minWords: 0 });
    assert.deepEqual(ds.texts, ['h1', 'h2']);
    assert.deepEqual(
      ds.skipped.map((s) => [s.line, s.reason]),
      [[2, 'element 1 is not a JSON object']],
    );
  });
  test('a broken JSON array is an error with its line when the parser gives a position', () => {
    const p = file('broken.json', '[\n{"category": "A", "headline": "x"},\n{"category" "B"}\n]');
    assert.throws(
      () => readRecords(p, { invalid: new InvalidRecords('skip') }),
      (e: unknown) => e instanceof DataError && e.line === 3 && /malformed JSON: Expected ':'/.test(e.message),
    );
  });
  test('a broken JSON array without a parser position still names the file and quotes the parser', () => {
    const p = file('broken2.json', '[\n{"category": "A", "headline": "x"},\n{"category": \n]');
    assert.throws(
      () => readRecords(p, { invalid: new InvalidRecords('skip') }),
      (e: unknown) => e instanceof DataError && e.message.startsWith(`${p}: malformed JSON: Unexpected token`),
    );
  });
  test('CSV with other field names, quotes, CRLF and a short row', () => {
    const p = file(
      'news.csv',
      'label,title,description\r\nsports,"Win, at last",great game\r\npolitics,Vote,"multi\nline"\r\nsports,Short row\r\n',
    );
    const ds = loadDataset({ path: p, text: 'title+description', labelField: 'label', minWords: 0 });
    assert.deepEqual(ds.texts, ['Win, at last. great game', 'Vote. multi\nline']);
    assert.deepEqual(ds.categories, ['sports', 'politics']);
    assert.deepEqual(
      ds.skipped.map((s) => [s.line, s.reason]),
      [[5, '2 fields, header has 3']],
    );
  });
  test('a CSV with an unclosed quote is an error with its line', () => {
    const p = file('q.csv', 'label,title\na,"open\nb,c\n');
    assert.throws(
      () => readRecords(p, { invalid: new InvalidRecords('skip') }),
      (e: unknown) => e instanceof DataError && /malformed CSV: .*Quote Not Closed/i.test(e.message),
    );
  });
  test('TSV and explicit format override', () => {
    const p = file('news.txt', 'label\ttitle\nx\thello world\n');
    const ds = loadDataset({ path: p, format: 'tsv', text: 'title', labelField: 'label', minWords: 0 });
    assert.deepEqual(ds.texts, ['hello world']);
  });
});
