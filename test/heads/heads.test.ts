import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { loadEncoder } from '../../lib/model';
import {
  cachedFeatures,
  ClassifierHead,
  computeFeatures,
  correctCount,
  Dense,
  frozenClassifier,
  glorotUniform,
  SiameseModel,
  siameseClassifier,
  sparseCategoricalCrossentropy,
  trainedClassifier,
  TRAINING_DEFAULTS,
} from '../../lib/heads/index';
import { makeAdam } from '../../lib/train/optimizer';
import type { EncodedBatch } from '../../lib/tokenizer/types';
import { toTokenBatch, disposeTokenBatch } from '../../lib/tokenizer/types';
import { TEST_BACKENDS } from '../helpers/backends';

const TINY = new URL('../fixtures/tiny-albert', import.meta.url).pathname;

/** A hand-made batch of `b` rows × `t` tokens ([CLS] ids [SEP] + padding), deterministic from `seed`. */
function fakeEncoded(b: number, t: number, seed: number): EncodedBatch {
  const inputIds = new Int32Array(b * t),
    attentionMask = new Int32Array(b * t);
  for (let i = 0; i < b; i++) {
    const len = 3 + ((i + seed) % (t - 3));
    for (let j = 0; j < len; j++) {
      inputIds[i * t + j] = j === 0 ? 2 : j === len - 1 ? 3 : 5 + ((i * 31 + j * 7 + seed * 13) % 29000);
      attentionMask[i * t + j] = 1;
    }
  }
  return { inputIds, attentionMask, tokenTypeIds: new Int32Array(b * t), batchSize: b, seqLength: t };
}

describe('dense head pieces', () => {
  test('glorotUniform is seeded and within ±sqrt(6/(in+out))', () => {
    const a = glorotUniform(32, 64, 1),
      b = glorotUniform(32, 64, 1),
      c = glorotUniform(32, 64, 2);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const limit = Math.sqrt(6 / 96);
    assert.ok(a.every((v) => Math.abs(v) <= limit));
    assert.ok(Math.max(...a) > 0.9 * limit && Math.min(...a) < -0.9 * limit);
  });

  test('sparse categorical cross-entropy matches hand-computed Keras values (1e-6)', async () => {
    await initBackend(TEST_BACKENDS[0]);
    const before = tf.memory().numTensors;
    const logits = [
      [2, 1, 0],
      [0, 0, 3],
      [1, 2, 1],
    ];
    const labels = [0, 2, 0];
    const ce = logits.map((row, i) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0)) - row[labels[i]]);
    const w = [0.5, 0.2, 0.3];
    const sw = labels.map((y) => w[y]);
    const expected = {
      plain: ce.reduce((a, b) => a + b) / 3,
      mean: ce.reduce((s, v, i) => s + v * sw[i], 0) / 3,
      weightedMean: ce.reduce((s, v, i) => s + v * sw[i], 0) / sw.reduce((a, b) => a + b),
    };
    const got = tf.tidy(() => {
      const y = tf.tensor1d(labels, 'int32'),
        z = tf.tensor2d(logits);
      return {
        plain: sparseCategoricalCrossentropy(y, z).dataSync()[0],
        mean: sparseCategoricalCrossentropy(y, z, { classWeights: w }).dataSync()[0],
        weightedMean: sparseCategoricalCrossentropy(y, z, {
          classWeights: w,
          reduction: 'weighted-mean',
        }).dataSync()[0],
        correct: correctCount(y, z).dataSync()[0],
      };
    });
    for (const k of ['plain', 'mean', 'weightedMean'] as const)
      assert.ok(Math.abs(got[k] - expected[k]) < 1e-6, `${k}: ${got[k]} vs ${expected[k]}`);
    assert.equal(got.correct, 2);
    assert.throws(
      () =>
        tf.tidy(() =>
          sparseCategoricalCrossentropy(tf.tensor1d([0], 'int32'), tf.zeros([1, 3]), { classWeights: [1, 2] }),
        ),
      /sparseCategoricalCrossentropy: 'classWeights' must have one weight per class \(3\); got 2/,
    );
    assert.equal(tf.memory().numTensors, before);
  });

  test('defaults state the study learning rates and Adam rejects a bad rate', () => {
    assert.equal(TRAINING_DEFAULTS.siamese.learningRate, 1e-5);
    assert.equal(TRAINING_DEFAULTS.classifier.learningRate, 1e-4);
    assert.throws(() => makeAdam(0), /makeAdam: 'learningRate' must be a positive number; got 0/);
  });
});

