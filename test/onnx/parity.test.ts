/**
 * ONNX Runtime runs the exported graph to the TF.js encoder's numbers: tiny ALBERT (gelu_new, shared layer group,
 * factorised embedding) and tiny BERT (exact gelu), every pooling, the siamese head, on batches with padding and
 * different lengths through one session (dynamic axes). Tolerance 1e-5 max abs (the acceptance bound);
 * token states compared where attention_mask = 1 (padding positions are not defined by either side).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/index';
import { SiameseModel } from '../../lib/heads/siamese';
import { parseConfig, type HiddenAct } from '../../lib/model/config';
import { buildEncoder, TransformerEncoder } from '../../lib/model/encoder';
import { loadConfig, loadEncoder } from '../../lib/model/load';
import { POOLINGS, type Pooling } from '../../lib/model/types';
import { loadOnnxModel, type OnnxModel } from '../../lib/onnx/runtime';
import { toOnnx } from '../../lib/onnx/writer';
import { decodeModel } from '../../lib/onnx/proto';
import { toHfConfig } from '../../lib/model/config';
import { disposeTokenBatch, toTokenBatch, type EncodedBatch } from '../../lib/tokenizer/types';
import { TEST_BACKENDS } from '../helpers/backends';
import { maxAbsDiff, paddedBatch, TINY_ALBERT, TINY_BERT } from './helpers';

const TOL = 1e-5;

/** TF.js outputs of a siamese model on its encoder: token states, pooler, sentence vector, siamese embedding. */
async function tfjsOutputs(model: SiameseModel, batch: EncodedBatch) {
  const tokens = toTokenBatch(batch);
  try {
    const out = model.encoder.forward(tokens);
    const sentence = model.encoder.embed(tokens);
    const siamese = model.embed(tokens);
    const values = {
      last_hidden_state: (await out.lastHiddenState.data()) as Float32Array,
      pooler_output: (await out.pooledOutput.data()) as Float32Array,
      sentence_embedding: (await sentence.data()) as Float32Array,
      siamese_embedding: (await siamese.data()) as Float32Array,
    };
    tf.dispose([out.lastHiddenState, out.pooledOutput, sentence, siamese]);
    return values;
  } finally {
    disposeTokenBatch(tokens);
  }
}

/** Max abs difference of every output (token states only where attention_mask = 1). */
async function compare(model: SiameseModel, onnx: OnnxModel, batch: EncodedBatch): Promise<Record<string, number>> {
  const ours = await tfjsOutputs(model, batch);
  const theirs = await onnx.run(batch);
  const h = model.encoder.hiddenSize;
  const diffs: Record<string, number> = {};
  for (const name of Object.keys(ours) as (keyof typeof ours)[]) {
    assert.ok(theirs[name], `ONNX output ${name}`);
    assert.equal(theirs[name].data.length, ours[name].length, `${name} size`);
    const keep = name === 'last_hidden_state' ? (i: number) => batch.attentionMask[Math.floor(i / h)] === 1 : undefined;
    diffs[name] = maxAbsDiff(ours[name], theirs[name].data, keep);
  }
  assert.deepEqual(theirs.last_hidden_state.dims, [batch.batchSize, batch.seqLength, h]);
  return diffs;
}

const BATCHES = (vocab: number) => [paddedBatch([9, 4, 6, 2], vocab, 1), paddedBatch([3, 12, 5], vocab, 2)];

