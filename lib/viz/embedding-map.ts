/**
 * 2-D embedding maps (UMAP of sentence vectors): one point per text, the whole
 * extent inside the plot, and the categories named where their points are.
 *
 * Three styles, because 41 colours cannot be told apart in a legend:
 * - `labels` (default above 10 categories): every category's name at the median of
 *   its points, moved aside (with a leader line) where names would overlap;
 * - `highlight`: a few related categories in distinct colours, named, the rest grey;
 * - `legend` (default up to 10 categories): colours and a legend.
 */
import { renderSvg, type VegaLiteSpec } from './render';
import { layoutLabels, nearestBoxPoint } from './label-layout';
import { FIGURE_CONFIG, NOTEBOOK_WIDTH, categoricalPalette, figure, type FigureOptions } from './theme';

/** Options of `embeddingScatterSpec`. */
export interface EmbeddingScatterOptions extends FigureOptions {
  /** Axis titles (default 'UMAP 1 (arbitrary units)', 'UMAP 2 (arbitrary units)'). */
  xTitle?: string;
  yTitle?: string;
  /** Legend title (default 'category'). */
  colorTitle?: string;
  /** How categories are told apart (see the module comment); default `labels` above 10 categories. */
  style?: 'labels' | 'highlight' | 'legend';
  /** Categories to colour and name in the `highlight` style (at most 10; implies that style). */
  highlight?: readonly string[];
  /** Fraction of the data's range added on each side of both axes (default 0.04). */
  padding?: number;
  /** Font size of category names in pixels (default 11). */
  labelFontSize?: number;
  /** Point area in px² (default 10) and opacity (default 0.6; grey points in `highlight`: 0.35). */
  pointSize?: number;
  opacity?: number;
  /** Optional hover text per point (e.g. the headline); adds to SVG size. */
  tooltips?: readonly string[];
}

/** Component-wise median of each category's points, in first-appearance order. */
export function categoryMedians(
  points: readonly (readonly number[])[],
  categories: readonly string[],
): { category: string; x: number; y: number; count: number }[] {
  const groups = new Map<string, { xs: number[]; ys: number[] }>();
  points.forEach((p, i) => {
    const g = groups.get(categories[i]) ?? { xs: [], ys: [] };
    g.xs.push(p[0]);
    g.ys.push(p[1]);
    groups.set(categories[i], g);
  });
  const median = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  return [...groups].map(([category, g]) => ({ category, x: median(g.xs), y: median(g.ys), count: g.xs.length }));
}

function paddedDomain(values: readonly number[], padding: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const pad = (hi - lo || 1) * padding;
  return [lo - pad, hi + pad];
}

