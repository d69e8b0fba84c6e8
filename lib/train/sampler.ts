/**
 * Batch samplers for training: which dataset rows form each batch of an epoch.
 *
 * A sampler is a pure function of (seed, epoch): the same seed and epoch give
 * the same batches, so a run resumed from its checkpoint (written after every
 * epoch) draws the interrupted epoch's batches again from the start, exactly as
 * the uninterrupted run drew them (the sampler state in a checkpoint is just the
 * next epoch).
 */
import { makeBatches } from '../data/batches';
import { makeRandom, shuffleInPlace, type Random } from '../data/rng';
import { groupByClass } from '../data/split';

/** Which rows form each batch of an epoch, for the trainer; made by {@link randomSampler} or {@link pkSampler}. */
export interface BatchSampler {
  /** Batches of row indices for `epoch` (0-based); deterministic for the seed and epoch. */
  epochBatches(epoch: number): Int32Array[];
  /** Rows per full batch. */
  readonly batchSize: number;
  /** One line for logs, e.g. `P×K 16×4 over 41 classes (seed 3)`. */
  readonly description: string;
}

function checkPositiveInt(fn: string, name: string, v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  throw new Error(`${fn}: '${name}' must be a positive integer; got ${String(v)}.`);
}

/** Batch size, seed and last-batch handling of {@link randomSampler}. */
export interface RandomSamplerOptions {
  /** Rows per batch. */
  batchSize: number;
  /** Seed of the per-epoch shuffle (lib/data/rng). */
  seed: number;
  /** Shuffle each epoch (default true); false keeps the row order. */
  shuffle?: boolean;
  /** Drop a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
  /**
   * Smallest batch (default 2, or batchSize when that is 1): a last batch with fewer rows is merged into
   * the batch before it, so no row is dropped and no step sees a single row. A one-row batch has no pair
   * for a triplet loss (TF.js's one-hot in the row extrema fails on it: "depth must be >=2"); a
   * classifier head gains nothing from it either. 1 keeps any last batch.
   */
  minBatchSize?: number;
}

/**
 * The study's plain batches: a seeded shuffle of all rows per epoch, cut into batches of `batchSize`;
 * a last batch smaller than `minBatchSize` (default 2) joins the one before it (33 rows in batches of 32:
 * one batch of 33), as `description` says.
 */
export function randomSampler(numRows: number, opts: RandomSamplerOptions): BatchSampler {
  const batchSize = checkPositiveInt('randomSampler', 'batchSize', opts.batchSize);
  const minBatchSize = opts.minBatchSize ?? Math.min(2, batchSize);
  const shuffle = opts.shuffle ?? true;
  const rows = Int32Array.from({ length: numRows }, (_, i) => i);
  const last = numRows % batchSize;
  const merged = !opts.dropLast && numRows > batchSize && last > 0 && last < minBatchSize;
  const note = merged ? `; the last ${last === 1 ? 'row joins' : `${last} rows join`} the batch before` : '';
  const batching = { batchSize, shuffle, seed: opts.seed, dropLast: opts.dropLast, minBatchSize };
  return {
    batchSize,
    description: `random batches of ${batchSize}${shuffle ? ` (seed ${opts.seed})` : ' (unshuffled)'}${note}`,
    epochBatches: (epoch) => makeBatches(rows, { ...batching, epoch }),
  };
}

/** P, K and seed of {@link pkSampler} (batches of P classes × K rows; the pipeline uses K = 4). */
export interface PkSamplerOptions {
  /** P: distinct classes per batch. */
  classesPerBatch: number;
  /** K: examples per class per batch. */
  examplesPerClass: number;
  /** Seed of the per-epoch draws (lib/data/rng). */
  seed: number;
  /** Class names by id, for messages (default: the ids). */
  classNames?: readonly string[];
}

/** A P×K {@link BatchSampler} that also says which classes it uses and which it leaves out. */
export interface PkSampler extends BatchSampler {
  /** Classes left out because they have a single example (no anchor-positive pair possible). */
  readonly excludedClasses: number[];
  /** Classes that have at least 2 examples, in ascending order. */
  readonly eligibleClasses: number[];
  /** What a user should know: the classes left out, by name (empty when none is). */
  readonly warnings: string[];
}

/** Rows per class id, and the classes by ascending id. */
function classSizes(labels: ArrayLike<number>): { sizes: Map<number, number>; classes: number[] } {
  const sizes = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) sizes.set(labels[i], (sizes.get(labels[i]) ?? 0) + 1);
  return { sizes, classes: [...sizes.keys()].sort((a, b) => a - b) };
}

/** "sports (20), politics (1)": classes by name with their row counts, at most `show` of them. */
export function describeClasses(
  classes: readonly number[],
  sizes: ReadonlyMap<number, number>,
  classNames?: readonly string[],
  show = 10,
): string {
  const named = classes.slice(0, show).map((c) => `${classNames?.[c] ?? `class ${c}`} (${sizes.get(c) ?? 0})`);
  return named.join(', ') + (classes.length > show ? `, … and ${classes.length - show} more` : '');
}

function leftOut(single: number[], sizes: ReadonlyMap<number, number>, names?: readonly string[], what = ''): string {
  return (
    `P×K batches leave out ${single.length} class${single.length === 1 ? '' : 'es'} with a single row${what} ` +
    `(no positive for an anchor): ${describeClasses(single, sizes, names)}.`
  );
}

/**
 * Whether triplet batches can be drawn from `labels` (class ids of the training rows): an anchor needs a
 * positive (another row of its class) and a negative (a row of another class) in its batch, as the
 * batch triplet losses require (sentence-transformers: "at least 2 examples per label"). Throws, naming
 * every class with its count, when no batch can hold both: with P×K batches, fewer than 2 classes have
 * 2 rows or more; with random batches, fewer than 2 classes, or no class with 2 rows. Returns warnings
 * naming the single-row classes that P×K batches leave out (random batches keep them as negatives).
 * `what` names the rows in messages (default 'the training rows').
 */
export function checkTripletLabels(
  labels: ArrayLike<number>,
  opts: { sampler: 'pk' | 'random'; classNames?: readonly string[]; what?: string },
): string[] {
  const { sizes, classes } = classSizes(labels);
  const what = opts.what ?? 'the training rows';
  const paired = classes.filter((c) => sizes.get(c)! >= 2);
  const single = classes.filter((c) => sizes.get(c)! < 2);
  const pk = opts.sampler === 'pk';
  if (pk ? paired.length < 2 : paired.length < 1 || classes.length < 2) {
    const need = pk
      ? 'P×K triplet batches need at least 2 classes with at least 2 rows each'
      : 'triplet batches need at least 2 classes, one of them with at least 2 rows';
    const counts = classes.length ? describeClasses([...paired, ...single], sizes, opts.classNames) : 'none';
    throw new Error(
      `${need} (an anchor needs a positive and a negative); ${what} hold ${classes.length} ` +
        `class${classes.length === 1 ? '' : 'es'}: ${counts}.`,
    );
  }
  return pk && single.length ? [leftOut(single, sizes, opts.classNames, ` in ${what}`)] : [];
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
  const { sizes, classes } = classSizes(labels);
  const eligible = classes.filter((c) => sizes.get(c)! >= 2);
  const excluded = classes.filter((c) => sizes.get(c)! < 2);
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
        for (const r of others.slice(0, k - last.length)) last.push(r);
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
    warnings: excluded.length ? [leftOut(excluded, sizes, opts.classNames)] : [],
    epochBatches,
  };
}
