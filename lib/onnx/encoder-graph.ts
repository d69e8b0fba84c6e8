/**
 * The ONNX graph of a TransformerEncoder (lib/model/encoder.ts), op for op: the same formulas as the TF.js forward
 * pass (embeddings, ALBERT's factorised embedding and shared layer groups or BERT's layers, post-LayerNorm blocks,
 * additive -1e9 attention mask, both GELU forms as lib/model/fast-ops.ts computes them), then the pooled outputs and
 * optionally the siamese head (lib/heads/siamese.ts). Standard ONNX ops of opset 17 only (LayerNormalization is
 * opset 17's), so ONNX Runtime (Node, web) and transformers.js run it.
 *
 * Inputs: input_ids, attention_mask, token_type_ids, int64 [batch, sequence] (as transformers.js feeds them).
 * Outputs: last_hidden_state [batch, sequence, H]; pooler_output [batch, H] (HF's tanh pooler over the first token,
 * as AlbertModel/BertModel); sentence_embedding [batch, H] (the encoder's pooling: 'pooler', 'cls' or 'mean');
 * siamese_embedding [batch, E] (Dense(relu) → Dense → L2-normalised) when a head is given.
 */
import { HIDDEN_ACTS, type EncoderConfig, type HiddenAct } from '../model/config';
import { MASK_NEGATIVE } from '../model/layers';
import { albertLayerPrefix, bertLayerPrefix, encoderLayout } from '../model/layout';
import { POOLINGS, type Pooling } from '../model/types';
import { GraphBuilder } from './graph';
import { DataType, type GraphProto } from './proto';

/** The opset the graph uses (LayerNormalization needs 17; ONNX Runtime 1.30 and transformers.js run 17). */
export const OPSET = 17;
/** IR version 8 goes with opset 17 (ONNX 1.12). */
export const IR_VERSION = 8;

/** The graph's inputs, int64 [batch, sequence] each, named as Hugging Face models and transformers.js name them. */
export const INPUT_NAMES = ['input_ids', 'attention_mask', 'token_type_ids'] as const;
/** The graph's possible outputs (see the module comment); `siamese_embedding` only with a head. */
export const OUTPUT_NAMES = ['last_hidden_state', 'pooler_output', 'sentence_embedding', 'siamese_embedding'] as const;
/** One of {@link OUTPUT_NAMES}. */
export type OutputName = (typeof OUTPUT_NAMES)[number];

/** A float32 array with its shape (row-major). */
export interface WeightArray {
  shape: readonly number[];
  data: Float32Array;
}

/** One Keras-layout dense layer of the head: kernel [in, units], bias [units]. */
export interface DenseWeights {
  kernel: WeightArray;
  bias: WeightArray;
  activation: 'linear' | 'relu';
}

/** What goes into the graph beside the encoder: the pooling of `sentence_embedding`, the siamese head, a name. */
export interface EncoderGraphOptions {
  /** The sentence vector in `sentence_embedding` (and the siamese head's input). */
  pooling: Pooling;
  /** Dense layers of the siamese head, applied to the sentence vector, then L2-normalised. */
  head?: readonly DenseWeights[];
  /** Graph name (default the model type). */
  name?: string;
}

/** Every activation the TF.js encoder runs (lib/model/config.ts) has an ONNX form below. */
const SUPPORTED_ACTS: readonly HiddenAct[] = HIDDEN_ACTS;

/** [rows, cols] -> [cols, rows]: PyTorch's [out, in] linear weight as the [in, out] right operand of MatMul. */
export function transpose2d(w: WeightArray): WeightArray {
  const [rows, cols] = w.shape;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w.data[r * cols + c];
  return { shape: [cols, rows], data: out };
}

/** Throws one error naming every problem of the config and weights for export. */
function checkSource(fn: string, config: EncoderConfig, weights: ReadonlyMap<string, WeightArray>, pooling: Pooling) {
  const problems: string[] = [];
  if (config.modelType !== 'albert' && config.modelType !== 'bert')
    problems.push(`'modelType' must be 'albert' or 'bert'; got ${JSON.stringify(config.modelType)}`);
  if (!SUPPORTED_ACTS.includes(config.hiddenAct))
    problems.push(`'hiddenAct' must be one of ${SUPPORTED_ACTS.join(', ')}; got ${JSON.stringify(config.hiddenAct)}`);
  if (!POOLINGS.includes(pooling))
    problems.push(`'pooling' must be one of ${POOLINGS.join(', ')}; got ${JSON.stringify(pooling)}`);
  if (config.hiddenSize % config.numAttentionHeads !== 0)
    problems.push(
      `'hiddenSize' ${config.hiddenSize} must be divisible by 'numAttentionHeads' ${config.numAttentionHeads}`,
    );
  if (problems.length === 0) {
    const missing: string[] = [];
    for (const [name, shape] of encoderLayout(config)) {
      const w = weights.get(name);
      if (!w) missing.push(name);
      else if (w.shape.join('x') !== shape.join('x')) problems.push(`weight '${name}' is [${w.shape}], not [${shape}]`);
    }
    if (missing.length) problems.push(`missing weights (${missing.length}): ${missing.join(', ')}`);
  }
  if (problems.length) throw new Error(`${fn}: cannot export this encoder: ${problems.join('; ')}.`);
}

