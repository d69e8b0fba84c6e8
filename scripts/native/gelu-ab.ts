/**
 * CPU time of GELU forward + backward, interleaved in one process (not a test): lib's gelu() (which keeps
 * its sigmoid / normal CDF on every backend but wasm) against the same GELU keeping only x (the wasm
 * path's backward). Checks that both give the same gradient.
 *   node --import tsx scripts/native/gelu-ab.ts [--backend tensorflow]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendChoice } from '../../lib/backend/index';
import { gelu } from '../../lib/model/fast-ops';

const { values } = parseArgs({ options: { backend: { type: 'string', default: 'tensorflow' } } });
await initBackend(values.backend as BackendChoice);
const A = 2 * Math.sqrt(2 / Math.PI);
const B = A * 0.044715;

/** The GELU keeping only x: its backward recomputes the sigmoid (tanh form) or the CDF (erf). */
function geluKeepingX(x: tf.Tensor, kind: 'tanh' | 'erf'): tf.Tensor {
  const op = tf.customGrad((...args: unknown[]) => {
    const [xi, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([xi]);
    const cdf = (v: tf.Tensor) =>
      kind === 'tanh' ? tf.sigmoid(v.square().mul(B).add(A).mul(v)) : tf.erf(v.mul(Math.SQRT1_2)).add(1).mul(0.5);
    return {
      value: tf.tidy(() => xi.mul(cdf(xi))),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const v = saved[0];
          const c = cdf(v);
          if (kind === 'tanh')
            return c.mul(
              dy.add(
                tf
                  .scalar(1)
                  .sub(c)
                  .mul(
                    dy.mul(v).mul(
                      v
                        .square()
                        .mul(3 * B)
                        .add(A),
                    ),
                  ),
              ),
            );
          return dy.mul(c.add(v.mul(tf.exp(v.square().mul(-0.5))).mul(1 / Math.sqrt(2 * Math.PI))));
        }),
    };
  });
  return op(x);
}

for (const [kind, width] of [
  ['tanh', 3072],
  ['erf', 1536],
] as const) {
  const x = tf.randomNormal([32, 32, width], 0, 1, 'float32', 1);
  const probe = tf.randomNormal([32, 32, width], 0, 1, 'float32', 2);
  const grad = (f: (v: tf.Tensor) => tf.Tensor) => tf.grad((v: tf.Tensor) => f(v).mul(probe).sum())(x);
  const variants = {
    'lib gelu': (v: tf.Tensor) => gelu(v, kind),
    'keeping x only': (v: tf.Tensor) => geluKeepingX(v, kind),
  };
  const [g1, g2] = [grad(variants['lib gelu']), grad(variants['keeping x only'])];
  const diff = tf.max(tf.abs(g1.sub(g2))).dataSync()[0];
  const cpu: Record<string, number[]> = { 'lib gelu': [], 'keeping x only': [] };
  for (let r = 0; r < 8; r++) {
    for (const [name, f] of Object.entries(variants)) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < 5; i++) {
        const g = grad(f);
        g.dataSync();
        g.dispose();
      }
      const c = process.cpuUsage(c0);
      if (r > 0) cpu[name].push((c.user + c.system) / 5000);
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log(
    `${kind} [32, 32, ${width}] forward + backward CPU ms (median of 7 x 5): ` +
      Object.entries(cpu)
        .map(([n, xs]) => `${n} ${med(xs).toFixed(1)}`)
        .join(', ') +
      `; max |gradient difference| ${diff}`,
  );
  tf.dispose([x, probe, g1, g2]);
}
