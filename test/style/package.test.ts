/**
 * lib as a package: package.json "exports" lists the front door and every folder's index.ts (what
 * scripts/build.ts bundles), and the emitted declarations get the explicit extensions Node's ES-module
 * resolution needs. The build itself and an install from another folder: scripts/check-package.sh (CI).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { entryPoints, expectedExports, fixDeclarationSpecifiers } from '../../scripts/build';

const ROOT = resolve(import.meta.dirname, '../..');

test('package.json exports: the front door and every lib/<folder>/index.ts but cli, as built', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const entries = entryPoints(join(ROOT, 'lib'));
  assert.ok(entries.has('.') && entries.has('./data') && entries.has('./pipeline') && !entries.has('./cli'));
  assert.deepEqual(pkg.exports, expectedExports(entries));
  assert.equal(pkg.main, './dist/index.js');
  assert.equal(pkg.types, './dist/index.d.ts');
});

test('declaration specifiers get .js or /index.js; packages and explicit extensions stay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'decl-'));
  try {
    mkdirSync(join(dir, 'data'));
    for (const f of ['a.d.ts', 'data/index.d.ts', 'data/read.d.ts']) writeFileSync(join(dir, f), '');
    const file = join(dir, 'a.d.ts');
    const text = [
      "export * from './data';",
      "export { x } from './data/read';",
      "import type { T } from '@tensorflow/tfjs';",
      "export declare const y: import('./data/read').R;",
      "export * from './b.js';",
      "export * from './missing';",
    ].join('\n');
    assert.equal(
      fixDeclarationSpecifiers(text, file),
      [
        "export * from './data/index.js';",
        "export { x } from './data/read.js';",
        "import type { T } from '@tensorflow/tfjs';",
        "export declare const y: import('./data/read.js').R;",
        "export * from './b.js';",
        "export * from './missing';",
      ].join('\n'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
