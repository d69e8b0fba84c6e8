/**
 * Figures about data and training: histograms, category bars and training curves
 * (the model comparison is in model-comparison.ts). Each `*Spec` builds a Vega-Lite
 * spec (pure, testable); each `*Figure` renders it to an SVG string.
 */
import { renderSvg, type VegaLiteSpec } from './render';
import { NOTEBOOK_WIDTH, figure, type FigureOptions } from './theme';

/** Options of `histogramSpec`. */
export interface HistogramOptions extends FigureOptions {
  /** x axis title with units, e.g. 'words per headline (count)'. */
  xTitle: string;
  /** Default 'samples (count)'. */
  yTitle?: string;
  /** Maximum number of bins (default 40). */
  maxBins?: number;
}

/** Throw `fn: 'name' must …` unless `values` is a non-empty array of finite numbers. */
export function checkNumbers(fn: string, name: string, values: readonly number[]): void {
  if (!Array.isArray(values) || values.length === 0)
    throw new Error(
      `${fn}: '${name}' must be a non-empty array of numbers; got ` +
        `${Array.isArray(values) ? 'an empty array' : typeof values}.`,
    );
  const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw new Error(`${fn}: '${name}' must hold finite numbers; got ${values[bad]} at index ${bad}.`);
}

/** Histogram of numbers (e.g. word or character counts per headline). */
export function histogramSpec(values: readonly number[], options: HistogramOptions): VegaLiteSpec {
  checkNumbers('histogramSpec', 'values', values);
  return figure(options, {
    width: options.width ?? 480,
    height: options.height ?? 260,
    data: { values: values.map((v) => ({ v })) },
    mark: { type: 'bar', color: '#4e79a7', binSpacing: 1 },
    encoding: {
      x: { field: 'v', type: 'quantitative', bin: { maxbins: options.maxBins ?? 40 }, title: options.xTitle },
      y: { aggregate: 'count', type: 'quantitative', title: options.yTitle ?? 'samples (count)' },
    },
  });
}

/** Options of `categoryBarSpec`. */
export interface CategoryBarOptions extends FigureOptions {
  /** Default 'headlines (count)'. */
  xTitle?: string;
  /** Default 'category'. */
  yTitle?: string;
  /** Order of bars: by count, largest first (default), or by name. */
  sort?: 'count' | 'name';
}

/** Horizontal bars, one per category (e.g. 41 HuffPost categories). */
export function categoryBarSpec(
  counts: Readonly<Record<string, number>> | readonly { category: string; count: number }[],
  options: CategoryBarOptions,
): VegaLiteSpec {
  const rows = Array.isArray(counts)
    ? counts.map((r) => ({ category: r.category, count: r.count }))
    : Object.entries(counts).map(([category, count]) => ({ category, count }));
  if (rows.length === 0) throw new Error("categoryBarSpec: 'counts' must hold at least one category; got none.");
  checkNumbers(
    'categoryBarSpec',
    'counts',
    rows.map((r) => r.count),
  );
  return figure(options, {
    width: options.width ?? 420,
    height: options.height ?? Math.max(120, rows.length * 16),
    data: { values: rows },
    mark: { type: 'bar', color: '#4e79a7' },
    encoding: {
      y: {
        field: 'category',
        type: 'nominal',
        title: options.yTitle ?? 'category',
        sort: (options.sort ?? 'count') === 'count' ? '-x' : 'ascending',
        axis: { labelFontSize: 10 },
      },
      x: { field: 'count', type: 'quantitative', title: options.xTitle ?? 'headlines (count)' },
      tooltip: [{ field: 'category' }, { field: 'count' }],
    },
  });
}

/** Per-epoch values: `loss`, `valLoss` (or `val_loss`), `accuracy`, `valAccuracy`, ... */
export type TrainingHistory = Readonly<Record<string, readonly number[] | undefined>>;

/** Options of `trainingCurvesSpec`. */
export interface TrainingCurvesOptions extends FigureOptions {
  /** Units per metric for the y axis (default: '…loss' → 'mean over batches', else 'fraction'). */
  units?: Readonly<Record<string, string>>;
  /** Default 'epoch'. */
  xTitle?: string;
}

function validationKey(history: TrainingHistory, metric: string): string | undefined {
  const camel = `val${metric[0].toUpperCase()}${metric.slice(1)}`;
  if (history[camel] !== undefined) return camel;
  if (history[`val_${metric}`] !== undefined) return `val_${metric}`;
  return undefined;
}

/** Training vs validation curves, one panel per metric. */
export function trainingCurvesSpec(history: TrainingHistory, options: TrainingCurvesOptions): VegaLiteSpec {
  const fn = 'trainingCurvesSpec';
  const metrics = Object.keys(history).filter((k) => !/^val(_|[A-Z])/.test(k) && history[k] !== undefined);
  if (metrics.length === 0)
    throw new Error(
      `${fn}: 'history' must hold at least one training metric (e.g. loss); got keys ` +
        `${JSON.stringify(Object.keys(history))}.`,
    );
  const panels = metrics.map((metric) => {
    const train = history[metric]!;
    checkNumbers(fn, `history.${metric}`, train);
    const valKey = validationKey(history, metric);
    const rows = train.map((value, i) => ({ epoch: i + 1, split: 'training', value }));
    if (valKey) {
      const val = history[valKey]!;
      checkNumbers(fn, `history.${valKey}`, val);
      val.forEach((value, i) => rows.push({ epoch: i + 1, split: 'validation', value }));
    }
    const unit = options.units?.[metric] ?? (/loss/i.test(metric) ? 'mean over batches' : 'fraction');
    return {
      title: { text: metric, fontSize: 13 },
      // Panels side by side within NOTEBOOK_WIDTH: ~75 px of axis per panel, the legend on top.
      width: options.width ?? Math.min(300, Math.floor((NOTEBOOK_WIDTH - 40) / metrics.length) - 75),
      height: options.height ?? 220,
      data: { values: rows },
      mark: { type: 'line', point: rows.length <= 60, strokeWidth: 2 },
      encoding: {
        x: {
          field: 'epoch',
          type: 'quantitative',
          title: options.xTitle ?? 'epoch',
          axis: { tickMinStep: 1, format: 'd' },
        },
        y: { field: 'value', type: 'quantitative', title: `${metric} (${unit})`, scale: { zero: false } },
        color: {
          field: 'split',
          type: 'nominal',
          title: 'split',
          scale: { domain: ['training', 'validation'], range: ['#4e79a7', '#f28e2b'] },
          legend: { orient: 'top', direction: 'horizontal' },
        },
      },
    };
  });
  return figure(options, { hconcat: panels, resolve: { scale: { y: 'independent' } } });
}

/** Render `histogramSpec` to SVG. */
export const histogramFigure = (values: readonly number[], options: HistogramOptions) =>
  renderSvg(histogramSpec(values, options));
/** Render `categoryBarSpec` to SVG. */
export const categoryBarFigure = (counts: Parameters<typeof categoryBarSpec>[0], options: CategoryBarOptions) =>
  renderSvg(categoryBarSpec(counts, options));
/** Render `trainingCurvesSpec` to SVG. */
export const trainingCurvesFigure = (history: TrainingHistory, options: TrainingCurvesOptions) =>
  renderSvg(trainingCurvesSpec(history, options));
