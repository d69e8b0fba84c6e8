import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasetFrame, categoryCounts, describeLengths, frameToHtml } from '../../lib/data/frame';

const ds = { texts: ['a b', 'c d e', 'f <g>'], labels: Int32Array.from([0, 1, 0]), categories: ['X', 'Y'] };

test('datasetFrame, category counts and length statistics', () => {
  const f = datasetFrame(ds);
  assert.deepEqual(f.columns, ['text', 'category', 'words', 'chars']);
  const c = categoryCounts(f);
  assert.deepEqual(c.values, [
    ['X', 2],
    ['Y', 1],
  ]);
  const d = describeLengths(f);
  assert.deepEqual(d.index.slice(0, 2), ['count', 'mean']);
  assert.deepEqual(d.values[0], [3, 3]);
});

test('frameToHtml escapes cells, formats numbers, and says how many rows it left out', () => {
  const html = frameToHtml(datasetFrame(ds), { maxRows: 2 });
  assert.match(html, /<th>text<\/th><th>category<\/th><th>words<\/th><th>chars<\/th>/);
  assert.ok(!html.includes('<g>'));
  assert.match(html, /… 1 more rows \(3 in all\)/);
  assert.match(
    frameToHtml(describeLengths(datasetFrame(ds))),
    /<tr><th>mean<\/th><td>2\.333<\/td><td>4\.333<\/td><\/tr>/,
  );
});
