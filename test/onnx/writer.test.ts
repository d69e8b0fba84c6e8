/**
 * The ONNX file itself: the schema (protobufjs reflection of the official onnx.proto), what the writer puts in a
 * model (opset 17, IR 8, int64 inputs with dynamic axes, standard ops only, ALBERT's shared weights stored once),
 * and the errors for what it cannot export.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/index';
import { SiameseModel } from '../../lib/heads/siamese';
import { parseConfig, type EncoderConfig } from '../../lib/model/config';
import { encoderLayout } from '../../lib/model/layout';
import { loadEncoder } from '../../lib/model/load';
import { encoderGraph, transpose2d, type WeightArray } from '../../lib/onnx/encoder-graph';
import { decodeModel, encodeModel, protoToJson, type ModelProto } from '../../lib/onnx/proto';
import { toOnnx } from '../../lib/onnx/writer';
import { TEST_BACKENDS } from '../helpers/backends';
import { TINY_ALBERT, TINY_BERT } from './helpers';

/** Every op type the writer may emit: all in ONNX's default domain, opset <= 17. */
const STANDARD_OPS = new Set([
  'Add',
  'Cast',
  'Div',
  'Erf',
  'Gather',
  'Identity',
  'LayerNormalization',
  'MatMul',
  'Max',
  'Mul',
  'Range',
  'Reciprocal',
  'ReduceSum',
  'Relu',
  'Reshape',
  'Shape',
  'Sigmoid',
  'Softmax',
  'Sqrt',
  'Sub',
  'Tanh',
  'Transpose',
  'Unsqueeze',
]);

/** float32 values of raw_data bytes (copied: a decoded Buffer may be a view into a larger pool). */
const floats = (raw: Uint8Array): Float32Array => new Float32Array(Uint8Array.from(raw).buffer);

test('lib/onnx/onnx-proto.json is the protobufjs reflection of the committed official onnx.proto', () => {
  const committed = JSON.parse(readFileSync('lib/onnx/onnx-proto.json', 'utf8'));
  assert.deepEqual(committed, JSON.parse(JSON.stringify(protoToJson('lib/onnx/onnx.proto'))));
  assert.match(readFileSync('lib/onnx/onnx.proto', 'utf8'), /SPDX-License-Identifier: Apache-2.0/);
});

test('encodeModel round-trips through decodeModel, and rejects a field of the wrong type naming it', () => {
  const model: ModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'test',
    producerVersion: '1',
    graph: {
      name: 'g',
      node: [{ name: 'n', opType: 'Relu', input: ['x'], output: ['y'], attribute: [] }],
      initializer: [{ name: 'x', dims: [2], dataType: 1, rawData: new Uint8Array(new Float32Array([-1, 2]).buffer) }],
      input: [],
      output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'n' }] } } } }],
    },
    metadataProps: [{ key: 'k', value: 'v' }],
  };
  const back = decodeModel(encodeModel(model));
  assert.equal(back.irVersion, 8);
  assert.deepEqual(back.opsetImport, [{ domain: '', version: 17 }]);
  assert.deepEqual(back.graph.node[0].input, ['x']);
  assert.deepEqual(Array.from(floats(back.graph.initializer[0].rawData)), [-1, 2]);
  assert.deepEqual(back.graph.output[0].type.tensorType.shape.dim, [{ dimParam: 'n' }]);
  const bad = { ...model, producerName: 42 } as unknown as ModelProto;
  assert.throws(() => encodeModel(bad), /encodeModel: the model does not fit onnx\.ModelProto: producerName/);
});

test('transpose2d turns [out, in] into [in, out]', () => {
  const t = transpose2d({ shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) });
  assert.deepEqual(t.shape, [3, 2]);
  assert.deepEqual(Array.from(t.data), [1, 4, 2, 5, 3, 6]);
});

