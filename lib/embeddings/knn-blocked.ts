/**
 * k-nearest-neighbour votes for large sets (the study's 160,000 training and 40,000 validation embeddings):
 * knnAccuracy's exact brute force in JavaScript costs N·M·D multiply-adds one at a time (~400 G for the study,
 * minutes to hours), so the similarities of a block of queries against every reference vector are one float32
 * matMul on the TF.js backend, and only the best k + 16 of each query are scored again in float64 exactly as
 * knnAccuracy scores them. Float32 rounding moves a cosine similarity of unit vectors by at most
 * (D + 2)·2⁻²⁴; when the k-th float64 similarity does not clear the 16 runners-up by twice that, the query is
 * searched exactly. So the votes, and the accuracy, are knnAccuracy's (same neighbours, same tie rules).
 */
import * as tf from '@tensorflow/tfjs';
import { majorityLabel, type ClusterLabel } from './cluster';
import { CosineIndex } from './neighbours';
import { checkVectors, flatten, l2NormalizeRows, rowDot, type Vectors } from './vectors';

/** Candidates kept per query beyond k for the exact float64 re-scoring. */
const EXTRA_CANDIDATES = 16;

/** Neighbours, block size and progress hook of {@link knnPredictBlocked}. */
export interface KnnBlockedOptions {
  /** Neighbours that vote (default 5). */
  k?: number;
  /** Queries per matMul (default 256: a [256, N] float32 block, 164 MB at N = 160,000). */
  blockRows?: number;
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
  const candidates = Math.min(n, k + EXTRA_CANDIDATES);
  const eps = 2 * (d + 2) * 2 ** -24;
  const refTensor = tf.tensor2d(Float32Array.from(ref.data), [n, d]);
  let exact: CosineIndex | undefined;
  const out: ClusterLabel[] = [];
  try {
    for (let s = 0; s < queries.length; s += blockRows) {
      const block = queries.slice(s, s + blockRows);
      const q = flatten(l2NormalizeRows(block));
      const { values, indices } = tf.tidy(() => {
        const sims = tf.matMul(tf.tensor2d(Float32Array.from(q.data), [q.n, d]), refTensor, false, true); // [b, N]
        return tf.topk(sims, candidates, true);
      });
      const v = (await values.data()) as Float32Array;
      const idx = (await indices.data()) as Int32Array;
      tf.dispose([values, indices]);
      for (let i = 0; i < q.n; i++) {
        const cand = Array.from(idx.subarray(i * candidates, (i + 1) * candidates), (j) => ({
          j,
          sim: rowDot(q, i, ref, j),
        }));
        cand.sort((a, b) => b.sim - a.sim || a.j - b.j);
        const lowest32 = v[(i + 1) * candidates - 1];
        let nn: number[];
        if (candidates === n || cand[k - 1].sim > lowest32 + eps) nn = cand.slice(0, k).map((c) => c.j);
        else {
          exact ??= new CosineIndex(reference);
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