function checkHead(fn: string, head: readonly DenseWeights[], inputSize: number): void {
  let size = inputSize;
  head.forEach((d, i) => {
    const [inDim, units] = d.kernel.shape;
    if (d.kernel.shape.length !== 2 || inDim !== size || d.bias.shape.join('x') !== `${units}`) {
      throw new Error(
        `${fn}: head layer ${i} must have a kernel [${size}, units] and a bias [units]; got kernel ` +
          `[${d.kernel.shape}] and bias [${d.bias.shape}].`,
      );
    }
    if (d.activation !== 'linear' && d.activation !== 'relu')
      throw new Error(`${fn}: head layer ${i} 'activation' must be 'linear' or 'relu'; got '${d.activation}'.`);
    size = units;
  });
}

/** The encoder (and optional siamese head) as an ONNX graph; weights are referenced (linear ones copied transposed). */
export function encoderGraph(
  config: EncoderConfig,
  weights: ReadonlyMap<string, WeightArray>,
  opts: EncoderGraphOptions,
): GraphProto {
  checkSource('encoderGraph', config, weights, opts.pooling);
  if (opts.head) checkHead('encoderGraph', opts.head, config.hiddenSize);
  const g = new GraphBuilder(opts.name ?? `${config.modelType}_encoder`);
  const h = config.hiddenSize;
  const nH = config.numAttentionHeads;
  const d = h / nH;
  const initialized = new Map<string, string>();

  /** The initializer of weight `name` (transposed to [in, out] for MatMul when `t`), made once and then shared. */
  const param = (name: string, t = false): string => {
    const key = t ? `${name}.T` : name;
    let out = initialized.get(key);
    if (out === undefined) {
      const w = t ? transpose2d(weights.get(name)!) : weights.get(name)!;
      out = g.initializer(key, w.data, w.shape);
      initialized.set(key, out);
    }
    return out;
  };
  /** y = x W^T + b for W [out, in]; ALBERT's repeated layers all use the same initializers. */
  const linear = (scope: string, x: string, prefix: string): string =>
    g.node(scope, 'Add', [g.node(scope, 'MatMul', [x, param(`${prefix}.weight`, true)]), param(`${prefix}.bias`)]);
  const layerNorm = (scope: string, x: string, prefix: string): string =>
    g.node(scope, 'LayerNormalization', [x, param(`${prefix}.weight`), param(`${prefix}.bias`)], {
      axis: -1,
      epsilon: { f: config.layerNormEps },
    });
  const act = (scope: string, x: string): string => activation(g, scope, x, config.hiddenAct);

  const ids = g.input('input_ids', DataType.INT64, ['batch', 'sequence']);
  const mask = g.input('attention_mask', DataType.INT64, ['batch', 'sequence']);
  const types = g.input('token_type_ids', DataType.INT64, ['batch', 'sequence']);

  // Embeddings: words + positions + token types, LayerNorm.
  let s = '/embeddings';
  const words = g.node(s, 'Gather', [param('embeddings.word_embeddings.weight'), ids]); // [B, T, E]
  const seqLen = g.node(s, 'Gather', [g.node(s, 'Shape', [ids]), g.int64Const([1], [])]); // scalar T
  const positionIds = g.node(s, 'Range', [g.int64Const([0], []), seqLen, g.int64Const([1], [])]); // [T]
  const positions = g.node(s, 'Gather', [param('embeddings.position_embeddings.weight'), positionIds]); // [T, E]
  const typeEmb = g.node(s, 'Gather', [param('embeddings.token_type_embeddings.weight'), types]); // [B, T, E]
  const summed = g.node(s, 'Add', [g.node(s, 'Add', [words, positions]), typeEmb]);
  let x = layerNorm(s, summed, 'embeddings.LayerNorm');

  // Additive mask [B, 1, 1, T]: (1 - m) * MASK_NEGATIVE.
  s = '/mask';
  const maskF = g.node(s, 'Cast', [mask], { to: DataType.FLOAT }); // [B, T]
  const inverted = g.node(s, 'Sub', [g.floatConst(1), maskF]);
  const maskAdd = g.node(s, 'Unsqueeze', [
    g.node(s, 'Mul', [inverted, g.floatConst(MASK_NEGATIVE)]),
    g.int64Const([1, 2]),
  ]);

  const block = (
    scope: string,
    input: string,
    p: Record<'q' | 'k' | 'v' | 'o' | 'ln1' | 'ffn' | 'ffnOut' | 'ln2', string>,
  ) => {
    // [B, T, H] -> [B, T, nH, d] -> [B, nH, T, d] (keys: [B, nH, d, T])
    const split = g.int64Const([0, 0, nH, d]);
    const heads = (t: string, perm: number[]) =>
      g.node(`${scope}/attention`, 'Transpose', [g.node(`${scope}/attention`, 'Reshape', [t, split])], { perm });
    const q = heads(linear(`${scope}/attention/query`, input, p.q), [0, 2, 1, 3]);
    const kT = heads(linear(`${scope}/attention/key`, input, p.k), [0, 2, 3, 1]);
    const v = heads(linear(`${scope}/attention/value`, input, p.v), [0, 2, 1, 3]);
    const a = `${scope}/attention`;
    const scores = g.node(a, 'Add', [
      g.node(a, 'Mul', [g.node(a, 'MatMul', [q, kT]), g.floatConst(1 / Math.sqrt(d))]),
      maskAdd,
    ]);
    const probs = g.node(a, 'Softmax', [scores], { axis: -1 }); // [B, nH, T, T]
    const ctx = g.node(a, 'Transpose', [g.node(a, 'MatMul', [probs, v])], { perm: [0, 2, 1, 3] }); // [B, T, nH, d]
    const merged = g.node(a, 'Reshape', [ctx, g.int64Const([0, 0, h])]); // [B, T, H]
    const attnOut = layerNorm(a, g.node(a, 'Add', [linear(`${a}/output`, merged, p.o), input]), p.ln1);
    const ffn = act(`${scope}/ffn`, linear(`${scope}/ffn`, attnOut, p.ffn)); // [B, T, F]
    const out = linear(`${scope}/output`, ffn, p.ffnOut); // [B, T, H]
    return layerNorm(`${scope}/output`, g.node(`${scope}/output`, 'Add', [out, attnOut]), p.ln2);
  };

  if (config.modelType === 'albert') {
    x = linear('/encoder/embedding_hidden_mapping_in', x, 'encoder.embedding_hidden_mapping_in');
    const layersPerGroup = config.numHiddenLayers / config.numHiddenGroups;
    for (let i = 0; i < config.numHiddenLayers; i++) {
      const group = Math.floor(i / layersPerGroup);
      for (let inner = 0; inner < config.innerGroupNum; inner++) {
        const p = albertLayerPrefix(group, inner);
        x = block(`/encoder/layer.${i}/inner.${inner}`, x, {
          q: `${p}.attention.query`,
          k: `${p}.attention.key`,
          v: `${p}.attention.value`,
          o: `${p}.attention.dense`,
          ln1: `${p}.attention.LayerNorm`,
          ffn: `${p}.ffn`,
          ffnOut: `${p}.ffn_output`,
          ln2: `${p}.full_layer_layer_norm`,
        });
      }
    }
  } else {
    for (let i = 0; i < config.numHiddenLayers; i++) {
      const p = bertLayerPrefix(i);
      x = block(`/encoder/layer.${i}`, x, {
        q: `${p}.attention.self.query`,
        k: `${p}.attention.self.key`,
        v: `${p}.attention.self.value`,
        o: `${p}.attention.output.dense`,
        ln1: `${p}.attention.output.LayerNorm`,
        ffn: `${p}.intermediate.dense`,
        ffnOut: `${p}.output.dense`,
        ln2: `${p}.output.LayerNorm`,
      });
    }
  }
  const last = g.node('/encoder', 'Identity', [x], {}, 'last_hidden_state'); // [B, T, H]

  s = '/pooler';
  const first = g.node(s, 'Gather', [last, g.int64Const([0], [])], { axis: 1 }); // [B, H]
  const poolerPrefix = config.modelType === 'albert' ? 'pooler' : 'pooler.dense';
  const pooler = g.node(s, 'Tanh', [linear(s, first, poolerPrefix)], {}, 'pooler_output');

  s = '/pooling';
  let sentence: string;
  if (opts.pooling === 'pooler') sentence = g.node(s, 'Identity', [pooler], {}, 'sentence_embedding');
  else if (opts.pooling === 'cls') sentence = g.node(s, 'Identity', [first], {}, 'sentence_embedding');
  else {
    // sum(h * m) / max(sum(m), 1e-9) over tokens, as lib/model/layers.ts maskedMean.
    const m = g.node(s, 'Unsqueeze', [maskF, g.int64Const([2])]); // [B, T, 1]
    const axis = g.int64Const([1]);
    const sum = g.node(s, 'ReduceSum', [g.node(s, 'Mul', [last, m]), axis], { keepdims: 0 }); // [B, H]
    const count = g.node(s, 'Max', [g.node(s, 'ReduceSum', [m, axis], { keepdims: 0 }), g.floatConst(1e-9)]); // [B, 1]
    sentence = g.node(s, 'Div', [sum, count], {}, 'sentence_embedding');
  }

  g.output(last, DataType.FLOAT, ['batch', 'sequence', h]);
  g.output(pooler, DataType.FLOAT, ['batch', h]);
  g.output(sentence, DataType.FLOAT, ['batch', h]);
  if (opts.head && opts.head.length > 0) {
    const { name, units } = siameseHead(g, sentence, opts.head);
    g.output(name, DataType.FLOAT, ['batch', units]);
  }
  return g.build(
    `${config.modelType} encoder (${config.numHiddenLayers} layers, hidden ${h}), pooling ${opts.pooling}`,
  );
}

