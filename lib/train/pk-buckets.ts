/**
 * Length bucketing inside P×K batches (lib/train/sampler.ts pkSampler): within each window of consecutive
 * batches, the rows a class gives to the batches of that window are handed out again by token length, so a
 * batch takes short rows from all its classes or long rows from all of them. What stays as without bucketing:
 * the classes of every batch and how many rows each gives (the P×K shape), and which rows of a class the window
 * uses (every row of the epoch is still used). What changes: which of those rows go to which batch.
 */
import { permutation, type Random } from '../data/rng';

/** The rows one class gives to one batch. */
export interface ClassSlot {
  label: number;
  rows: number[];
}

/** True when `rows` holds a row twice. */
function hasRepeat(rows: readonly number[]): boolean {
  return new Set(rows).size !== rows.length;
}

/**
 * Hand a class's rows (several slots, in the order of their batches' ranks) out again in length order: the
 * shortest fill the slot of the lowest rank. A row that a slot would hold twice (a class's topped-up last chunk
 * repeats rows) is swapped with one of another slot; when no swap works, the class keeps its rows as they were.
 */
function redistribute(slots: ClassSlot[], lengths: ArrayLike<number>): void {
  const pooled = slots.flatMap((s) => s.rows);
  const order = pooled.map((r, i) => ({ r, i })).sort((a, b) => lengths[a.r] - lengths[b.r] || a.i - b.i);
  const next: number[][] = [];
  let at = 0;
  for (const s of slots) {
    next.push(order.slice(at, at + s.rows.length).map((x) => x.r));
    at += s.rows.length;
  }
  for (let i = 0; i < next.length; i++) {
    while (hasRepeat(next[i])) {
      const x = next[i].find((r, k) => next[i].indexOf(r) !== k)!;
      let swapped = false;
      // Nearest slots first: a swap there moves a row the least in length.
      for (let d = 1; d < next.length && !swapped; d++) {
        for (const j of [i + d, i - d]) {
          if (j < 0 || j >= next.length || next[j].includes(x)) continue;
          const y = next[j].findIndex((r) => !next[i].includes(r));
          if (y < 0) continue;
          next[i][next[i].lastIndexOf(x)] = next[j][y];
          next[j][y] = x;
          swapped = true;
          break;
        }
      }
      if (!swapped) return; // keep the class's rows as they were
    }
  }
  slots.forEach((s, k) => (s.rows = next[k]));
}

/**
 * Bucket `batches` (each a list of class slots) in place, window by window (`window` batches each): the batches
 * of a window get a random rank (`random`, seeded by the caller), and every class's rows in the window go to its
 * slots in length order by rank. The order of the batches is unchanged.
 */
export function bucketPkWindows(
  batches: ClassSlot[][],
  lengths: ArrayLike<number>,
  window: number,
  random: Random,
): void {
  for (let s = 0; s < batches.length; s += window) {
    const win = batches.slice(s, s + window);
    const rank = permutation(win.length, random);
    const byLabel = new Map<number, { rank: number; slot: ClassSlot }[]>();
    win.forEach((batch, b) => {
      for (const slot of batch) {
        const list = byLabel.get(slot.label);
        if (list) list.push({ rank: rank[b], slot });
        else byLabel.set(slot.label, [{ rank: rank[b], slot }]);
      }
    });
    for (const list of byLabel.values()) {
      if (list.length < 2) continue;
      list.sort((a, b) => a.rank - b.rank);
      redistribute(
        list.map((x) => x.slot),
        lengths,
      );
    }
  }
}
