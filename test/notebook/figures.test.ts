/** One-call notebook figures: clustered confusion matrices with one shared order, highlighted categories. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { confusionOrder } from '../../lib/metrics/confusion-order';
import { categoryOrder, confusionCounts, confusionFigure, mostConfusedCategories } from '../../lib/notebook/figures';
import type { Predictions } from '../../lib/pipeline/evaluate';
import { HUFFPOST_CATEGORIES, syntheticConfusion } from '../helpers/figure-data';
import { parseSvg } from '../viz/svg';

const NAMES = [...HUFFPOST_CATEGORIES];

/** Predictions (one-hot scores) whose confusion counts are `cm`. */
function predictionsOf(cm: number[][]): Predictions {
  const yTrue: number[] = [];
  const yScore: number[][] = [];
  cm.forEach((row, i) =>
    row.forEach((count, j) => {
      for (let c = 0; c < count; c++) {
        yTrue.push(i);
        yScore.push(row.map((_, k) => (k === j ? 1 : 0)));
      }
    }),
  );
  return { yTrue, yScore };
}

describe('notebook figures', () => {
  const a = syntheticConfusion(1);
  const b = syntheticConfusion(9);
  const pa = predictionsOf(a);
  const pb = predictionsOf(b);

  test('confusionCounts recovers the counts; categoryOrder clusters the sum of the models\u2019 confusions', () => {
    assert.deepEqual(confusionCounts(pa, NAMES), a);
    assert.deepEqual(categoryOrder([pa], NAMES), confusionOrder(a));
    const sum = a.map((row, i) => row.map((v, j) => v + b[i][j]));
    assert.deepEqual(categoryOrder([pa, pb], NAMES), confusionOrder(sum));
    assert.throws(() => categoryOrder([], NAMES), /categoryOrder: 'predictions' must hold at least one/);
  });

  test('confusionFigure lists the categories in the given order (default: clustered) and says so', async () => {
    const order = categoryOrder([pa, pb], NAMES);
    assert.notDeepEqual(order, confusionOrder(a), 'the two orders differ, so the test tells them apart');
    for (const [svg, want] of [
      [await confusionFigure(pa, NAMES, 'Frozen classifier', { order }), order],
      [await confusionFigure(pa, NAMES, 'Frozen classifier'), confusionOrder(a)],
    ] as const) {
      const texts = parseSvg(svg).texts;
      const names = want.map((i) => NAMES[i]);
      const start = texts.indexOf(names[0]);
      assert.deepEqual(texts.slice(start, start + 41), names);
      assert.ok(texts.some((t) => t.includes('ordered by clustering')));
      assert.ok(
        texts.some((t) => t.startsWith('7,380 texts; each row in % of its true class, printed where at least')),
      );
    }
  });

  test('mostConfusedCategories: the categories of the top pairs, each once', () => {
    const got = mostConfusedCategories(pa, NAMES, 3);
    assert.ok(got.length >= 2 && got.length <= 6 && new Set(got).size === got.length);
    assert.ok(mostConfusedCategories(pa, NAMES, 20).length <= 10);
  });
});
