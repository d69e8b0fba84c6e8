/**
 * The study's classifiers: a softmax Dense(classes) head on encoder sentence
 * vectors. Three set-ups share it:
 * - frozen classifier: pretrained encoder frozen, head trained (on features computed once);
 * - trained classifier: encoder and head trained together;
 * - siamese classifier: the siamese-tuned encoder frozen, its pooled output → head.
 */
import * as tf from '@tensorflow/tfjs';
import type { EmbedOptions, Encoder, TokenBatch } from '../model/types';
import type { LabeledBatch, StepOutputs, TrainableModel } from '../train/types';
import { correctCount, sparseCategoricalCrossentropy, type CrossEntropyReduction } from './cross-entropy';
import { Dense } from './dense';
import type { SiameseModel } from './siamese';

/** The softmax head of a classifier: number of classes, optional class weights of the loss, reduction and seed. */
export interface ClassifierOptions {
  /** Number of classes C (the head's output width). */
  numClasses: number;
  /** Per-class loss weights (e.g. lib/data `classWeights`: 1/frequency normalised to sum 1, the study's). */
  classWeights?: ArrayLike<number>;
  /** Loss reduction (default 'mean', Keras'). */
  reduction?: CrossEntropyReduction;
  /** Seed of the head's initialisation (default 0). */
  seed?: number;
}

/** Dense(classes) softmax head, trainable on precomputed features `[B, H]` (frozen encoders). */
export class ClassifierHead implements TrainableModel<LabeledBatch<tf.Tensor2D>> {
  readonly dense: Dense;
  readonly classWeights?: number[];
  readonly reduction: CrossEntropyReduction;

  /**
   * A new Dense(`opts.numClasses`) head on `inputSize`-wide features, Glorot-uniform kernel seeded by `opts.seed`,
   * zero bias. Throws when `inputSize` or `numClasses` is not a positive integer.
   */
  constructor(inputSize: number, opts: ClassifierOptions) {
    this.dense = new Dense({ inputSize, units: opts.numClasses, seed: `${opts.seed ?? 0}:classifier` });
    this.classWeights = opts.classWeights ? Array.from(opts.classWeights) : undefined;
    this.reduction = opts.reduction ?? 'mean';
  }

  /** Number of classes C (the head's output width). */
  get numClasses(): number {
    return this.dense.units;
  }

  /** `[B, H]` -> logits `[B, C]` (softmax is applied by the loss and by `predictProba`). */
  logits(features: tf.Tensor2D): tf.Tensor2D {
    return this.dense.apply(features);
  }

  /** Weighted cross-entropy of logits against labels, filling `outputs.correct`. */
  lossFromLogits(labels: tf.Tensor1D, logits: tf.Tensor2D, outputs?: StepOutputs): tf.Scalar {
    if (outputs) outputs.correct = tf.keep(correctCount(labels, logits));
    return sparseCategoricalCrossentropy(labels, logits, {
      classWeights: this.classWeights,
      reduction: this.reduction,
    }) as tf.Scalar;
  }

  /** Weighted cross-entropy of features [B, H] against int32 labels [B]; see {@link ClassifierHead.lossFromLogits}. */
  lossFn(batch: LabeledBatch<tf.Tensor2D>, _training: boolean, outputs?: StepOutputs): tf.Scalar {
    return tf.tidy(() => this.lossFromLogits(batch.labels, this.logits(batch.inputs), outputs));
  }

  /** The head's kernel [H, C] and bias [C]. */
  trainableVariables(): tf.Variable[] {
    return [this.dense.kernel, this.dense.bias];
  }

  /** `head.classifier.kernel`, `head.classifier.bias`. */
  checkpointWeights(): Map<string, tf.Variable> {
    return new Map(this.dense.namedWeights('head.classifier'));
  }

  /** Frees the head's variables. */
  dispose(): void {
    this.dense.dispose();
  }
}

/** Encoder + classifier head on token batches. Trains the encoder only when `encoder.trainable`. */
export class EncoderClassifier implements TrainableModel<LabeledBatch<TokenBatch>> {
  /**
   * Takes ownership of `encoder` and `head` (dispose() disposes both). Throws when the head's input size is not
   * the encoder's hidden size.
   */
  constructor(
    readonly encoder: Encoder,
    readonly head: ClassifierHead,
  ) {
    if (head.dense.inputSize !== encoder.hiddenSize) {
      throw new Error(
        `EncoderClassifier: the head's input size must equal the encoder's hidden size (${encoder.hiddenSize}); got ` +
          `${head.dense.inputSize}.`,
      );
    }
  }

  /** Logits `[B, C]` of a token batch (dropout in the encoder when training, seeded by `opts.seed`). */
  logits(tokens: TokenBatch, opts: EmbedOptions = {}): tf.Tensor2D {
    return tf.tidy(() => this.head.logits(this.encoder.embed(tokens, opts)));
  }

  /** Class probabilities `[B, C]` (softmax). */
  predictProba(tokens: TokenBatch): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(this.logits(tokens)));
  }

  /** Weighted cross-entropy; `seed` seeds the encoder's dropout masks when training (see TrainableModel). */
  lossFn(batch: LabeledBatch<TokenBatch>, training: boolean, outputs?: StepOutputs, seed?: string): tf.Scalar {
    return tf.tidy(() =>
      this.head.lossFromLogits(batch.labels, this.logits(batch.inputs, { training, seed }), outputs),
    );
  }

  /** The encoder's trainable variables (none when frozen), then the head's kernel and bias. */
  trainableVariables(): tf.Variable[] {
    return [...this.encoder.trainableVariables(), ...this.head.trainableVariables()];
  }

  /** The head's weights, plus `encoder.<HF name>` when the encoder trains. */
  checkpointWeights(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    if (this.encoder.trainable) for (const [name, v] of this.encoder.weights) out.set(`encoder.${name}`, v);
    for (const [name, v] of this.head.checkpointWeights()) out.set(name, v);
    return out;
  }

  /** Frees the head and the encoder (a siamese classifier's encoder is the siamese model's: dispose one of them). */
  dispose(): void {
    this.head.dispose();
    this.encoder.dispose();
  }
}

/** Frozen classifier: `encoder` frozen (its `trainable` set to false) + a new head. Train `.head` on features. */
export function frozenClassifier(encoder: Encoder, opts: ClassifierOptions): EncoderClassifier {
  encoder.trainable = false;
  return new EncoderClassifier(encoder, new ClassifierHead(encoder.hiddenSize, opts));
}

/** Trained classifier: `encoder` trainable (set to true) + a new head, trained end to end. */
export function trainedClassifier(encoder: Encoder, opts: ClassifierOptions): EncoderClassifier {
  encoder.trainable = true;
  return new EncoderClassifier(encoder, new ClassifierHead(encoder.hiddenSize, opts));
}

/**
 * Siamese classifier: the siamese-tuned encoder, frozen, its sentence vector
 * (pooled output, as in the study, not the 64-d embedding) → a new head.
 * The returned classifier shares `siamese.encoder`: dispose only one of them.
 */
export function siameseClassifier(siamese: SiameseModel, opts: ClassifierOptions): EncoderClassifier {
  return frozenClassifier(siamese.encoder, opts);
}
