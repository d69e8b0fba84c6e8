/**
 * The embedded default data: 2,050 real HuffPost headlines (50 per category, 41 categories) shipped in
 * the repository, so that the main job runs in a fresh clone with nothing beside it. Provenance,
 * licence (CC BY 4.0, Rishabh Misra) and how it was drawn: data/README.md.
 */
import { existsSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { packageRoot } from '../io/package-root';

/** The sample's path relative to the project root (JSON lines in the dataset's own schema). */
export const SAMPLE_DATA = 'data/huffpost-sample/News_Category_Dataset_v2.sample50.jsonl';

/**
 * Absolute path of the embedded sample, in the project or installed package that holds the running
 * library (found from the library's code, else from the working directory; lib/io/package-root.ts).
 * Throws when neither is inside siamese-albert-ts, naming the fix.
 */
export function sampleDataPath(): string {
  const root = packageRoot();
  if (root === undefined)
    throw new Error(
      `sampleDataPath: cannot find the siamese-albert-ts package root above the library's code or the working ` +
        `directory; pass the data file's path instead (e.g. path: '/path/to/siamese-albert-ts/${SAMPLE_DATA}').`,
    );
  return join(root, SAMPLE_DATA);
}

/**
 * `path` itself, unless it names the embedded sample (the `--data` default, {@link SAMPLE_DATA}) and the
 * working directory is not the project root: then the sample inside the library's own package. So the
 * default works from any folder, also when the library is installed as a package.
 */
export function resolveDataPath(path: string): string {
  if (normalize(path) !== normalize(SAMPLE_DATA) || existsSync(path)) return path;
  return packageRoot() === undefined ? path : sampleDataPath();
}
