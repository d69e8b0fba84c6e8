/**
 * L-BFGS for smooth unconstrained problems on Float64Array parameters: the
 * two-loop recursion with the scaled identity as the initial Hessian
 * (Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithms 7.4–7.5) and a
 * line search satisfying the strong Wolfe conditions (Algorithms 3.5–3.6, cubic
 * interpolation, c1 = 1e-4, c2 = 0.9). Stopping rules follow scipy's L-BFGS-B,
 * which scikit-learn's `LogisticRegression(solver='lbfgs')` calls: `max |g_i| ≤ tol`
 * (`gtol`), or a relative decrease `(f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ ftol`,
 * or `maxIter` iterations.
 *
 * For objectives evaluated with rounding noise (float32 products), the line search also accepts
 * Hager & Zhang's approximate Wolfe conditions (SIAM J. Optim. 16(1), 2005: `σφ'(0) ≤ φ'(α) ≤ (2δ−1)φ'(0)`
 * and `φ(α) ≤ φ(0) + ε|φ(0)|`, δ = 0.1, σ = 0.9, ε = 1e-6): near the optimum, f changes less than its noise
 * and the Armijo test alone would stall, while the gradient still points the way.
 *
 * Hand-written: npm has no maintained L-BFGS with a Wolfe line search and an
 * asynchronous objective (ours evaluates on TF.js); `optimization-js`'s L-BFGS
 * has no line search ("alpha ×1.2 or ×0.5") and no iteration limit, `fmin` has
 * no quasi-Newton method, and `numeric.uncmin` keeps a dense inverse Hessian
 * (15,744² entries for 384 features × 41 classes).
 */

/** Value and gradient of the objective at `x` (the gradient has x's length; the caller may not keep `x`). */
export type Objective = (x: Float64Array) => { f: number; g: Float64Array } | Promise<{ f: number; g: Float64Array }>;

/** Stopping rules and memory of {@link minimizeLbfgs} (defaults: scipy's and scikit-learn's). */
export interface LbfgsOptions {
  /** Iterations (line searches) at most (default 100, scikit-learn's `max_iter`). */
  maxIter?: number;
  /** Stop when the largest absolute gradient component is at most this (default 1e-5, scipy's `gtol`). */
  tol?: number;
  /**
   * Stop when the relative decrease of f is at most this (default 64 × 2.2e-16, scikit-learn's `ftol`);
   * 0 turns the test off (for noisy objectives, where only the gradient test is meaningful).
   */
  ftol?: number;
  /** Correction pairs kept (default 10, scipy's `maxcor`). */
  memory?: number;
  /** Objective evaluations per line search at most (default 50, scikit-learn's `maxls`). */
  maxLineSearch?: number;
  /** Called after every iteration with its number (1-based), f and the largest |gradient component|. */
  onIteration?: (iteration: number, f: number, gradientMax: number) => void;
  /**
   * Stops the fit: checked before every iteration, after yielding to the event loop once (so a timer, or a
   * SIGINT/SIGTERM handler such as the pipeline's in lib/pipeline/lock.ts, gets to run during a long fit). An
   * aborted fit rejects with `signal.reason` (an `AbortError` DOMException unless given), as `fetch` does.
   */
  signal?: AbortSignal;
}

/** Why L-BFGS stopped: the gradient or function test (converged), the iteration limit, or a failed line search. */
export type LbfgsStop = 'gradient' | 'function' | 'max-iterations' | 'line-search';

/** The last accepted point of {@link minimizeLbfgs} and how it got there. */
export interface LbfgsResult {
  x: Float64Array;
  f: number;
  g: Float64Array;
  iterations: number;
  /** Objective evaluations, including the one at x0. */
  evaluations: number;
  /** max |g_i| at `x`. */
  gradientMax: number;
  /** 'gradient' or 'function' (scipy's success criteria) mean converged. */
  stop: LbfgsStop;
  converged: boolean;
}

