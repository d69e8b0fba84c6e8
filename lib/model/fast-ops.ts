/**
 * The encoder's heavy ops with hand-written gradients (tf.customGrad), for speed and memory.
 *
 * Why (measured, see docs/performance.md):
 * - On the wasm backend (4.22), a matMul with `transposeA` or `transposeB` is ~10x slower than
 *   a plain one ([256, 768] x [3072, 768]^T: 1.7 vs 20 GFLOP/s), and TF.js's own matMul gradient
 *   always uses transposed products. These ops run only plain matMuls on wasm, transposing
 *   operands explicitly (a memory-bound copy); other backends keep the transposed products.
 * - Autodiff of GELU and LayerNorm keeps every elementwise intermediate for the backward pass
 *   (about eight [B, T, 3072] tensors per layer for gelu_new). GELU keeps only its input, LayerNorm
 *   its normalised input and 1/std (as much memory as its input).
 * - Every elementwise op is one pass over memory and one kernel dispatch: the tanh GELU is written as
 *   x sigmoid(x (A + B x^2)) and LayerNorm's backward reuses the forward's xhat, which cuts their passes
 *   by a third (forward 9 -> 6 and backward 18 -> 13 for the tanh GELU, 9 where it also keeps its sigmoid;
 *   backward 16 -> 11 for LayerNorm; the exact GELU's backward 11 -> 7 where it keeps its CDF).
 *
 * Forward values are the same functions (float32 rounding aside); gradients are the analytic
 * derivatives (equal to autodiff's within float rounding: test/model/fast-ops.test.ts).
 */
import * as tf from '@tensorflow/tfjs';

/** True when plain matMuls plus explicit transposes beat transposed matMuls (the wasm backend). */
export function preferExplicitTranspose(): boolean {
  return tf.getBackend() === 'wasm';
}

/** Swap the last two axes: [..., M, N] -> [..., N, M]. */
function swapLast(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  const perm = [...Array(r).keys()];
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.transpose(x, perm);
}

/** a @ op(b) where op transposes the last two axes of `b` when `tb`, using plain matMuls when preferred. */
function product(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): tf.Tensor {
  if (!preferExplicitTranspose() || (!ta && !tb)) return tf.matMul(a, b, ta, tb);
  return tf.tidy(() => tf.matMul(ta ? swapLast(a) : a, tb ? swapLast(b) : b));
}

/**
 * Save `activations` (and `param` unless it is a Variable) for the backward pass; returns how to get
 * `param` back. A Variable is referenced, not saved: saving clones it, and on wasm a clone is a full copy
 * (ALBERT's 12 layers share one weight set, so saving would copy every weight 12 times per step).
 * Variables do not change between the forward and the backward pass of one step.
 */
function saveInputs(
  save: tf.GradSaveFunc,
  activations: tf.Tensor[],
  param: tf.Tensor,
): (saved: tf.Tensor[]) => tf.Tensor {
  if (param instanceof tf.Variable) {
    save(activations);
    return () => param;
  }
  save([...activations, param]);
  const at = activations.length;
  return (saved) => saved[at];
}

/**
 * y = x W^T + b for 2-D `x` [N, in], `weight` [out, in] (PyTorch layout), `bias` [out].
 * Gradients: dx = dy W, dW = dy^T x, db = sum_rows(dy). Keeps only x (and W unless a Variable) for backprop.
 */
export function linear2d(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  const op = tf.customGrad((...args: unknown[]) => {
    const [xi, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const wSaved = saveInputs(save, [xi], w);
    const value = tf.tidy(() => product(xi, w, false, true).add(b)) as tf.Tensor2D; // [N, out]
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = [saved[0], wSaved(saved)];
        return [
          tf.matMul(dy, ws), // [N, out] @ [out, in] -> [N, in]
          product(dy, xs, true, false), // [out, N] @ [N, in] -> [out, in]
          tf.sum(dy, 0), // [out]
        ];
      },
    };
  });
  return op(x, weight, bias) as tf.Tensor2D;
}

