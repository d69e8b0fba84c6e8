import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayPath, formatDuration, runStatement } from '../../lib/notebook/run-info';
import { configFromArgs } from '../../lib/pipeline/config';

test('displayPath never shows a far-away absolute path', () => {
  assert.equal(displayPath('/work/main/runs/x', '/work/main'), 'runs/x');
  assert.equal(displayPath('/work/shared/data/a.json', '/work/main'), '../shared/data/a.json');
  assert.equal(displayPath('/tmp/abc/run/model', '/work/main/project/deep'), '…/model');
  assert.equal(displayPath('relative/p'), 'relative/p');
});

test('formatDuration', () => {
  assert.equal(formatDuration(12.34), '12s');
  assert.equal(formatDuration(185), '3m05s');
  assert.equal(formatDuration(3720), '1h02m');
});

test('runStatement lists model, data, seed and extra rows as a markdown table', () => {
  const md = runStatement(configFromArgs(['--max-per-class', '50']), { backend: 'wasm' });
  assert.match(md, /^\| setting \| value \|\n\|---\|---\|/);
  assert.match(md, /\| model \| albert-base-v2 \|/);
  assert.match(md, /\| max per class \| 50 \|/);
  assert.match(md, /\| backend \| wasm \|/);
});