for (const backend of TEST_BACKENDS) {
  describe(`ONNX Runtime equals TF.js (${backend})`, () => {
    for (const [label, dir] of [
      ['tiny ALBERT', TINY_ALBERT],
      ['tiny BERT', TINY_BERT],
    ] as const) {
      for (const pooling of POOLINGS) {
        test(`${label}, pooling ${pooling}: every output within ${TOL}`, async (t) => {
          await initBackend(backend);
          const before = tf.memory().numTensors;
          const encoder = await loadEncoder(dir, { pooling, trainable: false });
          const model = new SiameseModel(encoder, { seed: 5 });
          const onnx = await loadOnnxModel(await toOnnx(model));
          try {
            for (const batch of BATCHES(encoder.config.vocabSize)) {
              const diffs = await compare(model, onnx, batch);
              t.diagnostic(`[${batch.batchSize}, ${batch.seqLength}] max |diff| ${JSON.stringify(diffs)}`);
              for (const [name, d] of Object.entries(diffs)) assert.ok(d <= TOL, `${name}: max |diff| ${d}`);
            }
          } finally {
            await onnx.release();
            model.dispose();
          }
          assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
        });
      }
    }

    test(`ALBERT with 3 layer groups of 2 inner layers (random weights): within ${TOL}`, async (t) => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const base = await loadConfig(TINY_ALBERT);
      const config = parseConfig({ ...toHfConfig(base), num_hidden_groups: 3, inner_group_num: 2 });
      const model = new SiameseModel(buildEncoder(config, { pooling: 'mean', seed: 7, trainable: false }));
      const bytes = await toOnnx(model);
      const onnx = await loadOnnxModel(bytes);
      try {
        const m = decodeModel(bytes);
        assert.equal(m.graph.initializer.filter((i) => i.name.includes('.albert_layers.')).length, 3 * 2 * 16);
        const diffs = await compare(model, onnx, BATCHES(config.vocabSize)[1]);
        t.diagnostic(`max |diff| ${JSON.stringify(diffs)}`);
        for (const [name, d] of Object.entries(diffs)) assert.ok(d <= TOL, `${name}: max |diff| ${d}`);
      } finally {
        await onnx.release();
        model.dispose();
      }
      assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
    });

    test(`tiny BERT with relu, tanh, silu and gelu_pytorch_tanh activations: within ${TOL}`, async (t) => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const base = await loadEncoder(TINY_BERT, { trainable: false });
      try {
        for (const act of ['relu', 'tanh', 'silu', 'gelu_pytorch_tanh'] as HiddenAct[]) {
          const config = parseConfig({ ...toHfConfig(base.config), hidden_act: act });
          const weights = new Map([...base.weights].map(([n, v]) => [n, tf.variable(v, false)]));
          const encoder = new TransformerEncoder(config, weights, { pooling: 'mean', trainable: false });
          const model = new SiameseModel(encoder, { seed: 1 });
          const onnx = await loadOnnxModel(await toOnnx(model));
          try {
            const diffs = await compare(model, onnx, BATCHES(config.vocabSize)[0]);
            t.diagnostic(`${act}: max |diff| ${JSON.stringify(diffs)}`);
            for (const [name, d] of Object.entries(diffs)) assert.ok(d <= TOL, `${act} ${name}: max |diff| ${d}`);
          } finally {
            await onnx.release();
            model.dispose();
          }
        }
      } finally {
        base.dispose();
      }
      assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
    });
  });
}

test('the encoder alone exports without siamese_embedding; pooling can be overridden at export', async () => {
  await initBackend(TEST_BACKENDS[0]);
  const encoder = await loadEncoder(TINY_ALBERT, { pooling: 'pooler', trainable: false });
  const onnx = await loadOnnxModel(await toOnnx(encoder, { pooling: 'mean' as Pooling }));
  try {
    assert.deepEqual(onnx.outputNames, ['last_hidden_state', 'pooler_output', 'sentence_embedding']);
    assert.deepEqual(onnx.inputNames, ['input_ids', 'attention_mask', 'token_type_ids']);
    const batch = BATCHES(encoder.config.vocabSize)[0];
    const out = await onnx.run(batch, ['sentence_embedding']);
    const mean = new TransformerEncoder(await loadConfig(TINY_ALBERT), encoder.weights, { pooling: 'mean' });
    const tokens = toTokenBatch(batch);
    const ours = mean.embed(tokens);
    assert.ok(maxAbsDiff((await ours.data()) as Float32Array, out.sentence_embedding.data) <= TOL);
    tf.dispose(ours);
    disposeTokenBatch(tokens);
  } finally {
    await onnx.release();
    encoder.dispose();
  }
});
