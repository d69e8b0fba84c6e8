/** Shared look of every figure: fonts, sizes, colours, and the title block. */
import type { VegaLiteSpec } from './render';

/** Options every figure takes. */
export interface FigureOptions {
  /** Figure title (required: every figure says what it shows). */
  title: string;
  subtitle?: string;
  /** Plot area size in pixels (legend and axes come on top). */
  width?: number;
  height?: number;
}

/**
 * Width in CSS pixels at which GitHub shows a notebook's figures (wider ones are
 * scaled down, and their labels with them): the width figures are laid out for.
 */
export const NOTEBOOK_WIDTH = 830;

/**
 * Estimated width in pixels of `text` at `fontSize` px: Vega's own estimate without a
 * canvas (0.8 em per character), wider than DejaVu Sans or Helvetica set it, so
 * layouts computed with it leave room rather than overlap.
 */
export function estimateTextWidth(text: string, fontSize: number): number {
  return 0.8 * text.length * fontSize;
}

/** Vega-Lite config: white background, legible fonts for static images. */
export const FIGURE_CONFIG = {
  background: 'white',
  padding: 12,
  font: 'Helvetica, Arial, "DejaVu Sans", sans-serif',
  title: { fontSize: 16, subtitleFontSize: 12, anchor: 'start', offset: 12, subtitleColor: '#555' },
  axis: { labelFontSize: 11, titleFontSize: 12, titlePadding: 8, labelLimit: 240, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 280, symbolSize: 80 },
  header: { labelFontSize: 12, titleFontSize: 13 },
  view: { stroke: '#bbb' },
} as const;

/**
 * Break `text` into lines of at most `maxWidth` estimated pixels at `fontSize`, at spaces
 * (a single word longer than the line stays whole).
 */
export function wrapText(text: string, maxWidth: number, fontSize: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && estimateTextWidth(next, fontSize) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  return line ? [...lines, line] : lines;
}

/**
 * Title block with an optional subtitle, each wrapped to `NOTEBOOK_WIDTH` (a long
 * subtitle would otherwise widen the figure past it).
 */
export function titleBlock(options: FigureOptions): { text: string | string[]; subtitle?: string | string[] } {
  if (typeof options.title !== 'string' || options.title.trim() === '') {
    throw new Error(`figure: 'title' must be a non-empty string; got ${JSON.stringify(options.title)}.`);
  }
  const room = NOTEBOOK_WIDTH - 2 * FIGURE_CONFIG.padding;
  const lines = (t: string, size: number) => {
    const l = wrapText(t, room, size);
    return l.length === 1 ? l[0] : l;
  };
  const text = lines(options.title, FIGURE_CONFIG.title.fontSize);
  return options.subtitle
    ? { text, subtitle: lines(options.subtitle, FIGURE_CONFIG.title.subtitleFontSize) }
    : { text };
}

/** Top-level spec: schema, title, config. */
export function figure(options: FigureOptions, body: VegaLiteSpec): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleBlock(options),
    config: FIGURE_CONFIG,
    ...body,
  };
}

const TABLEAU10 = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
const TABLEAU20 = [
  '#4e79a7',
  '#a0cbe8',
  '#f28e2b',
  '#ffbe7d',
  '#59a14f',
  '#8cd17d',
  '#b6992d',
  '#f1ce63',
  '#499894',
  '#86bcb6',
  '#e15759',
  '#ff9d9a',
  '#79706e',
  '#bab0ac',
  '#d37295',
  '#fabfd2',
  '#b07aa1',
  '#d4a6c8',
  '#9d7660',
  '#d7b5a6',
];

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/**
 * `n` distinguishable colours: Tableau 10 / 20 when they suffice, else hues
 * spread round the wheel with alternating lightness so neighbours differ.
 */
export function categoricalPalette(n: number): string[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`categoricalPalette: 'n' must be a positive integer; got ${n}.`);
  if (n <= 10) return TABLEAU10.slice(0, n);
  if (n <= 20) return TABLEAU20.slice(0, n);
  const lightness = [0.42, 0.62, 0.32];
  const saturation = [0.75, 0.85, 0.6];
  // Step through hues by a stride coprime with n so consecutive categories are far apart.
  let stride = Math.round(n * 0.38);
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  while (gcd(stride, n) !== 1) stride++;
  return Array.from({ length: n }, (_, i) => {
    const hue = (((i * stride) % n) * 360) / n;
    return hslToHex(hue, saturation[i % 3], lightness[i % 3]);
  });
}
