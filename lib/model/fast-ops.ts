/**
 * The encoder's heavy ops with hand-written gradients (tf.customGrad), for speed and memory.
 *
 * Why (measured, see docs/performance.md):
 * - On the wasm backend (4.22), a matMul with `transposeA` or `transposeB` is ~10x slower than
 *   a plain one ([256, 768] x [3072, 768]^T: 1.7 vs 20 GFLOP/s), and TF.js's own matMul gradient
 *   always uses transposed products. These ops run only plain matMuls on wasm, transposing
 *   operands explicitly (a memory-bound copy); other backends keep the transposed products.
 * - Autodiff of GELU and LayerNorm keeps every elementwise intermediate for the backward pass
 *   (about eight [B, T, 3072] tensors per layer for gelu_new). These ops keep only their input.
 *
 * Forward values are computed by the same formulas as before; gradients are the analytic
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

/** gelu_new / gelu_pytorch_tanh / gelu_fast: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
function geluTanhValue(x: tf.Tensor): tf.Tensor {
  const inner = x.add(x.square().mul(x).mul(0.044715)).mul(SQRT_2_OVER_PI);
  return x.mul(0.5).mul(tf.tanh(inner).add(1));
}

/** d/dx of the tanh GELU: 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2). */
function geluTanhGrad(x: tf.Tensor): tf.Tensor {
  const x2 = x.square();
  const t = tf.tanh(x.add(x2.mul(x).mul(0.044715)).mul(SQRT_2_OVER_PI));
  const dInner = x2
    .mul(3 * 0.044715)
    .add(1)
    .mul(SQRT_2_OVER_PI);
  return t
    .add(1)
    .mul(0.5)
    .add(x.mul(0.5).mul(tf.scalar(1).sub(t.square())).mul(dInner));
}

/** Exact GELU: 0.5 x (1 + erf(x / sqrt 2)). */
function geluErfValue(x: tf.Tensor): tf.Tensor {
  return x.mul(0.5).mul(tf.erf(x.mul(Math.SQRT1_2)).add(1));
}

/** d/dx of the exact GELU: 0.5 (1 + erf(x / sqrt 2)) + x exp(-x^2 / 2) / sqrt(2 pi). */
function geluErfGrad(x: tf.Tensor): tf.Tensor {
  const cdf = tf.erf(x.mul(Math.SQRT1_2)).add(1).mul(0.5);
  return cdf.add(x.mul(tf.exp(x.square().mul(-0.5))).mul(INV_SQRT_2PI));
}

/** GELU (`kind` 'tanh' = gelu_new, 'erf' = exact) keeping only x for the backward pass. */
export function gelu<T extends tf.Tensor>(x: T, kind: 'tanh' | 'erf'): T {
  const value = kind === 'tanh' ? geluTanhValue : geluErfValue;
  const grad = kind === 'tanh' ? geluTanhGrad : geluErfGrad;
  const op = tf.customGrad((...args: unknown[]) => {
    const [xi, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([xi]);
    return {
      value: tf.tidy(() => value(xi)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.tidy(() => dy.mul(grad(saved[0]))),
    };
  });
  return op(x) as T;
}

/**
 * LayerNorm over the last axis with PyTorch's biased variance: (x - mean) / sqrt(var + eps) * gamma + beta.
 * Backward (g = dy * gamma, xhat the normalised input, r = 1 / sqrt(var + eps)):
 * dx = r (g - mean(g) - xhat mean(g xhat)), dgamma = sum(dy xhat), dbeta = sum(dy) over the leading axes.
 * Keeps only x (and gamma unless a Variable); the moments are recomputed in the backward pass.
 */
export function layerNormOp<T extends tf.Tensor>(x: T, gamma: tf.Tensor, beta: tf.Tensor, eps: number): T {
  const axis = x.rank - 1;
  const normalise = (xi: tf.Tensor): { xhat: tf.Tensor; r: tf.Tensor } => {
    const { mean, variance } = tf.moments(xi, axis, true);
    const r = tf.rsqrt(variance.add(eps));
    return { xhat: xi.sub(mean).mul(r), r };
  };
  const op = tf.customGrad((...args: unknown[]) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const gSaved = saveInputs(save, [xi], g);
    return {
      value: tf.tidy(() => normalise(xi).xhat.mul(g).add(b)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [xs, gs] = [saved[0], gSaved(saved)];
          const { xhat, r } = normalise(xs);
          const gy = dy.mul(gs);
          const dx = r.mul(gy.sub(gy.mean(axis, true)).sub(xhat.mul(gy.mul(xhat).mean(axis, true))));
          const lead = [...Array(axis).keys()];
          return [dx, dy.mul(xhat).sum(lead), dy.sum(lead)];
        }),
    };
  });
  return op(x, gamma, beta) as T;
}
