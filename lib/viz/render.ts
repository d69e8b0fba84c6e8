/**
 * Render Vega-Lite specs to SVG strings in pure Node (no browser, no canvas),
 * rasterise SVG to PNG, write figures to files, and show them in a tslab
 * notebook as `image/svg+xml` (which GitHub renders).
 *
 * vega 6 / vega-lite 6 are ES modules with top-level await. Under tsx (ESM)
 * they load with `import()`; under tslab every import is compiled to
 * `require()`, which cannot load them, so the CommonJS shim `esm-import.cjs`
 * performs the real `import()` there.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';

/** A Vega-Lite specification (https://vega.github.io/vega-lite/docs/spec.html). */
export type VegaLiteSpec = Record<string, unknown>;

interface VegaView {
  toSVG(scaleFactor?: number): Promise<string>;
  runAsync(): Promise<unknown>;
  scenegraph(): unknown;
  finalize(): void;
}
interface VegaModule {
  parse(spec: unknown, config?: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: 'none' }) => VegaView;
}
interface VegaLiteModule {
  compile(spec: unknown): { spec: unknown };
}

/** `import(specifier)` that survives compilation to CommonJS. */
export function esmImport<T = any>(specifier: string): Promise<T> {
  if (typeof require === 'function') {
    // CommonJS (tslab): a real import() from the shim beside this file.
    const shim = require('./esm-import.cjs') as (s: string) => Promise<T>;
    return shim(specifier);
  }
  return import(specifier) as Promise<T>;
}

let libs: Promise<{ vega: VegaModule; vl: VegaLiteModule }> | undefined;

/** vega and vega-lite, loaded once (ES modules, through `esmImport`). */
export function loadVega(): Promise<{ vega: VegaModule; vl: VegaLiteModule }> {
  libs ??= Promise.all([esmImport<VegaModule>('vega'), esmImport<VegaLiteModule>('vega-lite')]).then(([vega, vl]) => ({
    vega,
    vl,
  }));
  return libs;
}

/** Compile a Vega-Lite spec and render it to an SVG string. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  if (spec === null || typeof spec !== 'object')
    throw new Error(`renderSvg: 'spec' must be a Vega-Lite spec object; got ${spec === null ? 'null' : typeof spec}.`);
  const { vega, vl } = await loadVega();
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options of `svgToPng`. */
export interface PngOptions {
  /** Pixels per CSS pixel: 2 (default) keeps text sharp on high-density screens. */
  scale?: number;
  /**
   * Quantise to an indexed palette of at most this many colours (libimagequant through sharp, no
   * dithering), or `false` for full colour. Default 128: figures are flat colours and anti-aliased
   * text, and a 41 × 41 confusion matrix drops from ~250 KB to ~100 KB with no visible change.
   */
  palette?: number | false;
}

/** Rasterise an SVG string to PNG bytes (see `PngOptions`: scale 2, palette of 128 colours by default). */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Buffer> {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 8)) throw new Error(`svgToPng: 'scale' must be in (0, 8]; got ${scale}.`);
  const palette = options.palette ?? 128;
  if (palette !== false && !(Number.isInteger(palette) && palette >= 2 && palette <= 256))
    throw new Error(`svgToPng: 'palette' must be an integer from 2 to 256, or false; got ${palette}.`);
  const mod = await esmImport('sharp');
  const sharp = (mod.default ?? mod) as (
    input: Buffer,
    options: { density: number },
  ) => { png(options?: Record<string, unknown>): { toBuffer(): Promise<Buffer> } };
  const png =
    palette === false
      ? { compressionLevel: 9 }
      : { compressionLevel: 9, palette: true, colours: palette, dither: 0, effort: 10 };
  return sharp(Buffer.from(svg), { density: 72 * scale })
    .png(png)
    .toBuffer();
}

/** Write a figure to `path`: `.svg` as is, `.png` rasterised (creates the folder). */
export async function saveFigure(svg: string, path: string, options: PngOptions = {}): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') throw new Error(`saveFigure: 'path' must end in .svg or .png; got '${path}'.`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, ext === '.svg' ? svg : await svgToPng(svg, options));
}

interface TslabDisplay {
  raw(mime: string, data: string): void;
  png(bytes: Uint8Array): void;
}

function tslabDisplay(fn: string): TslabDisplay {
  if (typeof require !== 'function') {
    throw new Error(
      `${fn}: needs a tslab notebook (CommonJS 'require' is unavailable here); use saveFigure to write a file instead.`,
    );
  }
  return (require('tslab') as { display: TslabDisplay }).display;
}

/**
 * Display an SVG figure in a tslab notebook cell (output type `image/svg+xml`).
 * Notebooks import the library as `./lib/viz/index` (tslab needs the file name).
 */
export function showFigure(svg: string): void {
  tslabDisplay('showFigure').raw('image/svg+xml', svg);
}

/**
 * Display a figure as PNG (`image/png`, quantised: see `PngOptions`): for scatter plots with
 * thousands of points and large heatmaps, whose SVG runs to megabytes while the PNG stays ~100 KB.
 */
export async function showFigureAsPng(svg: string, options: PngOptions = {}): Promise<void> {
  const display = tslabDisplay('showFigureAsPng');
  display.png(await svgToPng(svg, options));
}
