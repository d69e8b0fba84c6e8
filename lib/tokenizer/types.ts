/** Tokenizer output on the host, and its conversion to a device TokenBatch. */
import * as tf from '@tensorflow/tfjs';
import type { TokenBatch } from '../model/types';

/** Row-major [batchSize, seqLength] int32 arrays. */
export interface EncodedBatch {
  inputIds: Int32Array;
  attentionMask: Int32Array;
  tokenTypeIds: Int32Array;
  batchSize: number;
  seqLength: number;
}

/** How a batch is padded: to its longest sequence ('longest') or to `maxLength` ('max_length'), as HF's `padding`. */
export type Padding = 'longest' | 'max_length';

/**
 * Options of `TextTokenizer.encodeBatch`, named as Hugging Face tokenizers' `__call__` arguments (`max_length`,
 * `padding`, `truncation`, text pairs); unlike HF's defaults, truncation is on and padding is 'longest'.
 */
export interface EncodeOptions {
  /** Maximum sequence length including special tokens (default 128). */
  maxLength?: number;
  /** 'longest' pads to the longest sequence in the batch (default); 'max_length' pads to maxLength. */
  padding?: Padding;
  /** Truncate to maxLength (default true); when false, a longer text is an error. */
  truncation?: boolean;
  /** Second segments: `pairs[i]` is encoded after `texts[i]` with token type 1. */
  pairs?: string[];
}

/** Make int32 [B, T] tensors from an EncodedBatch (caller disposes them). */
export function toTokenBatch(e: EncodedBatch): TokenBatch {
  const shape: [number, number] = [e.batchSize, e.seqLength];
  return {
    inputIds: tf.tensor2d(e.inputIds, shape, 'int32'),
    attentionMask: tf.tensor2d(e.attentionMask, shape, 'int32'),
    tokenTypeIds: tf.tensor2d(e.tokenTypeIds, shape, 'int32'),
  };
}

/** Dispose the three tensors of a TokenBatch. */
export function disposeTokenBatch(b: TokenBatch): void {
  tf.dispose([b.inputIds, b.attentionMask, b.tokenTypeIds]);
}

/** Anything that tokenizes like TextTokenizer (tests pass stubs). */
export interface BatchEncoder {
  encodeBatch(texts: string[], opts?: EncodeOptions): EncodedBatch;
}
