/**
 * Where the library's own files are (the native backend build, the embedded sample), found from the
 * library's code rather than the working directory, so that a program in another folder that imports
 * the package finds them too.
 *
 * The library runs three ways, and each tells its location differently: the built package (esbuild
 * replaces `__SIAMESE_LIB_URL__` by the chunk's `import.meta.url`; scripts/build.ts), tslab (which
 * compiles lib/ to CommonJS, so `__dirname` is defined and `import.meta` may not appear in lib/), and
 * tsx on the sources (ES modules: neither exists, so the working directory stands in).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Replaced by `import.meta.url` in the built package (esbuild `define`); undeclared elsewhere. */
declare const __SIAMESE_LIB_URL__: string | undefined;

/** The `name` in the project's package.json, which marks its root. */
export const PACKAGE_NAME = 'siamese-albert-ts';

/**
 * The folder of the running library code: `dist/` of the built package, `lib/<folder>/` under tslab,
 * or undefined under tsx on the sources (no way to tell there without `import.meta`).
 */
export function libraryDir(): string | undefined {
  if (typeof __SIAMESE_LIB_URL__ === 'string') return dirname(fileURLToPath(__SIAMESE_LIB_URL__));
  if (typeof __dirname === 'string') return __dirname;
  return undefined;
}

/** The folders to search upward from, most specific first: the library's code, then the working directory. */
export function searchStarts(): string[] {
  const lib = libraryDir();
  const cwd = process.cwd();
  return lib === undefined || resolve(lib) === resolve(cwd) ? [cwd] : [lib, cwd];
}

function isProjectRoot(dir: string): boolean {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/**
 * The first folder at or above one of `starts` (default {@link searchStarts}) for which `accept` holds,
 * or undefined. Walks each start up to the file-system root before trying the next.
 */
export function findUpward(
  accept: (dir: string) => boolean,
  starts: readonly string[] = searchStarts(),
): string | undefined {
  for (const start of starts) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      if (accept(dir)) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/**
 * The root of the siamese-albert-ts project or package (the folder whose package.json is named
 * {@link PACKAGE_NAME}) at or above the library's code, else at or above the working directory;
 * undefined when neither has one.
 */
export function packageRoot(starts: readonly string[] = searchStarts()): string | undefined {
  return findUpward(isProjectRoot, starts);
}
