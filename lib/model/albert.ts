/**
 * ALBERT's transformer stack: embedding_hidden_mapping_in (E -> H), then num_hidden_layers
 * layers whose weights come from num_hidden_groups shared groups (one group in albert-base-v2,
 * applied 12 times), each group holding inner_group_num layers.
 */
import * as tf from '@tensorflow/tfjs';
import type { EncoderConfig } from './config';
import { activation, firstTokenSeq, layerNorm, linear, selfAttention, type Dropout } from './layers';
import { albertLayerPrefix } from './layout';

/** Looks up a weight by checkpoint name (e.g. `encoder.embedding_hidden_mapping_in.weight`); throws when absent. */
export type WeightGetter = (name: string) => tf.Tensor;

function albertLayer(
  get: WeightGetter,
  p: string,
  x: tf.Tensor3D,
  maskAdd: tf.Tensor4D,
  c: EncoderConfig,
  drop: Dropout,
  firstOnly: boolean,
): tf.Tensor3D {
  const pair = (n: string): [tf.Tensor, tf.Tensor] => [get(`${n}.weight`), get(`${n}.bias`)];
  const rows = firstOnly ? firstTokenSeq(x) : x; // the tokens whose output is computed: [B, T or 1, H]
  const ctx = selfAttention(
    x,
    {
      query: pair(`${p}.attention.query`),
      key: pair(`${p}.attention.key`),
      value: pair(`${p}.attention.value`),
    },
    maskAdd,
    c.numAttentionHeads,
    c.attentionProbsDropoutProb,
    drop,
    rows,
  );
  const projected = drop(linear(ctx, ...pair(`${p}.attention.dense`)), c.hiddenDropoutProb);
  const attnOut = layerNorm(projected.add(rows), ...pair(`${p}.attention.LayerNorm`), c.layerNormEps);
  const ffn = activation(linear(attnOut, ...pair(`${p}.ffn`)), c.hiddenAct); // [B, T, F]
  const ffnOut = drop(linear(ffn, ...pair(`${p}.ffn_output`)), c.hiddenDropoutProb); // [B, T, H]
  return layerNorm(ffnOut.add(attnOut), ...pair(`${p}.full_layer_layer_norm`), c.layerNormEps) as tf.Tensor3D;
}

/**
 * Embedding output [B, T, E] -> final hidden state [B, T, H]; `hidden` collects [mapped input, each layer].
 * With `firstTokenOnly`, the last layer computes the first token's output only ([B, 1, H]): all a pooler or
 * CLS sentence vector needs (its queries, output projection and FFN run on 1 token instead of T).
 */
export function albertStack(
  get: WeightGetter,
  c: EncoderConfig,
  embedded: tf.Tensor3D,
  maskAdd: tf.Tensor4D,
  drop: Dropout,
  hidden?: tf.Tensor3D[],
  firstTokenOnly = false,
): tf.Tensor3D {
  let x = linear(
    embedded,
    get('encoder.embedding_hidden_mapping_in.weight'),
    get('encoder.embedding_hidden_mapping_in.bias'),
  ) as tf.Tensor3D;
  hidden?.push(x);
  const layersPerGroup = c.numHiddenLayers / c.numHiddenGroups;
  for (let i = 0; i < c.numHiddenLayers; i++) {
    const group = Math.floor(i / layersPerGroup);
    for (let inner = 0; inner < c.innerGroupNum; inner++) {
      const input = x;
      const last = firstTokenOnly && i === c.numHiddenLayers - 1 && inner === c.innerGroupNum - 1;
      // One tidy per layer frees its intermediates at once (the gradient tape keeps what backprop needs).
      x = tf.tidy(() => albertLayer(get, albertLayerPrefix(group, inner), input, maskAdd, c, drop, last));
    }
    hidden?.push(x);
  }
  return x;
}
