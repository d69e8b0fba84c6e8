/**
 * Batch samplers for training: which dataset rows form each batch of an epoch.
 *
 * A sampler is a pure function of (seed, epoch): the same seed and epoch give
 * the same batches, so a resumed run replays an epoch and skips the batches it
 * had already done (the sampler state in a checkpoint is just the epoch and the
 * step within it).
 */
import { makeBatches } from '../data/batches';
import { makeRandom, shuffleInPlace, type Random } from '../data/rng';
import { groupByClass } from '../data/split';

export interface BatchSampler {
  /** Batches of row indices for `epoch` (0-based); deterministic for the seed and epoch. */
  epochBatches(epoch: number): Int32Array[];
  /** Rows per full batch. */
  readonly batchSize: number;
  /** One line for logs, e.g. `P×K 8×4 (seed 42)`. */
  readonly description: string;
}

function checkPositiveInt(fn: string, name: string, v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  throw new Error(`${fn}: '${name}' must be a positive integer; got ${String(v)}.`);
}

export interface RandomSamplerOptions {
  batchSize: number;
  seed: number;
  /** Shuffle each epoch (default true); false keeps the row order. */
  shuffle?: boolean;
  /** Drop a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
}

/** The study's plain batches: a seeded shuffle of all rows per epoch, cut into batches. */
export function randomSampler(numRows: number, opts: RandomSamplerOptions): BatchSampler {
  const batchSize = checkPositiveInt('randomSampler', 'batchSize', opts.batchSize);
  const shuffle = opts.shuffle ?? true;
  const rows = Int32Array.from({ length: numRows }, (_, i) => i);
  return {
    batchSize,
    description: `random batches of ${batchSize}${shuffle ? ` (seed ${opts.seed})` : ' (unshuffled)'}`,
    epochBatches: (epoch) => makeBatches(rows, { batchSize, shuffle, seed: opts.seed, epoch, dropLast: opts.dropLast }),
  };
}

export interface PkSamplerOptions {
  /** P: distinct classes per batch. */
  classesPerBatch: number;
  /** K: examples per class per batch. */
  examplesPerClass: number;
  seed: number;
}

export interface PkSampler extends BatchSampler {
  /** Classes left out because they have a single example (no anchor-positive pair possible). */
  readonly excludedClasses: number[];
  /** Classes that have at least 2 examples, in ascending order. */
  readonly eligibleClasses: number[];
}

/** Pick `count` distinct keys, each draw weighted by `weight(key)` (all weights > 0). */
function weightedDistinct(keys: number[], weight: (k: number) => number, count: number, random: Random): number[] {
  const pool = [...keys];
  const out: number[] = [];
  while (out.length < count && pool.length > 0) {
    const total = pool.reduce((s, k) => s + weight(k), 0);
    let r = random() * total;
    let i = 0;
    while (i < pool.length - 1 && (r -= weight(pool[i])) >= 0) i++;
    out.push(pool[i]);
    pool.splice(i, 1);
  }
  return out;
}

/**
 * Label-aware P×K batches: each batch holds P distinct classes with K examples
 * each, so every anchor has positives (random batches of 64 over 41 classes
 * leave most anchors without one).
 *
 * Per epoch (seeded by seed and epoch):
 * - each class's rows are shuffled and cut into chunks of K (without
 *   replacement); a last partial chunk is topped up to K with other rows of
 *   the same class (distinct rows, drawn again);
 * - a class with 2 ≤ n < K rows gives one chunk of all its n rows (the batch is
 *   then smaller than P×K: no row is repeated inside a batch);
 * - a class with a single row is excluded (listed in `excludedClasses`);
 * - batches take one chunk from each of P distinct classes, chosen with
 *   probability proportional to their remaining chunks, until every chunk is
 *   used; when fewer than P classes still have chunks, the missing slots are
 *   filled with fresh chunks of other classes (rows already seen this epoch).
 * So every eligible row appears at least once per epoch and every class in a
 * batch has at least 2 rows. Fewer than P eligible classes is an error.
 */
export function pkSampler(labels: ArrayLike<number>, opts: PkSamplerOptions): PkSampler {
  const p = checkPositiveInt('pkSampler', 'classesPerBatch', opts.classesPerBatch);
  const k = checkPositiveInt('pkSampler', 'examplesPerClass', opts.examplesPerClass);
  if (k < 2)
    throw new Error(`pkSampler: 'examplesPerClass' must be at least 2 (an anchor needs a positive); got ${k}.`);
  const byClass = groupByClass(labels);
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const eligible = classes.filter((c) => byClass.get(c)!.length >= 2);
  const excluded = classes.filter((c) => byClass.get(c)!.length < 2);
  if (eligible.length < p) {
    throw new Error(
      `pkSampler: 'classesPerBatch' must be at most the number of classes with at least 2 examples ` +
        `(${eligible.length}); got ${p}.`,
    );
  }

  function freshChunk(c: number, random: Random): number[] {
    const rows = shuffleInPlace([...byClass.get(c)!], random) as number[];
    return rows.slice(0, k);
  }

  function epochBatches(epoch: number): Int32Array[] {
    const random = makeRandom(`pk:${opts.seed}:${epoch}`);
    const chunks = new Map<number, number[][]>();
    for (const c of eligible) {
      const rows = shuffleInPlace([...byClass.get(c)!], random) as number[];
      const list: number[][] = [];
      for (let s = 0; s < rows.length; s += k) list.push(rows.slice(s, s + k));
      const last = list[list.length - 1];
      if (last.length < k && rows.length >= k) {
        const others = shuffleInPlace(
          rows.filter((r) => !last.includes(r)),
          random,
        ) as number[];
        last.push(...others.slice(0, k - last.length));
      }
      chunks.set(c, list);
    }
    const remaining = (c: number) => chunks.get(c)!.length;
    const batches: Int32Array[] = [];
    for (;;) {
      const open = eligible.filter((c) => remaining(c) > 0);
      if (open.length === 0) break;
      const chosen = weightedDistinct(open, remaining, p, random);
      const fillers = weightedDistinct(
        eligible.filter((c) => !chosen.includes(c)),
        () => 1,
        p - chosen.length,
        random,
      );
      const rows = [...chosen.map((c) => chunks.get(c)!.shift()!), ...fillers.map((c) => freshChunk(c, random))].flat();
      batches.push(Int32Array.from(rows));
    }
    return batches;
  }

  return {
    batchSize: p * k,
    description: `P×K ${p}×${k} over ${eligible.length} classes (seed ${opts.seed})`,
    excludedClasses: excluded,
    eligibleClasses: eligible,
    epochBatches,
  };
}
