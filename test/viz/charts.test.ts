/**
 * Every figure type renders to well-formed SVG (parsed strictly with xmldom)
 * with its title, axis titles (with units) and legend entries as text.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  categoricalPalette,
  categoryBarFigure,
  confusionMatrixFigure,
  embeddingScatterFigure,
  histogramFigure,
  modelComparisonFigure,
  rocCurvesFigure,
  saveFigure,
  showFigure,
  svgToPng,
  trainingCurvesFigure,
  trainingCurvesSpec,
} from '../../lib/viz';
import { multiclassRocCurves } from '../../lib/metrics';
import { assertTexts, parseSvg } from './svg';

const NAMES = Array.from({ length: 41 }, (_, i) =>
  i === 3 ? 'STYLE & BEAUTY' : `CATEGORY ${String(i).padStart(2, '0')}`,
);

/** Deterministic pseudo-random numbers in [0, 1) (a small LCG; figures only). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('figures render to valid SVG with titles and labels', () => {
  test('histogram', async () => {
    const r = lcg(1);
    const svg = await histogramFigure(
      Array.from({ length: 5000 }, () => Math.floor(r() * 30)),
      { title: 'Words per headline', xTitle: 'words per headline (count)', yTitle: 'headlines (count)' },
    );
    const p = parseSvg(svg);
    assertTexts(p, ['Words per headline', 'words per headline (count)', 'headlines (count)']);
    assert.ok(p.count('path') > 5, 'draws bars');
  });

  test('category bars (41 categories, all labelled, & escaped)', async () => {
    const svg = await categoryBarFigure(Object.fromEntries(NAMES.map((n, i) => [n, 900 - i])), {
      title: 'Headlines per category',
    });
    const p = parseSvg(svg);
    assertTexts(p, ['Headlines per category', 'headlines (count)', 'category', ...NAMES]);
  });

  test('training curves: one panel per metric, train vs validation', async () => {
    const history = {
      loss: [1, 0.8, 0.6],
      valLoss: [1.1, 0.9, 0.8],
      accuracy: [0.3, 0.5, 0.6],
      val_accuracy: [0.25, 0.45, 0.5],
    };
    const p = parseSvg(await trainingCurvesFigure(history, { title: 'Siamese training' }));
    assertTexts(p, [
      'Siamese training',
      'loss',
      'accuracy',
      'loss (mean over batches)',
      'accuracy (fraction)',
      'epoch',
      'training',
      'validation',
    ]);
    const spec = trainingCurvesSpec(history, { title: 't' }) as { hconcat: { data: { values: unknown[] } }[] };
    assert.equal(spec.hconcat.length, 2);
    assert.equal(spec.hconcat[1].data.values.length, 6, 'val_accuracy (snake case) is paired with accuracy');
  });

  test('confusion matrix, 41 classes: every class name on both axes; counts and row-normalised', async () => {
    const r = lcg(2);
    const m = NAMES.map((_, i) => NAMES.map((_, j) => (i === j ? 30 : Math.floor(r() * 3))));
    for (const normalize of [false, true]) {
      const p = parseSvg(await confusionMatrixFigure(m, NAMES, { title: 'Confusion matrix', normalize }));
      assertTexts(p, [
        'Confusion matrix',
        'true class',
        'predicted class',
        normalize ? 'share of true class (%)' : 'texts (count)',
      ]);
      for (const n of NAMES) assert.equal(p.texts.filter((t) => t === n).length, 2, `${n} labels both axes`);
    }
    const small = parseSvg(
      await confusionMatrixFigure(
        [
          [5, 1],
          [2, 7],
        ],
        ['a', 'b'],
        { title: 'small' },
      ),
    );
    assertTexts(small, ['5', '1', '2', '7']);
  });

  test('ROC curves: AUC of every class, micro and macro in the legend (few classes); a summary entry for many', async () => {
    const r = lcg(3);
    const yTrue = Array.from({ length: 200 }, (_, i) => i % 4);
    const yScore = yTrue.map((y) => {
      const row = [r(), r(), r(), r()];
      row[y] += r();
      const s = row.reduce((a, b) => a + b, 0);
      return row.map((v) => v / s);
    });
    const roc = multiclassRocCurves(yTrue, yScore);
    const p = parseSvg(await rocCurvesFigure(roc, { title: 'ROC', classNames: ['A', 'B', 'C', 'D'] }));
    assertTexts(p, [
      'ROC',
      'false positive rate (fraction)',
      'true positive rate (fraction)',
      `micro-average (AUC = ${roc.micro.auc.toFixed(3)})`,
      `macro-average (AUC = ${roc.macro.auc.toFixed(3)})`,
      ...roc.perClass.map((c, i) => `${'ABCD'[i]} (AUC = ${c.auc.toFixed(3)})`),
    ]);
    const many = parseSvg(await rocCurvesFigure(roc, { title: 'ROC', legendPerClass: false }));
    assert.ok(
      many.texts.some((t) => t.startsWith('per class (4; AUC ')),
      'summary legend entry',
    );
  });

  test('embedding scatter: 8,000 points in 41 categories, every category named once on the map (no legend)', async () => {
    const r = lcg(4);
    const pts = Array.from({ length: 8000 }, () => [r() * 10, r() * 10] as [number, number]);
    const cats = pts.map((_, i) => NAMES[i % 41]);
    const p = parseSvg(await embeddingScatterFigure(pts, cats, { title: 'Embedding map' }));
    assertTexts(p, ['Embedding map', 'UMAP 1 (arbitrary units)', 'UMAP 2 (arbitrary units)', ...NAMES]);
    for (const n of NAMES) assert.equal(p.texts.filter((t) => t === n).length, 2, `${n}: a label and its halo`);
    assert.ok(!p.texts.includes('category'), 'no legend');
    assert.ok(p.count('path') >= 8000, 'one mark per point');
    const few = parseSvg(
      await embeddingScatterFigure(
        pts.slice(0, 50),
        pts.slice(0, 50).map((_, i) => `c${i % 5}`),
        { title: 't' },
      ),
    );
    assertTexts(few, ['category', 'c0', 'c4']); // up to 10 categories: a legend
  });

  test('model comparison: grouped bars with values and reference ticks', async () => {
    const scores = ['frozen', 'trained', 'siamese'].flatMap((model, i) =>
      ['accuracy', 'macro F1'].map((metric, j) => ({ model, metric, value: 0.4 + 0.1 * i + 0.01 * j })),
    );
    const p = parseSvg(
      await modelComparisonFigure(scores, {
        title: 'Three encoders',
        reference: [{ model: 'siamese', metric: 'accuracy', value: 0.61 }],
      }),
    );
    assertTexts(p, [
      'Three encoders',
      'score (fraction)',
      'metric',
      'model',
      'frozen',
      'trained',
      'siamese',
      'accuracy',
      'macro F1',
      '0.600',
      'Black ticks: reported in the study',
    ]);
  });
});

describe('helpers', () => {
  test('svgToPng and saveFigure write PNG (magic bytes) and SVG files', async () => {
    const svg = await histogramFigure([1, 2, 2, 3], { title: 'tiny', xTitle: 'x (units)' });
    const png = await svgToPng(svg, { scale: 1 });
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const dir = mkdtempSync(join(tmpdir(), 'viz-'));
    try {
      await saveFigure(svg, join(dir, 'sub', 'f.svg'));
      await saveFigure(svg, join(dir, 'f.png'));
      assert.equal(readFileSync(join(dir, 'sub', 'f.svg'), 'utf8'), svg);
      assert.equal(readFileSync(join(dir, 'f.png')).subarray(1, 4).toString(), 'PNG');
      await assert.rejects(saveFigure(svg, join(dir, 'f.jpg')), /saveFigure: 'path' must end in .svg or .png; got/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('showFigure outside tslab explains itself', () => {
    assert.throws(() => showFigure('<svg/>'), /showFigure: needs a tslab notebook/);
  });

  test('categoricalPalette gives n distinct colours', () => {
    for (const n of [1, 10, 20, 41, 60]) assert.equal(new Set(categoricalPalette(n)).size, n);
  });

  test('bad inputs are errors naming the function and parameter', () => {
    assert.throws(
      () => confusionMatrixFigure([[1]], ['a', 'b'], { title: 't' }),
      /confusionMatrixSpec: 'matrix' must be 2 x 2/,
    );
    assert.throws(
      () => histogramFigure([1, NaN], { title: 't', xTitle: 'x' }),
      /histogramSpec: 'values' must hold finite numbers; got NaN at index 1/,
    );
    assert.throws(() => histogramFigure([1], { title: '', xTitle: 'x' }), /figure: 'title' must be a non-empty string/);
    assert.throws(
      () => embeddingScatterFigure([[0, 0]], ['a', 'b'], { title: 't' }),
      /embeddingScatterSpec: 'points' and 'categories'/,
    );
  });
});
