/**
 * lib/embeddings against scikit-learn 1.9.1 (test/fixtures/embeddings.json, made
 * by scripts/goldens/embeddings.py; its PCA entries are unused since PCA left the
 * library): silhouette scores (1e-12), k-NN accuracy (exact); UMAP
 * determinism for a seed; projector TSV format; cosine nearest neighbours.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { makeRandom } from '../../lib/data/rng';
import { knnAccuracyBlocked } from '../../lib/embeddings/knn-blocked';
import {
  knnAccuracy,
  nearestNeighbours,
  CosineIndex,
  projectorTsv,
  silhouetteSamples,
  silhouetteScore,
  umap,
  writeProjectorFiles,
} from '../../lib/embeddings';

const g = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'embeddings.json'), 'utf8'));

function maxAbsDiff(a: number[][], b: number[][]): number {
  assert.equal(a.length, b.length);
  let m = 0;
  a.forEach((row, i) => {
    assert.equal(row.length, b[i].length);
    row.forEach((v, j) => {
      m = Math.max(m, Math.abs(v - b[i][j]));
    });
  });
  return m;
}

describe('cluster quality vs scikit-learn', () => {
  for (const metric of ['euclidean', 'cosine'] as const) {
    test(`silhouette (${metric}) score and samples within 1e-12`, () => {
      const s = silhouetteSamples(g.x, g.labels, { metric });
      s.forEach((v, i) => assert.ok(Math.abs(v - g[`silhouette_samples_${metric}`][i]) < 1e-12, `sample ${i}`));
      assert.ok(Math.abs(silhouetteScore(g.x, g.labels, { metric }) - g[`silhouette_${metric}`]) < 1e-12);
      const asStrings = g.labels.map((l: number) => `c${l}`);
      assert.ok(
        Math.abs(silhouetteScore(g.x, asStrings, { metric }) - g[`silhouette_${metric}`]) < 1e-12,
        'string labels',
      );
    });
  }
  test('a singleton cluster scores 0 for its sample; 1 cluster is an error', () => {
    assert.ok(Math.abs(silhouetteScore(g.x, g.labels_singleton) - g.silhouette_singleton) < 1e-12);
    assert.equal(silhouetteSamples(g.x, g.labels_singleton)[0], 0);
    assert.throws(
      () =>
        silhouetteScore(
          g.x,
          g.x.map(() => 0),
        ),
      /number of labels is 1; valid values are 2 to n_samples - 1/,
    );
  });
  test('silhouette sampleSize is seeded', () => {
    const a = silhouetteScore(g.x, g.labels, { sampleSize: 30, seed: 1 });
    assert.equal(a, silhouetteScore(g.x, g.labels, { sampleSize: 30, seed: 1 }));
    assert.notEqual(a, silhouetteScore(g.x, g.labels));
  });
  test('k-NN accuracy train -> test equals KNeighborsClassifier(cosine, k=5)', () => {
    const pick = (idx: number[]) => idx.map((i) => g.x[i]);
    const lab = (idx: number[]) => idx.map((i) => g.labels[i]);
    const acc = knnAccuracy(pick(g.knn_train_idx), lab(g.knn_train_idx), {
      k: 5,
      queries: pick(g.knn_test_idx),
      queryLabels: lab(g.knn_test_idx),
    });
    assert.equal(acc, g.knn_accuracy_cosine_k5);
  });
  test('blocked k-NN accuracy (float32 matMul, groups of rows, exact re-scoring) equals it too', async () => {
    const pick = (idx: number[]) => idx.map((i) => g.x[i]);
    const lab = (idx: number[]) => idx.map((i) => g.labels[i]);
    const before = tf.memory().numTensors;
    const acc = await knnAccuracyBlocked(
      pick(g.knn_train_idx),
      lab(g.knn_train_idx),
      pick(g.knn_test_idx),
      lab(g.knn_test_idx),
      { k: 5, blockRows: 16 },
    );
    assert.equal(acc, g.knn_accuracy_cosine_k5);
    assert.equal(tf.memory().numTensors, before);
  });
  test('k-NN leave-one-out by hand: two tight pairs, k=1 -> 1; mislabelled pair -> 0', () => {
    const x = [
      [1, 0],
      [0.99, 0.1],
      [0, 1],
      [0.1, 0.99],
    ];
    assert.equal(knnAccuracy(x, ['a', 'a', 'b', 'b'], { k: 1 }), 1);
    assert.equal(knnAccuracy(x, ['a', 'b', 'a', 'b'], { k: 1 }), 0);
    assert.throws(
      () => knnAccuracy(x, ['a', 'a', 'b', 'b'], { k: 4 }),
      /knnAccuracy: 'k' must be an integer in \[1, 3\]; got 4/,
    );
  });
});

describe('nearest neighbours (cosine)', () => {
  test('ranks by cosine similarity, ignores scale, excludes the query row, ties by index', () => {
    const m = [
      [1, 0],
      [10, 10],
      [0, 3],
      [2, 0],
      [-1, 0],
    ];
    const nn = nearestNeighbours([5, 0], m, 3);
    assert.deepEqual(
      nn.map((n) => n.index),
      [0, 3, 1],
    );
    assert.ok(Math.abs(nn[0].similarity - 1) < 1e-15 && Math.abs(nn[2].similarity - Math.SQRT1_2) < 1e-15);
    assert.deepEqual(
      nearestNeighbours([1, 0], m, 2, { exclude: 0 }).map((n) => n.index),
      [3, 1],
    );
    const index = new CosineIndex(m);
    assert.deepEqual(
      nearestNeighbours([0, -1], index, 2),
      [
        { index: 0, similarity: 0 },
        { index: 3, similarity: 0 },
      ],
      'ties by lower index; a CosineIndex works as the matrix',
    );
    assert.equal(nearestNeighbours([0, -1], index, 5)[4].index, 2, 'least similar last');
    assert.throws(
      () => nearestNeighbours([1, 0, 0], m, 1),
      /nearestNeighbours: 'query' must have 2 dimensions like the matrix; got 3/,
    );
  });
});

describe('TensorBoard projector export', () => {
  test('vectors.tsv without header; metadata.tsv with header for 2+ columns; tabs and newlines replaced', async () => {
    const { vectorsTsv, metadataTsv } = projectorTsv(
      [
        [1, 0.5],
        [-2, 1 / 3],
      ],
      [
        { category: 'POLITICS', headline: 'a\tb\nc' },
        { category: 'ARTS & CULTURE', headline: 'line\r\nbreak' },
      ],
    );
    assert.equal(vectorsTsv, '1\t0.5\n-2\t0.333333\n');
    assert.equal(metadataTsv, 'category\theadline\nPOLITICS\ta b c\nARTS & CULTURE\tline break\n');
    assert.equal(projectorTsv([[1], [2]], ['x\ty', 'z']).metadataTsv, 'x y\nz\n', 'single column: no header');
    const dir = mkdtempSync(join(tmpdir(), 'proj-'));
    try {
      const p = await writeProjectorFiles(join(dir, 'out'), [[1, 2]], [{ a: 1, b: 'x' }]);
      assert.equal(readFileSync(p.vectorsPath, 'utf8'), '1\t2\n');
      assert.equal(readFileSync(p.metadataPath, 'utf8'), 'a\tb\n1\tx\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.throws(
      () => projectorTsv([[1]], ['a', 'b']),
      /projectorTsv: 'metadata' must have one entry per vector \(1\); got 2/,
    );
  });
});

describe('umap (seeded)', () => {
  test('same seed, same map; another seed, another map (300 x 16)', () => {
    const rng = makeRandom('umap-test');
    const x = Array.from({ length: 300 }, (_, i) =>
      Array.from({ length: 16 }, (_, j) => (i % 3 === j % 3 ? 3 : 0) + rng()),
    );
    const a = umap(x, { seed: 7, nEpochs: 50 });
    const b = umap(x, { seed: 7, nEpochs: 50 });
    assert.equal(a.length, 300);
    assert.equal(a[0].length, 2);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, umap(x, { seed: 8, nEpochs: 50 }));
    assert.ok(a.every((p) => p.every(Number.isFinite)));
  });
  test('bad nNeighbors is an error', () => {
    assert.throws(
      () => umap([[0], [1]], { nNeighbors: 5 }),
      /umap: 'nNeighbors' must be an integer in \[2, N - 1 = 1\]; got 5/,
    );
  });
});
