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
 * Split indices 0..n-1 into train and validation. 'random' (the study's
 * `df.sample(frac=0.8)`) takes round(n·(1 − valFraction)) of a seeded permutation for
 * training; 'stratified' does the same within each class. Index arrays come back
 * sorted, so the split does not depend on how the permutation was drawn beyond membership.
 */
export function trainValSplit(
  labels: ArrayLike<number>,
  opts: { valFraction?: number; seed: number; mode?: SplitMode },
): Split {
  const valFraction = opts.valFraction ?? 0.2;
  if (!(valFraction > 0 && valFraction < 1)) {
    throw new Error(`trainValSplit: 'valFraction' must be in (0, 1); got ${valFraction}.`);
  }
  const mode = opts.mode ?? 'random';
  const random = makeRandom(`split:${opts.seed}`);
  const isTrain = new Uint8Array(labels.length);
  if (mode === 'random') {
    const p = permutation(labels.length, random);
    const nTrain = Math.round(labels.length * (1 - valFraction));
    for (let i = 0; i < nTrain; i++) isTrain[p[i]] = 1;
  } else if (mode === 'stratified') {
    for (const [, idx] of [...groupByClass(labels)].sort((a, b) => a[0] - b[0])) {
      shuffleInPlace(idx, random);
      const nTrain = Math.round(idx.length * (1 - valFraction));
      for (let i = 0; i < nTrain; i++) isTrain[idx[i]] = 1;
    }
  } else {
    throw new Error(`trainValSplit: 'mode' must be 'random' or 'stratified'; got '${String(mode)}'.`);
  }
  const train: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < labels.length; i++) (isTrain[i] ? train : val).push(i);
  return { train: Int32Array.from(train), val: Int32Array.from(val) };
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
