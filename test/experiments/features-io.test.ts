/** scripts/experiments/features-io.ts: the feature dump that recipe.ts and run-features.ts write for scikit-learn. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PreparedData } from '../../lib/pipeline/prepare';
import { dumpFeatures } from '../../scripts/experiments/features-io';

test('dumpFeatures writes float32 rows (as numpy.fromfile reads them) and the shape, labels and split', () => {
  const dir = mkdtempSync(join(tmpdir(), 'features-io-'));
  try {
    // A view into a larger buffer: only the view's bytes may be written.
    const backing = new Float32Array([9, 1.5, -2, 3, 0.25, 7, -1, 9]);
    const f = { data: backing.subarray(1, 7), rows: 3, cols: 2 };
    const data = {
      dataset: { labels: Int32Array.from([0, 1, 0]) },
      split: { train: Int32Array.from([0, 2]), val: Int32Array.from([1]) },
    } as unknown as PreparedData;
    dumpFeatures(join(dir, 'x'), f, data);
    const bytes = readFileSync(join(dir, 'x.f32'));
    assert.deepEqual(
      Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)),
      [1.5, -2, 3, 0.25, 7, -1],
    );
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'x.json'), 'utf8')), {
      rows: 3,
      cols: 2,
      labels: [0, 1, 0],
      train: [0, 2],
      val: [1],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
