/** Seeded shuffling and batching of index arrays. */
import { makeRandom, shuffleInPlace } from './rng';

/** How {@link makeBatches} cuts index arrays: `batchSize` rows per batch, optionally shuffled (needs `seed`). */
export interface BatchOptions {
  batchSize: number;
  /** Shuffle before batching (seeded by `seed`, varied per `epoch`). */
  shuffle?: boolean;
  seed?: number;
  epoch?: number;
  /** Drop a last batch smaller than batchSize. */
  dropLast?: boolean;
  /**
   * Smallest batch to emit (default 1): a last batch with fewer rows is merged into the batch before it,
   * so every row is still used (a triplet loss cannot take a one-row batch). A lone batch is kept as is.
   */
  minBatchSize?: number;
}

/**
 * Split `indices` into batches; with `shuffle`, a seeded order that differs per epoch. A last batch
 * smaller than `minBatchSize` joins the one before (that batch then holds up to batchSize + minBatchSize - 1
 * rows); `dropLast` drops any short last batch instead.
 */
export function makeBatches(indices: ArrayLike<number>, opts: BatchOptions): Int32Array[] {
  const { batchSize } = opts;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new Error(`makeBatches: 'batchSize' must be a positive integer; got ${batchSize}.`);
  }
  const minBatchSize = opts.minBatchSize ?? 1;
  if (!(Number.isInteger(minBatchSize) && minBatchSize >= 1 && minBatchSize <= batchSize)) {
    throw new Error(
      `makeBatches: 'minBatchSize' must be an integer in [1, batchSize ${batchSize}]; got ${minBatchSize}.`,
    );
  }
  const order = Int32Array.from(indices);
  if (opts.shuffle) {
    if (opts.seed === undefined) throw new Error("makeBatches: 'seed' is required when 'shuffle' is true.");
    shuffleInPlace(order, makeRandom(`batches:${opts.seed}:${opts.epoch ?? 0}`));
  }
  const out: Int32Array[] = [];
  for (let s = 0; s < order.length; s += batchSize) {
    const rest = order.length - s;
    if (opts.dropLast && rest < batchSize) break;
    // The batch before a too-small last one takes it along.
    const merge = !opts.dropLast && rest > batchSize && rest - batchSize < minBatchSize;
    out.push(order.slice(s, merge ? order.length : Math.min(s + batchSize, order.length)));
    if (merge) break;
  }
  return out;
}
