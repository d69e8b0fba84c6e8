/** Seeded train/validation splits, per-class caps and balanced samples (index arrays). */
import { makeRandom, permutation, randomInt, shuffleInPlace } from './rng';

/**
 * How {@link trainValSplit} draws: 'random' (the study's `df.sample(frac=0.8)`) or 'stratified' (within each class).
 */
export type SplitMode = 'random' | 'stratified';

/** Sorted, disjoint row indices of the training and validation sets; together they hold every row once. */
export interface Split {
  train: Int32Array;
  val: Int32Array;
}

/** Indices (all of them, or those in `rows`) grouped by their label, in order of first appearance. */
export function groupByClass(labels: ArrayLike<number>, rows?: ArrayLike<number>): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  const n = rows ? rows.length : labels.length;
  for (let r = 0; r < n; r++) {
    const i = rows ? rows[r] : r;
    const g = groups.get(labels[i]);
    if (g) g.push(i);
    else groups.set(labels[i], [i]);
  }
  return groups;
}

/**
 * Mark `round(n · (1 − fraction))` of `rows` (all of them, or within each class for 'stratified') as kept, the rest
 * as held out, from a seeded permutation. Returns both parts as sorted dataset indices. `fn` names the caller in
 * errors.
 */
function carve(
  labels: ArrayLike<number>,
  rows: ArrayLike<number> | undefined,
  fraction: number,
  mode: SplitMode,
  random: () => number,
  fn: string,
): { kept: Int32Array; heldOut: Int32Array } {
  const n = rows ? rows.length : labels.length;
  const at = (r: number) => (rows ? rows[r] : r);
  const isKept = new Uint8Array(n);
  if (mode === 'random') {
    const p = permutation(n, random);
    const nKept = Math.round(n * (1 - fraction));
    for (let i = 0; i < nKept; i++) isKept[p[i]] = 1;
  } else if (mode === 'stratified') {
    // Positions into `rows`, grouped by class.
    const groups = new Map<number, number[]>();
    for (let r = 0; r < n; r++) {
      const g = groups.get(labels[at(r)]);
      if (g) g.push(r);
      else groups.set(labels[at(r)], [r]);
    }
    for (const [, idx] of [...groups].sort((a, b) => a[0] - b[0])) {
      shuffleInPlace(idx, random);
      const nKept = Math.round(idx.length * (1 - fraction));
      for (let i = 0; i < nKept; i++) isKept[idx[i]] = 1;
    }
  } else {
    throw new Error(`${fn}: 'mode' must be 'random' or 'stratified'; got '${String(mode)}'.`);
  }
  const kept: number[] = [];
  const heldOut: number[] = [];
  for (let r = 0; r < n; r++) (isKept[r] ? kept : heldOut).push(at(r));
  const sorted = (xs: number[]) => Int32Array.from(rows ? xs.sort((a, b) => a - b) : xs);
  return { kept: sorted(kept), heldOut: sorted(heldOut) };
}

/**
 * Split indices 0..n-1 (or the dataset indices `rows`, e.g. what a test split left) into train and validation.
 * 'random' (the study's `df.sample(frac=0.8)`) takes round(n·(1 − valFraction)) of a seeded permutation for
 * training; 'stratified' does the same within each class. Index arrays come back sorted, so the split does not
 * depend on how the permutation was drawn beyond membership. Throws unless 0 < valFraction < 1.
 */
export function trainValSplit(
  labels: ArrayLike<number>,
  opts: { valFraction?: number; seed: number; mode?: SplitMode; rows?: ArrayLike<number> },
): Split {
  const valFraction = opts.valFraction ?? 0.2;
  if (!(valFraction > 0 && valFraction < 1)) {
    throw new Error(`trainValSplit: 'valFraction' must be in (0, 1); got ${valFraction}.`);
  }
  const random = makeRandom(`split:${opts.seed}`);
  const { kept, heldOut } = carve(labels, opts.rows, valFraction, opts.mode ?? 'random', random, 'trainValSplit');
  return { train: kept, val: heldOut };
}

/**
 * A held-out test split, carved before the train/validation split so that no training, checkpoint selection or
 * model choice sees it (scikit-learn's `train_test_split` semantics: `test` ≈ round(n·testFraction) rows; per class
 * with 'stratified'). Seeded on its own stream (`test:<seed>`), so it does not move the split drawn after it from
 * another seed. Returns sorted dataset indices: `rest` (for trainValSplit's `rows`) and `test`. Throws unless
 * 0 < testFraction < 1.
 */
export function testSplit(
  labels: ArrayLike<number>,
  opts: { testFraction: number; seed: number; mode?: SplitMode },
): { rest: Int32Array; test: Int32Array } {
  if (!(opts.testFraction > 0 && opts.testFraction < 1)) {
    throw new Error(`testSplit: 'testFraction' must be in (0, 1); got ${opts.testFraction}.`);
  }
  const random = makeRandom(`test:${opts.seed}`);
  const { kept, heldOut } = carve(labels, undefined, opts.testFraction, opts.mode ?? 'random', random, 'testSplit');
  return { rest: kept, test: heldOut };
}

/**
 * At most `maxPerClass` indices of each class, drawn without replacement by a
 * seeded generator; the result keeps the original order.
 */
export function capPerClass(labels: ArrayLike<number>, maxPerClass: number, seed: number): Int32Array {
  if (!(Number.isInteger(maxPerClass) && maxPerClass > 0)) {
    throw new Error(`capPerClass: 'maxPerClass' must be a positive integer; got ${maxPerClass}.`);
  }
  const random = makeRandom(`cap:${seed}`);
  const keep: number[] = [];
  for (const [, idx] of [...groupByClass(labels)].sort((a, b) => a[0] - b[0])) {
    if (idx.length > maxPerClass) shuffleInPlace(idx, random);
    // A loop, not push(...slice): spreading a class of ~125,000+ rows overflows the call stack.
    for (let i = 0; i < Math.min(idx.length, maxPerClass); i++) keep.push(idx[i]);
  }
  return Int32Array.from(keep.sort((a, b) => a - b));
}

/**
 * A balanced sample: `perClass` positions of `subset` for every class present,
 * drawn with replacement (the study's evaluation sample: 200 per category).
 * Returns indices into the full label array, grouped by class id.
 */
export function balancedSample(
  labels: ArrayLike<number>,
  subset: ArrayLike<number>,
  perClass: number,
  seed: number,
): Int32Array {
  if (!(Number.isInteger(perClass) && perClass > 0)) {
    throw new Error(`balancedSample: 'perClass' must be a positive integer; got ${perClass}.`);
  }
  const random = makeRandom(`balanced:${seed}`);
  const out: number[] = [];
  for (const [, idx] of [...groupByClass(labels, subset)].sort((a, b) => a[0] - b[0])) {
    for (let k = 0; k < perClass; k++) out.push(idx[randomInt(random, idx.length)]);
  }
  return Int32Array.from(out);
}
