/**
 * Place text labels near anchor points without overlapping each other or leaving
 * the plot: each label tries its anchor first, then points on rings of growing
 * radius around it, and takes the first free one.
 *
 * Hand-written: Vega's own `label` transform (vega-label) hides the labels it cannot
 * place at a fixed offset, and a map must name every category; the d3 labelers on
 * npm are unmaintained. Greedy ring search is deterministic and fast for tens of labels.
 */
import { estimateTextWidth } from './theme';

/** A label to place: its text and the pixel position it belongs to. */
export interface LabelRequest {
  text: string;
  x: number;
  y: number;
}

/** A placed label: the centre of its box (pixels), the box size, and whether it moved off its anchor. */
export interface PlacedLabel extends LabelRequest {
  cx: number;
  cy: number;
  width: number;
  height: number;
  /** True when the label sits away from its anchor (draw a leader line). */
  moved: boolean;
}

/** Options of `layoutLabels` (pixels). */
export interface LabelLayoutOptions {
  /** Plot size in pixels; labels stay inside [0, width] × [0, height]. */
  width: number;
  height: number;
  /** Font size in pixels (default 11); boxes use `estimateTextWidth` plus `gap`. */
  fontSize?: number;
  /** Bold text is set ~10 % wider: its boxes are widened to match (default false). */
  bold?: boolean;
  /** Free pixels kept around each box (default 2). */
  gap?: number;
  /** Ring spacing in pixels (default 6) and the largest radius tried (default the plot's diagonal). */
  step?: number;
  maxRadius?: number;
}

/**
 * Place labels in the given order (earlier labels get the spots nearest their
 * anchors). Deterministic. A label that finds no free spot within `maxRadius` is
 * put on its anchor, clamped into the plot (overlapping); with tens of labels on a
 * notebook-sized plot this does not happen.
 *
 * @returns one PlacedLabel per request, in the same order.
 */
export function layoutLabels(labels: readonly LabelRequest[], options: LabelLayoutOptions): PlacedLabel[] {
  const fn = 'layoutLabels';
  const { width, height } = options;
  if (!(width > 0 && height > 0))
    throw new Error(`${fn}: 'width' and 'height' must be positive pixel sizes; got ${width} x ${height}.`);
  const fontSize = options.fontSize ?? 11;
  const gap = options.gap ?? 2;
  const step = options.step ?? 6;
  const maxRadius = options.maxRadius ?? Math.hypot(width, height);
  const placed: PlacedLabel[] = [];
  const free = (cx: number, cy: number, w: number, h: number): boolean => {
    if (cx - w / 2 < 0 || cx + w / 2 > width || cy - h / 2 < 0 || cy + h / 2 > height) return false;
    return placed.every(
      (p) => Math.abs(p.cx - cx) * 2 >= p.width + w + 2 * gap || Math.abs(p.cy - cy) * 2 >= p.height + h + 2 * gap,
    );
  };
  for (const label of labels) {
    if (!Number.isFinite(label.x) || !Number.isFinite(label.y))
      throw new Error(`${fn}: label '${label.text}' must have a finite anchor; got (${label.x}, ${label.y}).`);
    const w = estimateTextWidth(label.text, fontSize) * (options.bold ? 1.1 : 1);
    const h = fontSize;
    let spot: [number, number] | undefined = free(label.x, label.y, w, h) ? [label.x, label.y] : undefined;
    for (let r = step; spot === undefined && r <= maxRadius; r += step) {
      // Points about `step` apart round the ring, starting straight above; sideways offsets
      // grow by half the label's extra width, so that wide labels need little horizontal travel.
      const n = Math.max(8, Math.ceil((2 * Math.PI * r) / step));
      for (let k = 0; k < n; k++) {
        const a = -Math.PI / 2 + (2 * Math.PI * k) / n;
        const [dx, dy] = [Math.cos(a), Math.sin(a)];
        const cx = label.x + dx * (r + (Math.abs(dx) * (w - h)) / 2);
        const cy = label.y + dy * r;
        if (free(cx, cy, w, h)) {
          spot = [cx, cy];
          break;
        }
      }
    }
    const [cx, cy] = spot ?? [
      Math.min(Math.max(label.x, w / 2), width - w / 2),
      Math.min(Math.max(label.y, h / 2), height - h / 2),
    ];
    const moved = Math.abs(cx - label.x) > w / 2 || Math.abs(cy - label.y) > h / 2;
    placed.push({ ...label, cx, cy, width: w, height: h, moved });
  }
  return placed;
}

/**
 * The point of a label's box nearest to its anchor (where a leader line from the
 * anchor should end).
 */
export function nearestBoxPoint(p: PlacedLabel): [number, number] {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  return [clamp(p.x, p.cx - p.width / 2, p.cx + p.width / 2), clamp(p.y, p.cy - p.height / 2, p.cy + p.height / 2)];
}
