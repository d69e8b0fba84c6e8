/**
 * The architecture, written down once: lib/ folders in layers, lowest first. A
 * folder may import from its own folder and from folders in lower layers only;
 * folders in the same layer are independent of each other. A new folder must be
 * placed here before it can import anything.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const LAYERS: readonly (readonly string[])[] = [
  ['io', 'config'], // files: safetensors, hashing, HTML escaping; the options table (run settings and defaults)
  ['data', 'backend', 'losses'], // records, splits and seeded randomness; TF.js backend; triplet losses
  ['metrics', 'model', 'embeddings', 'viz'], // metrics (bootstrap draws through data/rng); the encoder; UMAP, k-NN; figures
  ['tokenizer'], // text -> token batches for the encoder
  ['train'], // the generic trainer, samplers, checkpoints
  ['heads'], // heads on an encoder: siamese model, classifiers, features
  ['onnx'], // ONNX export of encoders and heads; ONNX Runtime inference
  ['pipeline', 'bench'], // the study's stages end to end; benchmarks
  ['notebook'], // notebook output helpers
  ['cli'], // command-line entry points
];

const layerOf = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i] as const)));
const IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The lib/ folder a path is in (its first segment under lib), or undefined for lib/ itself and outside it. */
function folderOf(path: string): string | undefined {
  const rel = relative(resolve('lib'), resolve(path));
  return rel.startsWith('..') || !rel.includes('/') ? undefined : rel.split('/')[0];
}

/** Imports that point up or sideways in LAYERS, as readable lines. */
export function layerViolations(
  files: readonly string[],
  read: (f: string) => string = (f) => readFileSync(f, 'utf8'),
): string[] {
  const out: string[] = [];
  for (const file of files) {
    const from = folderOf(file);
    if (from === undefined) continue;
    const fromLayer = layerOf.get(from);
    if (fromLayer === undefined) {
      out.push(`${file}: folder lib/${from} is not in LAYERS (test/style/layers.test.ts): place it in a layer`);
      continue;
    }
    for (const m of read(file).matchAll(IMPORT)) {
      const to = folderOf(join(dirname(file), m[1]));
      if (to === undefined || to === from) continue;
      const toLayer = layerOf.get(to);
      if (toLayer === undefined || toLayer >= fromLayer) {
        out.push(
          `${file}: imports '${m[1]}' (lib/${to}, layer ${toLayer ?? '?'}) from lib/${from} (layer ${fromLayer}); only lower layers may be imported`,
        );
      }
    }
  }
  return out;
}

test('lib/ imports only run down the layers', () => {
  assert.deepEqual(layerViolations(tsFiles('lib')), []);
});

test('the check catches an upward and a sideways import', () => {
  const fake: Record<string, string> = {
    'lib/data/x.ts': "import { escapeHtml } from '../notebook/show';",
    'lib/train/y.ts': "import { SiameseModel } from '../heads/siamese';\nimport { makeRandom } from '../data/rng';",
    'lib/metrics/z.ts': "import { loadEncoder } from '../model/index';",
  };
  const found = layerViolations(Object.keys(fake), (f) => fake[f]);
  assert.equal(found.length, 3, found.join('\n'));
  const notebookLayer = LAYERS.findIndex((l) => l.includes('notebook'));
  assert.ok(
    found[0].startsWith(
      `lib/data/x.ts: imports '../notebook/show' (lib/notebook, layer ${notebookLayer}) from lib/data (layer 1)`,
    ),
    found[0],
  );
  assert.match(found[1], /lib\/train\/y\.ts: imports '\.\.\/heads\/siamese'/);
  assert.match(
    found[2],
    /lib\/metrics\/z\.ts: imports '\.\.\/model\/index' \(lib\/model, layer 2\) from lib\/metrics \(layer 2\)/,
  );
});

test('lib lines are at most 120 characters (Prettier formats; long strings are split by hand)', () => {
  const long = tsFiles('lib').flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .flatMap((l, i) => (l.length > 120 ? [`${f}:${i + 1}: ${l.length} characters`] : [])),
  );
  assert.deepEqual(long, []);
});
