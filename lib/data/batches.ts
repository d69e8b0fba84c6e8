/** Seeded shuffling and batching of index arrays. */
import { makeRandom, shuffleInPlace } from './rng';

export interface BatchOptions {
  batchSize: number;
  /** Shuffle before batching (seeded by `seed`, varied per `epoch`). */
  shuffle?: boolean;
  seed?: number;
  epoch?: number;
  /** Drop a last batch smaller than batchSize. */
  dropLast?: boolean;
}

/** Split `indices` into batches; with `shuffle`, a seeded order that differs per epoch. */
export function makeBatches(indices: ArrayLike<number>, opts: BatchOptions): Int32Array[] {
  const { batchSize } = opts;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new Error(`makeBatches: 'batchSize' must be a positive integer; got ${batchSize}.`);
  }
  const order = Int32Array.from(indices);
  if (opts.shuffle) {
    if (opts.seed === undefined) throw new Error("makeBatches: 'seed' is required when 'shuffle' is true.");
    shuffleInPlace(order, makeRandom(`batches:${opts.seed}:${opts.epoch ?? 0}`));
  }
  const out: Int32Array[] = [];
  for (let s = 0; s < order.length; s += batchSize) {
    const b = order.subarray(s, Math.min(s + batchSize, order.length));
    if (opts.dropLast && b.length < batchSize) break;
    out.push(b.slice());
  }
  return out;
}
