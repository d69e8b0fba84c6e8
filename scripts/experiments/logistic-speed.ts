/**
 * Wall time of fitLogisticRegression at the study's scale: 200,000 rows × 384 features × 41 classes (synthetic,
 * seeded: class means N(0, 0.05²) plus N(0, 1) noise, float32), C = 1, tol 1e-4, on the given backend.
 *   nice -n 5 npx tsx scripts/experiments/logistic-speed.ts [--rows 200000] [--backend tensorflow] [--repeats 1] [--dump DIR]
 * --dump writes the features for the scikit-learn peer (scripts/experiments/sklearn_heads.py DIR/speed-features).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, type BackendChoice } from '../../lib/backend/index';
import { makeRandom } from '../../lib/data/rng';
import { fitLogisticRegression } from '../../lib/heads/logistic';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    cols: { type: 'string', default: '384' },
    classes: { type: 'string', default: '41' },
    backend: { type: 'string', default: 'tensorflow' },
    repeats: { type: 'string', default: '1' },
    dump: { type: 'string' },
  },
});
const n = Number(values.rows),
  d = Number(values.cols),
  k = Number(values.classes);
const info = await initBackend(values.backend as BackendChoice);
const random = makeRandom('logistic-speed');
const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const means = Float32Array.from({ length: k * d }, () => 0.05 * gauss());
const labels = Int32Array.from({ length: n }, (_, i) => i % k);
const data = new Float32Array(n * d);
for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = means[labels[i] * d + j] + gauss();
const features = { data, rows: n, cols: d };
const train = Int32Array.from({ length: Math.floor(n * 0.8) }, (_, i) => i);
if (values.dump) {
  mkdirSync(values.dump, { recursive: true });
  writeFileSync(join(values.dump, 'speed-features.f32'), Buffer.from(data.buffer));
  const val = Array.from({ length: n - train.length }, (_, i) => train.length + i);
  writeFileSync(
    join(values.dump, 'speed-features.json'),
    JSON.stringify({ rows: n, cols: d, labels: Array.from(labels), train: Array.from(train), val }),
  );
}
for (let r = 0; r < Number(values.repeats); r++) {
  const t0 = performance.now();
  const m = await fitLogisticRegression(features, labels.subarray(0, train.length), { rows: train });
  const s = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      backend: info.name,
      rows: train.length,
      cols: d,
      classes: k,
      fit: m.describe(),
      evaluations: m.report.evaluations,
      seconds: Number(s.toFixed(1)),
      secondsPerEvaluation: Number((s / m.report.evaluations).toFixed(3)),
    }),
  );
}
