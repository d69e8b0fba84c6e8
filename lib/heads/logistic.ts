/**
 * Multinomial logistic regression on cached encoder features, fitted full-batch
 * to convergence: scikit-learn's `LogisticRegression(C=1.0)` (penalty 'l2',
 * solver 'lbfgs'), the head of the frozen and siamese classifiers under the
 * auto recipe.
 *
 * Objective (scikit-learn's, divided by the weight sum S = Σ s_i as it does):
 *   f(W, b) = [ Σ_i s_i · CE(softmax(W x_i + b), y_i) + ||W||² / (2C) ] / S
 * with s_i = sample_weight_i × class_weight[y_i]; the intercept b is not
 * penalised. With two classes it is scikit-learn's binomial model (one row of
 * coefficients, `p = sigmoid(w·x + b)`); with more, the symmetric multinomial
 * (one row per class). Classes absent from the training rows are left out, as
 * scikit-learn does; `predictProba` gives them probability 0.
 *
 * Numerics: the two heavy products per evaluation (X W and Xᵀ R, 2 × N × d × K
 * multiply-adds) run as float32 TF.js matMuls on row chunks; everything else
 * (logits + intercept, log-softmax, loss and gradient sums, the chunks' partial
 * gradients, L-BFGS) is float64 on the host. Fitted to tol 1e-7 it matches scikit-learn's
 * float64 optimum within 7e-5 in the coefficients (test/heads/logistic.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { minimizeLbfgs, type LbfgsStop } from '../train/lbfgs';
import type { FeatureMatrix } from '../train/batches';

/** Settings of {@link fitLogisticRegression}, named after scikit-learn's `LogisticRegression` parameters. */
export interface LogisticRegressionOptions {
  /** Inverse L2 strength (default 1.0, scikit-learn's); larger C, weaker penalty. */
  C?: number;
  /**
   * scikit-learn's `class_weight`: 'balanced' (n / (classes × count of the class) over the training
   * rows) or one weight per label id; multiplies `sampleWeight`.
   */
  classWeight?: 'balanced' | ArrayLike<number>;
  /** One weight per training row (in the order of `rows`), default 1. */
  sampleWeight?: ArrayLike<number>;
  /** Fit on these rows of the feature matrix (default: all rows; `labels` is indexed the same way). */
  rows?: ArrayLike<number>;
  /** Columns of `predictProba` (default: the largest training label + 1). */
  numClasses?: number;
  /** Stop when max |gradient component| of f is at most this (default 1e-4, scikit-learn's `tol`). */
  tol?: number;
  /** L-BFGS iterations at most (default 1000; scikit-learn's 100 often stops short on unscaled features). */
  maxIter?: number;
  /** Rows per matMul chunk (default 16384): bounds device memory per product. */
  chunkRows?: number;
  /** Start from these parameters (e.g. the fit at a neighbouring C) instead of zeros; shapes as the result's. */
  init?: { coef: Float64Array; intercept: Float64Array };
  onIteration?: (iteration: number, loss: number, gradientMax: number) => void;
  /** Stops the fit between L-BFGS iterations, rejecting with `signal.reason` (lib/train/lbfgs.ts). */
  signal?: AbortSignal;
}

/** How the fit ended, for run reports. */
export interface LogisticFitReport {
  solver: 'lbfgs';
  iterations: number;
  evaluations: number;
  /** Final objective f (weighted mean cross-entropy + penalty / S). */
  loss: number;
  /** max |∂f/∂θ| at the solution. */
  gradientMax: number;
  tol: number;
  converged: boolean;
  stop: LbfgsStop;
  seconds: number;
}

function checkFeatures(fn: string, x: FeatureMatrix): void {
  if (!(x.data instanceof Float32Array) || x.data.length !== x.rows * x.cols)
    throw new Error(
      `${fn}: 'features' must hold rows × cols float32 values; got ${x.data.length} for ${x.rows}×${x.cols}.`,
    );
}