const EPS = 2.220446049250313e-16;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

interface Point {
  alpha: number;
  x: Float64Array;
  f: number;
  g: Float64Array;
  /** Directional derivative g·d. */
  dg: number;
}

/** Minimiser of the cubic through (a, fa, da) and (b, fb, db), or NaN when it does not exist (N&W eq. 3.59). */
function cubicMinimizer(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

/**
 * Strong-Wolfe line search along `d` from `start` (N&W Algorithms 3.5 and 3.6).
 * Returns the accepted point, or undefined after `maxEvals` evaluations without one.
 */
async function wolfeSearch(
  fun: Objective,
  start: Point,
  d: Float64Array,
  alpha1: number,
  maxEvals: number,
  count: () => void,
): Promise<Point | undefined> {
  const c1 = 1e-4,
    c2 = 0.9;
  const { f: f0, dg: dg0 } = start;
  let evals = 0;
  const at = async (alpha: number): Promise<Point> => {
    const x = new Float64Array(start.x.length);
    for (let i = 0; i < x.length; i++) x[i] = start.x[i] + alpha * d[i];
    const r = await fun(x);
    evals++;
    count();
    return { alpha, x, f: r.f, g: r.g, dg: dot(r.g, d) };
  };
  const armijo = (p: Point) => p.f <= f0 + c1 * p.alpha * dg0;
  const curvature = (p: Point) => Math.abs(p.dg) <= -c2 * dg0;
  const approximateWolfe = (p: Point) =>
    p.f <= f0 + 1e-6 * Math.abs(f0) && p.dg >= 0.9 * dg0 && p.dg <= (2 * 0.1 - 1) * dg0;

  const zoom = async (lo: Point, hi: Point): Promise<Point | undefined> => {
    while (evals < maxEvals) {
      const left = Math.min(lo.alpha, hi.alpha),
        width = Math.abs(hi.alpha - lo.alpha);
      if (width <= EPS * Math.max(1, lo.alpha)) return armijo(lo) ? lo : undefined;
      let a = cubicMinimizer(lo.alpha, lo.f, lo.dg, hi.alpha, hi.f, hi.dg);
      // Safeguard: stay inside the middle 80% of the bracket, else bisect.
      if (!(a > left + 0.1 * width && a < left + 0.9 * width)) a = left + 0.5 * width;
      const p = await at(a);
      if (approximateWolfe(p)) return p;
      if (!Number.isFinite(p.f) || !armijo(p) || p.f >= lo.f) hi = p;
      else {
        if (curvature(p)) return p;
        if (p.dg * (hi.alpha - lo.alpha) >= 0) hi = lo;
        lo = p;
      }
    }
    return armijo(lo) && lo.alpha > 0 ? lo : undefined;
  };

  let prev = start;
  let alpha = alpha1;
  while (evals < maxEvals) {
    const p = await at(alpha);
    if (Number.isFinite(p.f) && ((armijo(p) && curvature(p)) || approximateWolfe(p))) return p;
    if (!Number.isFinite(p.f) || !armijo(p) || (prev.alpha > 0 && p.f >= prev.f)) return zoom(prev, p);
    if (curvature(p)) return p;
    if (p.dg >= 0) return zoom(p, prev);
    prev = p;
    alpha *= 2;
  }
  return prev.alpha > 0 ? prev : undefined;
}

/** Minimise `fun` from `x0` with L-BFGS; see {@link LbfgsOptions}. `x0` is not modified. */
export async function minimizeLbfgs(
  fun: Objective,
  x0: Float64Array,
  options: LbfgsOptions = {},
): Promise<LbfgsResult> {
  const maxIter = options.maxIter ?? 100;
  const tol = options.tol ?? 1e-5;
  const ftol = options.ftol ?? 64 * EPS;
  const memory = options.memory ?? 10;
  const maxLineSearch = options.maxLineSearch ?? 50;
  if (!(Number.isInteger(maxIter) && maxIter >= 0))
    throw new Error(`minimizeLbfgs: 'maxIter' must be a non-negative integer; got ${maxIter}.`);
  if (!(tol >= 0)) throw new Error(`minimizeLbfgs: 'tol' must be a non-negative number; got ${tol}.`);
  if (!(ftol >= 0)) throw new Error(`minimizeLbfgs: 'ftol' must be a non-negative number; got ${ftol}.`);
  if (!(Number.isInteger(memory) && memory > 0))
    throw new Error(`minimizeLbfgs: 'memory' must be a positive integer; got ${memory}.`);

  options.signal?.throwIfAborted();
  let evaluations = 0;
  const first = await fun(Float64Array.from(x0));
  evaluations++;
  if (!Number.isFinite(first.f))
    throw new Error(`minimizeLbfgs: the objective is ${first.f} at the starting point; it must be finite.`);
  let cur: Point = { alpha: 0, x: Float64Array.from(x0), f: first.f, g: first.g, dg: 0 };
  const s: Float64Array[] = [],
    y: Float64Array[] = [],
    rho: number[] = [];
  let iterations = 0;
  let stop: LbfgsStop = 'max-iterations';
  if (maxAbs(cur.g) <= tol) stop = 'gradient';

  while (stop === 'max-iterations' && iterations < maxIter) {
    // The objective's awaits settle as microtasks, which never let signal handlers or timers run.
    await new Promise((r) => setImmediate(r));
    options.signal?.throwIfAborted();
    // Two-loop recursion: d = -H g.
    const q = Float64Array.from(cur.g);
    const a = new Array<number>(s.length);
    for (let i = s.length - 1; i >= 0; i--) {
      a[i] = rho[i] * dot(s[i], q);
      for (let j = 0; j < q.length; j++) q[j] -= a[i] * y[i][j];
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
      for (let j = 0; j < q.length; j++) q[j] *= gamma;
    }
    for (let i = 0; i < s.length; i++) {
      const b = rho[i] * dot(y[i], q);
      for (let j = 0; j < q.length; j++) q[j] += s[i][j] * (a[i] - b);
    }
    let d = q.map((v) => -v);
    let dg = dot(cur.g, d);
    if (!(dg < 0)) {
      // Not a descent direction (rounding): forget the curvature pairs and go down the gradient.
      s.length = y.length = rho.length = 0;
      d = cur.g.map((v) => -v);
      dg = dot(cur.g, d);
    }
    // First step: a unit-length move along -g (scipy's L-BFGS-B); later: the quasi-Newton step.
    const alpha1 = s.length === 0 ? Math.min(1, 1 / Math.sqrt(-dg)) : 1;
    const next = await wolfeSearch(fun, { ...cur, dg }, d, alpha1, maxLineSearch, () => evaluations++);
    if (!next) {
      stop = 'line-search';
      break;
    }
    iterations++;
    const sk = new Float64Array(d.length),
      yk = new Float64Array(d.length);
    for (let j = 0; j < d.length; j++) {
      sk[j] = next.x[j] - cur.x[j];
      yk[j] = next.g[j] - cur.g[j];
    }
    const sy = dot(sk, yk);
    if (sy > EPS * dot(yk, yk)) {
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
      if (s.length > memory) {
        s.shift();
        y.shift();
        rho.shift();
      }
    }
    const decrease = (cur.f - next.f) / Math.max(Math.abs(cur.f), Math.abs(next.f), 1);
    cur = { ...next, alpha: 0 };
    const gmax = maxAbs(cur.g);
    options.onIteration?.(iterations, cur.f, gmax);
    if (gmax <= tol) stop = 'gradient';
    else if (ftol > 0 && decrease <= ftol) stop = 'function';
  }
  return {
    x: cur.x,
    f: cur.f,
    g: cur.g,
    iterations,
    evaluations,
    gradientMax: maxAbs(cur.g),
    stop,
    converged: stop === 'gradient' || stop === 'function',
  };
}
