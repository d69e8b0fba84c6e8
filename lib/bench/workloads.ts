/**
 * The benchmark's workloads on the active TF.js backend: encoder inference (pooled sentence vectors)
 * and one siamese training step (forward + backward + Adam, batch semi-hard triplet loss), as the
 * trainer runs it (lib/train/trainer.ts: variableGrads, then applyGradients).
 */
import * as tf from '@tensorflow/tfjs';
import type { Encoder, TokenBatch } from '../model/types';
import { TRAINING_DEFAULTS } from '../heads/defaults';
import { makeAdam, type Adam } from '../train/optimizer';
import { SiameseModel } from '../heads/siamese';
import { disposeTokenBatch, toTokenBatch, type EncodedBatch } from '../tokenizer/types';
import type { LabeledBatch } from '../train/types';

/**
 * A deterministic batch of `batchSize` texts of exactly `seqLength` tokens ([CLS] … [SEP], no padding),
 * ids drawn from [5, vocabSize) by a fixed linear congruence of the seed.
 */
export function syntheticBatch(batchSize: number, seqLength: number, vocabSize: number, seed = 0): EncodedBatch {
  for (const [name, v] of [
    ['batchSize', batchSize],
    ['seqLength', seqLength],
  ] as const) {
    if (!Number.isInteger(v) || v < 2) throw new Error(`syntheticBatch: '${name}' must be an integer >= 2; got ${v}.`);
  }
  const n = batchSize * seqLength;
  const inputIds = new Int32Array(n);
  for (let i = 0; i < n; i++) inputIds[i] = 5 + ((i * 7919 + seed * 104729) % (vocabSize - 5));
  for (let b = 0; b < batchSize; b++) {
    inputIds[b * seqLength] = 2; // [CLS]
    inputIds[b * seqLength + seqLength - 1] = 3; // [SEP]
  }
  return { inputIds, attentionMask: new Int32Array(n).fill(1), tokenTypeIds: new Int32Array(n), batchSize, seqLength };
}

/** P×K labels: `classes` classes with batchSize / classes rows each (semi-hard triplets need ≥ 2 per class). */
export function pkLabels(batchSize: number, classes = 8): Int32Array {
  return Int32Array.from(
    { length: batchSize },
    (_, i) => i % Math.min(classes, Math.max(1, Math.floor(batchSize / 2))),
  );
}

/** Pooled sentence vectors of one batch, read back to the host (what an embedding job does). */
export async function inferOnce(encoder: Encoder, batch: TokenBatch): Promise<Float32Array> {
  const y = encoder.embed(batch);
  try {
    return (await y.data()) as Float32Array;
  } finally {
    y.dispose();
  }
}

/** A siamese model, its Adam and a fixed labelled batch, stepped by `step()`; `dispose()` frees all. */
export class TrainingBench {
  readonly model: SiameseModel;
  readonly optimizer: Adam;
  readonly batch: LabeledBatch<TokenBatch>;

  /** Takes ownership of `encoder`. */
  constructor(encoder: Encoder, encoded: EncodedBatch, opts: { learningRate?: number; seed?: number } = {}) {
    this.model = new SiameseModel(encoder, { seed: opts.seed ?? 0 });
    this.optimizer = makeAdam(opts.learningRate ?? TRAINING_DEFAULTS.siamese.learningRate);
    this.batch = {
      inputs: toTokenBatch(encoded),
      labels: tf.tensor1d(pkLabels(encoded.batchSize), 'int32'),
      size: encoded.batchSize,
    };
  }

  /** One optimizer step on the fixed batch; returns the loss before the update. */
  async step(): Promise<number> {
    return this.stepOn(this.batch);
  }

  /** One optimizer step on `batch` (the caller keeps and disposes it); returns the loss before the update. */
  async stepOn(batch: LabeledBatch<TokenBatch>): Promise<number> {
    const vars = this.model.trainableVariables();
    // Dropout masks seeded per step, as the trainer does (models with dropout > 0 need a seed).
    const seed = `${this.model.options.seed}:${this.optimizer.iterations}`;
    const { value, grads } = tf.variableGrads(() => this.model.lossFn(batch, true, undefined, seed), vars);
    try {
      this.optimizer.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
      return (await value.data())[0];
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  }

  /** Frees the batch, the optimizer's state and the model (with its encoder). */
  dispose(): void {
    disposeTokenBatch(this.batch.inputs);
    this.batch.labels.dispose();
    this.optimizer.dispose();
    this.model.dispose();
  }
}
