/**
 * Confusion-matrix analyses: the clustered class order (against SciPy's average
 * linkage, test/fixtures/confusion.json from scripts/goldens/confusion.py) and the
 * most-confused pairs (against scikit-learn's confusion_matrix and a numpy ranking;
 * and a small case checkable by hand). Tolerances: distances 1e-12, merge heights
 * 1e-12, orders and pairs exact, shares 1e-12.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { confusionMatrix } from '../../lib/metrics/classification';
import { averageLinkage, confusionOrder, confusionSimilarity } from '../../lib/metrics/confusion-order';
import { mostConfusedPairs } from '../../lib/metrics/confusion-pairs';
import { assertArrayClose, assertClose } from './fixtures';

const g = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'confusion.json'), 'utf8'));

/** Is every group of `groupOf` a contiguous run in `order`? */
function contiguous(order: readonly number[], groupOf: readonly number[]): boolean {
  const seen = new Set<number>();
  let prev = -1;
  for (const c of order) {
    const grp = groupOf[c];
    if (grp !== prev) {
      if (seen.has(grp)) return false;
      seen.add(grp);
      prev = grp;
    }
  }
  return true;
}

/** Deterministic pseudo-random numbers in [0, 1) (a small LCG). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('confusionOrder', () => {
  test('distance 1 − S equals the golden within 1e-12; merge heights within 1e-12; leaf order equals SciPy leaves_list', () => {
    const s = confusionSimilarity(g.order.confusion);
    const d = s.map((row: number[], i: number) => row.map((v, j) => (i === j ? 0 : 1 - v)));
    d.forEach((row: number[], i: number) => assertArrayClose(row, g.order.distance[i], 1e-12, `distance[${i}]`));
    assert.deepEqual(confusionOrder(g.order.confusion), g.order.leaves);
    const linkage = averageLinkage(g.order.distance);
    assert.deepEqual(linkage.order, g.order.leaves);
    assertArrayClose(linkage.heights, g.order.heights, 1e-12, 'merge heights');
    assert.ok(contiguous(g.order.leaves, g.order.block_of), 'the golden itself has contiguous blocks');
  });

  test('a block-structured confusion of 41 classes with integer counts gives contiguous blocks, deterministically', () => {
    const r = lcg(5);
    // 41 classes in 9 blocks of sizes 2..7, interleaved in input order.
    const sizes = [2, 3, 4, 5, 6, 7, 2, 5, 7];
    const groupOf = sizes.flatMap((n, b) => Array.from({ length: n }, () => b));
    const perm = groupOf.map((_, i) => i).sort((a, b) => ((a * 17) % 41) - ((b * 17) % 41));
    const block = perm.map((p) => groupOf[p]);
    const cm = block.map((bi, i) =>
      block.map((bj, j) => (i === j ? 30 : bi === bj ? 3 + Math.floor(r() * 4) : Math.floor(r() * 1.3))),
    );
    const order = confusionOrder(cm);
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      Array.from({ length: 41 }, (_, i) => i),
      'a permutation',
    );
    assert.ok(contiguous(order, block), `blocks contiguous: ${order.map((c) => block[c]).join(' ')}`);
    assert.deepEqual(confusionOrder(cm.map((row) => [...row])), order, 'same input, same order');
    assert.ok(
      !contiguous(
        Array.from({ length: 41 }, (_, i) => i),
        block,
      ),
      'the input order is not already sorted',
    );
  });

  test('S is symmetric, 1 on the diagonal, the mean of the two shares; an empty row stays 0', () => {
    const s = confusionSimilarity([
      [8, 2, 0],
      [1, 3, 0],
      [0, 0, 0],
    ]);
    assertClose(s[0][1], (2 / 10 + 1 / 4) / 2, 1e-15, 'S[0][1]');
    assert.equal(s[1][0], s[0][1]);
    assert.deepEqual([s[0][0], s[1][1], s[2][2]], [1, 1, 1]);
    assert.deepEqual([s[2][0], s[2][1]], [0, 0]);
  });

  test('one and two classes; bad input names the function and the problem', () => {
    assert.deepEqual(confusionOrder([[3]]), [0]);
    assert.deepEqual(
      confusionOrder([
        [3, 1],
        [0, 2],
      ]),
      [0, 1],
    );
    assert.throws(() => confusionOrder([]), /confusionSimilarity: 'confusion' must be a non-empty square matrix/);
    assert.throws(() => confusionOrder([[1, 2]]), /confusionSimilarity: 'confusion' must be 1 x 1; row 0 has 2 values/);
    assert.throws(
      () =>
        confusionOrder([
          [1, -1],
          [0, 1],
        ]),
      /'confusion' must hold finite non-negative numbers; got -1 at \[0\]\[1\]/,
    );
    assert.throws(
      () =>
        averageLinkage([
          [0, 1],
          [2, 0],
        ]),
      /averageLinkage: 'distance' must be symmetric/,
    );
  });
});

describe('mostConfusedPairs', () => {
  test('a hand-checkable case: counts, shares, tie-breaking, zero cells left out', () => {
    // true A: 10 texts (2 → B, 3 → C); true B: 4 texts (2 → A); true C: 5 texts (1 → A).
    const cm = [
      [5, 2, 3],
      [2, 2, 0],
      [1, 0, 4],
    ];
    assert.deepEqual(mostConfusedPairs(cm), [
      { trueIndex: 0, predictedIndex: 2, count: 3, share: 0.3 },
      { trueIndex: 1, predictedIndex: 0, count: 2, share: 0.5 }, // ties with A → B on count; larger share first
      { trueIndex: 0, predictedIndex: 1, count: 2, share: 0.2 },
      { trueIndex: 2, predictedIndex: 0, count: 1, share: 0.2 },
    ]);
    assert.deepEqual(
      mostConfusedPairs(cm, { k: 2, by: 'share' }).map((p) => [p.trueIndex, p.predictedIndex]),
      [
        [1, 0],
        [0, 2],
      ],
    );
    assert.deepEqual(mostConfusedPairs([[4]]), []);
  });

  test("scikit-learn's confusion_matrix of 2,000 predictions over 41 classes, and its 10 most-confused pairs", () => {
    const labels = Array.from({ length: 41 }, (_, i) => i);
    const cm = confusionMatrix(g.pairs.y_true as number[], g.pairs.y_pred as number[], { labels });
    assert.deepEqual(cm, g.pairs.confusion);
    const top = mostConfusedPairs(cm);
    assert.deepEqual(
      top.map((p) => [p.trueIndex, p.predictedIndex, p.count]),
      g.pairs.top10.map((p: { true: number; predicted: number; count: number }) => [p.true, p.predicted, p.count]),
    );
    top.forEach((p, i) => assertClose(p.share, g.pairs.top10[i].share, 1e-12, `share ${i}`));
  });

  test('bad options are errors', () => {
    assert.throws(() => mostConfusedPairs([[1]], { k: 0 }), /mostConfusedPairs: 'k' must be a positive integer; got 0/);
    assert.throws(
      () => mostConfusedPairs([[1]], { by: 'recall' as 'count' }),
      /mostConfusedPairs: 'by' must be 'count' or 'share'; got 'recall'/,
    );
  });
});
