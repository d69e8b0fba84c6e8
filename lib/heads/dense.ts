/**
 * A dense layer made of plain tf.Variables, with Keras' defaults: Glorot-uniform
 * kernel (seeded, identical on every backend) and zero bias.
 */
import * as tf from '@tensorflow/tfjs';
import { makeRandom } from '../data/rng';

/** The activations a {@link Dense} layer applies after its affine map: none ('linear') or relu. */
export type Activation = 'linear' | 'relu';

/** Glorot/Xavier uniform values for a `[fanIn, fanOut]` kernel: U(-l, l), l = sqrt(6 / (fanIn + fanOut)). */
export function glorotUniform(fanIn: number, fanOut: number, seed: number | string): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const random = makeRandom(`glorot:${seed}`);
  return Float32Array.from({ length: fanIn * fanOut }, () => (2 * random() - 1) * limit);
}

/** Shape, activation and seed of a {@link Dense} layer, named as Keras' `Dense`. */
export interface DenseOptions {
  /** Width of the input rows (Keras infers it; given here). */
  inputSize: number;
  /** Width of the output rows. */
  units: number;
  /** Default 'linear'. */
  activation?: Activation;
  /** Seed of the kernel initialisation. */
  seed: number | string;
}

/**
 * Keras' `Dense(units, activation)`: `activation(x @ kernel + bias)` on [B, inputSize] rows, with the kernel
 * Glorot-uniform (seeded through lib/data/rng, so identical on every backend) and the bias zero. Owns its two
 * variables ({@link Dense.dispose}).
 */
export class Dense {
  /** `[inputSize, units]` */
  readonly kernel: tf.Variable;
  /** `[units]` */
  readonly bias: tf.Variable;
  readonly activation: Activation;

  /** Throws when `inputSize` or `units` is not a positive integer, or on another activation. */
  constructor(opts: DenseOptions) {
    for (const key of ['inputSize', 'units'] as const) {
      if (!(Number.isInteger(opts[key]) && opts[key] > 0))
        throw new Error(`Dense: '${key}' must be a positive integer; got ${opts[key]}.`);
    }
    this.activation = opts.activation ?? 'linear';
    if (this.activation !== 'linear' && this.activation !== 'relu') {
      throw new Error(`Dense: 'activation' must be 'linear' or 'relu'; got ${JSON.stringify(this.activation)}.`);
    }
    const kernel = tf.tensor2d(glorotUniform(opts.inputSize, opts.units, opts.seed), [opts.inputSize, opts.units]);
    const bias = tf.zeros([opts.units]);
    this.kernel = tf.variable(kernel);
    this.bias = tf.variable(bias);
    tf.dispose([kernel, bias]); // the variables hold their own references
  }

  /** Width of the input rows (the kernel's first dimension). */
  get inputSize(): number {
    return this.kernel.shape[0] as number;
  }
  /** Width of the output rows (the kernel's second dimension). */
  get units(): number {
    return this.kernel.shape[1] as number;
  }

  /** `[B, inputSize]` -> `[B, units]` */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const y = tf.matMul(x, this.kernel).add(this.bias) as tf.Tensor2D;
      return this.activation === 'relu' ? tf.relu(y) : y;
    });
  }

  /** `{prefix}.kernel` and `{prefix}.bias`. */
  namedWeights(prefix: string): [string, tf.Variable][] {
    return [
      [`${prefix}.kernel`, this.kernel],
      [`${prefix}.bias`, this.bias],
    ];
  }

  /** Frees the kernel and bias. */
  dispose(): void {
    this.kernel.dispose();
    this.bias.dispose();
  }
}
