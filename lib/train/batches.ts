/** Batch loaders for the trainer: rows of texts (tokenized per batch) or of precomputed features. */
import * as tf from '@tensorflow/tfjs';
import type { TokenBatch } from '../model/types';
import type { TokenTable } from '../tokenizer/token-table';
import { disposeTokenBatch, toTokenBatch, type BatchEncoder, type Padding } from '../tokenizer/types';
import type { LabeledBatch } from './types';

/** A row-major float32 matrix on the host. */
export interface FeatureMatrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** Rows `indices` of a feature matrix as a `[n, cols]` tensor (caller disposes). */
export function featureRows(m: FeatureMatrix, indices: ArrayLike<number>): tf.Tensor2D {
  const out = new Float32Array(indices.length * m.cols);
  for (let i = 0; i < indices.length; i++)
    out.set(m.data.subarray(indices[i] * m.cols, (indices[i] + 1) * m.cols), i * m.cols);
  return tf.tensor2d(out, [indices.length, m.cols]);
}

/** The trainer's `loadBatch`/`disposeBatch` pair for one kind of rows (token batches or feature rows). */
export interface BatchLoader<X> {
  /** Rows `indices` as a device batch: inputs, int32 labels [B] and B (the caller disposes it). */
  loadBatch: (indices: Int32Array) => LabeledBatch<X>;
  /** Frees every tensor of a batch made by `loadBatch`. */
  disposeBatch: (batch: LabeledBatch<X>) => void;
}

function labelTensor(labels: ArrayLike<number>, indices: Int32Array): tf.Tensor1D {
  return tf.tensor1d(
    Int32Array.from(indices, (i) => labels[i]),
    'int32',
  );
}

/** Tokenize `texts[indices]` per batch (padding 'longest' by default, so short batches are cheap). */
export function textBatchLoader(
  texts: readonly string[],
  labels: ArrayLike<number>,
  tokenizer: BatchEncoder,
  opts: { maxLength: number; padding?: Padding },
): BatchLoader<TokenBatch> {
  if (texts.length !== labels.length)
    throw new Error(`textBatchLoader: 'labels' must have one label per text (${texts.length}); got ${labels.length}.`);
  return {
    loadBatch: (indices) => ({
      inputs: toTokenBatch(
        tokenizer.encodeBatch(
          Array.from(indices, (i) => texts[i]),
          { maxLength: opts.maxLength, padding: opts.padding ?? 'longest' },
        ),
      ),
      labels: labelTensor(labels, indices),
      size: indices.length,
    }),
    disposeBatch: (b) => {
      disposeTokenBatch(b.inputs);
      b.labels.dispose();
    },
  };
}

/**
 * Batches of rows of the run's token table (`tokens.batch`: padded to the longest row), each text tokenized once
 * for the whole run instead of once per batch; the same batches as textBatchLoader with the table's maxLength.
 */
export function tokenBatchLoader(tokens: TokenTable, labels: ArrayLike<number>): BatchLoader<TokenBatch> {
  if (tokens.size !== labels.length)
    throw new Error(
      `tokenBatchLoader: 'labels' must have one label per text of the token table (${tokens.size}); got ` +
        `${labels.length}.`,
    );
  return {
    loadBatch: (indices) => ({
      inputs: toTokenBatch(tokens.batch(indices)),
      labels: labelTensor(labels, indices),
      size: indices.length,
    }),
    disposeBatch: (b) => {
      disposeTokenBatch(b.inputs);
      b.labels.dispose();
    },
  };
}

/** Rows of a precomputed feature matrix (frozen encoders). */
export function featureBatchLoader(features: FeatureMatrix, labels: ArrayLike<number>): BatchLoader<tf.Tensor2D> {
  if (features.rows !== labels.length)
    throw new Error(
      `featureBatchLoader: 'labels' must have one label per feature row (${features.rows}); got ${labels.length}.`,
    );
  return {
    loadBatch: (indices) => ({
      inputs: featureRows(features, indices),
      labels: labelTensor(labels, indices),
      size: indices.length,
    }),
    disposeBatch: (b) => {
      b.inputs.dispose();
      b.labels.dispose();
    },
  };
}
