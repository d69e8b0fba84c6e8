/**
 * Figures about evaluation: confusion-matrix heatmap, ROC curves, and the
 * embedding scatter. Each `*Spec` builds a Vega-Lite spec; each `*Figure`
 * renders it to an SVG string.
 */
import { renderSvg, type VegaLiteSpec } from './render';
import { categoricalPalette, figure, type FigureOptions } from './theme';

export interface ConfusionMatrixOptions extends FigureOptions {
  /** Divide each row by its total (recall per class) instead of raw counts (default false). */
  normalize?: boolean;
  /** Print the value in each cell (default: when there are at most 20 classes). */
  showValues?: boolean;
  /** Cell size in pixels (default: 36 up to 10 classes, shrinking to 17 for 41). */
  cellSize?: number;
  /** Colour scale: 'linear' (default) or 'sqrt' (makes small off-diagonal confusions visible). */
  colorScale?: 'linear' | 'sqrt';
}

/** Heatmap of a confusion matrix: rows true class, columns predicted class. */
export function confusionMatrixSpec(
  matrix: readonly (readonly number[])[],
  classNames: readonly string[],
  options: ConfusionMatrixOptions,
): VegaLiteSpec {
  const fn = 'confusionMatrixSpec';
  const n = classNames.length;
  if (n === 0 || matrix.length !== n || matrix.some((row) => row.length !== n)) {
    throw new Error(
      `${fn}: 'matrix' must be ${n} x ${n} to match 'classNames'; got ${matrix.length} x ${matrix[0]?.length ?? 0}.`,
    );
  }
  if (new Set(classNames).size !== n)
    throw new Error(`${fn}: 'classNames' must be unique; got ${JSON.stringify(classNames)}.`);
  const normalize = options.normalize ?? false;
  const rows: { truth: string; predicted: string; value: number; count: number }[] = [];
  matrix.forEach((row, i) => {
    const total = row.reduce((a, v) => a + v, 0);
    row.forEach((count, j) =>
      rows.push({
        truth: classNames[i],
        predicted: classNames[j],
        count,
        value: normalize ? (total === 0 ? 0 : count / total) : count,
      }),
    );
  });
  const max = Math.max(...rows.map((r) => r.value), 1e-12);
  const cell = options.cellSize ?? Math.max(17, Math.min(36, Math.floor(700 / n)));
  const showValues = options.showValues ?? n <= 20;
  const order = [...classNames];
  const valueTitle = normalize ? 'fraction of true class' : 'samples (count)';
  const layer: VegaLiteSpec[] = [
    {
      mark: { type: 'rect' },
      encoding: {
        color: {
          field: 'value',
          type: 'quantitative',
          title: valueTitle,
          scale: {
            type: options.colorScale ?? 'linear',
            domainMin: 0,
            range: ['#ffffff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'],
            interpolate: 'rgb',
          },
          legend: { gradientLength: Math.min(300, cell * n), titleLimit: 400 },
        },
        tooltip: [
          { field: 'truth', title: 'true' },
          { field: 'predicted' },
          { field: 'count' },
          ...(normalize ? [{ field: 'value', format: '.3f', title: 'fraction' }] : []),
        ],
      },
    },
  ];
  if (showValues) {
    layer.push({
      mark: { type: 'text', fontSize: Math.max(8, Math.min(12, cell / 3)) },
      encoding: {
        text: { field: 'value', type: 'quantitative', format: normalize ? '.2f' : 'd' },
        color: { condition: { test: `datum.value > ${max / 2}`, value: 'white' }, value: 'black' },
      },
    });
  }
  const labelFontSize = Math.max(9, Math.min(12, cell * 0.6));
  return figure(options, {
    width: cell * n,
    height: cell * n,
    data: { values: rows },
    encoding: {
      x: {
        field: 'predicted',
        type: 'nominal',
        sort: order,
        title: 'predicted class',
        axis: { labelAngle: -60, labelFontSize, labelOverlap: false },
      },
      y: {
        field: 'truth',
        type: 'nominal',
        sort: order,
        title: 'true class',
        axis: { labelFontSize, labelOverlap: false },
      },
    },
    layer,
  });
}

