/**
 * matMul throughput of the active backend for the shapes an ALBERT-base step runs (not a test).
 * Compare TensorFlow settings by running it under different environments, interleaved, e.g.
 *   for i in 1 2 3; do for v in 0 1; do TF_ENABLE_ONEDNN_OPTS=$v LABEL=onednn=$v \
 *     node --import tsx scripts/native/matmul-probe.ts; done; done
 * Prints one line: LABEL, then GFLOP/s (median) per shape M x K x N (A [M, K] @ B [K, N]; a `t`
 * suffix transposes B as the encoder's linear layers do: B stored [N, K]).
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/index';

process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
const info = await initBackend((process.env.BACKEND as 'tensorflow' | undefined) ?? 'tensorflow');
const shapes = (process.env.SHAPES ?? '2048x2048x2048,1024x768x768t,1024x768x3072t,1024x3072x768t').split(',');
const out: string[] = [];
for (const s of shapes) {
  const tb = s.endsWith('t');
  const [m, k, n] = s.replace(/t$/, '').split('x').map(Number);
  const a = tf.randomNormal([m, k], 0, 1, 'float32', 1);
  const b = tf.randomNormal(tb ? [n, k] : [k, n], 0, 1, 'float32', 2);
  const run = (): void => {
    const c = tf.matMul(a, b, false, tb);
    c.dataSync();
    c.dispose();
  };
  for (let i = 0; i < 3; i++) run();
  const reps = Math.max(5, Math.round(1e10 / (2 * m * k * n)));
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    run();
    ms.push(performance.now() - t0);
  }
  ms.sort((x, y) => x - y);
  out.push(`${s} ${((2 * m * k * n) / ms[Math.floor(ms.length / 2)] / 1e6).toFixed(0)}`);
  tf.dispose([a, b]);
}
console.log(`${process.env.LABEL ?? info.name}: ${out.join(' | ')} GFLOP/s`);
