/**
 * tslab (the notebook kernel) resolves relative imports file by file: it cannot
 * import a folder (`./lib/data` meaning `./lib/data/index.ts`), nor a path with a
 * `.js` extension. Library code and notebooks must therefore import files by their
 * extensionless path. This test finds every violation in lib/ and notebooks/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p, ext) : p.endsWith(ext) ? [p] : [];
  });
}

const IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g;

function problems(source: string, baseDir: string, where: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(IMPORT)) {
    const spec = m[1];
    const target = resolve(baseDir, spec);
    if (/\.(js|mjs|cjs)$/.test(spec) && !existsSync(target))
      out.push(`${where}: '${spec}' has a .js extension; import the .ts file without one`);
    else if (!/\.[a-z]+$/.test(spec) && !existsSync(`${target}.ts`) && existsSync(join(target, 'index.ts')))
      out.push(`${where}: '${spec}' imports a folder; write '${spec}/index'`);
  }
  return out;
}

test('lib/ imports files, not folders, and no .js extensions', () => {
  const found = files('lib', '.ts').flatMap((f) => problems(readFileSync(f, 'utf8'), dirname(f), f));
  assert.deepEqual(found, []);
});

test('notebooks import files, not folders (the kernel runs at the project root)', () => {
  const found = files('notebooks', '.ipynb').flatMap((f) => {
    const nb = JSON.parse(readFileSync(f, 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] };
    return nb.cells
      .filter((c) => c.cell_type === 'code')
      .flatMap((c, i) => problems(Array.isArray(c.source) ? c.source.join('') : c.source, '.', `${f} cell ${i}`));
  });
  assert.deepEqual(found, []);
});
