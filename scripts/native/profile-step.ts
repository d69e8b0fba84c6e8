/**
 * Where an ALBERT-base siamese training step spends its time, by TF.js kernel (not a test):
 *   node --import tsx scripts/native/profile-step.ts [--backend tensorflow] [--tokens 32] [--batch 32]
 * One warm-up step, then one step under tf.profile; prints kernels grouped by name (calls, total ms,
 * share) and the slowest (kernel, input shapes) groups. Kernel times include the binding's dispatch.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendChoice } from '../../lib/backend/index';
import { TrainingBench, syntheticBatch } from '../../lib/bench/workloads';
import { parseConfig } from '../../lib/model/config';
import { buildEncoder } from '../../lib/model/encoder';
import albertBaseConfig from '../../test/fixtures/albert-base-v2-config.json';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'tensorflow' },
    tokens: { type: 'string', default: '32' },
    batch: { type: 'string', default: '32' },
    top: { type: 'string', default: '25' },
  },
});
await initBackend(values.backend as BackendChoice);
const config = parseConfig(albertBaseConfig as Record<string, unknown>);
const bench = new TrainingBench(
  buildEncoder(config, { seed: 1 }),
  syntheticBatch(Number(values.batch), Number(values.tokens), config.vocabSize, 2),
);
await bench.step();
const t0 = performance.now();
const info = await tf.profile(async () => {
  await bench.step();
});
const wallMs = performance.now() - t0;
const byName = new Map<string, { n: number; ms: number }>();
const byShape = new Map<string, { n: number; ms: number }>();
let total = 0;
for (const k of info.kernels) {
  const ms = k.kernelTimeMs as number;
  total += ms;
  const a = byName.get(k.name) ?? { n: 0, ms: 0 };
  byName.set(k.name, { n: a.n + 1, ms: a.ms + ms });
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  const b = byShape.get(key) ?? { n: 0, ms: 0 };
  byShape.set(key, { n: b.n + 1, ms: b.ms + ms });
}
const top = Number(values.top);
console.log(
  `step under profile: ${wallMs.toFixed(0)} ms wall, ${info.kernels.length} kernels, ${total.toFixed(0)} ms in kernels`,
);
console.log('by kernel: name calls ms share');
for (const [name, v] of [...byName].sort((x, y) => y[1].ms - x[1].ms).slice(0, top))
  console.log(
    `  ${name.padEnd(22)} ${String(v.n).padStart(5)} ${v.ms.toFixed(0).padStart(7)} ${((100 * v.ms) / total).toFixed(1)}%`,
  );
console.log('by kernel and input shapes:');
for (const [key, v] of [...byShape].sort((x, y) => y[1].ms - x[1].ms).slice(0, top))
  console.log(
    `  ${String(v.n).padStart(4)} x ${(v.ms / v.n).toFixed(2).padStart(8)} ms = ${v.ms.toFixed(0).padStart(6)}  ${key}`,
  );
bench.dispose();
