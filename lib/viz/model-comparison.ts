/**
 * Grouped bars comparing models on several metrics, with optional reference values
 * (e.g. the study's reported numbers) as black ticks, and every bar's value printed
 * where it overlaps neither a tick nor another value.
 */
import { checkNumbers } from './charts-data';
import { renderSvg, type VegaLiteSpec } from './render';
import { NOTEBOOK_WIDTH, categoricalPalette, figure, type FigureOptions } from './theme';

/** One model's score on one metric. */
export interface ModelScore {
  model: string;
  metric: string;
  /** Score in [0, 1] unless `yTitle` says otherwise. */
  value: number;
}

/** Options of `modelComparisonSpec`. */
export interface ModelComparisonOptions extends FigureOptions {
  /** Default 'score (fraction)'. */
  yTitle?: string;
  /** Scores reported elsewhere (e.g. by the study), drawn as black ticks over the bars. */
  reference?: readonly ModelScore[];
  /** Legend text for the reference ticks (default 'reported in the study'). */
  referenceLabel?: string;
}

const FONT = 10;
/** Vertical room of a value label, in pixels (font size plus a little air). */
const BAND = FONT + 4;
const TICK = 3;

/**
 * Where a bar's value label goes, in pixels from the axis: just above the bar; if a
 * reference tick crosses that band, just inside the bar's top (white text); if the
 * tick crosses that too (it sits on the bar's top), above the tick.
 */
function labelPlace(barPx: number, tickPx: number | undefined): { at: number; inside: boolean } {
  const clear = (lo: number, hi: number) =>
    tickPx === undefined || tickPx + TICK / 2 + 1 <= lo || tickPx - TICK / 2 - 1 >= hi;
  if (clear(barPx, barPx + BAND)) return { at: barPx, inside: false };
  if (barPx > BAND + 2 && clear(barPx - BAND, barPx)) return { at: barPx, inside: true };
  return { at: Math.max(barPx, tickPx! + TICK / 2 + 1), inside: false };
}

/**
 * Grouped bars: metrics on the x axis, one bar per model, optional reference ticks.
 * The y axis runs from 0 to 1 when every value is a fraction, else to the largest
 * value. Bars are 52 px apart (three-decimal labels never touch), the legend on top, so
 * that 4 metrics × 3 models fit `NOTEBOOK_WIDTH`.
 *
 * @throws when `scores` is empty or holds a non-finite value.
 */
export function modelComparisonSpec(scores: readonly ModelScore[], options: ModelComparisonOptions): VegaLiteSpec {
  const fn = 'modelComparisonSpec';
  if (!Array.isArray(scores) || scores.length === 0)
    throw new Error(`${fn}: 'scores' must be a non-empty array of {model, metric, value}; got none.`);
  checkNumbers(
    fn,
    'scores[].value',
    scores.map((s) => s.value),
  );
  const reference = options.reference ?? [];
  if (reference.length > 0)
    checkNumbers(
      fn,
      'reference[].value',
      reference.map((s) => s.value),
    );
  const models = [...new Set(scores.map((s) => s.model))];
  const metrics = [...new Set(scores.map((s) => s.metric))];
  const height = options.height ?? 280;
  const all = [...scores, ...reference].map((s) => s.value);
  const [lo, hi] = all.reduce(([a, b], v) => [Math.min(a, v), Math.max(b, v)], [Infinity, -Infinity]);
  const top = hi <= 1 && lo >= 0 ? 1 : hi * 1.1;
  const px = (v: number) => (v / top) * height;
  const refOf = new Map(reference.map((r) => [`${r.model}\u0000${r.metric}`, r.value]));
  const rows = scores.map((s) => {
    const ref = refOf.get(`${s.model}\u0000${s.metric}`);
    const place = labelPlace(px(s.value), ref === undefined ? undefined : px(ref));
    return { ...s, label: s.value.toFixed(3), labelAt: (place.at / height) * top, inside: place.inside };
  });
  const x = { field: 'metric', type: 'nominal', title: 'metric', sort: metrics, axis: { labelAngle: 0 } };
  const xOffset = { field: 'model', type: 'nominal', sort: models };
  const y = {
    field: 'value',
    type: 'quantitative',
    title: options.yTitle ?? 'score (fraction)',
    scale: { domain: [0, top], nice: false },
  };
  const labelY = { ...y, field: 'labelAt' };
  const text = (inside: boolean): VegaLiteSpec => ({
    transform: [{ filter: inside ? 'datum.inside' : '!datum.inside' }],
    mark: {
      type: 'text',
      fontSize: FONT,
      baseline: inside ? 'top' : 'bottom',
      dy: inside ? 3 : -3,
      ...(inside ? { color: 'white', fontWeight: 'bold' } : {}),
    },
    encoding: { x, xOffset, y: labelY, text: { field: 'label' } },
  });
  const layers: VegaLiteSpec[] = [
    {
      data: { values: rows },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            x,
            xOffset,
            y,
            color: {
              field: 'model',
              type: 'nominal',
              title: 'model',
              sort: models,
              scale: { range: categoricalPalette(Math.max(models.length, 1)) },
              legend: { orient: 'top', direction: 'horizontal', titleOrient: 'left' },
            },
          },
        },
        text(false),
        text(true),
      ],
    },
  ];
  let subtitle = options.subtitle;
  if (reference.length > 0) {
    const note = `black ticks: ${options.referenceLabel ?? 'reported in the study'}`;
    subtitle = subtitle ? `${subtitle}; ${note}` : `${note[0].toUpperCase()}${note.slice(1)}`;
    layers.push({
      data: { values: reference },
      mark: { type: 'tick', thickness: TICK, color: 'black' },
      encoding: { x, xOffset, y },
    });
  }
  return figure(
    { ...options, subtitle },
    {
      width: options.width ?? Math.max(360, Math.min(NOTEBOOK_WIDTH - 100, metrics.length * models.length * 52)),
      height,
      layer: layers,
    },
  );
}

/** Render `modelComparisonSpec` to SVG. */
export const modelComparisonFigure = (scores: readonly ModelScore[], options: ModelComparisonOptions) =>
  renderSvg(modelComparisonSpec(scores, options));