/** A ROC curve with its AUC (as `multiclassRocCurves` in lib/metrics returns). */
export interface CurveWithAuc {
  fpr: readonly number[];
  tpr: readonly number[];
  auc: number;
}

export interface RocCurvesInput {
  perClass: readonly (CurveWithAuc & { label: string | number })[];
  micro?: CurveWithAuc;
  macro?: CurveWithAuc;
}

export interface RocCurvesOptions extends FigureOptions {
  /** Display name per class label (default: the label). */
  classNames?: Readonly<Record<string, string>> | readonly string[];
  /** List each class with its AUC in the legend (default: at most 10 classes). */
  legendPerClass?: boolean;
}

/** Per-class ROC curves (faint), micro- and macro-average (bold), AUCs in the legend. */
export function rocCurvesSpec(roc: RocCurvesInput, options: RocCurvesOptions): VegaLiteSpec {
  const fn = 'rocCurvesSpec';
  if (!roc || !Array.isArray(roc.perClass) || roc.perClass.length === 0)
    throw new Error(`${fn}: 'roc.perClass' must hold at least one curve; got none.`);
  const nameOf = (label: string | number, i: number): string => {
    const names = options.classNames;
    if (Array.isArray(names)) return names[i] ?? String(label);
    return (names as Record<string, string> | undefined)?.[String(label)] ?? String(label);
  };
  const perClassLegend = options.legendPerClass ?? roc.perClass.length <= 10;
  const aucs = roc.perClass.map((c) => c.auc);
  const summary =
    `per class (${roc.perClass.length}; AUC ` + `${Math.min(...aucs).toFixed(3)}–${Math.max(...aucs).toFixed(3)})`;
  const rows: { curve: string; group: string; fpr: number; tpr: number; order: number; bold: boolean }[] = [];
  const push = (c: CurveWithAuc, curve: string, bold: boolean) => {
    if (c.fpr.length !== c.tpr.length)
      throw new Error(
        `${fn}: curve '${curve}' has ${c.fpr.length} fpr and ${c.tpr.length} tpr values; they must match.`,
      );
    c.fpr.forEach((fpr, k) =>
      rows.push({ curve, group: bold || perClassLegend ? curve : summary, fpr, tpr: c.tpr[k], order: k, bold }),
    );
  };
  roc.perClass.forEach((c, i) => push(c, `${nameOf(c.label, i)} (AUC = ${c.auc.toFixed(3)})`, false));
  const bold: string[] = [];
  if (roc.micro) {
    const name = `micro-average (AUC = ${roc.micro.auc.toFixed(3)})`;
    bold.push(name);
    push(roc.micro, name, true);
  }
  if (roc.macro) {
    const name = `macro-average (AUC = ${roc.macro.auc.toFixed(3)})`;
    bold.push(name);
    push(roc.macro, name, true);
  }
  const classGroups = perClassLegend
    ? roc.perClass.map((c, i) => `${nameOf(c.label, i)} (AUC = ${c.auc.toFixed(3)})`)
    : [summary];
  const domain = [...bold, ...classGroups];
  const range = [
    ...['#d62728', '#1f1f1f'].slice(0, bold.length),
    ...(perClassLegend ? categoricalPalette(classGroups.length) : ['#8c9fb8']),
  ];
  const x = { field: 'fpr', type: 'quantitative', title: 'false positive rate (fraction)', scale: { domain: [0, 1] } };
  const y = { field: 'tpr', type: 'quantitative', title: 'true positive rate (fraction)', scale: { domain: [0, 1] } };
  return figure(options, {
    width: options.width ?? 420,
    height: options.height ?? 420,
    layer: [
      {
        data: {
          values: [
            { fpr: 0, tpr: 0 },
            { fpr: 1, tpr: 1 },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 4], color: '#999', strokeWidth: 1 },
        encoding: { x, y },
      },
      {
        data: { values: rows },
        mark: { type: 'line', interpolate: 'linear' },
        encoding: {
          x,
          y,
          detail: { field: 'curve' },
          order: { field: 'order' },
          color: {
            field: 'group',
            type: 'nominal',
            title: 'curve',
            scale: { domain, range },
            legend: {
              orient: 'bottom',
              symbolLimit: 0,
              columns: perClassLegend && classGroups.length > 4 ? 2 : 1,
              labelLimit: 360,
            },
          },
          strokeWidth: { condition: { test: 'datum.bold', value: 3 }, value: 1 },
          strokeDash: {
            condition: { test: "indexof(datum.curve, 'micro-average') === 0", value: [7, 3] },
            value: [1, 0],
          },
          opacity: { condition: { test: 'datum.bold', value: 1 }, value: perClassLegend ? 0.55 : 0.35 },
        },
      },
    ],
  });
}

