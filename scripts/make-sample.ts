/**
 * Makes the project's embedded default data: a seeded, balanced sample of the shared
 * balanced HuffPost file (50 records per category, 41 categories), written as the
 * source's own JSON lines, verbatim, in source (v2) order.
 *
 *   SHARED_DIR=../shared npx tsx scripts/make-sample.ts      # rewrites data/huffpost-sample/
 *
 * The draw is lib/data/split's `capPerClass` (seed 3, the project's default seed) over
 * category ids in order of first appearance, so anyone with the shared file gets the
 * same bytes; test/data/sample.test.ts checks that.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { factorize } from '../lib/data/labels';
import { capPerClass } from '../lib/data/split';
import { sha256Hex } from '../lib/io/hash';

/** The shared balanced file, relative to SHARED_DIR. */
export const SOURCE = 'data/huffpost/News_Category_Dataset_v2.first900-per-category.json';
/** The sample, relative to the project root. */
export const SAMPLE = 'data/huffpost-sample/News_Category_Dataset_v2.sample50.jsonl';
export const PER_CLASS = 50;
export const SEED = 3;
/** The sharing rule of shared/README.md: at most 100 records per category, under 500 KB. */
export const MAX_BYTES = 500 * 1024;

/**
 * The sample's text from the source's text: `perClass` lines of each category drawn by
 * `capPerClass(labels, perClass, seed)`, kept verbatim and in source order, newline-terminated.
 * Errors name the source line that is not a JSON record with a string `category`.
 */
export function makeSample(source: string, perClass = PER_CLASS, seed = SEED): string {
  const lines = source.split('\n').filter((l) => l.trim() !== '');
  const categories = lines.map((l, i) => {
    let category: unknown;
    try {
      category = (JSON.parse(l) as { category?: unknown }).category;
    } catch (e) {
      throw new Error(`makeSample: source line ${i + 1} is not JSON: ${(e as Error).message}`);
    }
    if (typeof category !== 'string') throw new Error(`makeSample: source line ${i + 1} has no string 'category'.`);
    return category;
  });
  const keep = capPerClass(factorize(categories).codes, perClass, seed);
  return Array.from(keep, (i) => lines[i]).join('\n') + '\n';
}

function main(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const shared = resolve(process.env.SHARED_DIR ?? join(root, '..', 'shared'));
  const sourcePath = join(shared, SOURCE);
  let source: string;
  try {
    source = readFileSync(sourcePath, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${sourcePath} (${(e as Error).message}); set SHARED_DIR to the shared folder.`);
  }
  const text = makeSample(source);
  const bytes = Buffer.byteLength(text);
  if (bytes >= MAX_BYTES) throw new Error(`the sample is ${bytes} bytes; the sharing rule allows under ${MAX_BYTES}.`);
  const out = join(root, SAMPLE);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  const rows = text.trimEnd().split('\n').length;
  console.log(`${SAMPLE}: ${rows} records, ${bytes} bytes, sha256 ${sha256Hex(Buffer.from(text))}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (e) {
    console.error(`make-sample: ${(e as Error).message}`);
    process.exit(1);
  }
}
