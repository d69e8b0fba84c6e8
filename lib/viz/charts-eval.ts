/**
 * Figures about evaluation: confusion-matrix heatmap and ROC curves (the
 * embedding map is in embedding-map.ts). Each `*Spec` builds a Vega-Lite spec; each `*Figure`
 * renders it to an SVG string.
 */
import { renderSvg, type VegaLiteSpec } from './render';
import {
  FIGURE_CONFIG,
  NOTEBOOK_WIDTH,
  categoricalPalette,
  estimateTextWidth,
  figure,
  type FigureOptions,
} from './theme';

/** Options of `confusionMatrixSpec`. */
export interface ConfusionMatrixOptions extends FigureOptions {
  /** Divide each row by its total and show shares of the true class in % (default false: counts). */
  normalize?: boolean;
  /**
   * Order of the classes on both axes, as class indices (a permutation of 0..n−1), e.g. from
   * `confusionOrder` in lib/metrics so that confused classes sit together. Default: the given order.
   */
  order?: readonly number[];
  /** Print values in cells (default true); which cells: see `minShareShown`. */
  showValues?: boolean;
  /**
   * Print a cell's value only when the cell holds at least this share of its row (0–1). Default 0 (every
   * cell) up to 20 classes, else 0.1: the diagonal and the notable confusions, not 1,681 small numbers.
   */
  minShareShown?: number;
  /** Cell size in pixels (default: as large as fits `NOTEBOOK_WIDTH`, 12 to 36). */
  cellSize?: number;
  /** Colour scale: 'linear' (default) or 'sqrt' (makes small off-diagonal confusions visible). */
  colorScale?: 'linear' | 'sqrt';
}

function checkOrder(fn: string, order: readonly number[] | undefined, n: number): number[] {
  if (order === undefined) return Array.from({ length: n }, (_, i) => i);
  const ok =
    Array.isArray(order) &&
    order.length === n &&
    order.every((v) => Number.isInteger(v) && v >= 0 && v < n) &&
    new Set(order).size === n;
  if (!ok)
    throw new Error(
      `${fn}: 'order' must be a permutation of the ${n} class indices 0..${n - 1}; got ${JSON.stringify(order)}.`,
    );
  return [...order];
}

/**
 * Heatmap of a confusion matrix: rows true class, columns predicted class (scikit-learn's
 * `confusion_matrix` layout). Sized so that 41 classes fit `NOTEBOOK_WIDTH` with every label
 * readable: cells as large as fit (at least 12 px), vertical column labels, the colour legend
 * below. Normalised matrices print percentages of the true class.
 *
 * @param matrix n × n counts; `classNames` n unique names in the matrix's order.
 * @throws when the shapes disagree, names repeat, or `order` is not a permutation.
 */
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
  const order = checkOrder(fn, options.order, n).map((i) => classNames[i]);
  const normalize = options.normalize ?? false;
  const minShare = options.minShareShown ?? (n <= 20 ? 0 : 0.1);
  const showValues = options.showValues ?? true;
  const rows: { truth: string; predicted: string; value: number; count: number; label: string }[] = [];
  matrix.forEach((row, i) => {
    const total = row.reduce((a, v) => a + v, 0);
    row.forEach((count, j) => {
      const share = total === 0 ? 0 : count / total;
      const value = normalize ? share : count;
      const shown = showValues && count > 0 && share >= minShare;
      const label = !shown ? '' : normalize ? String(Math.round(100 * share)) : String(count);
      rows.push({ truth: classNames[i], predicted: classNames[j], count, value, label });
    });
  });
  const max = rows.reduce((m, r) => Math.max(m, r.value), 1e-12);
  const labelFontSize = n <= 20 ? 12 : 10;
  const longest = classNames.reduce((m, c) => Math.max(m, estimateTextWidth(c, labelFontSize)), 0);
  // Room left of the matrix: padding, y title, labels, tick and padding; right: padding.
  const fit = Math.floor((NOTEBOOK_WIDTH - 2 * FIGURE_CONFIG.padding - 22 - longest - 10) / n);
  const cell = options.cellSize ?? Math.max(12, Math.min(36, fit));
  const valueFontSize = Math.max(7, Math.min(12, Math.floor(cell / 2)));
  const valueTitle = normalize ? 'share of true class (%)' : 'texts (count)';
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
          legend: {
            orient: n > 20 ? 'bottom' : 'right',
            direction: n > 20 ? 'horizontal' : 'vertical',
            gradientLength: Math.min(300, cell * n),
            titleLimit: 400,
            ...(normalize ? { format: '.0%' } : {}),
          },
        },
        tooltip: [
          { field: 'truth', title: 'true' },
          { field: 'predicted' },
          { field: 'count' },
          ...(normalize ? [{ field: 'value', format: '.1%', title: 'share of true class' }] : []),
        ],
      },
    },
  ];
  if (showValues) {
    layer.push({
      transform: [{ filter: "datum.label !== ''" }],
      mark: { type: 'text', fontSize: valueFontSize },
      encoding: {
        text: { field: 'label', type: 'nominal' },
        color: { condition: { test: `datum.value > ${max / 2}`, value: 'white' }, value: 'black' },
      },
    });
  }
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
        axis: { labelAngle: n > 20 ? -90 : -45, labelFontSize, labelOverlap: false, labelLimit: 0 },
      },
      y: {
        field: 'truth',
        type: 'nominal',
        sort: order,
        title: 'true class',
        axis: { labelFontSize, labelOverlap: false, labelLimit: 0 },
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

/** Per-class ROC curves and optional micro/macro averages (`multiclassRocCurves`' shape). */
export interface RocCurvesInput {
  perClass: readonly (CurveWithAuc & { label: string | number })[];
  micro?: CurveWithAuc;
  macro?: CurveWithAuc;
}

/** Options of `rocCurvesSpec`. */
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

/** Render `confusionMatrixSpec` to SVG. */
export const confusionMatrixFigure = (
  matrix: readonly (readonly number[])[],
  classNames: readonly string[],
  options: ConfusionMatrixOptions,
) => renderSvg(confusionMatrixSpec(matrix, classNames, options));
/** Render `rocCurvesSpec` to SVG. */
export const rocCurvesFigure = (roc: RocCurvesInput, options: RocCurvesOptions) =>
  renderSvg(rocCurvesSpec(roc, options));