/** The activation HF names `hidden_act`, with the op order of lib/model/fast-ops.ts. */
function activation(g: GraphBuilder, s: string, x: string, act: HiddenAct): string {
  const c = (v: number) => g.floatConst(v);
  switch (act) {
    case 'gelu': {
      // 0.5 x (1 + erf(x / sqrt 2))
      const erf = g.node(s, 'Erf', [g.node(s, 'Mul', [x, c(Math.SQRT1_2)])]);
      return g.node(s, 'Mul', [g.node(s, 'Mul', [x, c(0.5)]), g.node(s, 'Add', [erf, c(1)])]);
    }
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_fast': {
      // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
      const cube = g.node(s, 'Mul', [g.node(s, 'Mul', [x, x]), x]);
      const inner = g.node(s, 'Mul', [
        g.node(s, 'Add', [x, g.node(s, 'Mul', [cube, c(0.044715)])]),
        c(Math.sqrt(2 / Math.PI)),
      ]);
      return g.node(s, 'Mul', [g.node(s, 'Mul', [x, c(0.5)]), g.node(s, 'Add', [g.node(s, 'Tanh', [inner]), c(1)])]);
    }
    case 'relu':
      return g.node(s, 'Relu', [x]);
    case 'tanh':
      return g.node(s, 'Tanh', [x]);
    case 'silu':
    case 'swish':
      return g.node(s, 'Mul', [x, g.node(s, 'Sigmoid', [x])]);
  }
}

