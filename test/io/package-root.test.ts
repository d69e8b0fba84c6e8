/**
 * The library finds its own files from its code in all three ways it runs: tsx on the sources (no
 * location: the working directory), CommonJS as tslab compiles it (`__dirname`), and the built bundle
 * (`__SIAMESE_LIB_URL__` defined as the chunk's `import.meta.url`, scripts/build.ts). The last two are
 * compiled with esbuild into a temporary folder and run in a child process whose working directory is
 * elsewhere, as a program in another folder that imports the package would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { findUpward, libraryDir, packageRoot, searchStarts } from '../../lib/io/package-root';
import { LOCAL_NATIVE_DIR } from '../../lib/backend/index';
import { BUNDLE_DEFINE } from '../../scripts/build';

const ROOT = resolve(import.meta.dirname, '../..');

function withTemp(f: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'package-root-')));
  return Promise.resolve(f(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** Run `code` (ES module text) with node in `cwd`; its stdout, trimmed. */
function runIn(cwd: string, code: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd, encoding: 'utf8' }).trim();
}

test('under tsx the library cannot tell its location: the working directory is searched', () => {
  assert.equal(libraryDir(), undefined);
  assert.deepEqual(searchStarts(), [process.cwd()]);
  assert.equal(packageRoot(), ROOT);
});

test('findUpward tries each start up to the root, in order, and says undefined when nothing matches', () =>
  withTemp((dir) => {
    mkdirSync(join(dir, 'a', 'b', 'c'), { recursive: true });
    mkdirSync(join(dir, 'x'), { recursive: true });
    const seen: string[] = [];
    const accept = (d: string) => (seen.push(d), d === join(dir, 'a'));
    assert.equal(findUpward(accept, [join(dir, 'x'), join(dir, 'a', 'b', 'c')]), join(dir, 'a'));
    assert.equal(seen[0], join(dir, 'x'));
    assert.ok(seen.includes('/'), 'the first start is walked to the file-system root before the second');
    assert.equal(
      findUpward(() => false, [dir]),
      undefined,
    );
  }));

test('compiled to CommonJS (as tslab does) the library dir is the module folder, whatever the cwd', () =>
  withTemp(async (dir) => {
    const out = join(dir, 'lib', 'io', 'package-root.cjs');
    await build({ entryPoints: [join(ROOT, 'lib/io/package-root.ts')], outfile: out, format: 'cjs', platform: 'node' });
    const got = runIn(
      tmpdir(),
      `import { createRequire } from 'node:module';
      const m = createRequire(${JSON.stringify(out)})(${JSON.stringify(out)});
      console.log(JSON.stringify([m.libraryDir(), m.searchStarts()]));`,
    );
    assert.deepEqual(JSON.parse(got), [join(dir, 'lib', 'io'), [join(dir, 'lib', 'io'), realpathSync(tmpdir())]]);
  }));

test('in the bundle, findLocalNative finds the native build beside the package from another folder', () =>
  withTemp(async (dir) => {
    // A package folder <dir>/pkg with dist/ and a native build, used from <dir>/elsewhere.
    const pkg = join(dir, 'pkg');
    mkdirSync(pkg);
    writeFileSync(join(pkg, 'package.json'), '{"name": "siamese-albert-ts"}');
    mkdirSync(join(pkg, LOCAL_NATIVE_DIR), { recursive: true });
    writeFileSync(join(pkg, LOCAL_NATIVE_DIR, 'package.json'), '{}');
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    const out = join(pkg, 'dist', 'backend.js');
    await build({
      entryPoints: [join(ROOT, 'lib/backend/index.ts')],
      outfile: out,
      bundle: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      define: BUNDLE_DEFINE,
    });
    writeFileSync(join(pkg, 'dist', 'package.json'), '{"type": "module"}');
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules')); // its dependencies, as installed
    const env = { ...process.env };
    delete env.SIAMESE_TFJS_NODE;
    const code = `const m = await import(${JSON.stringify(out)});
      console.log(JSON.stringify([m.findLocalNative() ?? null]));`;
    const got = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: elsewhere,
      encoding: 'utf8',
      env,
    });
    assert.deepEqual(JSON.parse(got.trim()), [join(pkg, LOCAL_NATIVE_DIR)]);
  }));
