/**
 * Notebook tables: per-class F1 of several models (a hand-checked case, and scikit-learn's
 * per-class and macro F1 from test/fixtures/metrics.json within 1e-7 / 1e-9), F1 gains and
 * losses, the most-confused pairs and the cost table.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  confusedPairsRows,
  confusedPairsTable,
  costRows,
  costTable,
  f1DifferenceRows,
  f1DifferenceTable,
  perClassF1Rows,
  perClassF1Table,
} from '../../lib/notebook/tables';
import { assertClose, loadMetricsGolden } from '../metrics/fixtures';

const oneHot = (yPred: number[], k: number) => yPred.map((p) => Array.from({ length: k }, (_, j) => (j === p ? 1 : 0)));
const CATS = ['A', 'B', 'C'];
const yTrue = [0, 0, 0, 1, 1, 2];
const preds = {
  x: { yTrue, yScore: oneHot([0, 0, 1, 1, 1, 2], 3) },
  y: { yTrue, yScore: oneHot([0, 0, 0, 0, 1, 1], 3) },
};

describe('per-class F1', () => {
  test('a hand-checked case: F1 per class and model, support, macro average last', () => {
    const rows = perClassF1Rows(preds, CATS);
    assert.deepEqual(
      rows.map((r) => [r.category, r.support]),
      [
        ['A', 3],
        ['B', 2],
        ['C', 1],
        ['macro average', 6],
      ],
    );
    const close = (got: unknown, want: number, what: string) => assertClose(got as number, want, 1e-12, what);
    [0.8, 0.8, 1, 2.6 / 3].forEach((w, i) => close(rows[i].x, w, `x ${rows[i].category}`));
    [6 / 7, 0.5, 0, (6 / 7 + 0.5) / 3].forEach((w, i) => close(rows[i].y, w, `y ${rows[i].category}`));
    assert.deepEqual(
      perClassF1Rows(preds, CATS, { order: [2, 0, 1] }).map((r) => r.category),
      ['C', 'A', 'B', 'macro average'],
    );
    const html = perClassF1Table(preds, CATS);
    assert.match(html, /<th>category<\/th><th>x F1<\/th><th>y F1<\/th><th>texts \(true\)<\/th>/);
    assert.match(html, /<td>A<\/td><td>0\.800<\/td><td>0\.857<\/td><td>3<\/td>/);
  });

  test("scikit-learn's per-class F1 (1e-7) and macro F1 (1e-9) on 300 samples x 5 classes", () => {
    const g = loadMetricsGolden();
    const rows = perClassF1Rows({ m: { yTrue: g.y_true, yScore: oneHot(g.y_pred, 5) } }, ['0', '1', '2', '3', '4']);
    rows.slice(0, 5).forEach((r, i) => assertClose(r.m as number, g.f1[i], 1e-7, `f1[${i}]`));
    assertClose(rows[5].m as number, g.f1_macro, 1e-9, 'macro F1');
  });

  test('models scored on different texts, or scores of the wrong width, are errors', () => {
    assert.throws(
      () => perClassF1Rows({ x: preds.x, z: { yTrue: [0, 0, 0, 1, 1, 1], yScore: preds.x.yScore } }, CATS),
      /perClassF1Rows: every model must be scored on the same texts; 'z' has 6 true labels that differ from 'x'/,
    );
    assert.throws(
      () => perClassF1Rows({ x: { yTrue, yScore: oneHot([0, 0, 1, 1, 1, 2], 4) } }, CATS),
      /'x'.yScore must be 6 rows of 3 scores/,
    );
  });
});

describe('F1 differences', () => {
  test('gains first (highest a − b), then losses (most negative first); k shrinks to half the classes', () => {
    const rows = f1DifferenceRows(perClassF1Rows(preds, CATS), 'x', 'y');
    assert.deepEqual(
      rows.map((r) => [r.where, r.category]),
      [
        ['largest gains', 'C'],
        ['largest losses', 'A'],
      ],
    );
    assertClose(rows[1].difference, 0.8 - 6 / 7, 1e-12, 'A: x − y');
    const html = f1DifferenceTable(preds, CATS, 'x', 'y');
    assert.match(html, /<td>largest gains<\/td><td>C<\/td><td>1<\/td><td>0<\/td><td>\+1\.000<\/td>/);
    assert.match(html, /<td>largest losses<\/td><td>A<\/td><td>0\.800<\/td><td>0\.857<\/td><td>\u22120\.057<\/td>/);
  });

  test('five best and five worst of 41 classes, ties by name', () => {
    const rows = Array.from({ length: 41 }, (_, i) => ({
      category: `C${String(i).padStart(2, '0')}`,
      support: 10,
      a: i / 40,
      b: i % 2 ? 0.5 : i / 40,
    }));
    const d = f1DifferenceRows(rows, 'a', 'b');
    assert.equal(d.length, 10);
    assert.deepEqual(
      d.slice(0, 5).map((r) => r.category),
      ['C39', 'C37', 'C35', 'C33', 'C31'],
    );
    assert.deepEqual(
      d.slice(5).map((r) => r.category),
      ['C01', 'C03', 'C05', 'C07', 'C09'],
    );
    assert.throws(() => f1DifferenceRows(rows, 'a', 'nope'), /f1DifferenceRows: model 'nope' must be a column/);
  });
});

describe('most-confused pairs and cost', () => {
  test('confused pairs: true → predicted with count and share of the true category', () => {
    // Both pairs hold one text; the larger share of its true category ranks first.
    assert.deepEqual(confusedPairsRows(preds.y, CATS), [
      { rank: 1, true: 'C', predicted: 'B', texts: 1, share: 1 },
      { rank: 2, true: 'B', predicted: 'A', texts: 1, share: 0.5 },
    ]);
    assert.match(confusedPairsTable(preds.y, CATS), /<td>2<\/td><td>B<\/td><td>A<\/td><td>1<\/td><td>50\.0 %<\/td>/);
  });

  test('cost: each approach with its stages and total, then the shared stages and the run', () => {
    const timings = {
      backend: 1.2,
      data: 3,
      tokenizer: 0.5,
      siamese: 100,
      frozen: 20,
      trained: 300,
      'siamese-classifier': 15,
      evaluate: 40,
    };
    const rows = costRows(timings);
    assert.deepEqual(
      rows.map((r) => [r.approach, r.stage]),
      [
        ['frozen', 'frozen'],
        ['trained', 'trained'],
        ['siamese', 'siamese'],
        ['siamese', 'siamese-classifier'],
        ['siamese', 'total'],
        ['all', 'shared: backend, data, tokenizer, evaluate'],
        ['all', 'run total'],
      ],
    );
    assertClose(rows[4].seconds, 115, 1e-12, 'siamese total');
    assertClose(rows[5].seconds, 44.7, 1e-12, 'shared');
    assertClose(rows[6].seconds, 479.7, 1e-12, 'run');
    assert.match(
      costTable(timings),
      /<td>trained<\/td><td>trained \(encoder and head trained together\)<\/td><td>5m00s<\/td>/,
    );
    assert.deepEqual(
      costRows({ frozen: 5 }).map((r) => r.stage),
      ['frozen', 'run total'],
    );
    assert.throws(
      () => costRows({ frozen: -1 }),
      /costRows: 'timings.frozen' must be a non-negative number of seconds/,
    );
  });
});