/** Dense layers on the sentence vector, then x / sqrt(max(sum x², 1e-12)) per row (lib/heads/siamese.ts). */
function siameseHead(g: GraphBuilder, input: string, head: readonly DenseWeights[]): { name: string; units: number } {
  let x = input;
  head.forEach((layer, i) => {
    const s = `/head/dense${i + 1}`;
    const kernel = g.initializer(`head.dense${i + 1}.kernel`, layer.kernel.data, layer.kernel.shape);
    const bias = g.initializer(`head.dense${i + 1}.bias`, layer.bias.data, layer.bias.shape);
    x = g.node(s, 'Add', [g.node(s, 'MatMul', [x, kernel]), bias]);
    if (layer.activation === 'relu') x = g.node(s, 'Relu', [x]);
  });
  const s = '/head/l2_normalize';
  const sumSq = g.node(s, 'ReduceSum', [g.node(s, 'Mul', [x, x]), g.int64Const([1])], { keepdims: 1 }); // [B, 1]
  const inv = g.node(s, 'Reciprocal', [g.node(s, 'Sqrt', [g.node(s, 'Max', [sumSq, g.floatConst(1e-12)])])]);
  return { name: g.node(s, 'Mul', [x, inv], {}, 'siamese_embedding'), units: head[head.length - 1].kernel.shape[1] };
}
