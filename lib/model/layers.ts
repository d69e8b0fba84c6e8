/**
 * Transformer building blocks as plain functions over tensors. Callers run them inside tf.tidy.
 * Linear weights are in PyTorch's [out, in] layout (as stored in HF checkpoints).
 */
import * as tf from '@tensorflow/tfjs';
import { seedSequence } from '../data/rng';
import type { HiddenAct } from './config';
import { batchMatMul, gelu, layerNormOp, linear2d } from './fast-ops';

/** Added to attention scores of padding keys; exp() of it underflows to exactly 0 in float32. */
export const MASK_NEGATIVE = -1e9;

/** y = x W^T + b over the last axis; `weight` is [out, in], `x` is [..., in]. */
export function linear(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const inDim = x.shape[x.shape.length - 1];
  const outDim = weight.shape[0];
  const lead = x.shape.slice(0, -1);
  const x2 = x.reshape([-1, inDim]) as tf.Tensor2D; // [N, in]
  // Not tf.fused.matMul: on wasm 4.22 its bias is wrong with transposeB (rows after the first get shifted biases).
  const y = linear2d(x2, weight as tf.Tensor2D, bias as tf.Tensor1D); // [N, out]
  return y.reshape([...lead, outDim]); // [..., out]
}

/** LayerNorm over the last axis with PyTorch's biased variance. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  return layerNormOp(x, gamma, beta, eps);
}

/** The activation HF names `act`. */
export function activation(x: tf.Tensor, act: HiddenAct): tf.Tensor {
  switch (act) {
    case 'gelu':
      return gelu(x, 'erf'); // 0.5 x (1 + erf(x / sqrt 2))
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_fast':
      return gelu(x, 'tanh'); // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'silu':
    case 'swish':
      return x.mul(tf.sigmoid(x));
  }
}

/** The dropout of one forward pass: `x` with a fresh mask at `rate`, or `x` itself (not training, or rate 0). */
export type Dropout = (x: tf.Tensor, rate: number) => tf.Tensor;

/**
 * Dropout for one forward pass: inverted dropout (`tf.dropout`, kept values scaled by 1 / (1 - rate)) while
 * training and when rate > 0, else the identity. Mask i of the pass is drawn with seed `${seed}:${i}`
 * (lib/data/rng `seedSequence`), so the masks depend only on the seed and the order of the calls; `tf.dropout`
 * draws them in JS (seedrandom's Alea), so they are the same on every backend.
 * Throws, naming `fn`, when a mask is needed and no seed was given: unseeded masks would make runs irreproducible.
 */
export function makeDropout(training: boolean, seed: number | string | undefined, fn: string): Dropout {
  if (!training) return (x) => x;
  const next = seed === undefined ? undefined : seedSequence(seed);
  return (x, rate) => {
    if (rate <= 0) return x;
    if (!next)
      throw new Error(
        `${fn}: 'seed' must be given when training with dropout (rate ${rate}); got undefined. Pass { training: ` +
          `true, seed } (the trainer passes one per step, from the run's seed and the step).`,
      );
    return tf.dropout(x, rate, undefined, next());
  };
}

/** Additive attention mask [B, 1, 1, T] from a 0/1 mask [B, T] (0 -> MASK_NEGATIVE), built with casts. */
export function additiveMask(attentionMask: tf.Tensor2D): tf.Tensor4D {
  const [b, t] = attentionMask.shape;
  const m = tf.cast(attentionMask, 'float32');
  return tf.scalar(1).sub(m).mul(MASK_NEGATIVE).reshape([b, 1, 1, t]) as tf.Tensor4D; // [B, 1, 1, T]
}

/** The [weight [H, H] (PyTorch's [out, in]), bias [H]] pairs of the query, key and value projections. */
export interface AttentionWeights {
  query: [tf.Tensor, tf.Tensor];
  key: [tf.Tensor, tf.Tensor];
  value: [tf.Tensor, tf.Tensor];
}

/**
 * Multi-head scaled dot-product self-attention, before the output projection: [B, T, H] -> [B, Tq, H].
 * `queries` (default `x`, Tq = T) are the rows that attend: a prefix of x's tokens, e.g. the first token
 * alone when only it is needed downstream (keys and values always come from all of x).
 */
export function selfAttention(
  x: tf.Tensor3D,
  w: AttentionWeights,
  maskAdd: tf.Tensor4D,
  numHeads: number,
  probsDropout: number,
  drop: Dropout,
  queries: tf.Tensor3D = x,
): tf.Tensor3D {
  const [b, t, h] = x.shape;
  const tq = queries.shape[1];
  const d = h / numHeads;
  // [B, T, H] -> [B, T, nH, d] -> [B, nH, T, d]
  const heads = (y: tf.Tensor): tf.Tensor4D =>
    y.reshape([b, y.shape[1]!, numHeads, d]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
  const q = heads(linear(queries, ...w.query)); // [B, nH, Tq, d]
  const kT = linear(x, ...w.key)
    .reshape([b, t, numHeads, d])
    .transpose([0, 2, 3, 1]) as tf.Tensor4D; // [B, T, nH, d] -> [B, nH, d, T]
  const v = heads(linear(x, ...w.value));
  const scores = batchMatMul(q, kT)
    .mul(1 / Math.sqrt(d))
    .add(maskAdd); // [B, nH, Tq, T]
  const probs = drop(tf.softmax(scores, -1), probsDropout);
  const ctx = batchMatMul(probs as tf.Tensor4D, v); // [B, nH, Tq, d]
  return ctx.transpose([0, 2, 1, 3]).reshape([b, tq, h]) as tf.Tensor3D; // [B, Tq, nH, d] -> [B, Tq, H]
}

/** Masked mean over tokens: sum(h * m) / max(sum(m), 1e-9), as sentence-transformers' mean pooling. [B, T, H] -> [B,
 * H]. */
export function maskedMean(hidden: tf.Tensor3D, attentionMask: tf.Tensor2D): tf.Tensor2D {
  const m = tf.cast(attentionMask, 'float32').expandDims(2); // [B, T, 1]
  const sum = hidden.mul(m).sum(1); // [B, H]
  const count = m.sum(1).maximum(1e-9); // [B, 1]
  return sum.div(count) as tf.Tensor2D;
}

/** The first token as a length-1 sequence: [B, T, H] -> [B, 1, H]. */
export function firstTokenSeq(hidden: tf.Tensor3D): tf.Tensor3D {
  const [b, , h] = hidden.shape;
  return hidden.slice([0, 0, 0], [b, 1, h]);
}

/** First token's state: [B, T, H] -> [B, H]. */
export function firstToken(hidden: tf.Tensor3D): tf.Tensor2D {
  const [b, , h] = hidden.shape;
  return hidden.slice([0, 0, 0], [b, 1, h]).reshape([b, h]) as tf.Tensor2D; // [B, 1, H] -> [B, H]
}
