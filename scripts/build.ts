/**
 * `npm run build`: lib/ as an installable package in dist/ (package.json `exports`).
 *
 * - JavaScript: esbuild bundles lib/index.ts and every lib/<folder>/index.ts as entry points with code
 *   splitting (ES modules, platform node, dependencies left as imports). A bundler, not tsc, because
 *   lib's relative imports are extensionless (tslab needs that) and Node's ES-module loader does not
 *   resolve extensionless paths. `__SIAMESE_LIB_URL__` becomes each chunk's `import.meta.url`, so the
 *   library finds its own files (lib/io/package-root.ts).
 * - Types: tsc emits declarations only (tsconfig.build.json); their relative specifiers then get
 *   explicit `.js` / `/index.js` endings, so consumers type-check under `moduleResolution: nodenext` too.
 * - package.json `exports` must list exactly these entry points; the build fails naming any difference.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LIB = join(ROOT, 'lib');
const DIST = join(ROOT, 'dist');
/** lib folders that are programs, not library: run with `npm run pipeline|data|bench`, never imported. */
const NOT_EXPORTED = new Set(['cli']);

/** esbuild `define`: each chunk's own URL for lib/io/package-root.ts (its `__SIAMESE_LIB_URL__`). */
export const BUNDLE_DEFINE = { __SIAMESE_LIB_URL__: 'import.meta.url' };

/** Entry points: subpath ('.' or './data') -> source file. */
export function entryPoints(lib = LIB): Map<string, string> {
  const entries = new Map([['.', join(lib, 'index.ts')]]);
  for (const name of readdirSync(lib).sort()) {
    const index = join(lib, name, 'index.ts');
    if (!NOT_EXPORTED.has(name) && statSync(join(lib, name)).isDirectory() && existsSync(index))
      entries.set(`./${name}`, index);
  }
  return entries;
}

/** What package.json `exports` must say for the entry points. */
export function expectedExports(entries: Map<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const sub of entries.keys()) {
    const base = sub === '.' ? './dist/index' : `./dist/${sub.slice(2)}/index`;
    out[sub] = { types: `${base}.d.ts`, default: `${base}.js` };
  }
  out['./package.json'] = './package.json';
  return out;
}

/** `from './x'` -> `from './x.js'` or `'./x/index.js'`, as the emitted declaration files lay out. */
export function fixDeclarationSpecifiers(text: string, file: string): string {
  const fix = (spec: string): string => {
    if (!spec.startsWith('.') || /\.(c|m)?js$/.test(spec)) return spec;
    const target = resolve(dirname(file), spec);
    if (existsSync(`${target}.d.ts`)) return `${spec}.js`;
    if (existsSync(join(target, 'index.d.ts'))) return `${spec.replace(/\/$/, '')}/index.js`;
    return spec;
  };
  return text
    .replace(/(\bfrom\s+)(['"])([^'"]+)\2/g, (_m, pre: string, q: string, s: string) => `${pre}${q}${fix(s)}${q}`)
    .replace(/(\bimport\(\s*)(['"])([^'"]+)\2/g, (_m, pre: string, q: string, s: string) => `${pre}${q}${fix(s)}${q}`);
}

function declarationFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? declarationFiles(p) : p.endsWith('.d.ts') ? [p] : [];
  });
}

async function main(): Promise<void> {
  const entries = entryPoints();
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports?: unknown };
  const want = expectedExports(entries);
  if (JSON.stringify(pkg.exports) !== JSON.stringify(want)) {
    throw new Error(
      `package.json "exports" must list every lib/<folder>/index.ts (except ${[...NOT_EXPORTED].join(', ')}); ` +
        `set it to:\n${JSON.stringify(want, null, 2)}`,
    );
  }
  rmSync(DIST, { recursive: true, force: true });
  const t0 = performance.now();
  await build({
    entryPoints: [...entries.values()],
    outbase: LIB,
    outdir: DIST,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    define: BUNDLE_DEFINE,
    logLevel: 'warning',
  });
  const t1 = performance.now();
  execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  const decls = declarationFiles(DIST);
  for (const f of decls) writeFileSync(f, fixDeclarationSpecifiers(readFileSync(f, 'utf8'), f));
  const t2 = performance.now();
  console.log(
    `[build] dist/: ${entries.size} entry points (${[...entries.keys()].join(', ')}) in ` +
      `${((t1 - t0) / 1000).toFixed(1)} s, ${decls.length} declaration files in ${((t2 - t1) / 1000).toFixed(1)} s`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: Error) => {
    console.error(`build: ${e.message}`);
    process.exit(1);
  });
}
