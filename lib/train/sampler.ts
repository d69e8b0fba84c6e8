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
import { sortWithinChunks } from '../data/buckets';
import { makeRandom, shuffleInPlace, type Random } from '../data/rng';
import { groupByClass } from '../data/split';
import { bucketPkWindows, type ClassSlot } from './pk-buckets';

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

/**
 * Batches per length-bucketing window (default 16): rows are sorted by length within windows of this many
 * batches of a shuffled epoch, so a batch holds rows of similar length while the window keeps the randomness.
 * D1 measured 1.064 padded slots per real token with windows of 512 rows and batches of 32 (16 batches) on real
 * headlines, against 1.751 without (docs/performance.md).
 */
export const BUCKET_WINDOW_BATCHES = 16;

/**
 * Batches per length-bucketing window of the P×K sampler (default 64): a class gives only K rows to a batch, so
 * its rows are spread over fewer length groups than the random sampler's; wider windows pad less (simulated on
 * the real headline lengths at 160 rows per class: 1.84 padded slots per real token without bucketing, 1.49 with
 * windows of 16 batches, 1.28 with 64, 1.22 with the whole epoch) but fix which rows of a class meet more often.
 */
export const PK_BUCKET_WINDOW_BATCHES = 64;

/** Token lengths of the rows a sampler draws from, checked against their count. */
function checkLengths(fn: string, lengths: ArrayLike<number> | undefined, rows: number): void {
  if (lengths === undefined) return;
  if (lengths.length !== rows)
    throw new Error(`${fn}: 'lengths' must have one token length per row (${rows}); got ${lengths.length}.`);
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
  /**
   * Token length of every row: when given, each epoch's shuffled rows are sorted by length within windows of
   * `bucketWindow` batches before being cut (lib/data/buckets sortWithinChunks), and the batch order is shuffled
   * again (seeded), so batches padded to their longest row compute few empty slots. The rows of each window
   * are those of the unbucketed epoch.
   */
  lengths?: ArrayLike<number>;
  /** Batches per bucketing window (default {@link BUCKET_WINDOW_BATCHES}). */
  bucketWindow?: number;
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
  const { lengths } = opts;
  checkLengths('randomSampler', lengths, numRows);
  const window = checkPositiveInt('randomSampler', 'bucketWindow', opts.bucketWindow ?? BUCKET_WINDOW_BATCHES);
  const description = `random batches of ${batchSize}${shuffle ? ` (seed ${opts.seed})` : ' (unshuffled)'}${note}`;
  if (!lengths) return { batchSize, description, epochBatches: (epoch) => makeBatches(rows, { ...batching, epoch }) };
  return {
    batchSize,
    description: `${description}, length-bucketed within windows of ${window * batchSize} rows`,
    epochBatches: (epoch) => {
      // The unbucketed epoch's order (the same seeded shuffle as makeBatches), sorted by length within windows.
      const order = Int32Array.from(rows);
      if (shuffle) shuffleInPlace(order, makeRandom(`batches:${opts.seed}:${epoch}`));
      const sorted = sortWithinChunks(lengths, order, window * batchSize);
      const batches = makeBatches(sorted, { ...batching, shuffle: false });
      // Sorted windows would feed short batches then long ones: the order of the batches is drawn again.
      if (shuffle) shuffleInPlace(batches, makeRandom(`bucket-order:${opts.seed}:${epoch}`));
      return batches;
    },
  };
}

/**
 * At most `maxSteps` batches of each epoch of `sampler` (its first ones: a random subset for shuffled samplers),
 * for scale checks and smoke runs (--max-steps-per-epoch). Deterministic like the sampler itself; undefined
 * returns `sampler` unchanged.
 */
export function limitSteps<S extends BatchSampler>(sampler: S, maxSteps: number | undefined): S {
  if (maxSteps === undefined) return sampler;
  checkPositiveInt('limitSteps', 'maxSteps', maxSteps);
  return {
    ...sampler,
    description: `${sampler.description}; at most ${maxSteps} steps per epoch`,
    epochBatches: (epoch: number) => sampler.epochBatches(epoch).slice(0, maxSteps),
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
  /**
   * Token length of every row: when given, batches are length-bucketed within the P×K constraints (see
   * pkSampler): the classes of each batch and the rows of each window are those drawn without it.
   */
  lengths?: ArrayLike<number>;
  /** Batches per bucketing window (default {@link PK_BUCKET_WINDOW_BATCHES}). */
  bucketWindow?: number;
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
 *
 * With `lengths` (length bucketing within these constraints, lib/train/pk-buckets.ts): the epoch is drawn as
 * above, then within each window of `bucketWindow` batches, each class's rows are handed out again to the
 * batches it is in by token length (the batches ranked at random, seeded), so a batch holds short rows of all
 * its classes or long ones. The classes of each batch, their row counts and each window's rows stay as drawn;
 * the same seed gives the same batches.
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

  const { lengths } = opts;
  checkLengths('pkSampler', lengths, labels.length);
  const window = checkPositiveInt('pkSampler', 'bucketWindow', opts.bucketWindow ?? PK_BUCKET_WINDOW_BATCHES);

  function freshChunk(c: number, random: Random): number[] {
    const rows = shuffleInPlace([...byClass.get(c)!], random) as number[];
    return rows.slice(0, k);
  }

  /** The class's rows shuffled and cut into chunks of K (the last topped up with other rows of the class). */
  function classChunks(c: number, random: Random): number[][] {
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
    return list;
  }

  /** The epoch's batches as class slots (the classes' chunks in batch order; fill-ins last). */
  function epochSlots(epoch: number): ClassSlot[][] {
    const random = makeRandom(`pk:${opts.seed}:${epoch}`);
    const chunks = new Map<number, number[][]>();
    for (const c of eligible) chunks.set(c, classChunks(c, random));
    const next = new Map<number, number>(eligible.map((c) => [c, 0]));
    const remaining = (c: number) => chunks.get(c)!.length - next.get(c)!;
    const batches: ClassSlot[][] = [];
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
      const slots: ClassSlot[] = chosen.map((c) => {
        const j = next.get(c)!;
        next.set(c, j + 1);
        return { label: c, rows: chunks.get(c)![j] };
      });
      for (const c of fillers) slots.push({ label: c, rows: freshChunk(c, random) });
      batches.push(slots);
    }
    return batches;
  }

  function epochBatches(epoch: number): Int32Array[] {
    const slots = epochSlots(epoch);
    if (lengths) bucketPkWindows(slots, lengths, window, makeRandom(`pk-buckets:${opts.seed}:${epoch}`));
    return slots.map((b) => Int32Array.from(b.flatMap((slot) => slot.rows)));
  }

  return {
    batchSize: p * k,
    description:
      `P×K ${p}×${k} over ${eligible.length} classes (seed ${opts.seed})` +
      (lengths ? `, length-bucketed within windows of ${window} batches` : ''),
    excludedClasses: excluded,
    eligibleClasses: eligible,
    warnings: excluded.length ? [leftOut(excluded, sizes, opts.classNames)] : [],
    epochBatches,
  };
}
