/**
 * knnPredictBlocked / knnAccuracyBlocked: the same votes as the exact brute force (knnAccuracy, itself checked
 * against scikit-learn in embeddings.test.ts), over several blocks, with tied similarities (duplicate vectors,
 * which take the exact fallback) and on every test backend; no tensor left behind.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { makeRandom } from '../../lib/data/rng';
import { knnAccuracy, majorityLabel } from '../../lib/embeddings/cluster';
import { knnAccuracyBlocked, knnPredictBlocked } from '../../lib/embeddings/knn-blocked';
import { CosineIndex } from '../../lib/embeddings/neighbours';
import { TEST_BACKENDS } from '../helpers/backends';

function vectors(n: number, d: number, seed: string, clusters = 5): { x: Float32Array[]; labels: number[] } {
  const r = makeRandom(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: d }, () => r() * 2 - 1));
  const labels = Array.from({ length: n }, () => Math.floor(r() * clusters));
  const x = labels.map((c) => Float32Array.from(centres[c], (v) => v + (r() - 0.5) * 1.5));
  return { x, labels };
}

for (const backend of TEST_BACKENDS) {
  describe(`knnPredictBlocked (${backend})`, () => {
    test('equals the exact brute force, block by block, with and without ties', async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const ref = vectors(400, 16, 'ref');
      const q = vectors(90, 16, 'q');
      // Ties: duplicates of reference rows among the references and as queries.
      for (let i = 0; i < 30; i++) ref.x[200 + i] = ref.x[i];
      for (let i = 0; i < 10; i++) q.x[i] = ref.x[i];
      const index = new CosineIndex(ref.x);
      for (const k of [1, 5, 10]) {
        const want = q.x.map((v) => majorityLabel(index.search(v, k).map((n) => ref.labels[n.index])));
        for (const blockRows of [7, 256]) {
          const stats = { exactSearches: 0 };
          const got = await knnPredictBlocked(ref.x, ref.labels, q.x, { k, blockRows, stats });
          assert.deepEqual(got, want, `k ${k}, blocks of ${blockRows}`);
          // The groups decide most queries; the exact search is for near-ties only (this data has a few).
          assert.ok(stats.exactSearches < q.x.length / 4, `k ${k}: ${stats.exactSearches} exact searches`);
        }
        assert.equal(
          await knnAccuracyBlocked(ref.x, ref.labels, q.x, q.labels, { k }),
          knnAccuracy(ref.x, ref.labels, { queries: q.x, queryLabels: q.labels, k }),
        );
      }
      // All references identical: every similarity ties, the exact fallback decides by index.
      const same = Array.from({ length: 400 }, () => Float32Array.from([1, 2, 3]));
      const sameLabels = Array.from({ length: 400 }, (_, i) => i % 3);
      const stats = { exactSearches: 0 };
      const sameQuery = [Float32Array.from([3, 2, 1])];
      assert.deepEqual(await knnPredictBlocked(same, sameLabels, sameQuery, { k: 5, stats }), [0]);
      assert.equal(stats.exactSearches, 1);
      // More references than groups kept (10 + 16 groups of 8): the group maxima choose the candidates.
      const big = vectors(3000, 8, 'big');
      const bigQ = vectors(60, 8, 'bigq');
      const bigIndex = new CosineIndex(big.x);
      const bigStats = { exactSearches: 0 };
      assert.deepEqual(
        await knnPredictBlocked(big.x, big.labels, bigQ.x, { k: 10, blockRows: 25, stats: bigStats }),
        bigQ.x.map((v) => majorityLabel(bigIndex.search(v, 10).map((n) => big.labels[n.index]))),
      );
      assert.ok(bigStats.exactSearches < 15, `${bigStats.exactSearches} exact searches of 60`);
      assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    });

    test('errors name the argument', async () => {
      await initBackend(backend);
      const x = [Float32Array.from([1, 0])];
      await assert.rejects(
        knnPredictBlocked(x, [0], [Float32Array.from([1, 0, 0])]),
        /'queries' must have 2 dimensions/,
      );
      await assert.rejects(knnPredictBlocked(x, [0, 1], x), /'referenceLabels' must have one label per vector \(1\)/);
      await assert.rejects(knnPredictBlocked(x, [0], x, { k: 2 }), /'k' must be an integer in \[1, 1\]; got 2/);
    });
  });
}
