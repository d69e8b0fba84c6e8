/**
 * Inference engines behind one SentenceEmbedder: tfjs and onnx give the same vectors (1e-5), computeFeatures and
 * cachedFeatures take either, the cache key separates ONNX features from TF.js ones, and createEmbedder's 'auto'
 * falls back to TF.js (saying why) when ONNX Runtime cannot run the model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/index';
import { tfjsEmbedder, type SentenceEmbedder } from '../../lib/heads/embedder';
import { cachedFeatures, computeFeatures } from '../../lib/heads/features';
import type { FeatureMatrix } from '../../lib/train/batches';
import { SiameseModel } from '../../lib/heads/siamese';
import { loadEncoder } from '../../lib/model/load';
import type { Encoder } from '../../lib/model/types';
import { AUTO_ENGINES, cacheEnginesOf, createEmbedder, withEmbedder } from '../../lib/onnx/engine';
import { onnxEmbedder } from '../../lib/onnx/runtime';
import { loadTokenizer } from '../../lib/tokenizer/tokenizer';
import { TEST_BACKENDS } from '../helpers/backends';
import { maxAbsDiff, paddedBatch, TINY_ALBERT, TINY_BERT, TINY_TEXTS, TINY_TOKENIZER } from './helpers';

const TOL = 1e-5;

test('tfjs and onnx embedders give the same sentence vectors and siamese embeddings (1e-5)', async () => {
  await initBackend(TEST_BACKENDS[0]);
  const before = tf.memory().numTensors;
  const encoder = await loadEncoder(TINY_ALBERT, { pooling: 'pooler', trainable: false });
  const siamese = new SiameseModel(encoder, { seed: 2 });
  const batches = [paddedBatch([7, 3, 5], 30000, 3), paddedBatch([2, 11], 30000, 4)];
  for (const model of [encoder, siamese]) {
    const ours = tfjsEmbedder(model, 'wasm');
    const theirs = await onnxEmbedder(model);
    assert.equal(ours.engine, 'tfjs');
    assert.equal(ours.name, 'tfjs (wasm)');
    assert.equal(theirs.engine, 'onnx');
    assert.match(theirs.name, /^onnx \(onnxruntime-node 1\.30\.0, cpu\)$/);
    assert.equal(theirs.dim, model === encoder ? 32 : 64);
    assert.equal(theirs.dim, ours.dim);
    for (const b of batches) {
      const [a, c] = [await ours.embed(b), await theirs.embed(b)];
      assert.equal(a.length, b.batchSize * ours.dim);
      assert.ok(maxAbsDiff(a, c) <= TOL, `${model.constructor.name}: ${maxAbsDiff(a, c)}`);
    }
    const tooLong = paddedBatch([encoder.config.maxPositionEmbeddings + 1], 30000);
    await assert.rejects(theirs.embed(tooLong), /sequence length must be <= max_position_embeddings \(\d+\); got \d+/);
    await theirs.dispose();
    await assert.rejects(theirs.embed(batches[0]), /the session of 'in-memory .*' has been released/);
  }
  siamese.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
});

test('computeFeatures and cachedFeatures take an embedder; ONNX features get their own cache key', async () => {
  await initBackend(TEST_BACKENDS[0]);
  const before = tf.memory().numTensors;
  const encoder = await loadEncoder(TINY_BERT, { pooling: 'mean', trainable: false });
  const tokenizer = await loadTokenizer(TINY_TOKENIZER);
  const texts = Object.values(TINY_TEXTS).flat();
  const batches = () => [0, 4, 8, 12].map((s) => tokenizer.encodeBatch(texts.slice(s, s + 4), { maxLength: 16 }));
  const onnx = await onnxEmbedder(encoder);
  const viaEncoder = await computeFeatures(encoder, batches());
  const viaOnnx = await computeFeatures(onnx, batches());
  assert.deepEqual([viaOnnx.rows, viaOnnx.cols], [15, 32]);
  assert.ok(maxAbsDiff(viaEncoder.data, viaOnnx.data) <= TOL);

  const cacheDir = await mkdtemp(join(tmpdir(), 'onnx-features-'));
  try {
    const opts = { maxLength: 16, batchSize: 4, cacheDir };
    const plain = await cachedFeatures(encoder, tokenizer, texts, opts);
    const tfjs = await cachedFeatures(encoder, tokenizer, texts, { ...opts, embedder: tfjsEmbedder(encoder) });
    const fromOnnx = await cachedFeatures(encoder, tokenizer, texts, { ...opts, embedder: onnx });
    assert.equal(tfjs.key, plain.key, 'a tfjs embedder keeps the key of features computed before engines existed');
    assert.equal(tfjs.cacheHit, true);
    assert.notEqual(fromOnnx.key, plain.key);
    assert.equal(fromOnnx.cacheHit, false);
    assert.ok(maxAbsDiff(plain.features.data, fromOnnx.features.data) <= TOL);
    assert.equal((await cachedFeatures(encoder, tokenizer, texts, { ...opts, embedder: onnx })).cacheHit, true);
    // A lazy runner is not called on a hit; 'auto' accepts either engine's features, an explicit engine only its own.
    let built = 0;
    const runner = async (job: (e: SentenceEmbedder) => Promise<FeatureMatrix>) => (built++, job(onnx));
    const hit = await cachedFeatures(encoder, tokenizer, texts, { ...opts, runner, cacheEngines: ['onnx'] });
    assert.deepEqual([hit.cacheHit, hit.engine, built], [true, 'onnx', 0]);
    assert.deepEqual(cacheEnginesOf('auto'), ['tfjs', 'onnx']);
    assert.deepEqual(cacheEnginesOf('onnx'), ['onnx']);
    const other = texts.slice(2);
    const miss = await cachedFeatures(encoder, tokenizer, other, { ...opts, runner, cacheEngines: ['tfjs'] });
    assert.deepEqual([miss.cacheHit, miss.engine, built], [false, 'onnx', 1], 'stored under the engine that ran');
    const again = await cachedFeatures(encoder, tokenizer, other, {
      ...opts,
      runner,
      cacheEngines: cacheEnginesOf('auto'),
    });
    assert.deepEqual([again.cacheHit, again.engine, built], [true, 'onnx', 1]);
    assert.equal(
      (await cachedFeatures(encoder, tokenizer, other, { ...opts, cacheEngines: ['tfjs'] })).cacheHit,
      false,
    );
    const head = new SiameseModel(encoder, { seed: 1 });
    const siamese = await onnxEmbedder(head);
    await assert.rejects(
      cachedFeatures(encoder, tokenizer, texts.slice(1), { ...opts, embedder: siamese }),
      /cachedFeatures: 'embedder' must give the encoder's 32-wide sentence vectors; onnx .* gives 64/,
    );
    await siamese.dispose();
    head.dense1.dispose();
    head.dense2.dispose();
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
    await onnx.dispose();
    encoder.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
});

test("createEmbedder: 'onnx' runs ONNX Runtime, 'auto' its engines in order; without an exportable model it falls back", async () => {
  await initBackend(TEST_BACKENDS[0]);
  const encoder = await loadEncoder(TINY_BERT, { pooling: 'cls', trainable: false });
  try {
    assert.deepEqual(AUTO_ENGINES, ['tfjs'], 'auto = TF.js on this machine (docs/performance.md)');
    const auto0 = await createEmbedder('auto', encoder, { backend: 'wasm' });
    assert.deepEqual([auto0.embedder.name, auto0.fallbackReason], ['tfjs (wasm)', undefined]);
    for (const [choice, autoEngines] of [
      ['auto', ['onnx', 'tfjs']],
      ['onnx', undefined],
    ] as const) {
      const { embedder, fallbackReason } = await createEmbedder(choice, encoder, { backend: 'wasm', autoEngines });
      assert.equal(embedder.engine, 'onnx');
      assert.equal(fallbackReason, undefined);
      await embedder.dispose();
    }
    const tfjs = await createEmbedder('tfjs', encoder, { backend: 'wasm' });
    assert.equal(tfjs.embedder.name, 'tfjs (wasm)');

    // An Encoder that is not a TransformerEncoder (no config to export): only TF.js can run it.
    const wrapped = {
      ...encoder,
      embed: encoder.embed.bind(encoder),
      forward: encoder.forward.bind(encoder),
    } as unknown as Encoder;
    const auto = await createEmbedder('auto', wrapped, { backend: 'wasm', autoEngines: ['onnx', 'tfjs'] });
    assert.equal(auto.embedder.engine, 'tfjs');
    assert.match(auto.fallbackReason!, /must be a TransformerEncoder/);
    const b = paddedBatch([4, 6], 30522);
    assert.ok(maxAbsDiff(await auto.embedder.embed(b), await tfjs.embedder.embed(b)) === 0);
    await assert.rejects(
      createEmbedder('onnx', wrapped),
      /createEmbedder: ONNX Runtime cannot run this model \(--inference onnx\): .*must be a TransformerEncoder.*; choose tfjs or auto/,
    );
    await assert.rejects(
      createEmbedder('gpu' as never, encoder),
      /'choice' must be one of auto, tfjs, onnx; got 'gpu'/,
    );
  } finally {
    encoder.dispose();
  }
});

test('withEmbedder runs a job on the chosen engine, logs it, reports it, and disposes the embedder', async () => {
  await initBackend(TEST_BACKENDS[0]);
  const before = tf.memory().numTensors;
  const encoder = await loadEncoder(TINY_BERT, { pooling: 'mean', trainable: false });
  try {
    const lines: string[] = [];
    let kept: SentenceEmbedder | undefined;
    const batch = paddedBatch([5, 3], 30522);
    const { result, used } = await withEmbedder(
      'auto',
      encoder,
      async (e) => {
        kept = e;
        return e.embed(batch);
      },
      { log: (l) => lines.push(l), label: 'frozen', autoEngines: ['onnx', 'tfjs'] },
    );
    assert.equal(result.length, 2 * 32);
    assert.deepEqual(used, { choice: 'auto', engine: 'onnx (onnxruntime-node 1.30.0, cpu)' });
    assert.deepEqual(lines, ['frozen: inference on onnx (onnxruntime-node 1.30.0, cpu) (--inference auto)']);
    await assert.rejects(kept!.embed(batch), /has been released/, 'disposed after the job');
    await assert.rejects(
      withEmbedder('tfjs', encoder, async () => {
        throw new Error('job failed');
      }),
      /job failed/,
    );
  } finally {
    encoder.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
});