/**
 * 2-D embedding map, one point per text (see the module comment for the styles).
 * Both axes get explicit domains: the data's range plus `padding` on each side, so
 * no cluster is cut at the edge. Sized for `NOTEBOOK_WIDTH`.
 *
 * @param points [x, y] per text (finite); `categories` the category of each text.
 * @throws when lengths differ, a point is not two finite numbers, or a highlighted category is absent.
 */
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
  points.forEach((p, i) => {
    if (p.length !== 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1]))
      throw new Error(`${fn}: each point must be [x, y] with finite numbers; got ${JSON.stringify(p)} at index ${i}.`);
  });
  const domain = [...new Set(categories)].sort();
  const highlight = options.highlight ?? [];
  const style = options.highlight ? 'highlight' : (options.style ?? (domain.length > 10 ? 'labels' : 'legend'));
  if (style === 'highlight') {
    const missing = highlight.filter((c) => !domain.includes(c));
    if (highlight.length === 0 || highlight.length > 10 || missing.length > 0)
      throw new Error(
        `${fn}: 'highlight' must name 1 to 10 categories present in 'categories'; got ${JSON.stringify(highlight)}` +
          (missing.length ? ` (absent: ${missing.join(', ')}).` : '.'),
      );
  }
  const padding = options.padding ?? 0.04;
  const xDomain = paddedDomain(
    points.map((p) => p[0]),
    padding,
  );
  const yDomain = paddedDomain(
    points.map((p) => p[1]),
    padding,
  );
  const legendWidth = style === 'labels' ? 0 : 170;
  const width = options.width ?? NOTEBOOK_WIDTH - 2 * FIGURE_CONFIG.padding - 60 - legendWidth;
  const height = options.height ?? 520;
  const colours = style === 'highlight' ? categoricalPalette(highlight.length) : categoricalPalette(domain.length);
  const colourDomain = style === 'highlight' ? [...highlight] : domain;
  const isHighlighted = new Set(highlight);

  const rows = points.map((p, i) => ({
    x: p[0],
    y: p[1],
    c: categories[i],
    ...(options.tooltips ? { t: options.tooltips[i] } : {}),
  }));
  const x = { field: 'x', type: 'quantitative', title: options.xTitle ?? 'UMAP 1 (arbitrary units)' };
  const y = { field: 'y', type: 'quantitative', title: options.yTitle ?? 'UMAP 2 (arbitrary units)' };
  const scale = (d: [number, number]) => ({ domain: d, nice: false, zero: false });
  const tooltip = options.tooltips
    ? {
        tooltip: [
          { field: 't', title: 'text' },
          { field: 'c', title: 'category' },
        ],
      }
    : {};
  const size = options.pointSize ?? 10;
  const colour = {
    field: 'c',
    type: 'nominal',
    title: options.colorTitle ?? 'category',
    scale: { domain: colourDomain, range: colours },
    legend:
      style === 'labels'
        ? null
        : { symbolLimit: 0, symbolOpacity: 1, symbolSize: 60, labelFontSize: 10, rowPadding: 1, labelLimit: 150 },
  };
  const layer: VegaLiteSpec[] = [];
  if (style === 'highlight') {
    layer.push({
      data: { values: rows.filter((r) => !isHighlighted.has(r.c)) },
      mark: { type: 'circle', size, opacity: 0.35, color: '#c4c4c4' },
      encoding: { x: { ...x, scale: scale(xDomain) }, y: { ...y, scale: scale(yDomain) }, ...tooltip },
    });
  }
  layer.push({
    data: { values: style === 'highlight' ? rows.filter((r) => isHighlighted.has(r.c)) : rows },
    mark: { type: 'circle', size, opacity: options.opacity ?? 0.6 },
    encoding: { x: { ...x, scale: scale(xDomain) }, y: { ...y, scale: scale(yDomain) }, color: colour, ...tooltip },
  });
  if (style !== 'legend') {
    const toPx = (v: number, [lo, hi]: [number, number], span: number) => ((v - lo) / (hi - lo)) * span;
    const fromPx = (px: number, [lo, hi]: [number, number], span: number) => lo + (px / span) * (hi - lo);
    const medians = categoryMedians(points, categories).filter(
      (m) => style === 'labels' || isHighlighted.has(m.category),
    );
    medians.sort((a, b) => b.count - a.count || (a.category < b.category ? -1 : 1));
    const placed = layoutLabels(
      medians.map((m) => ({ text: m.category, x: toPx(m.x, xDomain, width), y: height - toPx(m.y, yDomain, height) })),
      { width, height, fontSize: options.labelFontSize ?? 11, bold: true },
    );
    const labelRows = placed.map((p) => {
      const [ex, ey] = nearestBoxPoint(p);
      return {
        text: p.text,
        lx: fromPx(p.cx, xDomain, width),
        ly: fromPx(height - p.cy, yDomain, height),
        ax: fromPx(p.x, xDomain, width),
        ay: fromPx(height - p.y, yDomain, height),
        ex: fromPx(ex, xDomain, width),
        ey: fromPx(height - ey, yDomain, height),
        moved: p.moved,
      };
    });
    const at = (fx: string, fy: string) => ({
      x: { field: fx, type: 'quantitative', scale: scale(xDomain) },
      y: { field: fy, type: 'quantitative', scale: scale(yDomain) },
    });
    const text = { type: 'text', fontSize: options.labelFontSize ?? 11, fontWeight: 'bold' };
    layer.push(
      {
        name: 'leader_line',
        data: { values: labelRows.filter((r) => r.moved) },
        mark: { type: 'rule', color: '#222', strokeWidth: 1 },
        encoding: { ...at('ax', 'ay'), x2: { field: 'ex' }, y2: { field: 'ey' } },
      },
      {
        name: 'label_halo',
        data: { values: labelRows },
        mark: { ...text, stroke: 'white', strokeWidth: 3, strokeOpacity: 0.8, strokeJoin: 'round' },
        encoding: { ...at('lx', 'ly'), text: { field: 'text' } },
      },
      {
        name: 'category_label',
        data: { values: labelRows },
        mark: { ...text, color: '#111' },
        encoding: { ...at('lx', 'ly'), text: { field: 'text' } },
      },
    );
  }
  return figure(options, { width, height, layer });
}

/** Render `embeddingScatterSpec` to SVG. */
export const embeddingScatterFigure = (
  points: Parameters<typeof embeddingScatterSpec>[0],
  categories: readonly string[],
  options: EmbeddingScatterOptions,
) => renderSvg(embeddingScatterSpec(points, categories, options));
