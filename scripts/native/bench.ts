/**
 * Quick throughput check of one backend (used to compare wasm with the
 * setup:native tensorflow backend; run each backend in its own process, and to A/B two
 * versions of lib/ with scripts/native/ab.sh):
 *   node --import tsx scripts/native/bench.ts --backend tensorflow [--steps 3] [--no-train] [--no-matmul]
 * Reports the median of `--steps` timed runs after one warm-up for
 *   - matMul [768, 768] @ [768, 2048] (2.42 GFLOP),
 *   - an ALBERT-base (random init) siamese training step: pooled output -> Dense 64 relu
 *     -> Dense 64 -> L2, batch semi-hard triplet loss, Adam; 32 tokens x batch 32.
 * Besides wall time, each step's process CPU time (user + system) and minor page faults: other
 * processes' load does not add to them, so they compare the work two versions do on a busy machine.
 * Prints one JSON line at the end. Not a test: nothing here asserts timings.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend, type BackendChoice } from '../../lib/backend/index';
import { parseConfig } from '../../lib/model/config';
import { buildEncoder } from '../../lib/model/encoder';
import type { TokenBatch } from '../../lib/model/types';
import { SiameseModel } from '../../lib/heads/siamese';
import albertBaseConfig from '../../test/fixtures/albert-base-v2-config.json';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'auto' },
    steps: { type: 'string', default: '3' },
    tokens: { type: 'string', default: '32' },
    batch: { type: 'string', default: '32' },
    'no-train': { type: 'boolean', default: false },
    'no-matmul': { type: 'boolean', default: false },
  },
});
const steps = Number(values.steps);
const T = Number(values.tokens);
const B = Number(values.batch);
for (const [name, v] of [
  ['steps', steps],
  ['tokens', T],
  ['batch', B],
] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`bench: '--${name}' must be a positive integer; got ${v}.`);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeIt(
  label: string,
  fn: () => Promise<void>,
): Promise<{ wall: number; cpu: number; sys: number; faults: number }> {
  await fn(); // warm-up (kernel compilation, allocations)
  const ms: number[] = [];
  const cpu: number[] = [];
  const sys: number[] = [];
  const faults: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const r0 = process.resourceUsage();
    await fn();
    const r1 = process.resourceUsage();
    ms.push(performance.now() - t0);
    cpu.push((r1.userCPUTime + r1.systemCPUTime - r0.userCPUTime - r0.systemCPUTime) / 1000);
    sys.push((r1.systemCPUTime - r0.systemCPUTime) / 1000);
    faults.push(r1.minorPageFault - r0.minorPageFault);
  }
  console.log(
    `${label}: ${ms.map((m) => m.toFixed(0)).join(', ')} ms -> median ${median(ms).toFixed(0)} ms; ` +
      `CPU ${cpu.map((m) => m.toFixed(0)).join(', ')} ms (system ${sys.map((m) => m.toFixed(0)).join(', ')}); ` +
      `minor page faults ${faults.join(', ')}`,
  );
  return { wall: median(ms), cpu: median(cpu), sys: median(sys), faults: median(faults) };
}

const info = await initBackend(values.backend as BackendChoice);
console.log(`backend: ${describeBackend(info)}`);

const result: Record<string, unknown> = { backend: info.name, provider: info.provider };
if (!values['no-matmul']) {
  const a = tf.randomNormal([768, 768], 0, 1, 'float32', 1);
  const b = tf.randomNormal([768, 2048], 0, 1, 'float32', 2);
  const { wall: matMulMs } = await timeIt('matMul 768x768 @ 768x2048', async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  });
  tf.dispose([a, b]);
  Object.assign(result, { matMulMs, matMulGflops: (2 * 768 * 768 * 2048) / (matMulMs * 1e6) });
}

if (!values['no-train']) {
  const encoder = buildEncoder(parseConfig(albertBaseConfig as Record<string, unknown>), { seed: 1 });
  const model = new SiameseModel(encoder);
  const opt = tf.train.adam(1e-5);
  const ids = Array.from({ length: B * T }, (_, i) => 5 + ((i * 7919) % 29990));
  const tokens: TokenBatch = {
    inputIds: tf.tensor2d(ids, [B, T], 'int32'),
    attentionMask: tf.ones([B, T], 'int32') as tf.Tensor2D,
    tokenTypeIds: tf.zeros([B, T], 'int32') as tf.Tensor2D,
  };
  const labels = tf.tensor1d(
    Array.from({ length: B }, (_, i) => i % 8),
    'int32',
  ); // 8 classes x 4
  const batch = { inputs: tokens, labels, size: B };
  let lastLoss = Number.NaN;
  const step = await timeIt(`ALBERT-base siamese train step ${B}x${T}`, async () => {
    const loss = opt.minimize(() => model.lossFn(batch, true), true, model.trainableVariables());
    lastLoss = (await loss!.data())[0];
    loss?.dispose();
  });
  Object.assign(result, {
    trainStepMs: step.wall,
    trainStepCpuMs: step.cpu,
    trainStepSystemMs: step.sys,
    trainStepMinorFaults: step.faults,
    trainSamplesPerS: B / (step.wall / 1000),
    lastLoss,
    tokens: T,
    batch: B,
  });
  tf.dispose([tokens.inputIds, tokens.attentionMask, tokens.tokenTypeIds, labels]);
  opt.dispose();
  model.dispose();
}
console.log(JSON.stringify(result));