/** Row chunks of the feature matrix as device tensors `[n_c, d]`. */
function chunkTensors(x: FeatureMatrix, rows: ArrayLike<number>, chunkRows: number): tf.Tensor2D[] {
  const out: tf.Tensor2D[] = [];
  for (let s = 0; s < rows.length; s += chunkRows) {
    const n = Math.min(chunkRows, rows.length - s);
    const buf = new Float32Array(n * x.cols);
    for (let i = 0; i < n; i++) {
      const r = rows[s + i];
      buf.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols);
    }
    out.push(tf.tensor2d(buf, [n, x.cols]));
  }
  return out;
}

/** A fitted model: coefficients `[K, d]` (row-major, scikit-learn's `coef_`) and intercepts `[K]`. */
export class LogisticRegression {
  /**
   * Wraps fitted values as they are (no copy, no check): made by {@link fitLogisticRegression}, or from saved
   * coefficients (`coef` [K × numFeatures] row-major, `intercept` [K]) and the fit's `report`.
   */
  constructor(
    /** Label ids seen in training, ascending (scikit-learn's `classes_`). */
    readonly classes: Int32Array,
    /** `[K × d]`, K = 1 for two classes (binomial), else K = classes.length. */
    readonly coef: Float64Array,
    readonly intercept: Float64Array,
    readonly numFeatures: number,
    readonly numClasses: number,
    readonly report: LogisticFitReport,
  ) {}

  /** Rows of coefficients: 1 (binomial) or one per class. */
  get rowsOfCoef(): number {
    return this.intercept.length;
  }

  /** One line for logs and reports, e.g. `L-BFGS, 97 iterations, converged (max |gradient| 8.1e-5 ≤ 1e-4)`. */
  describe(): string {
    const r = this.report;
    const g = `max |gradient| ${r.gradientMax.toExponential(1)}`;
    const state = r.converged
      ? `converged (${r.stop === 'gradient' ? `${g} ≤ ${r.tol}` : `no further decrease, ${g}`})`
      : `NOT converged (${r.stop === 'line-search' ? 'line search failed' : 'iteration limit'}, ${g} > ${r.tol})`;
    return `L-BFGS, ${r.iterations} iterations, ${state}`;
  }

  /**
   * Class probabilities `[rows.length][numClasses]` of feature rows (default all), float64 softmax of
   * the logits; classes absent from training get 0.
   */
  predictProba(features: FeatureMatrix, rows?: ArrayLike<number>, chunkRows = 16384): number[][] {
    checkFeatures('LogisticRegression.predictProba', features);
    if (features.cols !== this.numFeatures)
      throw new Error(
        `LogisticRegression.predictProba: 'features' must have ${this.numFeatures} columns (as in training); got ` +
          `${features.cols}.`,
      );
    const idx = rows ?? Int32Array.from({ length: features.rows }, (_, i) => i);
    const k = this.rowsOfCoef,
      d = this.numFeatures;
    const out: number[][] = [];
    const w = tf.tensor2d(transposeToColumns(this.coef, k, d), [d, k]);
    try {
      for (const chunk of chunkTensors(features, idx, chunkRows)) {
        const zt = tf.matMul(chunk, w);
        const z = zt.dataSync() as Float32Array;
        tf.dispose([zt, chunk]);
        const logits = new Float64Array(this.classes.length);
        for (let i = 0; i < z.length / k; i++) {
          fillLogits(logits, z, i, this.intercept, k);
          const lse = logSumExp(logits);
          const row = new Array<number>(this.numClasses).fill(0);
          for (let c = 0; c < this.classes.length; c++) row[this.classes[c]] = Math.exp(logits[c] - lse);
          out.push(row);
        }
      }
    } finally {
      w.dispose();
    }
    return out;
  }

  /** Predicted label ids (argmax of `predictProba`; ties go to the lower id, as numpy's argmax). */
  predict(features: FeatureMatrix, rows?: ArrayLike<number>): Int32Array {
    return Int32Array.from(this.predictProba(features, rows), (p) =>
      p.reduce((best, v, j) => (v > p[best] ? j : best), 0),
    );
  }
}

/** `[K × d]` row-major -> `[d × K]` row-major, as float32 for the matMul. */
function transposeToColumns(coef: Float64Array, k: number, d: number): Float32Array {
  const out = new Float32Array(d * k);
  for (let r = 0; r < k; r++) for (let j = 0; j < d; j++) out[j * k + r] = coef[r * d + j];
  return out;
}

