import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  loadDataset,
  trainValSplit,
  classWeights,
  classCounts,
  factorize,
  capPerClass,
  balancedSample,
  makeBatches,
  wordCount,
  describeRecords,
} from '../../lib/data';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedPath } from '../helpers/shared';

const balanced = sharedPath('data/huffpost/News_Category_Dataset_v2.first900-per-category.json');
const prefix = sharedPath('data/huffpost/News_Category_Dataset_v2.prefix4782.json');

describe(
  'the shared balanced HuffPost file (36,900 headlines)',
  { skip: 'skip' in balanced ? balanced.skip : false },
  () => {
    const path = 'path' in balanced ? balanced.path : '';

    test('36,900 records, 41 categories, 900 each', () => {
      const ds = loadDataset({ path, text: 'headline', minWords: 0 });
      assert.equal(ds.texts.length, 36900);
      assert.equal(ds.categories.length, 41);
      assert.deepEqual([...new Set(classCounts(ds.labels, 41))], [900]);
      assert.equal(ds.skipped.length, 0);
    });

    test('headline text with minWords=10 keeps 26,450 (computed independently with Python str.split)', () => {
      const ds = loadDataset({ path, text: 'headline', minWords: 10 });
      assert.equal(ds.texts.length, 26450);
      assert.equal(ds.droppedShort, 10450);
    });

    test('80/20 split with seed 3: identical across runs, disjoint, covers everything; class weights sum to 1', () => {
      const ds = loadDataset({ path, text: 'headline', minWords: 10 });
      const a = trainValSplit(ds.labels, { seed: 3 });
      const b = trainValSplit(ds.labels, { seed: 3 });
      assert.deepEqual(a, b);
      assert.equal(a.train.length, Math.round(26450 * 0.8));
      const seen = new Set([...a.train, ...a.val]);
      assert.equal(seen.size, 26450);
      assert.notDeepEqual(trainValSplit(ds.labels, { seed: 4 }).train, a.train);
      const w = classWeights(
        Int32Array.from(a.train, (i) => ds.labels[i]),
        ds.categories.length,
      );
      assert.ok(Math.abs(w.reduce((s, x) => s + x, 0) - 1) < 1e-12);
    });
  },
);

describe('the per-class cap on the shared file', { skip: 'skip' in balanced ? balanced.skip : false }, () => {
  test('maxPerClass=50 keeps 50 of each of the 41 classes, the same for the same seed', () => {
    const path = 'path' in balanced ? balanced.path : '';
    const a = loadDataset({ path, text: 'headline', minWords: 0, maxPerClass: 50, seed: 3 });
    assert.equal(a.texts.length, 2050);
    assert.equal(a.droppedByCap, 36900 - 2050);
    assert.deepEqual([...new Set(classCounts(a.labels, 41))], [50]);
    assert.deepEqual(a.lines, loadDataset({ path, text: 'headline', minWords: 0, maxPerClass: 50, seed: 3 }).lines);
    assert.notDeepEqual(a.lines, loadDataset({ path, text: 'headline', minWords: 0, maxPerClass: 50, seed: 4 }).lines);
  });
});

describe('the shared v2 prefix (all fields)', { skip: 'skip' in prefix ? prefix.skip : false }, () => {
  const path = 'path' in prefix ? prefix.path : '';
  test("headline + '. ' + short_description, and ids in order of first appearance", () => {
    const ds = loadDataset({ path, text: 'headline+description', minWords: 0 });
    assert.equal(
      ds.texts[0],
      'There Were 2 Mass Shootings In Texas Last Week, But Only 1 On TV. She left her husband. He killed their children. Just another day in America.',
    );
    assert.equal(ds.categories[0], 'CRIME');
    assert.equal(ds.categories[1], 'ENTERTAINMENT');
    assert.equal(ds.labels[0], 0);
    assert.equal(ds.texts.length, 4782);
  });
});