/**
 * Batched a @ b over the last two axes (same leading dims, no broadcasting).
 * Gradients: da = dy b^T, db = a^T dy (plain matMuls on wasm).
 */
export function batchMatMul<T extends tf.Tensor>(a: T, b: T): T {
  const op = tf.customGrad((...args: unknown[]) => {
    const [ai, bi, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([ai, bi]);
    return {
      value: tf.matMul(ai, bi),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [as, bs] = saved;
        return [product(dy, bs, false, true), product(as, dy, true, false)];
      },
    };
  });
  return op(a, b) as T;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
// The tanh GELU as x * sigmoid(u), u = x (A + B x^2):
// 0.5 (1 + tanh(z)) = sigmoid(2 z) with z = sqrt(2/pi) (x + 0.044715 x^3).
const GELU_A = 2 * SQRT_2_OVER_PI;
const GELU_B = 2 * SQRT_2_OVER_PI * 0.044715;

/**
 * gelu_new / gelu_pytorch_tanh / gelu_fast: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), computed as
 * x * sigmoid(x (A + B x^2)): 6 elementwise passes over [B, T, F] instead of 9 (the same function; float32
 * results differ by rounding only).
 */
function geluTanhValue(x: tf.Tensor): tf.Tensor {
  return x.mul(tf.sigmoid(x.square().mul(GELU_B).add(GELU_A).mul(x)));
}

/**
 * dy * d/dx of the tanh GELU. With s = sigmoid(u), u = x (A + B x^2), u' = A + 3 B x^2:
 * d/dx [x s] = s + x s (1 - s) u' = s (1 + (1 - s) x u'), so dx = s (dy + (1 - s) dy x u'): 13 passes (was 18).
 */
function geluTanhBackward(x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  const x2 = x.square();
  const s = tf.sigmoid(x2.mul(GELU_B).add(GELU_A).mul(x));
  const w = dy.mul(x).mul(x2.mul(3 * GELU_B).add(GELU_A)); // dy x u'
  return s.mul(dy.add(tf.scalar(1).sub(s).mul(w)));
}

/** Exact GELU: 0.5 x (1 + erf(x / sqrt 2)). */
function geluErfValue(x: tf.Tensor): tf.Tensor {
  return x.mul(0.5).mul(tf.erf(x.mul(Math.SQRT1_2)).add(1));
}

/** dy * d/dx of the exact GELU: dy (0.5 (1 + erf(x / sqrt 2)) + x exp(-x^2 / 2) / sqrt(2 pi)). */
function geluErfBackward(x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  const cdf = tf.erf(x.mul(Math.SQRT1_2)).add(1).mul(0.5);
  return dy.mul(cdf.add(x.mul(tf.exp(x.square().mul(-0.5))).mul(INV_SQRT_2PI)));
}

/**
 * True when keeping one more activation for the backward pass is cheap: everywhere but wasm, whose heap stops at
 * 4 GB and whose saved tensors are full copies.
 */
export function preferKeepingActivations(): boolean {
  return tf.getBackend() !== 'wasm';
}

/** A GELU that keeps one activation besides x for a shorter backward pass. */
interface KeepingGelu {
  /** The value and the activation kept for the backward pass. */
  forward(x: tf.Tensor): { kept: tf.Tensor; value: tf.Tensor };
  /** dy * d/dx from x and the kept activation. */
  backward(x: tf.Tensor, kept: tf.Tensor, dy: tf.Tensor): tf.Tensor;
}

/** The tanh GELU keeping s = sigmoid(u): backward dx = s (dy + (1 - s) dy x u') in 9 passes instead of 13. */
const TANH_KEEPING_SIGMOID: KeepingGelu = {
  forward(x) {
    const s = tf.sigmoid(x.square().mul(GELU_B).add(GELU_A).mul(x));
    return { kept: s, value: x.mul(s) };
  },
  backward(x, s, dy) {
    const w = dy.mul(x).mul(
      x
        .square()
        .mul(3 * GELU_B)
        .add(GELU_A),
    ); // dy x u'
    return s.mul(dy.add(tf.scalar(1).sub(s).mul(w)));
  },
};

/** The exact GELU keeping cdf = 0.5 (1 + erf(x / sqrt 2)): backward dy (cdf + x pdf(x)) in 7 passes instead of 11. */
const ERF_KEEPING_CDF: KeepingGelu = {
  forward(x) {
    const cdf = tf.erf(x.mul(Math.SQRT1_2)).add(1).mul(0.5);
    return { kept: cdf, value: x.mul(cdf) };
  },
  backward(x, cdf, dy) {
    return dy.mul(cdf.add(x.mul(tf.exp(x.square().mul(-0.5))).mul(INV_SQRT_2PI)));
  },
};

/**
 * GELU keeping x and one activation for the backward pass (forward + backward CPU time over [32, 32, 3072]
 * on the native backend, tanh: 59.6 -> 49.6 ms; identical values), at one more [B, T, F] tensor per layer
 * (12 MB at 32 x 32 for ALBERT-base).
 */
function geluKeeping<T extends tf.Tensor>(x: T, form: KeepingGelu): T {
  const op = tf.customGrad((...args: unknown[]) => {
    const [xi, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const { kept, value } = tf.tidy(() => form.forward(xi));
    save([xi, kept]);
    kept.dispose(); // save() kept its own reference
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.tidy(() => form.backward(saved[0], saved[1], dy)),
    };
  });
  return op(x) as T;
}

/**
 * GELU (`kind` 'tanh' = gelu_new, 'erf' = exact). Keeps only x for the backward pass where memory is tight
 * (wasm); elsewhere (preferKeepingActivations) also its sigmoid (tanh) or normal CDF (erf), for a shorter
 * backward pass.
 */
export function gelu<T extends tf.Tensor>(x: T, kind: 'tanh' | 'erf'): T {
  if (preferKeepingActivations()) return geluKeeping(x, kind === 'tanh' ? TANH_KEEPING_SIGMOID : ERF_KEEPING_CDF);
  const value = kind === 'tanh' ? geluTanhValue : geluErfValue;
  const backward = kind === 'tanh' ? geluTanhBackward : geluErfBackward;
  const op = tf.customGrad((...args: unknown[]) => {
    const [xi, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([xi]);
    return {
      value: tf.tidy(() => value(xi)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.tidy(() => backward(saved[0], dy)),
    };
  });
  return op(x) as T;
}

/**
 * LayerNorm over the last axis with PyTorch's biased variance: (x - mean) / sqrt(var + eps) * gamma + beta.
 * Backward (g = dy * gamma, xhat the normalised input, r = 1 / sqrt(var + eps)):
 * dx = r (g - mean(g) - xhat mean(g xhat)), dgamma = sum(dy xhat), dbeta = sum(dy) over the leading axes.
 * Keeps xhat and r (not x, and gamma only unless a Variable) for the backward pass: as much memory as
 * keeping x, and the backward pass needs 11 elementwise passes over [B, T, H] instead of 16.
 */
export function layerNormOp<T extends tf.Tensor>(x: T, gamma: tf.Tensor, beta: tf.Tensor, eps: number): T {
  const axis = x.rank - 1;
  const op = tf.customGrad((...args: unknown[]) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const { xhat, r, value } = tf.tidy(() => {
      const { mean, variance } = tf.moments(xi, axis, true);
      const r = tf.rsqrt(variance.add(eps)); // [..., 1]
      const xhat = xi.sub(mean).mul(r);
      return { xhat, r, value: xhat.mul(g).add(b) };
    });
    const gSaved = saveInputs(save, [xhat, r], g);
    tf.dispose([xhat, r]); // save() kept its own references
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [xh, rs, gs] = [saved[0], saved[1], gSaved(saved)];
          const gy = dy.mul(gs);
          const dx = rs.mul(gy.sub(gy.mean(axis, true)).sub(xh.mul(gy.mul(xh).mean(axis, true))));
          const lead = [...Array(axis).keys()];
          return [dx, dy.mul(xh).sum(lead), dy.sum(lead)];
        }),
    };
  });
  return op(x, gamma, beta) as T;
}
