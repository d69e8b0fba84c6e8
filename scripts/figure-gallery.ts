/**
 * Render the notebook figures on realistic synthetic data (41 HuffPost categories, a
 * block-structured confusion, 3,000 UMAP-like points) to PNG, as a notebook shows
 * them, and report each one's width, PNG size (quantised and full colour) and any
 * overlapping labels. For looking at the figures at GitHub's notebook width.
 *
 *   npx tsx scripts/figure-gallery.ts [out-dir]      (default /tmp/figure-gallery)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRandom } from '../lib/data/rng';
import { confusionOrder } from '../lib/metrics/confusion-order';
import { multiclassRocCurves } from '../lib/metrics/ranking';
import { mostConfusedPairs } from '../lib/metrics/confusion-pairs';
import {
  confusionMatrixSpec,
  embeddingScatterSpec,
  modelComparisonSpec,
  overlaps,
  rocCurvesSpec,
  trainingCurvesSpec,
  renderSvg,
  sceneItems,
  svgToPng,
  type VegaLiteSpec,
} from '../lib/viz/index';
import { HUFFPOST_CATEGORIES, syntheticConfusion, syntheticMap } from '../test/helpers/figure-data';

const out = process.argv[2] ?? '/tmp/figure-gallery';
mkdirSync(out, { recursive: true });
const names = [...HUFFPOST_CATEGORIES];
const cm = syntheticConfusion();
const order = confusionOrder(cm);
const { xy, categories } = syntheticMap();
const confused = mostConfusedPairs(cm, { k: 3 }).flatMap((p) => [names[p.trueIndex], names[p.predictedIndex]]);
const metrics = ['accuracy', 'f1_macro', 'f1_weighted', 'auc_micro'];
const scores = (v: Record<string, number[]>) =>
  Object.entries(v).flatMap(([model, vals]) => vals.map((value, k) => ({ model, metric: metrics[k], value })));
// Scores of a weak 41-class model: the true class gets a boost of varying size.
const random = makeRandom(4);
const yTrue = Array.from({ length: 7380 }, (_, i) => i % 41);
const yScore = yTrue.map((y) => names.map((_, j) => random() + (j === y ? 1.5 * random() : 0)));
const subtitle = '7,380 texts; each row: share of the true class (%), shown where ≥ 10 %';

const figures: Record<string, VegaLiteSpec> = {
  'confusion-clustered': confusionMatrixSpec(cm, names, {
    title: 'Siamese classifier: confusion matrix, validation set',
    subtitle: `${subtitle}; categories ordered by clustering the confusion`,
    normalize: true,
    colorScale: 'sqrt',
    order,
  }),
  'confusion-first-appearance': confusionMatrixSpec(cm, names, {
    title: 'Siamese classifier: confusion matrix, validation set',
    subtitle: `${subtitle}; categories in order of first appearance`,
    normalize: true,
    colorScale: 'sqrt',
  }),
  'umap-labels': embeddingScatterSpec(xy, categories, {
    title: 'Siamese embeddings of the validation set (UMAP)',
    subtitle: '3,000 texts, 64-d → 2-d, seed 3; each name at the median of its category',
  }),
  'umap-highlight': embeddingScatterSpec(xy, categories, {
    title: 'The most-confused categories in the siamese embedding (UMAP)',
    subtitle: '3,000 texts; grey: the other categories',
    highlight: [...new Set(confused)],
  }),
  roc: rocCurvesSpec(multiclassRocCurves(yTrue, yScore), {
    title: 'Siamese classifier: ROC curves, validation set',
    classNames: names,
  }),
  'training-curves': trainingCurvesSpec(
    {
      loss: [3.2, 2.1, 1.8, 1.6, 1.5],
      valLoss: [2.5, 2.0, 1.9, 1.85, 1.84],
      accuracy: [0.2, 0.4, 0.45, 0.5, 0.53],
      valAccuracy: [0.3, 0.42, 0.46, 0.47, 0.48],
    },
    {
      title: 'Trained classifier',
      subtitle: 'sparse categorical cross-entropy (class-weighted) and accuracy per epoch',
    },
  ),
  comparison: modelComparisonSpec(
    scores({
      frozen: [0.482, 0.476, 0.48, 0.941],
      trained: [0.463, 0.447, 0.452, 0.938],
      siamese: [0.493, 0.487, 0.491, 0.944],
    }),
    {
      title: 'This run vs the study, validation set',
      subtitle: 'the study: ALBERT-base on the full dataset',
      reference: scores({
        frozen: [0.322, 0.26, 0.35, 0.905],
        trained: [0.581, 0.51, 0.6, 0.996],
        siamese: [0.63, 0.5, 0.64, 0.946],
      }),
    },
  ),
};

for (const [name, spec] of Object.entries(figures)) {
  const svg = await renderSvg(spec);
  const png = await svgToPng(svg);
  const full = await svgToPng(svg, { palette: false });
  writeFileSync(join(out, `${name}.png`), png);
  const items = (await sceneItems(spec)).filter((i) => i.marktype === 'text' && !i.name.startsWith('label_halo'));
  const width = /<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1];
  const problems = overlaps(items);
  console.log(
    `${join(out, name)}.png: ${width} px wide; PNG ${(png.length / 1024).toFixed(0)} KB quantised ` +
      `(${((png.length * 4) / 3 / 1024).toFixed(0)} KB in a notebook as base64), ${(full.length / 1024).toFixed(0)} KB ` +
      `full colour; SVG ${(svg.length / 1024).toFixed(0)} KB; ${problems.length} overlapping labels` +
      (problems.length ? `: ${problems.slice(0, 3).join('; ')}` : ''),
  );
}
