/**
 * The optimizer every training uses: Adam with Keras' defaults, written out so
 * that its whole state can be saved and restored exactly.
 *
 * Why not `tf.train.adam`: on restore (`setWeights`) TF.js recomputes the
 * bias-correction products beta^t with a power, while training keeps them as a
 * float32 running product; after 67 steps 0.93422949 vs 0.93422955, so a
 * resumed run drifts from an uninterrupted one. Here beta1^t and beta2^t are
 * state, saved and restored as stored floats.
 *
 * The update runs the same TF.js ops in the same order as tfjs-core 4.22's
 * `AdamOptimizer.applyGradients`, so with a constant learning rate and no weight
 * decay it is bit-identical to `tf.train.adam(lr, 0.9, 0.999, 1e-7)` (tested).
 * On top: a per-step learning rate, decoupled weight decay (AdamW, PyTorch's
 * `torch.optim.AdamW` semantics; tested against PyTorch), and parameter groups
 * with their own learning rate and weight decay.
 */
import * as tf from '@tensorflow/tfjs';

/** A learning rate, fixed or per step (`step` is the 0-based index of the update being applied). */
export type LearningRate = number | ((step: number) => number);

/** Variables that train with their own learning rate and/or weight decay (PyTorch's param groups). */
export interface ParamGroup {
  variables: tf.Variable[];
  /** Default: the optimizer's. */
  learningRate?: LearningRate;
  /** Default: the optimizer's. */
  weightDecay?: number;
}

/** Settings of {@link Adam}, named as Keras' `Adam` (plus AdamW's weight decay and PyTorch-style groups). */
export interface AdamOptions {
  /** Step size: a positive number, or a function of the 0-based update index (lib/train/schedule.ts). */
  learningRate: LearningRate;
  /** Decay of the first-moment average, in [0, 1); Keras' default 0.9. */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1); Keras' default 0.999. */
  beta2?: number;
  /** Added to the root of the second moment; Keras' default 1e-7 (PyTorch uses 1e-8). */
  epsilon?: number;
  /**
   * Decoupled weight decay (AdamW, Loshchilov & Hutter 2019, as `torch.optim.AdamW`):
   * before each update `w <- w * (1 - lr * weightDecay)`. Default 0: plain Adam.
   */
  weightDecay?: number;
  /** Groups whose variables use other settings; variables in no group use the settings above. */
  paramGroups?: ParamGroup[];
}

/** One variable's moments, as plain arrays (a checkpoint stores them). */
export interface AdamMoments {
  shape: number[];
  m: Float32Array;
  v: Float32Array;
}

/**
 * Everything Adam needs to continue exactly: the steps done, the float32 running
 * products beta1^t and beta2^t (t = step + 1, the next update's), and the
 * moments of each variable (by TF.js variable name) that has been updated.
 */
export interface AdamState {
  step: number;
  beta1Power: number;
  beta2Power: number;
  moments: Map<string, AdamMoments>;
}

interface Slots {
  m: tf.Variable;
  v: tf.Variable;
}

interface GroupSettings {
  learningRate: LearningRate;
  weightDecay: number;
}

function checkRate(fn: string, name: string, lr: unknown): void {
  if (typeof lr === 'function') return;
  if (!(typeof lr === 'number' && lr > 0 && Number.isFinite(lr)))
    throw new Error(`${fn}: '${name}' must be a positive number or a function of the step; got ${String(lr)}.`);
}

function checkDecay(fn: string, name: string, wd: unknown): void {
  if (!(typeof wd === 'number' && wd >= 0 && Number.isFinite(wd)))
    throw new Error(`${fn}: '${name}' must be a number >= 0; got ${String(wd)}.`);
}

function rateAt(lr: LearningRate, step: number): number {
  const value = typeof lr === 'number' ? lr : lr(step);
  if (!(typeof value === 'number' && value >= 0 && Number.isFinite(value)))
    throw new Error(`Adam: the learning rate at step ${step} must be a finite number >= 0; got ${String(value)}.`);
  return value;
}

