/** Gradients flow through the encoder (trainable) and not into it (frozen); dropout only in training. */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { loadEncoder, saveEncoder } from '../../lib/model/load';
import { buildEncoder } from '../../lib/model/encoder';
import { parseConfig } from '../../lib/model/config';
import type { TokenBatch } from '../../lib/model/types';
import { TEST_BACKENDS } from '../helpers/backends';

const FIX = join(import.meta.dirname, '..', 'fixtures');
const SHARED_LAYER = 'encoder.albert_layer_groups.0.albert_layers.0.ffn.weight';
const WORDS = 'embeddings.word_embeddings.weight';

function batch(): TokenBatch {
  const g = JSON.parse(readFileSync(join(FIX, 'tiny-albert', 'golden_outputs.json'), 'utf8'));
  return {
    inputIds: tf.tensor2d(g.input_ids, undefined, 'int32'),
    attentionMask: tf.tensor2d(g.attention_mask, undefined, 'int32'),
    tokenTypeIds: tf.tensor2d(g.token_type_ids, undefined, 'int32'),
  };
}
const disposeBatch = (b: TokenBatch) => tf.dispose([b.inputIds, b.attentionMask, b.tokenTypeIds]);

async function snapshot(vars: Map<string, tf.Variable>, names: string[]): Promise<Float32Array[]> {
  return Promise.all(names.map(async (n) => (await vars.get(n)!.data()) as Float32Array));
}

for (const backend of TEST_BACKENDS) {
  describe(`training on ${backend}`, () => {
    before(async () => {
      await initBackend(backend);
    });

    for (const pooling of ['pooler', 'mean'] as const) {
      test(`one Adam step changes the shared layer and the word embeddings (pooling ${pooling}); no leaks`, async () => {
        const enc = await loadEncoder(join(FIX, 'tiny-albert'), { pooling });
        const b = batch();
        const names = [
          SHARED_LAYER,
          WORDS,
          'encoder.embedding_hidden_mapping_in.weight',
          'embeddings.position_embeddings.weight',
        ];
        const beforeVals = await snapshot(enc.weights, names);
        const opt = tf.train.adam(1e-3);
        const n0 = tf.memory().numTensors;
        const loss = opt.minimize(
          () => enc.embed(b, { training: true }).sub(0.3).square().mean() as tf.Scalar,
          true,
          enc.trainableVariables(),
        );
        loss?.dispose();
        const afterVals = await snapshot(enc.weights, names);
        names.forEach((n, i) => assert.notDeepEqual(afterVals[i], beforeVals[i], `${n} changed`));
        // Only rows of tokens in the batch get word-embedding gradients, but Adam moves exactly those rows.
        const row = (a: Float32Array, r: number) => Array.from(a.subarray(r * 16, (r + 1) * 16));
        assert.notDeepEqual(row(afterVals[1], 10975), row(beforeVals[1], 10975), 'row of a batch token moved');
        assert.deepEqual(row(afterVals[1], 5000), row(beforeVals[1], 5000), 'row of an absent token unchanged');
        // Adam's two slots per variable are the only new tensors.
        assert.equal(tf.memory().numTensors - n0, 2 * enc.weights.size);
        opt.dispose();
        disposeBatch(b);
        enc.dispose();
      });
    }

    test('a frozen encoder exposes no variables and stays bit-identical while a head on top trains', async () => {
      const enc = await loadEncoder(join(FIX, 'tiny-albert'), { trainable: false });
      assert.deepEqual(enc.trainableVariables(), []);
      const b = batch();
      const names = [...enc.weights.keys()];
      const beforeVals = await snapshot(enc.weights, names);
      const head = tf.variable(tf.randomNormal([32, 3], 0, 0.1, 'float32', 7));
      const headBefore = await head.data();
      const opt = tf.train.adam(1e-2);
      // No varList: Adam takes every registered trainable variable; the frozen encoder's are not.
      opt.minimize(
        () =>
          tf
            .matMul(enc.embed(b, { training: true }), head)
            .square()
            .mean() as tf.Scalar,
      );
      assert.notDeepEqual(await head.data(), headBefore, 'the head trained');
      const afterVals = await snapshot(enc.weights, names);
      names.forEach((n, i) => assert.deepEqual(Buffer.from(afterVals[i].buffer), Buffer.from(beforeVals[i].buffer), n));
      // Unfreezing exposes them again.
      enc.trainable = true;
      assert.equal(enc.trainableVariables().length, names.length);
      opt.dispose();
      head.dispose();
      disposeBatch(b);
      enc.dispose();
    });

    test('a fine-tuned encoder saved and reloaded gives identical outputs', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'ft-'));
      try {
        const enc = await loadEncoder(join(FIX, 'tiny-albert'), { pooling: 'mean' });
        const b = batch();
        const opt = tf.train.adam(1e-2);
        opt.minimize(() => enc.embed(b).sum() as tf.Scalar, false, enc.trainableVariables());
        opt.dispose();
        await saveEncoder(enc, dir);
        const again = await loadEncoder(dir, { pooling: 'mean' });
        const o1 = enc.forward(b, { outputHiddenStates: true });
        const o2 = again.forward(b, { outputHiddenStates: true });
        assert.deepEqual(await o2.lastHiddenState.data(), await o1.lastHiddenState.data());
        assert.deepEqual(await o2.pooledOutput.data(), await o1.pooledOutput.data());
        const e1 = enc.embed(b);
        const e2 = again.embed(b);
        assert.deepEqual(await e2.data(), await e1.data());
        tf.dispose([
          o1.lastHiddenState,
          o1.pooledOutput,
          ...o1.hiddenStates!,
          o2.lastHiddenState,
          o2.pooledOutput,
          ...o2.hiddenStates!,
          e1,
          e2,
        ]);
        disposeBatch(b);
        enc.dispose();
        again.dispose();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    test('dropout applies only when training, with masks from the seed (same seed, same masks)', async () => {
      const cfg = parseConfig({
        ...JSON.parse(readFileSync(join(FIX, 'tiny-albert', 'config.json'), 'utf8')),
        hidden_dropout_prob: 0.3,
        attention_probs_dropout_prob: 0.3,
      });
      const enc = buildEncoder(cfg, { seed: 1, pooling: 'cls' });
      const b = batch();
      const n0 = tf.memory().numTensors;
      const [i1, i2, t1] = [enc.embed(b), enc.embed(b), enc.embed(b, { training: true, seed: 'a:0' })];
      assert.deepEqual(await i1.data(), await i2.data());
      assert.notDeepEqual(await t1.data(), await i1.data());
      const t2 = enc.embed(b, { training: true, seed: 'a:0' });
      const t3 = enc.embed(b, { training: true, seed: 'a:1' });
      assert.deepEqual(await t2.data(), await t1.data(), 'the same seed gives the same masks');
      assert.notDeepEqual(await t3.data(), await t1.data(), 'another seed gives other masks');
      assert.throws(
        () => enc.embed(b, { training: true }),
        /TransformerEncoder\.embed: 'seed' must be given when training with dropout \(rate 0\.3\); got undefined/,
      );
      tf.dispose([i1, i2, t1, t2, t3]);
      assert.equal(tf.memory().numTensors, n0);
      disposeBatch(b);
      enc.dispose();
    });
  });
}
