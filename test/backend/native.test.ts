/**
 * The native `tensorflow` backend built by `npm run setup:native` (tfjs-node
 * against the TensorFlow wheel's libtensorflow): how the chooser finds it, that
 * everything falls back to wasm without it, and — when it is built — that it
 * computes what `cpu` computes.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { findLocalNative, initBackend, LOCAL_NATIVE_DIR } from '../../lib/backend';

const ROOT = resolve(import.meta.dirname, '../..');

describe('findLocalNative', () => {
  test('walks up from a subfolder to <root>/.cache/native/.../tfjs-node, else undefined', (t) => {
    const saved = process.env.SIAMESE_TFJS_NODE;
    delete process.env.SIAMESE_TFJS_NODE;
    t.after(() => {
      if (saved !== undefined) process.env.SIAMESE_TFJS_NODE = saved;
    });
    const dir = mkdtempSync(join(tmpdir(), 'native-find-'));
    try {
      const deep = join(dir, 'a', 'b');
      mkdirSync(deep, { recursive: true });
      assert.equal(findLocalNative(deep), undefined);
      mkdirSync(join(dir, LOCAL_NATIVE_DIR), { recursive: true });
      writeFileSync(join(dir, LOCAL_NATIVE_DIR, 'package.json'), '{}');
      assert.equal(findLocalNative(deep), join(dir, LOCAL_NATIVE_DIR));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('SIAMESE_TFJS_NODE overrides the search', (t) => {
    const saved = process.env.SIAMESE_TFJS_NODE;
    t.after(() => {
      if (saved === undefined) delete process.env.SIAMESE_TFJS_NODE;
      else process.env.SIAMESE_TFJS_NODE = saved;
    });
    process.env.SIAMESE_TFJS_NODE = 'some/where';
    assert.equal(findLocalNative('/'), resolve('some/where'));
  });
});

test('without a native build: explicit tensorflow is an error naming setup:native, auto falls back to wasm', () => {
  // A fresh process, so no native module is loaded yet; the build is hidden by pointing at a missing folder.
  const script = `
    import { initBackend } from './lib/backend';
    const msg = await initBackend('tensorflow').then(() => 'loaded', (e) => e.message);
    const info = await initBackend('auto');
    console.log(JSON.stringify({ msg, name: info.name, skipped: info.skipped }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SIAMESE_TFJS_NODE: join(tmpdir(), 'no-such-tfjs-node') },
  });
  const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { msg: string; name: string; skipped: string[] };
  assert.match(
    r.msg,
    /^initBackend: backend 'tensorflow' is not available: .*Run 'npm run setup:native' or choose 'wasm'\.$/,
  );
  assert.equal(r.name, 'wasm');
  assert.ok(
    r.skipped.some((s) => s.includes('no-such-tfjs-node')),
    `skipped: ${r.skipped.join('; ')}`,
  );
});

const local = findLocalNative(ROOT);
const skip =
  local && existsSync(join(local, 'lib'))
    ? false
    : `no native build at ${local ?? join(ROOT, LOCAL_NATIVE_DIR)}: run 'npm run setup:native' to test the tensorflow backend`;

describe('native tensorflow backend (setup:native build)', { skip }, () => {
  /** Runs `fn` on `backend`, returns its values and checks no tensor leaked. */
  async function on(backend: 'tensorflow' | 'cpu', fn: () => tf.Tensor): Promise<Float32Array> {
    const info = await initBackend(backend);
    assert.equal(tf.getBackend(), backend);
    if (backend === 'tensorflow') assert.match(info.provider, /local build|tfjs-node/);
    const before = tf.memory().numTensors;
    const t = fn();
    const v = (await t.data()) as Float32Array;
    t.dispose();
    assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
    return v;
  }

  function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
    assert.equal(a.length, b.length);
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }

  test('matMul + softmax + layerNorm-like chain equals cpu within 1e-5', async () => {
    const fn = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([8, 48], 0, 1, 'float32', 7);
        const w = tf.randomNormal([48, 16], 0, 0.2, 'float32', 8);
        const h = tf.matMul(x, w); // [8, 16]
        const { mean, variance } = tf.moments(h, -1, true);
        return tf.softmax(h.sub(mean).div(variance.add(1e-6).sqrt()));
      });
    const native = await on('tensorflow', fn);
    const cpu = await on('cpu', fn);
    const d = maxAbsDiff(native, cpu);
    assert.ok(d <= 1e-5, `max abs diff ${d}`);
  });

  test('gather gradient (embedding training path) equals the expected sums exactly', async () => {
    const g = await on('tensorflow', () =>
      tf.tidy(() => {
        const table = tf.tensor2d([
          [1, 2],
          [3, 4],
          [5, 6],
        ]);
        const ids = tf.tensor1d([2, 0, 2], 'int32');
        return tf.grad((t: tf.Tensor) =>
          tf
            .gather(t, ids)
            .mul(tf.tensor1d([1, 10]))
            .sum(),
        )(table);
      }),
    );
    assert.deepEqual([...g], [1, 10, 0, 0, 2, 20]);
  });

  test('Adam step on a dense layer equals cpu within 1e-5', async () => {
    const step = () =>
      tf.tidy(() => {
        const w = tf.variable(tf.randomNormal([6, 3], 0, 0.5, 'float32', 3));
        const x = tf.randomNormal([5, 6], 0, 1, 'float32', 4);
        const opt = tf.train.adam(0.01);
        for (let i = 0; i < 3; i++) opt.minimize(() => tf.matMul(x, w).relu().square().mean() as tf.Scalar);
        const out = tf.clone(w);
        opt.dispose();
        w.dispose();
        return out;
      });
    const native = await on('tensorflow', step);
    const cpu = await on('cpu', step);
    const d = maxAbsDiff(native, cpu);
    assert.ok(d <= 1e-5, `max abs diff ${d}`);
  });
});
