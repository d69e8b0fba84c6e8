/**
 * Batching of forward passes (features, predictions, embeddings) over rows of a token table: with bucketing, the
 * rows are sorted by token length (lib/data/buckets), cut into batches padded to their longest row, and the
 * results are scattered back to the order of the rows asked for; without it, consecutive rows in the order given
 * (the batches the pipeline used before bucketing). The engine that runs a batch is the caller's `run`.
 */
import { lengthBuckets, paddingOverhead, type PaddingOverhead } from '../data/buckets';
import type { TokenTable } from './token-table';
import type { EncodedBatch } from './types';

/** Batch size, length sorting and progress hook of {@link forwardRows} and {@link forwardBatches}. */
export interface ForwardRowsOptions {
  /** Rows per batch. */
  batchSize: number;
  /** Sort rows by length before batching (results come back in the order of `rows` either way). */
  bucketing: boolean;
  /** Called after each batch with the rows done so far (e.g. progress, or yielding to the event loop). */
  onBatch?: (rowsDone: number, rowsTotal: number) => void | Promise<void>;
}

/**
 * Batches of positions into `rows` (0..rows.length-1): by length (stable) with `bucketing`, else consecutive.
 * Errors name a bad `batchSize`.
 */
export function forwardBatches(table: TokenTable, rows: ArrayLike<number>, opts: ForwardRowsOptions): Int32Array[] {
  const { batchSize } = opts;
  if (!(Number.isInteger(batchSize) && batchSize > 0))
    throw new Error(`forwardBatches: 'batchSize' must be a positive integer; got ${batchSize}.`);
  if (opts.bucketing) {
    const lengths = new Uint16Array(rows.length);
    for (let p = 0; p < rows.length; p++) lengths[p] = table.lengths[rows[p]];
    return lengthBuckets(lengths, { batchSize });
  }
  const out: Int32Array[] = [];
  for (let s = 0; s < rows.length; s += batchSize) {
    const b = new Int32Array(Math.min(batchSize, rows.length - s));
    for (let k = 0; k < b.length; k++) b[k] = s + k;
    out.push(b);
  }
  return out;
}

/** What a forward pass computed: `[rows.length, width]` row-major in the order of the rows, and its padding. */
export interface ForwardRowsResult {
  data: Float32Array;
  rows: number;
  width: number;
  /** Token slots computed (batches padded to their longest row) per real token. */
  padding: PaddingOverhead;
}

/**
 * Run `run` on batches of `rows` (indices into `table`) and gather its `[B, width]` outputs into one
 * `[rows.length, width]` array in the order of `rows`. `run` must return `batch.batchSize * width` values.
 */
export async function forwardRows(
  table: TokenTable,
  rows: ArrayLike<number>,
  width: number,
  opts: ForwardRowsOptions,
  run: (batch: EncodedBatch) => Promise<Float32Array>,
): Promise<ForwardRowsResult> {
  const batches = forwardBatches(table, rows, opts);
  const data = new Float32Array(rows.length * width);
  const rowIds = batches.map((b) => Int32Array.from(b, (p) => rows[p]));
  let done = 0;
  for (let j = 0; j < batches.length; j++) {
    const positions = batches[j];
    const out = await run(table.batch(rowIds[j]));
    if (out.length !== positions.length * width)
      throw new Error(
        `forwardRows: a batch of ${positions.length} rows gave ${out.length} values; expected ${width} per row.`,
      );
    for (let k = 0; k < positions.length; k++) data.set(out.subarray(k * width, (k + 1) * width), positions[k] * width);
    done += positions.length;
    await opts.onBatch?.(done, rows.length);
  }
  return { data, rows: rows.length, width, padding: paddingOverhead(table.lengths, rowIds) };
}
