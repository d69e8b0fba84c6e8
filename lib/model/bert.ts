/** The BERT transformer stack (BERT, MiniLM, bge-small): num_hidden_layers post-LayerNorm layers. */
import * as tf from '@tensorflow/tfjs';
import type { EncoderConfig } from './config';
import { activation, layerNorm, linear, selfAttention, type Dropout } from './layers';
import { bertLayerPrefix } from './layout';
import type { WeightGetter } from './albert';

function bertLayer(
  get: WeightGetter,
  p: string,
  x: tf.Tensor3D,
  maskAdd: tf.Tensor4D,
  c: EncoderConfig,
  drop: Dropout,
): tf.Tensor3D {
  const pair = (n: string): [tf.Tensor, tf.Tensor] => [get(`${n}.weight`), get(`${n}.bias`)];
  const ctx = selfAttention(
    x,
    {
      query: pair(`${p}.attention.self.query`),
      key: pair(`${p}.attention.self.key`),
      value: pair(`${p}.attention.self.value`),
    },
    maskAdd,
    c.numAttentionHeads,
    c.attentionProbsDropoutProb,
    drop,
  );
  const projected = drop(linear(ctx, ...pair(`${p}.attention.output.dense`)), c.hiddenDropoutProb);
  const attnOut = layerNorm(projected.add(x), ...pair(`${p}.attention.output.LayerNorm`), c.layerNormEps);
  const inter = activation(linear(attnOut, ...pair(`${p}.intermediate.dense`)), c.hiddenAct); // [B, T, F]
  const out = drop(linear(inter, ...pair(`${p}.output.dense`)), c.hiddenDropoutProb); // [B, T, H]
  return layerNorm(out.add(attnOut), ...pair(`${p}.output.LayerNorm`), c.layerNormEps) as tf.Tensor3D;
}

/** Embedding output [B, T, H] -> final hidden state [B, T, H]; `hidden` collects [embedding output, each layer]. */
export function bertStack(
  get: WeightGetter,
  c: EncoderConfig,
  embedded: tf.Tensor3D,
  maskAdd: tf.Tensor4D,
  drop: Dropout,
  hidden?: tf.Tensor3D[],
): tf.Tensor3D {
  let x = embedded;
  hidden?.push(x);
  for (let i = 0; i < c.numHiddenLayers; i++) {
    const input = x;
    // One tidy per layer frees its intermediates at once (the gradient tape keeps what backprop needs).
    x = tf.tidy(() => bertLayer(get, bertLayerPrefix(i), input, maskAdd, c, drop));
    hidden?.push(x);
  }
  return x;
}
