/**
 * Length-bucketed batches: texts of similar token length go together, so padding to the batch's
 * longest text (tokenizer padding 'longest') wastes little compute.
 */

export interface BucketOptions {
  batchSize: number;
  /** Shuffle the order of the batches (not their contents) with this generator; keep order when absent. */
  random?: () => number;
}

/**
 * Split row indices `0..lengths.length-1` into batches of `batchSize` rows of similar length:
 * rows sorted by length (stable: ties keep their order), cut into consecutive batches (the last may be smaller).
 */
export function lengthBuckets(lengths: ArrayLike<number>, opts: BucketOptions): Int32Array[] {
  const { batchSize, random } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`lengthBuckets: 'batchSize' must be a positive integer; got ${batchSize}.`);
  const order = Array.from({ length: lengths.length }, (_, i) => i);
  for (const i of order) {
    if (!(Number.isFinite(lengths[i]) && lengths[i] >= 0))
      throw new Error(`lengthBuckets: 'lengths' must be non-negative numbers; got ${lengths[i]} at ${i}.`);
  }
  order.sort((a, b) => lengths[a] - lengths[b] || a - b);
  const batches: Int32Array[] = [];
  for (let s = 0; s < order.length; s += batchSize) batches.push(Int32Array.from(order.slice(s, s + batchSize)));
  if (random) {
    for (let i = batches.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [batches[i], batches[j]] = [batches[j], batches[i]];
    }
  }
  return batches;
}

/** Token slots computed when each batch is padded to its longest row, over the slots actually used. */
export function paddingOverhead(
  lengths: ArrayLike<number>,
  batches: readonly Int32Array[],
): { padded: number; used: number; ratio: number } {
  let padded = 0;
  let used = 0;
  for (const b of batches) {
    let longest = 0;
    for (const i of b) {
      longest = Math.max(longest, lengths[i]);
      used += lengths[i];
    }
    padded += longest * b.length;
  }
  return { padded, used, ratio: used === 0 ? 1 : padded / used };
}