/** Logits of chunk row `i` over the training classes: `[0, z]` for the binomial model, else `z + b`. */
function fillLogits(logits: Float64Array, z: Float32Array, i: number, b: Float64Array, k: number): void {
  if (logits.length === 2 && k === 1) {
    logits[0] = 0;
    logits[1] = z[i] + b[0];
  } else for (let c = 0; c < k; c++) logits[c] = z[i * k + c] + b[c];
}

function logSumExp(v: Float64Array): number {
  let m = -Infinity;
  for (const x of v) m = Math.max(m, x);
  let s = 0;
  for (const x of v) s += Math.exp(x - m);
  return m + Math.log(s);
}

/** Per-row weights s_i = sample weight × class weight of the row's label (scikit-learn's rule). */
function rowWeights(labels: Int32Array, classes: Int32Array, opts: LogisticRegressionOptions): Float64Array {
  const fn = 'fitLogisticRegression';
  const n = labels.length;
  const w = new Float64Array(n).fill(1);
  if (opts.sampleWeight) {
    if (opts.sampleWeight.length !== n)
      throw new Error(
        `${fn}: 'sampleWeight' must have one weight per training row (${n}); got ${opts.sampleWeight.length}.`,
      );
    for (let i = 0; i < n; i++) w[i] = opts.sampleWeight[i];
  }
  if (opts.classWeight !== undefined) {
    const perLabel = new Map<number, number>();
    if (opts.classWeight === 'balanced') {
      const counts = new Map<number, number>();
      for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
      for (const c of classes) perLabel.set(c, n / (classes.length * counts.get(c)!));
    } else if (typeof opts.classWeight === 'string') {
      throw new Error(`${fn}: 'classWeight' must be 'balanced' or one weight per label id; got '${opts.classWeight}'.`);
    } else {
      for (const c of classes) {
        const v = opts.classWeight[c];
        if (v === undefined)
          throw new Error(`${fn}: 'classWeight' has no weight for label ${c}; give one weight per label id.`);
        perLabel.set(c, v);
      }
    }
    for (let i = 0; i < n; i++) w[i] *= perLabel.get(labels[i])!;
  }
  for (let i = 0; i < n; i++)
    if (!(Number.isFinite(w[i]) && w[i] >= 0))
      throw new Error(`${fn}: row weights must be finite and non-negative; row ${i} has ${w[i]}.`);
  return w;
}

/**
 * Fit multinomial (binomial for two classes) L2 logistic regression on
 * `features` rows with integer `labels` (one per fitted row), by L-BFGS from
 * zeros, as scikit-learn's `LogisticRegression(C, class_weight, tol, max_iter).fit(X, y, sample_weight)`.
 * Tensors used inside are disposed before it returns.
 */
