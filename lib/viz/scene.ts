/**
 * Where a figure's marks land: Vega's scenegraph after layout, flattened to items
 * in absolute pixel coordinates, with the oriented box of every text. Tests and
 * the figure gallery use it to prove that labels do not overlap (boxes, not pixels).
 *
 * Text widths are Vega's own estimate without a canvas (0.8 × font size per
 * character), wider than DejaVu Sans or Helvetica set the same text, so boxes that
 * do not overlap here do not overlap in the rendered figure either.
 */
import { loadVega, type VegaLiteSpec } from './render';

/** A point in pixels from the figure's top-left corner. */
export type Point = readonly [number, number];

/**
 * One drawn item: a mark instance (a text, a rect, a symbol, a rule, ...), or a group
 * (marktype 'group': its box is the group's own area, e.g. role 'frame' for the plot).
 */
export interface SceneItem {
  /** Vega mark type: 'text', 'rect', 'symbol', 'rule', ... */
  marktype: string;
  /** The mark's name (e.g. 'layer_1_marks', or a name given in the spec) or its role ('axis-label', 'legend-label'). */
  name: string;
  role: string;
  /** The text of a text item, else ''. */
  text: string;
  /** Axis-aligned bounds in pixels. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Corners of the item's oriented box (rotated texts are rotated rectangles), clockwise. */
  corners: readonly Point[];
  /** The item's datum (the data row it was drawn from), if any. */
  datum?: Record<string, unknown>;
}

interface RawItem {
  x?: number;
  y?: number;
  text?: unknown;
  angle?: number;
  align?: string;
  baseline?: string;
  fontSize?: number;
  opacity?: number;
  width?: number;
  height?: number;
  bounds: { x1: number; y1: number; x2: number; y2: number };
  items?: RawMark[];
  datum?: Record<string, unknown>;
}
interface RawMark {
  marktype: string;
  role?: string;
  name?: string;
  items: RawItem[];
}

function textCorners(it: RawItem, dx: number, dy: number): Point[] {
  const text = Array.isArray(it.text) ? it.text.join(' ') : String(it.text ?? '');
  const size = it.fontSize ?? 11;
  const w = Math.floor(0.8 * text.length * size);
  const h = size;
  const left = it.align === 'right' ? -w : it.align === 'center' ? -w / 2 : 0;
  const top = it.baseline === 'top' ? 0 : it.baseline === 'middle' ? -h / 2 : it.baseline === 'bottom' ? -h : -0.8 * h;
  const a = ((it.angle ?? 0) * Math.PI) / 180;
  const [c, s] = [Math.cos(a), Math.sin(a)];
  const x0 = (it.x ?? 0) + dx;
  const y0 = (it.y ?? 0) + dy;
  return [
    [left, top],
    [left + w, top],
    [left + w, top + h],
    [left, top + h],
  ].map(([u, v]) => [x0 + u * c - v * s, y0 + u * s + v * c] as const);
}

/**
 * Lay out a Vega-Lite spec (no rendering) and list every visible item with its
 * absolute position: each group (the plot frame, axes, legends, the title) and the
 * items inside it;
 * items with opacity 0 (labels an axis or legend hid to avoid overlap) are left out.
 */
export async function sceneItems(spec: VegaLiteSpec): Promise<SceneItem[]> {
  const { vega, vl } = await loadVega();
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    await view.runAsync();
    const out: SceneItem[] = [];
    const walk = (mark: RawMark, dx: number, dy: number): void => {
      for (const it of mark.items ?? []) {
        if (mark.marktype === 'group') {
          const [x, y] = [dx + (it.x ?? 0), dy + (it.y ?? 0)];
          const [w, h] = [it.width ?? 0, it.height ?? 0];
          const corners: Point[] = [
            [x, y],
            [x + w, y],
            [x + w, y + h],
            [x, y + h],
          ];
          const base = { marktype: 'group', name: mark.name ?? '', role: mark.role ?? '', text: '' };
          out.push({ ...base, x1: x, y1: y, x2: x + w, y2: y + h, corners, datum: it.datum });
          for (const child of it.items ?? []) walk(child, dx + (it.x ?? 0), dy + (it.y ?? 0));
          continue;
        }
        if (it.opacity === 0) continue; // hidden, e.g. by an axis's or legend's labelOverlap
        const b = it.bounds;
        const isText = mark.marktype === 'text';
        const corners = isText
          ? textCorners(it, dx, dy)
          : ([
              [b.x1 + dx, b.y1 + dy],
              [b.x2 + dx, b.y1 + dy],
              [b.x2 + dx, b.y2 + dy],
              [b.x1 + dx, b.y2 + dy],
            ] as Point[]);
        const xs = corners.map((p) => p[0]);
        const ys = corners.map((p) => p[1]);
        out.push({
          marktype: mark.marktype,
          name: mark.name ?? '',
          role: mark.role ?? '',
          text: isText ? (Array.isArray(it.text) ? it.text.join(' ') : String(it.text ?? '')) : '',
          x1: xs.reduce((a, v) => Math.min(a, v)),
          y1: ys.reduce((a, v) => Math.min(a, v)),
          x2: xs.reduce((a, v) => Math.max(a, v)),
          y2: ys.reduce((a, v) => Math.max(a, v)),
          corners,
          datum: it.datum,
        });
      }
    };
    walk((view.scenegraph() as unknown as { root: RawMark }).root, 0, 0);
    return out;
  } finally {
    view.finalize();
  }
}

/** Do two convex polygons overlap by more than `margin` pixels? (Separating-axis test.) */
export function boxesOverlap(a: readonly Point[], b: readonly Point[], margin = 0.5): boolean {
  for (const poly of [a, b]) {
    for (let i = 0; i < poly.length; i++) {
      const [x1, y1] = poly[i];
      const [x2, y2] = poly[(i + 1) % poly.length];
      const len = Math.hypot(x2 - x1, y2 - y1) || 1;
      const [nx, ny] = [(y1 - y2) / len, (x2 - x1) / len];
      // The extent of each polygon's shadow on the edge's normal; a gap there separates them.
      const shadow = (p: readonly Point[]): [number, number] => {
        let [lo, hi] = [Infinity, -Infinity];
        for (const [x, y] of p) [lo, hi] = [Math.min(lo, x * nx + y * ny), Math.max(hi, x * nx + y * ny)];
        return [lo, hi];
      };
      const [minA, maxA] = shadow(a);
      const [minB, maxB] = shadow(b);
      if (maxA - margin <= minB || maxB - margin <= minA) return false;
    }
  }
  return true;
}

/**
 * Pairs of items (from `sceneItems`) whose boxes overlap, as readable lines
 * (`'0.487' (layer_0_marks) overlaps tick (layer_1_marks)`); empty when none do.
 * Groups and empty texts are ignored.
 */
export function overlaps(items: readonly SceneItem[], others: readonly SceneItem[] = items, margin = 0.5): string[] {
  const out: string[] = [];
  const describe = (it: SceneItem): string => `${it.text ? `'${it.text}'` : it.marktype} (${it.name || it.role})`;
  const same = items === others;
  const skip = (it: SceneItem) => it.marktype === 'group' || (it.marktype === 'text' && it.text === '');
  items.forEach((a, i) => {
    if (skip(a)) return;
    others.forEach((b, j) => {
      if ((same && j <= i) || a === b || skip(b)) return;
      if (boxesOverlap(a.corners, b.corners, margin)) out.push(`${describe(a)} overlaps ${describe(b)}`);
    });
  });
  return out;
}
