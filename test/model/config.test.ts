import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { parseConfig, toHfConfig } from '../../lib/model/config';
import { encoderLayout, layoutSize, normaliseCheckpointKey } from '../../lib/model/layout';
import { buildEncoder } from '../../lib/model/encoder';
import { initBackend } from '../../lib/backend';

const FIX = join(import.meta.dirname, '..', 'fixtures');
const readJson = (p: string) => JSON.parse(readFileSync(join(FIX, p), 'utf8')) as Record<string, unknown>;

describe('config and layout', () => {
  test('albert-base-v2 config gives exactly the reference names and shapes (11,683,584 parameters), without allocating', () => {
    const config = parseConfig(readJson('albert-base-v2-config.json'));
    assert.equal(config.embeddingSize, 128);
    assert.equal(config.hiddenAct, 'gelu_new');
    const layout = encoderLayout(config);
    const want = readJson('albert-base-v2-layout.json').parameters as Record<string, number[]>;
    assert.deepEqual(Object.fromEntries(layout), want);
    assert.equal(layoutSize(layout), 11_683_584);
  });

  test('building albert-base-v2 allocates one variable per layout entry with those shapes', async () => {
    await initBackend('cpu');
    const before = tf.memory().numTensors;
    const enc = buildEncoder(parseConfig(readJson('albert-base-v2-config.json')), { init: 'zeros', trainable: false });
    const want = readJson('albert-base-v2-layout.json').parameters as Record<string, number[]>;
    assert.deepEqual(Object.fromEntries([...enc.weights].map(([k, v]) => [k, v.shape])), want);
    assert.equal(enc.hiddenSize, 768);
    assert.deepEqual(enc.trainableVariables(), []);
    enc.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test('BERT config: embedding size = hidden size, gelu default, pooler.dense layout', () => {
    const c = parseConfig(readJson('tiny-bert/config.json'));
    assert.equal(c.modelType, 'bert');
    assert.equal(c.embeddingSize, 32);
    assert.equal(c.hiddenAct, 'gelu');
    const layout = encoderLayout(c);
    assert.deepEqual(layout.get('pooler.dense.weight'), [32, 32]);
    assert.deepEqual(layout.get('encoder.layer.1.intermediate.dense.weight'), [48, 32]);
    assert.equal(layout.size, 5 + 2 * 16 + 2);
  });

  test('toHfConfig round-trips through parseConfig and keeps unknown fields', () => {
    for (const f of ['tiny-albert/config.json', 'tiny-bert/config.json', 'albert-base-v2-config.json']) {
      const c = parseConfig(readJson(f));
      const hf = toHfConfig(c);
      assert.deepEqual(parseConfig(hf), c, f);
      if (c.modelType === 'bert') assert.equal(hf.embedding_size, undefined);
    }
    assert.equal(toHfConfig(parseConfig(readJson('albert-base-v2-config.json'))).down_scale_factor, 1);
  });

  test('rejects unknown model types and bad fields with clear errors', () => {
    const base = readJson('tiny-albert/config.json');
    assert.throws(
      () => parseConfig({ ...base, model_type: 'roberta' }),
      /parseConfig: 'model_type' must be one of albert, bert .*; got "roberta"/,
    );
    assert.throws(() => parseConfig({ ...base, hidden_act: 'mish' }), /'hidden_act' must be one of .*; got "mish"/);
    assert.throws(
      () => parseConfig({ ...base, num_attention_heads: 5 }),
      /'hidden_size' \(32\) must be divisible by 'num_attention_heads' \(5\)/,
    );
    assert.throws(
      () => parseConfig({ ...base, hidden_dropout_prob: 1.5 }),
      /'hidden_dropout_prob' must be a number in \[0, 1\); got 1.5/,
    );
    assert.throws(
      () => parseConfig({ ...base, position_embedding_type: 'relative_key' }),
      /'position_embedding_type' must be 'absolute'/,
    );
  });

  test('checkpoint keys: model prefixes, TF-era gamma/beta, buffers and task heads', () => {
    assert.deepEqual(normaliseCheckpointKey('albert.pooler.weight', 'albert'), { name: 'pooler.weight' });
    assert.deepEqual(normaliseCheckpointKey('bert.encoder.layer.0.output.LayerNorm.gamma', 'bert'), {
      name: 'encoder.layer.0.output.LayerNorm.weight',
    });
    assert.ok('ignored' in normaliseCheckpointKey('predictions.decoder.bias', 'albert'));
    assert.ok('ignored' in normaliseCheckpointKey('cls.predictions.bias', 'bert'));
    assert.ok('ignored' in normaliseCheckpointKey('embeddings.position_ids', 'bert'));
    assert.deepEqual(normaliseCheckpointKey('predictions.x', 'bert'), { ignored: "task head 'predictions.x'" });
  });
});

describe('random init', () => {
  test('the same seed (0 included) gives the same weights; another seed others; a bad seed is rejected', async () => {
    await initBackend('cpu');
    const cfg = parseConfig(JSON.parse(readFileSync(join(FIX, 'tiny-albert', 'config.json'), 'utf8')));
    const values = async (seed: number) => {
      const enc = buildEncoder(cfg, { seed, trainable: false });
      const out = await Promise.all([...enc.weights.values()].slice(0, 3).map(async (v) => Array.from(await v.data())));
      enc.dispose();
      return out;
    };
    assert.deepEqual(await values(0), await values(0));
    assert.notDeepEqual(await values(0), await values(1));
    assert.throws(() => buildEncoder(cfg, { seed: -1 }), /'seed' must be a non-negative integer; got -1/);
  });
});
