/**
 * k-nearest-neighbour votes for large sets (the study's 160,000 training and 40,000 validation embeddings):
 * knnAccuracy's exact brute force in JavaScript costs N·M·D multiply-adds one at a time (~400 G for the study,
 * minutes to hours), so the similarities of a block of queries against every reference vector are one float32
 * matMul on the TF.js backend. The references are taken in groups of 8 consecutive rows: the block's similarities
 * [b, N] become group maxima [b, N/8] (one reduction), the k + 16 best groups of each query are kept (tf.topk over
 * an eighth of the values: selecting among all N took twice the matMul's time), and their rows are scored again in
 * float64 exactly as knnAccuracy scores them. Float32 rounding moves a cosine similarity of unit vectors by at most
 * (D + 2)·2⁻²⁴; every row outside the kept groups has a float32 similarity at most the lowest kept group maximum,
 * so when the k-th float64 similarity clears that by twice the rounding bound, no other row can be among the k
 * nearest; otherwise the query is searched exactly. So the votes, and the accuracy, are knnAccuracy's (same
 * neighbours, same tie rules: the higher similarity, then the lower reference index).
 */
import * as tf from '@tensorflow/tfjs';
import { majorityLabel, type ClusterLabel } from './cluster';
import { CosineIndex } from './neighbours';
import { checkVectors, flatten, l2NormalizeRows, rowDot, type Vectors } from './vectors';

/** Groups kept per query beyond k for the exact float64 re-scoring. */
const EXTRA_GROUPS = 16;
/** Consecutive reference rows per group (one maximum each before tf.topk). */
const GROUP_ROWS = 8;

/**
 * The `best.length` best of the first `m` candidates into `best` (positions into `candidates`/`sims`, best first:
 * higher similarity, then lower row index); returns how many it found (fewer when m < best.length).
 */
function topKOf(candidates: Int32Array, sims: Float64Array, m: number, best: Int32Array): number {
  const k = best.length;
  let found = 0;
  const better = (a: number, b: number) => sims[a] > sims[b] || (sims[a] === sims[b] && candidates[a] < candidates[b]);
  for (let c = 0; c < m; c++) {
    if (found === k && !better(c, best[k - 1])) continue;
    let pos = found < k ? found++ : k - 1;
    while (pos > 0 && better(c, best[pos - 1])) {
      best[pos] = best[pos - 1];
      pos--;
    }
    best[pos] = c;
  }
  return found;
}

/** Neighbours, block size and progress hook of {@link knnPredictBlocked}. */
export interface KnnBlockedOptions {
  /** Neighbours that vote (default 5). */
  k?: number;
  /** Queries per matMul (default 256: a [256, N] float32 block, 164 MB at N = 160,000). */
  blockRows?: number;
  /** Counts the queries that needed the exact search (near-ties at the k-th neighbour), when given. */
  stats?: { exactSearches: number };
  /** Called after each block (e.g. to yield to the event loop). */
  onBlock?: (queriesDone: number, queriesTotal: number) => void | Promise<void>;
}

/**
 * The majority label of each query's k nearest reference vectors by cosine similarity (ties: the lower
 * reference index; vote ties: the smaller label), as knnAccuracy decides it. Errors name bad arguments.
 */
export async function knnPredictBlocked(
  reference: Vectors,
  referenceLabels: readonly ClusterLabel[],
  queries: Vectors,
  opts: KnnBlockedOptions = {},
): Promise<ClusterLabel[]> {
  const fn = 'knnPredictBlocked';
  const d = checkVectors(fn, 'reference', reference);
  if (checkVectors(fn, 'queries', queries) !== d)
    throw new Error(`${fn}: 'queries' must have ${d} dimensions like 'reference'; got ${queries[0].length}.`);
  if (referenceLabels.length !== reference.length)
    throw new Error(
      `${fn}: 'referenceLabels' must have one label per vector (${reference.length}); got ${referenceLabels.length}.`,
    );
  const k = opts.k ?? 5;
  if (!(Number.isInteger(k) && k >= 1 && k <= reference.length))
    throw new Error(`${fn}: 'k' must be an integer in [1, ${reference.length}]; got ${k}.`);
  const blockRows = opts.blockRows ?? 256;
  const ref = flatten(l2NormalizeRows(reference));
  const n = ref.n;
  const groups = Math.ceil(n / GROUP_ROWS);
  const keep = Math.min(groups, k + EXTRA_GROUPS);
  const eps = 2 * (d + 2) * 2 ** -24;
  // Zero rows pad the references to whole groups; their rows are never candidates (index >= n).
  const padded = new Float32Array(groups * GROUP_ROWS * d);
  padded.set(ref.data);
  const refTensor = tf.tensor2d(padded, [groups * GROUP_ROWS, d]);
  let exact: CosineIndex | undefined;
  const out: ClusterLabel[] = [];
  const candidates = new Int32Array(keep * GROUP_ROWS),
    sims = new Float64Array(keep * GROUP_ROWS),
    best = new Int32Array(k);
  try {
    for (let s = 0; s < queries.length; s += blockRows) {
      const block = queries.slice(s, s + blockRows);
      const q = flatten(l2NormalizeRows(block));
      const { values, indices } = tf.tidy(() => {
        const all = tf.matMul(tf.tensor2d(Float32Array.from(q.data), [q.n, d]), refTensor, false, true); // [b, G·8]
        return tf.topk(all.reshape([q.n, groups, GROUP_ROWS]).max(2), keep, false); // [b, keep]
      });
      const v = (await values.data()) as Float32Array;
      const idx = (await indices.data()) as Int32Array;
      tf.dispose([values, indices]);
      for (let i = 0; i < q.n; i++) {
        let lowest32 = Infinity,
          m = 0;
        for (let g = i * keep; g < (i + 1) * keep; g++) {
          lowest32 = Math.min(lowest32, v[g]);
          for (let j = idx[g] * GROUP_ROWS, end = Math.min(j + GROUP_ROWS, n); j < end; j++) {
            candidates[m] = j;
            sims[m++] = rowDot(q, i, ref, j);
          }
        }
        const found = topKOf(candidates, sims, m, best);
        let nn: number[];
        // keep === groups: every row was a candidate.
        if (found === k && (keep === groups || sims[best[k - 1]] > lowest32 + eps))
          nn = Array.from(best, (c) => candidates[c]);
        else {
          exact ??= new CosineIndex(reference);
          if (opts.stats) opts.stats.exactSearches++;
          nn = exact.search(block[i], k).map((c) => c.index);
        }
        out.push(majorityLabel(nn.map((j) => referenceLabels[j])));
      }
      await opts.onBlock?.(Math.min(s + blockRows, queries.length), queries.length);
    }
  } finally {
    refTensor.dispose();
  }
  return out;
}

/** knnAccuracy with queries (train → validation), computed by knnPredictBlocked: the same number, much sooner. */
export async function knnAccuracyBlocked(
  reference: Vectors,
  referenceLabels: readonly ClusterLabel[],
  queries: Vectors,
  queryLabels: readonly ClusterLabel[],
  opts: KnnBlockedOptions = {},
): Promise<number> {
  if (queryLabels.length !== queries.length)
    throw new Error(
      `knnAccuracyBlocked: 'queryLabels' must have one label per query (${queries.length}); got ${queryLabels.length}.`,
    );
  const predicted = await knnPredictBlocked(reference, referenceLabels, queries, opts);
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === queryLabels[i]) correct++;
  return correct / queries.length;
}