export interface EmbeddingScatterOptions extends FigureOptions {
  /** Axis titles (default 'UMAP 1 (arbitrary units)', 'UMAP 2 (arbitrary units)'). */
  xTitle?: string;
  yTitle?: string;
  /** Legend title (default 'category'). */
  colorTitle?: string;
  /** Point area in px² (default 10) and opacity (default 0.6). */
  pointSize?: number;
  opacity?: number;
  /** Optional hover text per point (e.g. the headline); adds to SVG size. */
  tooltips?: readonly string[];
}

/** 2-D embedding map, one point per sample, coloured by category with a legend. */
export function embeddingScatterSpec(
  points: readonly (readonly [number, number])[] | readonly (readonly number[])[],
  categories: readonly string[],
  options: EmbeddingScatterOptions,
): VegaLiteSpec {
  const fn = 'embeddingScatterSpec';
  if (points.length === 0 || points.length !== categories.length) {
    throw new Error(
      `${fn}: 'points' and 'categories' must be non-empty and of the same length; got ${points.length} and ` +
        `${categories.length}.`,
    );
  }
  const rows = points.map((p, i) => {
    if (p.length !== 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1]))
      throw new Error(`${fn}: each point must be [x, y] with finite numbers; got ${JSON.stringify(p)} at index ${i}.`);
    return options.tooltips
      ? { x: p[0], y: p[1], c: categories[i], t: options.tooltips[i] }
      : { x: p[0], y: p[1], c: categories[i] };
  });
  const domain = [...new Set(categories)].sort();
  return figure(options, {
    width: options.width ?? 560,
    height: options.height ?? 480,
    data: { values: rows },
    mark: { type: 'circle', size: options.pointSize ?? 10, opacity: options.opacity ?? 0.6 },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: options.xTitle ?? 'UMAP 1 (arbitrary units)',
        scale: { zero: false, nice: false },
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.yTitle ?? 'UMAP 2 (arbitrary units)',
        scale: { zero: false, nice: false },
      },
      color: {
        field: 'c',
        type: 'nominal',
        title: options.colorTitle ?? 'category',
        scale: { domain, range: categoricalPalette(domain.length) },
        legend: {
          columns: domain.length > 24 ? 2 : 1,
          symbolLimit: 0,
          symbolOpacity: 1,
          symbolSize: 60,
          labelFontSize: 10,
          rowPadding: 1,
        },
      },
      ...(options.tooltips
        ? {
            tooltip: [
              { field: 't', title: 'text' },
              { field: 'c', title: 'category' },
            ],
          }
        : {}),
    },
  });
}

/** Render `confusionMatrixSpec` to SVG. */
export const confusionMatrixFigure = (
  matrix: readonly (readonly number[])[],
  classNames: readonly string[],
  options: ConfusionMatrixOptions,
) => renderSvg(confusionMatrixSpec(matrix, classNames, options));
/** Render `rocCurvesSpec` to SVG. */
export const rocCurvesFigure = (roc: RocCurvesInput, options: RocCurvesOptions) =>
  renderSvg(rocCurvesSpec(roc, options));
/** Render `embeddingScatterSpec` to SVG. */
export const embeddingScatterFigure = (
  points: Parameters<typeof embeddingScatterSpec>[0],
  categories: readonly string[],
  options: EmbeddingScatterOptions,
) => renderSvg(embeddingScatterSpec(points, categories, options));