/**
 * Adam (Kingma & Ba 2015) with Keras' defaults, optional decoupled weight decay
 * and parameter groups; a `tf.Optimizer`, so `minimize` works as usual.
 * Memory: two float32 moment variables per updated variable, plus two scalars.
 */
export class Adam extends tf.Optimizer {
  /** The name TF.js' serialization registry knows this optimizer by. */
  static get className(): string {
    return 'SiameseAdam';
  }

  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private readonly defaults: GroupSettings;
  private readonly groupOf = new Map<string, GroupSettings>();
  private readonly slots = new Map<string, Slots>();
  private accBeta1: tf.Variable;
  private accBeta2: tf.Variable;

  /**
   * Throws, naming the setting, on a learning rate that is not a positive number or a function, a negative weight
   * decay, beta1 or beta2 outside [0, 1), epsilon <= 0, or a variable in more than one parameter group.
   */
  constructor(opts: AdamOptions) {
    super();
    checkRate('Adam', 'learningRate', opts.learningRate);
    checkDecay('Adam', 'weightDecay', opts.weightDecay ?? 0);
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-7;
    for (const [name, b] of [
      ['beta1', this.beta1],
      ['beta2', this.beta2],
    ] as const) {
      if (!(b >= 0 && b < 1)) throw new Error(`Adam: '${name}' must be in [0, 1); got ${b}.`);
    }
    if (!(this.epsilon > 0)) throw new Error(`Adam: 'epsilon' must be > 0; got ${this.epsilon}.`);
    this.defaults = { learningRate: opts.learningRate, weightDecay: opts.weightDecay ?? 0 };
    (opts.paramGroups ?? []).forEach((g, i) => {
      checkRate('Adam', `paramGroups[${i}].learningRate`, g.learningRate ?? this.defaults.learningRate);
      checkDecay('Adam', `paramGroups[${i}].weightDecay`, g.weightDecay ?? this.defaults.weightDecay);
      const settings = {
        learningRate: g.learningRate ?? this.defaults.learningRate,
        weightDecay: g.weightDecay ?? this.defaults.weightDecay,
      };
      for (const v of g.variables) {
        if (this.groupOf.has(v.name))
          throw new Error(`Adam: variable '${v.name}' is in more than one of 'paramGroups'; put it in one.`);
        this.groupOf.set(v.name, settings);
      }
    });
    // As tfjs-core: beta^t as float32 variables, multiplied by beta after each update.
    this.accBeta1 = tf.tidy(() => tf.scalar(this.beta1).variable(false));
    this.accBeta2 = tf.tidy(() => tf.scalar(this.beta2).variable(false));
  }

  /** Updates applied so far. */
  get step(): number {
    return this.iterations;
  }

  /** The learning rate the next update uses for variables outside any group. */
  currentLearningRate(): number {
    return rateAt(this.defaults.learningRate, this.step);
  }