export async function fitLogisticRegression(
  features: FeatureMatrix,
  labels: ArrayLike<number>,
  options: LogisticRegressionOptions = {},
): Promise<LogisticRegression> {
  const fn = 'fitLogisticRegression';
  const started = performance.now();
  checkFeatures(fn, features);
  const C = options.C ?? 1.0;
  if (!(C > 0 && Number.isFinite(C))) throw new Error(`${fn}: 'C' must be a positive number; got ${C}.`);
  const rows = options.rows ?? Int32Array.from({ length: features.rows }, (_, i) => i);
  if (labels.length !== rows.length)
    throw new Error(`${fn}: 'labels' must have one label per fitted row (${rows.length}); got ${labels.length}.`);
  for (const r of Array.from(rows))
    if (!(Number.isInteger(r) && r >= 0 && r < features.rows))
      throw new Error(`${fn}: 'rows' must be row indices in [0, ${features.rows}); got ${r}.`);
  const y = Int32Array.from(labels);
  if (y.some((l) => !(Number.isInteger(l) && l >= 0)))
    throw new Error(`${fn}: 'labels' must be non-negative integer label ids.`);
  const classes = Int32Array.from(new Set(y)).sort();
  if (classes.length < 2)
    throw new Error(`${fn}: the training rows must hold at least 2 classes; got ${classes.length}.`);
  const numClasses = options.numClasses ?? classes[classes.length - 1] + 1;
  if (numClasses <= classes[classes.length - 1])
    throw new Error(
      `${fn}: 'numClasses' must exceed the largest label (${classes[classes.length - 1]}); got ${numClasses}.`,
    );
  const tol = options.tol ?? 1e-4;
  const chunkRows = options.chunkRows ?? 16384;

  const d = features.cols,
    n = rows.length;
  const binomial = classes.length === 2;
  const k = binomial ? 1 : classes.length;
  const classIndex = new Map<number, number>();
  classes.forEach((c, i) => classIndex.set(c, i));
  const yi = Int32Array.from(y, (l) => classIndex.get(l)!);
  const s = rowWeights(y, classes, options);
  let sw = 0;
  for (const v of s) sw += v;
  if (!(sw > 0)) throw new Error(`${fn}: the row weights sum to ${sw}; at least one row needs a positive weight.`);

  const chunks = chunkTensors(features, rows, chunkRows);
  const nw = k * d;
  try {
    const objective = async (theta: Float64Array) => {
      const w = tf.tensor2d(transposeToColumns(theta.subarray(0, nw), k, d), [d, k]);
      const b = theta.subarray(nw);
      const grad = new Float64Array(nw + k);
      let loss = 0;
      const logits = new Float64Array(classes.length);
      let offset = 0;
      try {
        for (const x of chunks) {
          const rowsHere = x.shape[0];
          const zt = tf.matMul(x, w); // [n_c, K]
          const z = (await zt.data()) as Float32Array;
          zt.dispose();
          const r = new Float32Array(rowsHere * k); // s_i (p - onehot), the residual [n_c, K]
          for (let i = 0; i < rowsHere; i++) {
            const row = offset + i,
              si = s[row],
              target = yi[row];
            fillLogits(logits, z, i, b, k);
            const lse = logSumExp(logits);
            loss += si * (lse - logits[target]);
            for (let c = 0; c < k; c++) {
              const cls = binomial ? 1 : c;
              const res = si * (Math.exp(logits[cls] - lse) - (target === cls ? 1 : 0));
              r[i * k + c] = res;
              grad[nw + c] += res;
            }
          }
          const rt = tf.tensor2d(r, [rowsHere, k]);
          const gt = tf.matMul(x, rt, true, false); // [d, K] = Xᵀ R
          const g = (await gt.data()) as Float32Array;
          tf.dispose([rt, gt]);
          for (let j = 0; j < d; j++) for (let c = 0; c < k; c++) grad[c * d + j] += g[j * k + c];
          offset += rowsHere;
        }
      } finally {
        w.dispose();
      }
      let penalty = 0;
      for (let i = 0; i < nw; i++) {
        penalty += theta[i] * theta[i];
        grad[i] += theta[i] / C;
      }
      for (let i = 0; i < grad.length; i++) grad[i] /= sw;
      return { f: (loss + penalty / (2 * C)) / sw, g: grad };
    };
    const x0 = new Float64Array(nw + k);
    if (options.init) {
      if (options.init.coef.length !== nw || options.init.intercept.length !== k)
        throw new Error(
          `${fn}: 'init' must hold ${k}×${d} coefficients and ${k} intercepts; got ${options.init.coef.length} and ` +
            `${options.init.intercept.length}.`,
        );
      x0.set(options.init.coef);
      x0.set(options.init.intercept, nw);
    }
    const result = await minimizeLbfgs(objective, x0, {
      maxIter: options.maxIter ?? 1000,
      tol,
      // f carries the float32 rounding of the logits (~1e-8): only the gradient test is meaningful.
      ftol: 0,
      onIteration: options.onIteration,
      signal: options.signal,
    });
    return new LogisticRegression(classes, result.x.slice(0, nw), result.x.slice(nw), d, numClasses, {
      solver: 'lbfgs',
      iterations: result.iterations,
      evaluations: result.evaluations,
      loss: result.f,
      gradientMax: result.gradientMax,
      tol,
      converged: result.converged,
      stop: result.stop,
      seconds: (performance.now() - started) / 1000,
    });
  } finally {
    tf.dispose(chunks);
  }
}
