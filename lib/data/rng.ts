/**
 * Seeded randomness. Every random choice in the project takes a seed and goes
 * through here, so a run is reproducible from its seed alone.
 */
import seedrandom from 'seedrandom';

/** A function returning uniform floats in [0, 1), like Math.random. */
export type Random = () => number;

/** A seeded generator (seedrandom's Alea: fast, good statistical quality). */
export function makeRandom(seed: number | string): Random {
  const prng = seedrandom.alea(String(seed));
  return () => prng.quick();
}

/**
 * Counter-based seeds: call i returns `${base}:${i}`, so the i-th draw's seed depends only on `base` and `i`
 * (not on how many draws other code made). Dropout masks use it: base = (run seed, step), one call per mask.
 */
export function seedSequence(base: number | string): () => string {
  let i = 0;
  return () => `${base}:${i++}`;
}

/** Uniform integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** Fisher–Yates shuffle of `items`, in place; returns it. */
export function shuffleInPlace<T>(items: T[] | Int32Array, random: Random): T[] | Int32Array {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/** A seeded permutation of 0..n-1. */
export function permutation(n: number, random: Random): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return shuffleInPlace(p, random) as Int32Array;
}
