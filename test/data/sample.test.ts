/**
 * The embedded sample (data/huffpost-sample/): its shape, the sharing rule it must keep (at most 100
 * per category, under 500 KB), that the library finds it, and that scripts/make-sample.ts reproduces
 * it byte for byte from the shared balanced file when that is present.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadDataset, SAMPLE_DATA, sampleDataPath } from '../../lib/data/index';
import { makeSample, MAX_BYTES, PER_CLASS, SOURCE } from '../../scripts/make-sample';
import { sharedPath } from '../helpers/shared';

const ROOT = resolve(import.meta.dirname, '../..');
const FIELDS = ['category', 'headline', 'authors', 'link', 'short_description', 'date'];

test('the sample: 41 categories x 50 headlines in the HuffPost schema, under 500 KB', () => {
  const path = resolve(ROOT, SAMPLE_DATA);
  assert.ok(statSync(path).size < MAX_BYTES, `${statSync(path).size} bytes`);
  const records = readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  // The shared file's schema: v2_line only where the record's line in v2 is known.
  for (const r of records) assert.deepEqual(Object.keys(r), 'v2_line' in r ? [...FIELDS, 'v2_line'] : FIELDS);
  for (const r of records) assert.ok(typeof r.headline === 'string' && r.headline.length > 0, JSON.stringify(r));
  const counts = new Map<unknown, number>();
  for (const r of records) counts.set(r.category, (counts.get(r.category) ?? 0) + 1);
  assert.equal(counts.size, 41);
  assert.deepEqual(new Set(counts.values()), new Set([PER_CLASS]));
});

test('sampleDataPath finds the sample from the library, and loadDataset reads all of it', () => {
  assert.equal(sampleDataPath(), resolve(ROOT, SAMPLE_DATA));
  const ds = loadDataset({ path: sampleDataPath(), text: 'headline', minWords: 0 });
  assert.equal(ds.texts.length, 2050);
  assert.equal(ds.categories.length, 41);
  assert.equal(ds.skipped.length, 0);
});

test('makeSample reproduces the committed sample from the shared balanced file', (t) => {
  const src = sharedPath(SOURCE);
  if ('skip' in src) return t.skip(src.skip);
  assert.equal(makeSample(readFileSync(src.path, 'utf8')), readFileSync(resolve(ROOT, SAMPLE_DATA), 'utf8'));
});

test('makeSample names a source line that is not a record', () => {
  assert.throws(() => makeSample('{"category": "A"}\nnot json\n'), /makeSample: source line 2 is not JSON/);
  assert.throws(() => makeSample('{"category": 3}\n'), /makeSample: source line 1 has no string 'category'/);
});
