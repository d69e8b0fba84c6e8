/**
 * Interleaved A/B of matMul variants on the native backend, in one process (not a test):
 *   node --import tsx scripts/native/matmul-ab.ts
 * Variants per shape (A [M, K] @ op(B)): tf.matMul (TF.js's kernel: BatchMatMulV2), TensorFlow's raw
 * 'MatMul' op, each with B plain [K, N] and transposed ([N, K], transpose_b). Rounds alternate the
 * variants, so machine load hits them alike; prints median GFLOP/s of each, wall and per CPU-second
 * (process CPU time: robust to other processes' load, inflated by threads that spin while waiting).
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/index';

process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
await initBackend('tensorflow');
interface NodeBackend {
  binding: { TF_ATTR_BOOL: number; TF_ATTR_TYPE: number; TF_FLOAT: number };
  executeSingleOutput(name: string, attrs: unknown[], inputs: tf.Tensor[]): tf.Tensor;
}
const be = tf.backend() as unknown as NodeBackend;
const rawMatMul = (a: tf.Tensor, b: tf.Tensor, tb: boolean): tf.Tensor =>
  be.executeSingleOutput(
    'MatMul',
    [
      { name: 'T', type: be.binding.TF_ATTR_TYPE, value: be.binding.TF_FLOAT },
      { name: 'transpose_a', type: be.binding.TF_ATTR_BOOL, value: false },
      { name: 'transpose_b', type: be.binding.TF_ATTR_BOOL, value: tb },
    ],
    [a, b],
  );
const shapes = (process.env.SHAPES ?? '1024x768x768,1024x768x3072,1024x3072x768,2048x2048x2048').split(',');
const rounds = Number(process.env.ROUNDS ?? 7);
for (const s of shapes) {
  const [m, k, n] = s.split('x').map(Number);
  const a = tf.randomNormal([m, k], 0, 1, 'float32', 1);
  const b = tf.randomNormal([k, n], 0, 1, 'float32', 2);
  const bt = tf.transpose(b);
  const variants: Record<string, () => tf.Tensor> = {
    'tf.matMul': () => tf.matMul(a, b),
    'tf.matMul tB': () => tf.matMul(a, bt, false, true),
    'raw MatMul': () => rawMatMul(a, b, false),
    'raw MatMul tB': () => rawMatMul(a, bt, true),
  };
  const ms: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  const reps = Math.max(2, Math.round(2e9 / (2 * m * k * n)));
  for (let r = 0; r < rounds + 1; r++) {
    for (const [name, f] of Object.entries(variants)) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (let i = 0; i < reps; i++) {
        const c = f();
        c.dataSync();
        c.dispose();
      }
      const c1 = process.cpuUsage(c0);
      if (r > 0) (ms[name] ??= []).push((performance.now() - t0) / reps);
      if (r > 0) (cpu[name] ??= []).push((c1.user + c1.system) / 1000 / reps);
    }
  }
  const gf = (xs: number[]) => (2 * m * k * n) / [...xs].sort((x, y) => x - y)[xs.length >> 1] / 1e6;
  const line = Object.entries(ms).map(([nm, xs]) => `${nm} ${gf(xs).toFixed(0)} (${gf(cpu[nm]).toFixed(0)}/cpu-s)`);
  console.log(`${process.env.LABEL ?? ''} ${s}: ${line.join(' | ')} GFLOP/s`);
  tf.dispose([a, b, bt]);
}
