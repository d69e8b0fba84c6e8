import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModelComparison } from '../../lib/data/model-comparison';

test('every row has a metric and a source, and ALBERT-base v2 ranks first by score per parameter', () => {
  const rows = loadModelComparison();
  assert.ok(rows.length >= 10);
  assert.ok(rows.every((r) => r.metric.length > 0 && r.source.length > 0 && r.parametersM > 0));
  assert.equal(rows[0].model, 'ALBERT-base v2');
  assert.ok(Math.abs(rows[0].scorePerMParam - 82.3 / 12) < 1e-12);
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].scorePerMParam >= rows[i].scorePerMParam);
});
