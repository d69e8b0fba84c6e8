/**
 * Small training set-ups for trainer tests: a softmax head on Gaussian blobs (fast, dropout-free) and a siamese
 * tiny BERT with dropout 0.1 on texts of the tiny WordPiece vocabulary (dropout through the whole stack).
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { makeRandom } from '../../lib/data/rng';
import { ClassifierHead, SiameseModel } from '../../lib/heads/index';
import { parseConfig } from '../../lib/model/config';
import { buildEncoder, type TransformerEncoder } from '../../lib/model/encoder';
import { loadTokenizer } from '../../lib/tokenizer/tokenizer';
import type { FeatureMatrix } from '../../lib/train/batches';
import {
  featureBatchLoader,
  pkSampler,
  randomSampler,
  textBatchLoader,
  type LabeledBatch,
  type TrainOptions,
} from '../../lib/train/index';
import type { TokenBatch } from '../../lib/model/types';

/** 3 Gaussian blobs in 8-d; `noisyLabels` shuffles the labels (a validation loss that rises while training). */
export function blobs(n: number, seed: string, noisyLabels = false): { features: FeatureMatrix; labels: Int32Array } {
  const random = makeRandom(seed);
  const data = new Float32Array(n * 8),
    labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    for (let j = 0; j < 8; j++) data[i * 8 + j] = (j % 3 === labels[i] ? 1.5 : 0) + (random() - 0.5) * 2;
    if (noisyLabels) labels[i] = Math.floor(random() * 3);
  }
  return { features: { data, rows: n, cols: 8 }, labels };
}

/** A feature classifier on blobs: 120 train rows in batches of 16 (8 steps an epoch), 30 validation rows. */
export function blobsSetup(
  overrides: Partial<TrainOptions<LabeledBatch<tf.Tensor2D>>> = {},
  opts: { noisyValidation?: boolean } = {},
) {
  const trainData = blobs(120, 'train'),
    valData = blobs(30, 'val', opts.noisyValidation);
  const head = new ClassifierHead(8, { numClasses: 3, seed: 5 });
  const trainLoader = featureBatchLoader(trainData.features, trainData.labels);
  const valLoader = featureBatchLoader(valData.features, valData.labels);
  const options: TrainOptions<LabeledBatch<tf.Tensor2D>> = {
    model: head,
    sampler: randomSampler(120, { batchSize: 16, seed: 1 }),
    loadBatch: (idx, phase) => (phase === 'train' ? trainLoader : valLoader).loadBatch(idx),
    disposeBatch: trainLoader.disposeBatch,
    validationBatches: [Int32Array.from({ length: 30 }, (_, i) => i)],
    epochs: 4,
    learningRate: 0.05,
    config: { lr: 0.05, seed: 1 },
    ...overrides,
  };
  return { head, opts: options };
}

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
const WORDPIECE = new URL('../tokenizer/fixtures/tiny-wordpiece', import.meta.url).pathname;

/**
 * A BERT with the tiny golden BERT's config (test/fixtures/tiny-bert), hidden and attention dropout 0.1, and a
 * vocabulary cut to the tiny WordPiece tokenizer's (32 ids: a small embedding keeps the cpu backend fast); seeded
 * random weights.
 */
export function tinyBertWithDropout(): TransformerEncoder {
  const config = parseConfig({
    ...JSON.parse(readFileSync(`${FIXTURES}tiny-bert/config.json`, 'utf8')),
    vocab_size: 32,
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
  });
  return buildEncoder(config, { seed: 1, pooling: 'mean' });
}

const WORDS = [
  ['the', 'cat', 'sat', 'on', 'mat'],
  ['my', 'dog', 'is', 'cute', 'playing'],
  ['hello', ',', 'dogs', '.', 'cats'],
];

/** `n` texts of 3 classes, each drawn from its class's words (seeded). */
export function toyTexts(n: number, seed: string): { texts: string[]; labels: Int32Array } {
  const random = makeRandom(seed);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const texts = Array.from(labels, (c) =>
    Array.from({ length: 3 + Math.floor(random() * 5) }, () => WORDS[c][Math.floor(random() * 5)]).join(' '),
  );
  return { texts, labels };
}

/** A siamese tiny BERT (dropout 0.1) on 24 toy texts: P×K 3×4 batches (2 steps an epoch), 12 validation texts. */
export async function dropoutSiameseSetup(overrides: Partial<TrainOptions<LabeledBatch<TokenBatch>>> = {}) {
  const tokenizer = await loadTokenizer(WORDPIECE);
  const train = toyTexts(24, 'train'),
    val = toyTexts(12, 'val');
  const model = new SiameseModel(tinyBertWithDropout(), { seed: 2 });
  const trainLoader = textBatchLoader(train.texts, train.labels, tokenizer, { maxLength: 12 });
  const valLoader = textBatchLoader(val.texts, val.labels, tokenizer, { maxLength: 12 });
  const opts: TrainOptions<LabeledBatch<TokenBatch>> = {
    model,
    sampler: pkSampler(train.labels, { classesPerBatch: 3, examplesPerClass: 4, seed: 1 }),
    loadBatch: (idx, phase) => (phase === 'train' ? trainLoader : valLoader).loadBatch(idx),
    disposeBatch: trainLoader.disposeBatch,
    validationBatches: [Int32Array.from({ length: 12 }, (_, i) => i)],
    epochs: 3,
    learningRate: 1e-3,
    seed: 3,
    ...overrides,
  };
  return { model, opts };
}

/** Every checkpoint weight's bytes, by name (bit-level comparison of two models). */
export function weightBits(weights: Map<string, tf.Variable>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of weights) {
    const a = v.dataSync();
    out[name] = Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  }
  return out;
}
