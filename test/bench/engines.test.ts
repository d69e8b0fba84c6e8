/**
 * The engine comparison of `npm run bench` (no timings asserted): TF.js and ONNX Runtime on our own export run
 * the same batch alternately, agree within 1e-5, and the table names both engines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/index';
import { compareEngines, formatEngines } from '../../lib/bench/engines';
import { syntheticBatch } from '../../lib/bench/workloads';
import { tfjsEmbedder, type SentenceEmbedder } from '../../lib/heads/embedder';
import { loadEncoder } from '../../lib/model/load';
import { onnxEmbedder } from '../../lib/onnx/runtime';
import type { EncodedBatch } from '../../lib/tokenizer/types';
import { TEST_BACKENDS } from '../helpers/backends';

const TINY = new URL('../fixtures/tiny-bert', import.meta.url).pathname;

test('compareEngines alternates tfjs and onnx runs on one batch; formatEngines tabulates them', async () => {
  await initBackend(TEST_BACKENDS[0]);
  const before = tf.memory().numTensors;
  const encoder = await loadEncoder(TINY, { pooling: 'mean', trainable: false });
  const order: string[] = [];
  const traced = (e: SentenceEmbedder): SentenceEmbedder => ({
    ...e,
    embed: (b: EncodedBatch) => {
      order.push(e.engine);
      return e.embed(b);
    },
  });
  const onnx = await onnxEmbedder(encoder);
  try {
    const batch = syntheticBatch(4, 8, encoder.config.vocabSize, 1);
    const c = await compareEngines(traced(tfjsEmbedder(encoder, 'wasm')), traced(onnx), batch, {
      budgetS: 30,
      maxRepeats: 3,
    });
    assert.deepEqual(order, ['tfjs', 'onnx', 'tfjs', 'onnx', 'tfjs', 'onnx', 'tfjs', 'onnx']);
    assert.equal(c.tfjs.runsMs.length, 3);
    assert.equal(c.onnx.runsMs.length, 3);
    assert.ok(c.tfjs.perSecond > 0 && c.onnx.perSecond > 0);
    assert.equal(c.onnxOverTfjs, c.onnx.perSecond / c.tfjs.perSecond);
    assert.ok(c.maxAbsDiff <= 1e-5, `max |diff| ${c.maxAbsDiff}`);
    const table = formatEngines([{ model: 'tiny-bert', backend: 'wasm', c }]);
    assert.match(table, /\| tiny-bert \| 8 x 4 \| wasm \| [\d.]+ \| [\d.]+ \| [\d.]+ \| \d\.\de-\d \|/);
    assert.equal(formatEngines([]), '');
  } finally {
    await onnx.dispose();
    encoder.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
});
