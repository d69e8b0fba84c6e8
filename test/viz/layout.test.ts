/**
 * Figures a reader can use, checked on structure (Vega's laid-out scenegraph), not
 * pixels: at GitHub's notebook width (830 px) with the 41 HuffPost categories, no
 * two labels overlap, every category is named, the whole map is inside the plot,
 * confusion matrices follow the given order, and PNGs are quantised.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { confusionOrder } from '../../lib/metrics/confusion-order';
import {
  NOTEBOOK_WIDTH,
  boxesOverlap,
  categoryMedians,
  confusionMatrixSpec,
  embeddingScatterSpec,
  layoutLabels,
  modelComparisonSpec,
  overlaps,
  renderSvg,
  sceneItems,
  svgToPng,
  trainingCurvesSpec,
  type ModelScore,
  type SceneItem,
} from '../../lib/viz/index';
import { wrapText } from '../../lib/viz/theme';
import { HUFFPOST_CATEGORIES, syntheticConfusion, syntheticMap } from '../helpers/figure-data';

const NAMES = [...HUFFPOST_CATEGORIES];
const svgWidth = (svg: string) => Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1]);
const texts = (items: readonly SceneItem[]) => items.filter((i) => i.marktype === 'text');
const frame = (items: readonly SceneItem[]) => items.find((i) => i.marktype === 'group' && i.role === 'frame')!;

describe('confusion matrix, 41 HuffPost categories in clustered order', () => {
  const cm = syntheticConfusion();
  const order = confusionOrder(cm);
  const spec = confusionMatrixSpec(cm, NAMES, { title: 'Confusion matrix', normalize: true, order });

  test(`fits ${NOTEBOOK_WIDTH} px with cells of at least 12 px, and no two texts overlap`, async () => {
    assert.ok(svgWidth(await renderSvg(spec)) <= NOTEBOOK_WIDTH, 'figure width');
    const items = await sceneItems(spec);
    const f = frame(items);
    assert.ok((f.x2 - f.x1) / 41 >= 12, `cell ${(f.x2 - f.x1) / 41} px`);
    assert.deepEqual(overlaps(texts(items)), []);
  });

  test('both axes list the categories in the given order; values only where a cell holds >= 10 % of its row', async () => {
    const items = await sceneItems(spec);
    const labels = items.filter((i) => i.role === 'axis-label');
    const yLabels = labels.filter((l) => l.x2 <= frame(items).x1).sort((a, b) => a.y1 - b.y1);
    const xLabels = labels.filter((l) => l.y1 >= frame(items).y2).sort((a, b) => a.x1 - b.x1);
    assert.deepEqual(
      yLabels.map((l) => l.text),
      order.map((i) => NAMES[i]),
    );
    assert.deepEqual(
      xLabels.map((l) => l.text),
      order.map((i) => NAMES[i]),
    );
    const cellTexts = texts(items).filter((t) => t.role === 'mark');
    const expected = cm.flatMap((row) => {
      const total = row.reduce((a, v) => a + v, 0);
      return row.filter((v) => v > 0 && v / total >= 0.1).map((v) => String(Math.round((100 * v) / total)));
    });
    assert.deepEqual(cellTexts.map((t) => t.text).sort(), expected.sort());
    assert.ok(cellTexts.length < 200, `${cellTexts.length} values, not 1,681`);
  });

  test('bad order is an error naming the option', () => {
    assert.throws(
      () => confusionMatrixSpec(cm, NAMES, { title: 't', order: [0, 0, ...order.slice(2)] }),
      /confusionMatrixSpec: 'order' must be a permutation of the 41 class indices 0..40/,
    );
  });
});

describe('embedding map, 3,000 points in 41 categories', () => {
  const { xy, categories } = syntheticMap();

  test('every point inside the plot (padded domains); every category named once; no label overlaps or leaves the plot', async () => {
    const spec = embeddingScatterSpec(xy, categories, { title: 'UMAP' });
    assert.ok(svgWidth(await renderSvg(spec)) <= NOTEBOOK_WIDTH, 'figure width');
    const items = await sceneItems(spec);
    const f = frame(items);
    const points = items.filter((i) => i.marktype === 'symbol' && i.role === 'mark');
    assert.equal(points.length, 3000);
    const outside = points.filter((p) => p.x1 < f.x1 || p.x2 > f.x2 || p.y1 < f.y1 || p.y2 > f.y2);
    assert.equal(outside.length, 0, `${outside.length} points cut at the edge`);
    const labels = items.filter((i) => i.name.startsWith('category_label'));
    assert.deepEqual(labels.map((l) => l.text).sort(), [...NAMES].sort());
    assert.deepEqual(overlaps(labels), []);
    const off = labels.filter((l) => l.x1 < f.x1 || l.x2 > f.x2 || l.y1 < f.y1 || l.y2 > f.y2);
    assert.deepEqual(
      off.map((l) => l.text),
      [],
    );
  });

  test('a label with room sits on its category median; a moved one gets a leader line from the median', async () => {
    const medians = categoryMedians(xy, categories);
    const religion = medians.find((m) => m.category === 'RELIGION')!;
    const spec = embeddingScatterSpec(xy, categories, { title: 'UMAP' }) as any;
    const rows = spec.layer.find((l: any) => l.name === 'category_label').data.values;
    const r = rows.find((row: any) => row.text === 'RELIGION');
    const near = (a: number, b: number) => Math.abs(a - b) < 1e-9 * (1 + Math.abs(b));
    assert.ok(near(r.lx, religion.x) && near(r.ly, religion.y), 'the far cluster keeps its label on its median');
    const lines = spec.layer.find((l: any) => l.name === 'leader_line').data.values;
    assert.equal(lines.length, rows.filter((row: any) => row.moved).length);
    for (const l of lines) {
      const m = medians.find((x) => x.category === l.text)!;
      assert.ok(near(l.ax, m.x) && near(l.ay, m.y), `${l.text}: the line starts at the median`);
    }
  });

  test('highlight: the chosen categories coloured and named, the others grey and unnamed', async () => {
    const highlight = ['WORLD NEWS', 'THE WORLDPOST', 'WORLDPOST'];
    const spec = embeddingScatterSpec(xy, categories, { title: 'UMAP', highlight });
    const items = await sceneItems(spec);
    const labels = items.filter((i) => i.name.startsWith('category_label'));
    assert.deepEqual(labels.map((l) => l.text).sort(), [...highlight].sort());
    const s = spec as any;
    assert.equal(s.layer[0].mark.color, '#c4c4c4');
    assert.equal(s.layer[0].data.values.length, 3000 - categories.filter((c) => highlight.includes(c)).length);
    assert.deepEqual(s.layer[1].encoding.color.scale.domain, highlight);
    assert.equal(new Set(s.layer[1].encoding.color.scale.range).size, 3);
    assert.throws(
      () => embeddingScatterSpec(xy, categories, { title: 't', highlight: ['WORLDPOST', 'NOPE'] }),
      /embeddingScatterSpec: 'highlight' must name 1 to 10 categories present in 'categories'; .*\(absent: NOPE\)/,
    );
  });
});

describe('model comparison: value labels clear of the reference ticks and of each other', () => {
  const metrics = ['accuracy', 'f1_macro', 'f1_weighted', 'auc_micro'];
  const scores = (v: Record<string, number[]>): ModelScore[] =>
    Object.entries(v).flatMap(([model, vals]) => vals.map((value, k) => ({ model, metric: metrics[k], value })));
  const cases: Record<string, [Record<string, number[]>, Record<string, number[]>]> = {
    // The checked-in run (its f1_macro 0.487 label overlapped the study's 0.50 tick) and the study's numbers.
    'the checked-in run': [
      {
        frozen: [0.482, 0.476, 0.48, 0.941],
        trained: [0.463, 0.447, 0.452, 0.938],
        siamese: [0.493, 0.487, 0.491, 0.944],
      },
      { frozen: [0.322, 0.26, 0.35, 0.905], trained: [0.581, 0.51, 0.6, 0.996], siamese: [0.63, 0.5, 0.64, 0.946] },
    ],
    // Ticks on the bar top, just above it, inside the label band, and a short bar under a tick.
    'adversarial ticks': [
      { a: [0.5, 0.5, 0.03, 0.99], b: [0.5, 0.3, 0.6, 0.2] },
      { a: [0.5, 0.51, 0.04, 1.0], b: [0.52, 0.305, 0.55, 0.21] },
    ],
  };
  for (const [name, [ours, ref]] of Object.entries(cases)) {
    test(name, async () => {
      const spec = modelComparisonSpec(scores(ours), { title: 'This run vs the study', reference: scores(ref) });
      assert.ok(svgWidth(await renderSvg(spec)) <= NOTEBOOK_WIDTH, 'figure width');
      const items = (await sceneItems(spec)).filter((i) => i.role === 'mark');
      const values = items.filter((i) => i.marktype === 'text');
      const ticks = items.filter((i) => i.marktype === 'rect' && i.name === 'layer_1_marks');
      assert.equal(values.length, scores(ours).length);
      assert.equal(ticks.length, scores(ref).length);
      assert.deepEqual(overlaps(values), []);
      assert.deepEqual(overlaps(values, ticks), []);
    });
  }
});

test('training curves: loss and accuracy panels side by side fit the notebook width, labels clear', async () => {
  const h = { loss: [3, 2, 1.5], valLoss: [2.5, 2, 1.9], accuracy: [0.2, 0.4, 0.5], valAccuracy: [0.3, 0.4, 0.45] };
  const spec = trainingCurvesSpec(h, { title: 'Trained classifier', subtitle: 'cross-entropy and accuracy per epoch' });
  assert.ok(svgWidth(await renderSvg(spec)) <= NOTEBOOK_WIDTH);
  assert.deepEqual(overlaps(texts(await sceneItems(spec))), []);
});

describe('layout helpers', () => {
  test('layoutLabels: 30 labels on one anchor spread out without overlap, inside the plot, deterministically', () => {
    const requests = Array.from({ length: 30 }, (_, i) => ({ text: `CATEGORY ${i}`, x: 100, y: 100 }));
    const placed = layoutLabels(requests, { width: 500, height: 300 });
    const box = (p: (typeof placed)[number]) =>
      [
        [p.cx - p.width / 2, p.cy - p.height / 2],
        [p.cx + p.width / 2, p.cy - p.height / 2],
        [p.cx + p.width / 2, p.cy + p.height / 2],
        [p.cx - p.width / 2, p.cy + p.height / 2],
      ] as [number, number][];
    for (let i = 0; i < placed.length; i++) {
      const p = placed[i];
      assert.ok(
        p.cx - p.width / 2 >= 0 && p.cx + p.width / 2 <= 500 && p.cy - p.height / 2 >= 0 && p.cy + p.height / 2 <= 300,
      );
      for (let j = 0; j < i; j++) assert.ok(!boxesOverlap(box(p), box(placed[j])), `${i} overlaps ${j}`);
    }
    assert.equal(placed[0].moved, false, 'the first keeps its anchor');
    assert.ok(placed.slice(1).every((p) => p.moved));
    assert.deepEqual(layoutLabels(requests, { width: 500, height: 300 }), placed);
    assert.throws(
      () => layoutLabels(requests, { width: 0, height: 1 }),
      /layoutLabels: 'width' and 'height' must be positive/,
    );
  });

  test('boxesOverlap: crossing rotated boxes overlap, separated and touching ones do not', () => {
    const rect = (x: number, y: number, w: number, h: number): [number, number][] => [
      [x, y],
      [x + w, y],
      [x + w, y + h],
      [x, y + h],
    ];
    const diamond: [number, number][] = [
      [5, 0],
      [10, 5],
      [5, 10],
      [0, 5],
    ];
    assert.equal(boxesOverlap(rect(4, 4, 2, 2), diamond), true);
    assert.equal(boxesOverlap(rect(8.6, 8.6, 3, 3), diamond), false, 'the bounding boxes overlap, the shapes do not');
    assert.equal(boxesOverlap(rect(0, 0, 10, 10), rect(10, 0, 10, 10)), false, 'touching');
    assert.equal(boxesOverlap(rect(0, 0, 10, 10), rect(9, 0, 10, 10)), true);
  });

  test('overlaps reports two texts drawn on the same spot', async () => {
    const spec = {
      data: { values: [{ t: 'WORLDPOST' }, { t: 'THE WORLDPOST' }] },
      mark: { type: 'text', x: 50, y: 20 },
      encoding: { text: { field: 't' } },
    };
    const found = overlaps(texts(await sceneItems(spec)));
    assert.equal(found.length, 1);
    assert.match(found[0], /'WORLDPOST' \(marks\) overlaps 'THE WORLDPOST' \(marks\)/);
  });

  test('long titles wrap to the notebook width', () => {
    const lines = wrapText('word '.repeat(60).trim(), 300, 12);
    assert.ok(lines.length > 1 && lines.every((l) => l.length * 0.8 * 12 <= 300));
    assert.equal(lines.join(' '), 'word '.repeat(60).trim());
  });

  test('PNGs are quantised to an indexed palette by default: smaller than full colour', async () => {
    const cm = syntheticConfusion();
    const svg = await renderSvg(confusionMatrixSpec(cm, NAMES, { title: 'cm', normalize: true }));
    const quantised = await svgToPng(svg);
    const full = await svgToPng(svg, { palette: false });
    const colourType = (png: Buffer) => png[25]; // IHDR: 3 = indexed, 2 = RGB, 6 = RGBA
    assert.equal(colourType(quantised), 3);
    assert.notEqual(colourType(full), 3);
    assert.ok(quantised.length < 0.7 * full.length, `${quantised.length} vs ${full.length} bytes`);
    await assert.rejects(
      svgToPng(svg, { palette: 1 }),
      /svgToPng: 'palette' must be an integer from 2 to 256, or false; got 1/,
    );
  });
});
