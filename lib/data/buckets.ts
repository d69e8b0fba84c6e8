/**
 * Length bucketing: rows of similar token length go into the same batch, so padding each batch to its
 * longest row (the tokenizer's padding 'longest') computes few empty token slots. Generic over lengths:
 * the caller tokenizes and passes one length per row.
 */
import { makeRandom, shuffleInPlace } from './rng';

/** How {@link lengthBuckets} cuts batches: their size, and the seed that shuffles their order. */
export interface BucketOptions {
  /** Rows per batch (the last batch may be smaller). */
  batchSize: number;
  /** Shuffle the order of the batches (not their contents) with this seed (lib/data/rng); keep order when absent. */
  seed?: number | string;
}

function checkLengths(fn: string, lengths: ArrayLike<number>): void {
  for (let i = 0; i < lengths.length; i++) {
    if (!(Number.isFinite(lengths[i]) && lengths[i] >= 0))
      throw new Error(`${fn}: 'lengths' must be non-negative numbers; got ${lengths[i]} at ${i}.`);
  }
}

/**
 * Split row indices `0..lengths.length-1` into batches of `batchSize` rows of similar length: rows sorted by
 * length (stable: ties keep their order), cut into consecutive batches; with `seed`, the batch order is
 * shuffled. Every row appears exactly once. Errors name a bad `batchSize` or a bad length and its row.
 */
export function lengthBuckets(lengths: ArrayLike<number>, opts: BucketOptions): Int32Array[] {
  const { batchSize, seed } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`lengthBuckets: 'batchSize' must be a positive integer; got ${batchSize}.`);
  checkLengths('lengthBuckets', lengths);
  const order = Array.from({ length: lengths.length }, (_, i) => i);
  order.sort((a, b) => lengths[a] - lengths[b] || a - b);
  const batches: Int32Array[] = [];
  for (let s = 0; s < order.length; s += batchSize) batches.push(Int32Array.from(order.slice(s, s + batchSize)));
  if (seed !== undefined) shuffleInPlace(batches, makeRandom(`lengthBuckets:${seed}`));
  return batches;
}

/**
 * Reorder `rows` so that each consecutive chunk of `chunkSize` rows is sorted by length (stable), leaving
 * which rows fall in which chunk unchanged: batches cut from a shuffled order then hold rows of similar
 * length while the chunk (e.g. an epoch's shuffle window) keeps its randomness. Returns a new array.
 */
export function sortWithinChunks(lengths: ArrayLike<number>, rows: ArrayLike<number>, chunkSize: number): Int32Array {
  if (!Number.isInteger(chunkSize) || chunkSize < 1)
    throw new Error(`sortWithinChunks: 'chunkSize' must be a positive integer; got ${chunkSize}.`);
  checkLengths('sortWithinChunks', lengths);
  const out = Int32Array.from(rows);
  for (let s = 0; s < out.length; s += chunkSize) {
    const chunk = Array.from(out.subarray(s, s + chunkSize));
    for (const r of chunk) {
      if (!(Number.isInteger(r) && r >= 0 && r < lengths.length))
        throw new Error(
          `sortWithinChunks: 'rows' must be indices into 'lengths' (0..${lengths.length - 1}); got ${r}.`,
        );
    }
    const pos = new Map(chunk.map((r, i) => [r, i]));
    chunk.sort((a, b) => lengths[a] - lengths[b] || pos.get(a)! - pos.get(b)!);
    out.set(chunk, s);
  }
  return out;
}

/** The cost of padding batches to their longest row, in token slots (see {@link paddingOverhead}). */
export interface PaddingOverhead {
  /** Token slots computed when each batch is padded to its longest row. */
  padded: number;
  /** Token slots that hold real tokens (the sum of the rows' lengths). */
  used: number;
  /** padded / used (1 when nothing is used): padded slots per real token. */
  ratio: number;
}

/** Padded token slots per real token of `batches` (row indices into `lengths`) padded to their longest row. */
export function paddingOverhead(lengths: ArrayLike<number>, batches: readonly ArrayLike<number>[]): PaddingOverhead {
  let padded = 0;
  let used = 0;
  for (const b of batches) {
    let longest = 0;
    for (let k = 0; k < b.length; k++) {
      const len = lengths[b[k]];
      if (len === undefined)
        throw new Error(`paddingOverhead: batch rows must be indices into 'lengths'; got ${b[k]}.`);
      longest = Math.max(longest, len);
      used += len;
    }
    padded += longest * b.length;
  }
  return { padded, used, ratio: used === 0 ? 1 : padded / used };
}