test('an exported ALBERT: opset 17, IR 8, int64 inputs with dynamic axes, standard ops, shared weights once', async () => {
  await initBackend(TEST_BACKENDS[0]);
  const before = tf.memory().numTensors;
  const encoder = await loadEncoder(TINY_ALBERT, { pooling: 'mean', trainable: false });
  const model = new SiameseModel(encoder);
  const bytes = await toOnnx(model, { metadata: { run: 'r1' } });
  assert.equal(tf.memory().numTensors - before, encoder.weights.size + 4, 'only the model variables stay alive');
  const m = decodeModel(bytes);
  assert.equal(m.irVersion, 8);
  assert.deepEqual(m.opsetImport, [{ domain: '', version: 17 }]);
  assert.equal(m.producerName, 'siamese-albert-ts');
  assert.deepEqual(Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value])), {
    model_type: 'albert',
    pooling: 'mean',
    siamese_head: 'yes',
    run: 'r1',
  });
  for (const i of m.graph.input) {
    assert.equal(i.type.tensorType.elemType, 7, `${i.name} is int64`);
    assert.deepEqual(i.type.tensorType.shape.dim, [{ dimParam: 'batch' }, { dimParam: 'sequence' }]);
  }
  assert.deepEqual(
    m.graph.input.map((i) => i.name),
    ['input_ids', 'attention_mask', 'token_type_ids'],
  );
  assert.deepEqual(
    m.graph.output.map((o) => [
      o.name,
      o.type.tensorType.shape.dim.map((d) => ('dimParam' in d ? d.dimParam : d.dimValue)),
    ]),
    [
      ['last_hidden_state', ['batch', 'sequence', 32]],
      ['pooler_output', ['batch', 32]],
      ['sentence_embedding', ['batch', 32]],
      ['siamese_embedding', ['batch', 64]],
    ],
  );
  const ops = new Set(m.graph.node.map((n) => n.opType));
  assert.deepEqual(
    [...ops].filter((o) => !STANDARD_OPS.has(o)),
    [],
  );
  assert.ok(m.graph.node.every((n) => !('domain' in n) || (n as { domain?: string }).domain === ''));
  // 3 layers share one layer group: each of its 16 parameters is stored once, and the file is about the weights' size.
  const group = m.graph.initializer.filter((t) => t.name.startsWith('encoder.albert_layer_groups.0.'));
  assert.equal(group.length, 16);
  const weightBytes = [...encoderLayout(encoder.config).values()].reduce(
    (n, s) => n + 4 * s.reduce((a, b) => a * b),
    0,
  );
  assert.ok(bytes.length < weightBytes * 1.05 + 100_000, `${bytes.length} bytes for ${weightBytes} of weights`);
  // Initializers hold the variables' values: the word embeddings as stored, linear weights transposed.
  const words = m.graph.initializer.find((t) => t.name === 'embeddings.word_embeddings.weight')!;
  const stored = floats(words.rawData);
  assert.deepEqual(
    stored.subarray(0, 50),
    ((await encoder.weights.get(words.name)!.data()) as Float32Array).subarray(0, 50),
  );
  model.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
});

/** Weight arrays of a layout, zeros (for the error tests: values do not matter). */
function zeroWeights(config: EncoderConfig): Map<string, WeightArray> {
  const out = new Map<string, WeightArray>();
  for (const [name, shape] of encoderLayout(config))
    out.set(name, { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  return out;
}

test('the writer rejects configs and weights it cannot express, naming each problem', async () => {
  const config = parseConfig(JSON.parse(readFileSync(`${TINY_BERT}/config.json`, 'utf8')));
  const weights = zeroWeights(config);
  assert.throws(
    () => encoderGraph({ ...config, hiddenAct: 'gelu_10' as never }, weights, { pooling: 'mean' }),
    /encoderGraph: cannot export this encoder: 'hiddenAct' must be one of gelu, .*; got "gelu_10"/,
  );
  assert.throws(
    () => encoderGraph({ ...config, modelType: 'roberta' as never }, weights, { pooling: 'mean' }),
    /'modelType' must be 'albert' or 'bert'; got "roberta"/,
  );
  assert.throws(
    () => encoderGraph(config, weights, { pooling: 'max' as never }),
    /'pooling' must be one of pooler, cls, mean; got "max"/,
  );
  const missing = new Map(weights);
  missing.delete('pooler.dense.weight');
  missing.set('encoder.layer.0.output.dense.bias', { shape: [7], data: new Float32Array(7) });
  assert.throws(
    () => encoderGraph(config, missing, { pooling: 'cls' }),
    /weight 'encoder\.layer\.0\.output\.dense\.bias' is \[7\], not \[32\]; missing weights \(1\): pooler\.dense\.weight/,
  );
  const kernel = { shape: [16, 8], data: new Float32Array(128) };
  assert.throws(
    () =>
      encoderGraph(config, weights, {
        pooling: 'cls',
        head: [{ kernel, bias: { shape: [8], data: new Float32Array(8) }, activation: 'relu' }],
      }),
    /head layer 0 must have a kernel \[32, units\] and a bias \[units\]; got kernel \[16,8\] and bias \[8\]/,
  );

  await initBackend(TEST_BACKENDS[0]);
  const encoder = await loadEncoder(TINY_BERT, { trainable: false });
  const wrapped = new SiameseModel({ ...encoder, embed: encoder.embed.bind(encoder) } as never);
  await assert.rejects(
    toOnnx(wrapped),
    /toOnnx: 'model' must be a TransformerEncoder .* or a SiameseModel built on one/,
  );
  wrapped.dense1.dispose();
  wrapped.dense2.dispose();
  encoder.dispose();
  await assert.rejects(toOnnx(encoder), /toOnnx: the encoder has been disposed; export it before dispose\(\)/);
});