for (const backend of TEST_BACKENDS) {
  describe(`study models with the tiny ALBERT on ${backend}`, () => {
    const dirs: string[] = [];
    after(async () => {
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    });

    test('siamese model: unit-norm [B, 64] embeddings, finite loss, gradients for every variable, no leaks', async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const model = new SiameseModel(await loadEncoder(TINY), { seed: 1 });
      const tokens = toTokenBatch(fakeEncoded(6, 12, 0));
      const labels = tf.tensor1d([0, 0, 1, 1, 2, 2], 'int32');
      const norms = tf.tidy(() => tf.norm(model.embed(tokens), 2, 1).arraySync() as number[]);
      assert.equal(norms.length, 6);
      for (const n of norms) assert.ok(Math.abs(n - 1) < 1e-5, `norm ${n}`);
      const vars = model.trainableVariables();
      assert.equal(vars.length, model.encoder.weights.size + 4);
      const { value, grads } = tf.variableGrads(() => model.lossFn({ inputs: tokens, labels, size: 6 }, true), vars);
      assert.ok(Number.isFinite(value.dataSync()[0]));
      const headGrad = grads[model.dense1.kernel.name];
      assert.ok(tf.tidy(() => tf.abs(headGrad).max().dataSync()[0]) > 0, 'head kernel gets a gradient');
      for (const g of Object.values(grads)) assert.ok((g.dataSync() as Float32Array).every(Number.isFinite));
      assert.deepEqual(
        [...model.checkpointWeights().keys()].filter((k) => k.startsWith('head.')),
        ['head.dense1.kernel', 'head.dense1.bias', 'head.dense2.kernel', 'head.dense2.bias'],
      );
      assert.ok(model.checkpointWeights().has('encoder.pooler.weight'));
      tf.dispose([value, ...Object.values(grads), labels]);
      disposeTokenBatch(tokens);
      model.dispose();
      assert.equal(tf.memory().numTensors, before);
    });

    test('classifiers: frozen trains only the head, trained everything, siamese shares the frozen tuned encoder', async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const frozen = frozenClassifier(await loadEncoder(TINY), { numClasses: 5 });
      assert.equal(frozen.trainableVariables().length, 2);
      assert.deepEqual([...frozen.checkpointWeights().keys()], ['head.classifier.kernel', 'head.classifier.bias']);
      const trained = trainedClassifier(await loadEncoder(TINY), {
        numClasses: 5,
        classWeights: [0.1, 0.2, 0.3, 0.2, 0.2],
      });
      assert.equal(trained.trainableVariables().length, trained.encoder.weights.size + 2);
      const siamese = new SiameseModel(await loadEncoder(TINY));
      const sc = siameseClassifier(siamese, { numClasses: 5 });
      assert.equal(sc.encoder, siamese.encoder);
      assert.equal(sc.trainableVariables().length, 2);
      const tokens = toTokenBatch(fakeEncoded(4, 10, 3));
      const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
      const outputs: { correct?: tf.Scalar } = {};
      const loss = trained.lossFn({ inputs: tokens, labels, size: 4 }, false, outputs);
      assert.ok(Number.isFinite(loss.dataSync()[0]));
      assert.ok(outputs.correct!.dataSync()[0] >= 0 && outputs.correct!.dataSync()[0] <= 4);
      const p = frozen.predictProba(tokens);
      tf.tidy(() => assert.ok(tf.abs(p.sum(1).sub(1)).max().dataSync()[0] < 1e-5));
      tf.dispose([loss, outputs.correct!, p, labels]);
      disposeTokenBatch(tokens);
      frozen.dispose();
      trained.dispose();
      sc.head.dispose();
      siamese.dispose();
      assert.equal(tf.memory().numTensors, before);
    });

    test('computeFeatures equals embed row by row; cachedFeatures hits the cache on the second call', async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const encoder = await loadEncoder(TINY, { trainable: false });
      const batches = [fakeEncoded(3, 8, 1), fakeEncoded(2, 8, 2)];
      const f = await computeFeatures(encoder, batches);
      assert.deepEqual([f.rows, f.cols], [5, 32]);
      const direct = tf.tidy(() => {
        const t = toTokenBatch(batches[1]);
        const out = encoder.embed(t).dataSync();
        disposeTokenBatch(t);
        return out;
      });
      for (let i = 0; i < 64; i++) assert.ok(Math.abs(f.data[3 * 32 + i] - direct[i]) < 1e-6);

      const cacheDir = await mkdtemp(join(tmpdir(), 'features-'));
      dirs.push(cacheDir);
      let calls = 0;
      const tokenizer = {
        encodeBatch: (texts: string[]) => {
          calls++;
          return fakeEncoded(texts.length, 8, texts.length);
        },
      };
      const texts = ['a', 'b', 'c', 'd', 'e'];
      const first = await cachedFeatures(encoder, tokenizer, texts, { maxLength: 8, cacheDir, batchSize: 2 });
      assert.equal(first.cacheHit, false);
      assert.equal(calls, 3);
      const second = await cachedFeatures(encoder, tokenizer, texts, { maxLength: 8, cacheDir, batchSize: 2 });
      assert.equal(second.cacheHit, true);
      assert.equal(calls, 3);
      assert.deepEqual(second.features.data, first.features.data);
      const other = await cachedFeatures(encoder, tokenizer, texts, {
        maxLength: 8,
        cacheDir,
        settings: { textMode: 'headline' },
      });
      assert.equal(other.cacheHit, false);
      assert.notEqual(other.key, first.key);
      assert.equal((await readdir(cacheDir)).filter((f) => f.endsWith('.safetensors')).length, 2);
      encoder.dispose();
      assert.equal(tf.memory().numTensors, before);
    });

    test('a classifier head trained on features learns a separable toy problem', async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const head = new ClassifierHead(4, { numClasses: 2, seed: 3 });
      const opt = makeAdam(0.1);
      const x = tf.tensor2d([
        [1, 0, 0, 0],
        [0.9, 0.1, 0, 0],
        [0, 0, 1, 0],
        [0, 0.1, 0.9, 0],
      ]);
      const y = tf.tensor1d([0, 0, 1, 1], 'int32');
      let last = Infinity;
      for (let i = 0; i < 30; i++) {
        const cost = opt.minimize(
          () => head.lossFn({ inputs: x, labels: y, size: 4 }, true),
          true,
          head.trainableVariables(),
        )!;
        last = cost.dataSync()[0];
        cost.dispose();
      }
      assert.ok(last < 0.1, `loss ${last}`);
      opt.dispose();
      head.dispose();
      tf.dispose([x, y]);
      assert.equal(tf.memory().numTensors, before);
    });
  });
}

void Dense;
