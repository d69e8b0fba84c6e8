import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { readSafetensors, writeSafetensors, type NamedArray } from '../../lib/io/safetensors';
import { loadEncoder, saveEncoder } from '../../lib/model/load';

const FIX = join(import.meta.dirname, '..', 'fixtures');
let tmp: string;

before(async () => {
  await initBackend('cpu');
  tmp = await mkdtemp(join(tmpdir(), 'load-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function folderWith(name: string, edit: (m: Map<string, NamedArray>) => void): Promise<string> {
  const dir = join(tmp, name);
  const arrays = await readSafetensors(join(FIX, 'tiny-albert', 'model.safetensors'));
  edit(arrays);
  await mkdir(dir, { recursive: true });
  await writeSafetensors(join(dir, 'model.safetensors'), arrays);
  await copyFile(join(FIX, 'tiny-albert', 'config.json'), join(dir, 'config.json'));
  return dir;
}

describe('loadEncoder checkpoint checks', () => {
  test('one error names every missing, unexpected and mis-shaped tensor, and nothing leaks', async () => {
    const dir = await folderWith('broken', (m) => {
      m.delete('encoder.albert_layer_groups.0.albert_layers.0.ffn.bias');
      m.delete('pooler.weight');
      const w = m.get('encoder.embedding_hidden_mapping_in.weight')!;
      m.set(w.name, { ...w, shape: [16, 32] });
      m.set('encoder.extra.weight', {
        name: 'encoder.extra.weight',
        dtype: 'F32',
        shape: [2],
        data: new Float32Array(2),
      });
    });
    const before = tf.memory().numTensors;
    await assert.rejects(loadEncoder(dir), (e: Error) => {
      assert.match(
        e.message,
        /^loadEncoder: checkpoint '.*broken\/model.safetensors' does not match the albert config/,
      );
      assert.match(e.message, /missing \(2\): encoder.albert_layer_groups.0.albert_layers.0.ffn.bias, pooler.weight/);
      assert.match(e.message, /unexpected \(1\): encoder.extra.weight/);
      assert.match(
        e.message,
        /mis-shaped \(1\): encoder.embedding_hidden_mapping_in.weight expected F32 \[32,16\] got F32 \[16,32\]/,
      );
      return true;
    });
    assert.equal(tf.memory().numTensors, before);
  });

  test('accepts an AlbertForMaskedLM-style checkpoint: albert. prefix, predictions.* head, position_ids buffer', async () => {
    const dir = await folderWith('prefixed', (m) => {
      for (const [k, v] of [...m]) {
        m.delete(k);
        m.set(`albert.${k}`, { ...v, name: `albert.${k}` });
      }
      m.set('predictions.bias', {
        name: 'predictions.bias',
        dtype: 'F32',
        shape: [30000],
        data: new Float32Array(30000),
      });
      m.set('albert.embeddings.position_ids', {
        name: 'albert.embeddings.position_ids',
        dtype: 'I32',
        shape: [1, 64],
        data: new Int32Array(64),
      });
    });
    const enc = await loadEncoder(dir);
    const ref = await loadEncoder(join(FIX, 'tiny-albert'));
    assert.deepEqual([...enc.weights.keys()], [...ref.weights.keys()]);
    assert.deepEqual(await enc.weights.get('pooler.weight')!.data(), await ref.weights.get('pooler.weight')!.data());
    enc.dispose();
    ref.dispose();
  });

  test('a folder without model.safetensors, a bad pooling and a non-folder non-id source are clear errors', async () => {
    await assert.rejects(
      loadEncoder(join(FIX, 'tiny-albert'), { pooling: 'max' as never }),
      /loadEncoder: 'pooling' must be one of pooler, cls, mean; got "max"/,
    );
    await assert.rejects(loadEncoder(FIX), /lacks config.json and model.safetensors/);
    await assert.rejects(loadEncoder('./no/such/../dir'), /must be an existing folder or a hub id/);
  });
});

describe('saveEncoder', () => {
  test('writes HF layout (config.json + model.safetensors with the same keys) and reloads bit-identical weights', async () => {
    const enc = await loadEncoder(join(FIX, 'tiny-bert'));
    const out = join(tmp, 'saved-bert');
    await saveEncoder(enc, out);
    const cfg = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    assert.equal(cfg.model_type, 'bert');
    assert.equal(cfg.hidden_size, 32);
    const orig = await readSafetensors(join(FIX, 'tiny-bert', 'model.safetensors'));
    const saved = await readSafetensors(join(out, 'model.safetensors'));
    assert.deepEqual([...saved.keys()].sort(), [...orig.keys()].sort());
    for (const [k, a] of orig) assert.deepEqual(saved.get(k)!.data, a.data, k);
    enc.dispose();
  });
});