describe('labels, weights, splits, caps, samples, batches', () => {
  test('factorize numbers labels by first appearance', () => {
    const { codes, categories } = factorize(['b', 'a', 'b', 'c', 'a']);
    assert.deepEqual([...codes], [0, 1, 0, 2, 1]);
    assert.deepEqual(categories, ['b', 'a', 'c']);
  });
  test('class weights are inverse frequencies normalised to 1', () => {
    const w = classWeights([0, 0, 0, 1], 3); // counts 3, 1, 0
    assert.ok(Math.abs(w[0] - 0.25) < 1e-15 && Math.abs(w[1] - 0.75) < 1e-15 && w[2] === 0);
  });
  test('word count matches Python str.split()', () => {
    assert.equal(wordCount('  a  b\tc\nd  '), 4);
    assert.equal(wordCount(''), 0);
    assert.equal(wordCount('one'), 1);
  });
  test('stratified split keeps class proportions', () => {
    const labels = Int32Array.from({ length: 1000 }, (_, i) => (i < 900 ? 0 : 1));
    const s = trainValSplit(labels, { seed: 1, mode: 'stratified' });
    assert.deepEqual(
      [
        ...classCounts(
          Int32Array.from(s.val, (i) => labels[i]),
          2,
        ),
      ],
      [180, 20],
    );
  });
  test('bad split fraction and mode are rejected', () => {
    assert.throws(() => trainValSplit([0, 1], { seed: 1, valFraction: 1 }), /'valFraction' must be in \(0, 1\); got 1/);
    assert.throws(
      () => trainValSplit([0, 1], { seed: 1, mode: 'k-fold' as never }),
      /'mode' must be 'random' or 'stratified'; got 'k-fold'/,
    );
  });
  test('capPerClass keeps at most N per class, seeded, in original order', () => {
    const labels = Int32Array.from({ length: 100 }, (_, i) => i % 3);
    const a = capPerClass(labels, 5, 7);
    assert.deepEqual(a, capPerClass(labels, 5, 7));
    assert.deepEqual(
      [
        ...classCounts(
          Int32Array.from(a, (i) => labels[i]),
          3,
        ),
      ],
      [5, 5, 5],
    );
    assert.deepEqual(
      [...a],
      [...a].sort((x, y) => x - y),
    );
  });
  test('balanced sample draws perClass per class with replacement from the subset', () => {
    const labels = Int32Array.from([0, 0, 1, 1, 1, 2]);
    const s = balancedSample(labels, [0, 2, 3], 4, 1);
    assert.equal(s.length, 8); // class 2 absent from the subset
    assert.deepEqual([...s.slice(0, 4)], [0, 0, 0, 0]);
    assert.ok([...s.slice(4)].every((i) => i === 2 || i === 3));
  });
  test('batches: seeded shuffle differs per epoch, drops nothing unless asked', () => {
    const idx = Int32Array.from({ length: 10 }, (_, i) => i);
    const e0 = makeBatches(idx, { batchSize: 4, shuffle: true, seed: 1, epoch: 0 });
    assert.deepEqual(
      e0.map((b) => b.length),
      [4, 4, 2],
    );
    assert.deepEqual(e0, makeBatches(idx, { batchSize: 4, shuffle: true, seed: 1, epoch: 0 }));
    assert.notDeepEqual(e0, makeBatches(idx, { batchSize: 4, shuffle: true, seed: 1, epoch: 1 }));
    assert.deepEqual(new Set(e0.flatMap((b) => [...b])).size, 10);
    assert.equal(makeBatches(idx, { batchSize: 4, dropLast: true }).length, 2);
    assert.throws(() => makeBatches(idx, { batchSize: 0 }), /'batchSize' must be a positive integer; got 0/);
  });
});

describe('describeRecords: every record read, the valid and invalid ones beside it (task U, item 2)', () => {
  test('3 malformed or unusable lines among 8: 8 read, 5 valid, 3 invalid named by file:line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'describe-records-'));
    try {
      const p = join(dir, 'd.jsonl');
      const ok = (c: string, h: string) => JSON.stringify({ category: c, headline: h });
      writeFileSync(
        p,
        [ok('A', 'one two three'), '{oops', ok('A', 'one'), ok('B', 'one two three'), '[1]', ok('B', 'x y z w')]
          .concat(['{"headline": "no label"}', ok('A', 'a b c d')])
          .join('\n') + '\n',
      );
      const ds = loadDataset({ path: p, text: 'headline', minWords: 2 });
      assert.equal(ds.recordsRead, 5);
      assert.equal(
        describeRecords(ds, 2, 2),
        `8 records read: 5 valid, 3 invalid (skipped 3 records: ${p}:2: malformed JSON: ` +
          `${ds.skipped[0].reason.replace(/^malformed JSON: /, '')}; ${p}:5: expected a JSON object, got an array; ` +
          `… and 1 more); 1 shorter than 2 words; 0 over the per-class cap`,
      );
      assert.equal(
        describeRecords({ ...ds, skipped: [] }, 2),
        '5 records read: 5 valid, 0 invalid; 1 shorter than 2 words; 0 over the per-class cap',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
