/**
 * A large file in the HuffPost schema for scale checks (`npm run scale-check`): records made from the real
 * headlines and descriptions of the shared files, replicated with small seeded variations, so the token lengths
 * follow the real ones while no two records need be equal. Class sizes are imbalanced like the real dataset's
 * (geometric: the largest class 32 times the smallest, as POLITICS is to the smallest categories of v2, ~16% of
 * the records against ~0.5%); they are synthetic, not the dataset's own counts. Not for training anything
 * meaningful: the texts are shuffled real texts.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { makeRandom, randomInt, type Random } from '../data/rng';

/** A record in the dataset's own schema (JSON lines). */
export interface HuffPostRecord {
  category: string;
  headline: string;
  authors: string;
  link: string;
  short_description: string;
  date: string;
}

/** The real texts the records are made from. */
export interface TextPools {
  /** Headlines by category (every category of the output). */
  headlines: Map<string, string[]>;
  /** Short descriptions by category (some categories may have none: then any category's are used). */
  descriptions: Map<string, string[]>;
}

/** Read JSON lines of HuffPost records into pools: headlines from `headlineFiles`, descriptions from the others. */
export function readTextPools(headlineFiles: readonly string[], descriptionFiles: readonly string[]): TextPools {
  const pools: TextPools = { headlines: new Map(), descriptions: new Map() };
  const add = (m: Map<string, string[]>, k: string, v: string) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  const each = (file: string, f: (r: HuffPostRecord) => void) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        const r = JSON.parse(line) as HuffPostRecord;
        if (typeof r.category !== 'string' || typeof r.headline !== 'string')
          throw new Error(`readTextPools: ${file}:${i + 1} must hold a HuffPost record (category, headline).`);
        f(r);
      });
  for (const f of headlineFiles) each(f, (r) => r.headline.trim() && add(pools.headlines, r.category, r.headline));
  for (const f of descriptionFiles)
    each(f, (r) => r.short_description?.trim() && add(pools.descriptions, r.category, r.short_description));
  if (pools.headlines.size === 0) throw new Error('readTextPools: no headline in the headline files.');
  return pools;
}

/** Class sizes summing to `total`: geometric from the largest (first) to 1/`ratio` of it (the last). */
export function imbalancedSizes(total: number, classes: number, ratio = 32): number[] {
  if (!(Number.isInteger(total) && total >= classes && classes >= 1))
    throw new Error(`imbalancedSizes: 'total' must be an integer >= classes (${classes}); got ${total}.`);
  const r = classes === 1 ? 1 : ratio ** (-1 / (classes - 1));
  const weights = Array.from({ length: classes }, (_, i) => r ** i);
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(1, Math.floor((w / sum) * total)));
  // Hand the rounding remainder to the largest classes, one each.
  for (let i = 0, left = total - sizes.reduce((a, b) => a + b, 0); left > 0; i = (i + 1) % classes, left--) sizes[i]++;
  return sizes;
}

/** A seeded variation of a text: words swapped, dropped or repeated (each with small probability). */
export function varyText(text: string, random: Random): string {
  const words = text.split(' ').filter(Boolean);
  if (words.length > 2 && random() < 0.5) {
    const i = randomInt(random, words.length - 1);
    [words[i], words[i + 1]] = [words[i + 1], words[i]];
  }
  if (words.length > 3 && random() < 0.25) words.splice(randomInt(random, words.length), 1);
  if (words.length > 0 && random() < 0.25) {
    const i = randomInt(random, words.length);
    words.splice(i, 0, words[i]);
  }
  return words.join(' ');
}

/**
 * Write `total` records to `path` (JSON lines, the dataset's schema) made from `pools`, seeded by `seed`: each
 * record takes a headline of its class and a description of its class (or of any class), both varied; classes
 * are interleaved in a seeded order. Returns the class sizes by category.
 */
export async function writeSyntheticHuffPost(
  path: string,
  pools: TextPools,
  opts: { total: number; seed: number | string },
): Promise<Map<string, number>> {
  const random = makeRandom(`synthetic-huffpost:${opts.seed}`);
  const categories = [...pools.headlines.keys()].sort();
  // Which class is largest is part of the seeded draw.
  for (let i = categories.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    [categories[i], categories[j]] = [categories[j], categories[i]];
  }
  const sizes = imbalancedSizes(opts.total, categories.length);
  const left = [...sizes];
  const anyDescription = [...pools.descriptions.values()].flat();
  const out = createWriteStream(path);
  let remaining = opts.total;
  let buffer = '';
  for (let n = 0; n < opts.total; n++) {
    // Draw the class in proportion to what it has left: every class ends at its size.
    let r = randomInt(random, remaining);
    let c = 0;
    while (r >= left[c]) r -= left[c++];
    left[c]--;
    remaining--;
    const category = categories[c];
    const heads = pools.headlines.get(category)!;
    const descs = pools.descriptions.get(category) ?? anyDescription;
    const record: HuffPostRecord = {
      category,
      headline: varyText(heads[randomInt(random, heads.length)], random),
      authors: '',
      link: `https://example.invalid/synthetic/${n}`,
      short_description: descs.length ? varyText(descs[randomInt(random, descs.length)], random) : '',
      date: '2018-01-01',
    };
    buffer += `${JSON.stringify(record)}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  return new Map(categories.map((c, i) => [c, sizes[i]]));
}