  /**
   * One Adam update of every named variable by its gradient (TF.js variable name -> tensor, as
   * `tf.variableGrads` gives): tfjs-core's AdamOptimizer op for op, with weight decay applied first when set. A
   * null gradient updates nothing. Throws on an unregistered variable name or a learning rate that is not finite
   * and >= 0 at this step. The gradients stay the caller's to dispose.
   */
  applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const entries: [string, tf.Tensor | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const step = this.step;
    const rates = new Map<GroupSettings, number>();
    const rateOf = (s: GroupSettings): number => {
      if (!rates.has(s)) rates.set(s, rateAt(s.learningRate, step));
      return rates.get(s)!;
    };
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(1, this.accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, this.accBeta2);
      for (const [name, gradient] of entries) {
        const value = tf.engine().registeredVariables[name];
        if (!value) throw new Error(`Adam.applyGradients: no variable named '${name}' is registered.`);
        let slots = this.slots.get(name);
        if (!slots) {
          slots = {
            m: tf.tidy(() => tf.zerosLike(value).variable(false)),
            v: tf.tidy(() => tf.zerosLike(value).variable(false)),
          };
          this.slots.set(name, slots);
        }
        if (gradient == null) continue; // no path from the loss: no update (as tfjs-core)
        const settings = this.groupOf.get(name) ?? this.defaults;
        const lr = rateOf(settings);
        // The op order of tfjs-core's AdamOptimizer (bit-identical results).
        const newM = tf.add(tf.mul(slots.m, this.beta1), tf.mul(gradient, 1 - this.beta1));
        const newV = tf.add(tf.mul(slots.v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        const mHat = tf.div(newM, oneMinusAccBeta1);
        const vHat = tf.div(newV, oneMinusAccBeta2);
        slots.m.assign(newM);
        slots.v.assign(newV);
        // AdamW: decay the weights before the Adam step, as torch.optim.AdamW does.
        const base = settings.weightDecay > 0 ? tf.mul(value, 1 - lr * settings.weightDecay) : value;
        value.assign(tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), -lr), base));
      }
      this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }

  /** A copy of the full state (see {@link AdamState}). */
  async getState(): Promise<AdamState> {
    const moments = new Map<string, AdamMoments>();
    for (const [name, s] of this.slots) {
      moments.set(name, {
        shape: [...s.m.shape],
        m: Float32Array.from(await s.m.data()),
        v: Float32Array.from(await s.v.data()),
      });
    }
    return {
      step: this.step,
      beta1Power: (await this.accBeta1.data())[0],
      beta2Power: (await this.accBeta2.data())[0],
      moments,
    };
  }

  /** Replace the state with `state` (as from {@link getState}); every moment must fit its variable. */
  setState(state: AdamState): void {
    if (!(Number.isInteger(state.step) && state.step >= 0))
      throw new Error(`Adam.setState: 'step' must be a non-negative integer; got ${state.step}.`);
    const problems: string[] = [];
    for (const [name, mo] of state.moments) {
      const v = tf.engine().registeredVariables[name];
      if (!v) problems.push(`no variable '${name}'`);
      else if (v.shape.join('x') !== mo.shape.join('x'))
        problems.push(`'${name}' has shape [${v.shape}], its moments [${mo.shape}]`);
    }
    if (problems.length > 0)
      throw new Error(`Adam.setState: the state does not fit the model: ${problems.join('; ')}.`);
    this.disposeSlots();
    for (const [name, mo] of state.moments) {
      this.slots.set(name, {
        m: tf.tidy(() => tf.tensor(mo.m, mo.shape, 'float32').variable(false)),
        v: tf.tidy(() => tf.tensor(mo.v, mo.shape, 'float32').variable(false)),
      });
    }
    tf.tidy(() => {
      this.accBeta1.assign(tf.scalar(state.beta1Power, 'float32'));
      this.accBeta2.assign(tf.scalar(state.beta2Power, 'float32'));
    });
    this.iterations_ = state.step;
  }

  /** The settings as TF.js serialization wants them (a scheduled learning rate is `null`); not the state. */
  getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: typeof this.defaults.learningRate === 'number' ? this.defaults.learningRate : null,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.defaults.weightDecay,
    };
  }

  private disposeSlots(): void {
    for (const s of this.slots.values()) tf.dispose([s.m, s.v]);
    this.slots.clear();
  }

  /** Frees the moment variables and the beta^t scalars. */
  override dispose(): void {
    this.disposeSlots();
    tf.dispose([this.accBeta1, this.accBeta2]);
    super.dispose();
  }
}

/** Adam with Keras' defaults (beta1 0.9, beta2 0.999, epsilon 1e-7) and a fixed or per-step learning rate. */
export function makeAdam(learningRate: LearningRate, opts: Omit<AdamOptions, 'learningRate'> = {}): Adam {
  if (typeof learningRate !== 'function' && !(typeof learningRate === 'number' && learningRate > 0))
    throw new Error(`makeAdam: 'learningRate' must be a positive number; got ${String(learningRate)}.`);
  if (typeof learningRate === 'number' && !Number.isFinite(learningRate))
    throw new Error(`makeAdam: 'learningRate' must be a positive number; got ${String(learningRate)}.`);
  return new Adam({ ...opts, learningRate });
}
