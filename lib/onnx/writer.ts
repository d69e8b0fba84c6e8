/**
 * ONNX export of a trained encoder straight from its TF.js variables (no Python): `toOnnx(encoder)` or
 * `toOnnx(siameseModel)` gives the bytes of a `.onnx` file (graph: lib/onnx/encoder-graph.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { Dense } from '../heads/dense';
import { SiameseModel } from '../heads/siamese';
import { TransformerEncoder } from '../model/encoder';
import type { Pooling } from '../model/types';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encoderGraph, IR_VERSION, OPSET, type DenseWeights, type WeightArray } from './encoder-graph';
import { encodeModel, type ModelProto } from './proto';
import { packageRoot } from '../io/package-root';

/** The `producer_name` written into every exported ONNX file. */
export const PRODUCER_NAME = 'siamese-albert-ts';

/** The library's version for the file's producer_version ('unknown' outside a siamese-albert-ts root). */
function producerVersion(): string {
  const root = packageRoot();
  if (!root) return 'unknown';
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Settings of an ONNX export: the pooling of `sentence_embedding` and extra metadata. */
export interface OnnxExportOptions {
  /** The sentence vector in `sentence_embedding` (default the encoder's own pooling). */
  pooling?: Pooling;
  /** Extra `metadata_props` entries (e.g. the run folder and stage). */
  metadata?: Record<string, string>;
}

async function weightArray(v: tf.Tensor): Promise<WeightArray> {
  return { shape: v.shape, data: (await v.data()) as Float32Array };
}

async function denseWeights(d: Dense): Promise<DenseWeights> {
  return { kernel: await weightArray(d.kernel), bias: await weightArray(d.bias), activation: d.activation };
}

/** The model's TransformerEncoder, or an error saying what the exporter needs. */
function transformerEncoder(model: TransformerEncoder | SiameseModel): TransformerEncoder {
  const encoder = model instanceof SiameseModel ? model.encoder : model;
  if (!(encoder instanceof TransformerEncoder)) {
    throw new Error(
      `toOnnx: 'model' must be a TransformerEncoder (lib/model/encoder.ts) or a SiameseModel built on one; got ` +
        `${(encoder as object)?.constructor?.name ?? typeof encoder}.`,
    );
  }
  if (encoder.weights.size === 0) throw new Error('toOnnx: the encoder has been disposed; export it before dispose().');
  return encoder;
}

/**
 * The bytes of an ONNX model (opset 17, IR 8) of `model`: a TransformerEncoder (outputs last_hidden_state,
 * pooler_output, sentence_embedding) or a SiameseModel (also siamese_embedding, its L2-normalised head output).
 * Reads the variables' current values; the model is not changed. Throws for configs the graph cannot express.
 */
export async function toOnnx(
  model: TransformerEncoder | SiameseModel,
  opts: OnnxExportOptions = {},
): Promise<Uint8Array> {
  const encoder = transformerEncoder(model);
  const pooling = opts.pooling ?? encoder.pooling;
  const weights = new Map<string, WeightArray>();
  for (const [name, v] of encoder.weights) weights.set(name, await weightArray(v));
  const head =
    model instanceof SiameseModel ? [await denseWeights(model.dense1), await denseWeights(model.dense2)] : undefined;
  const graph = encoderGraph(encoder.config, weights, { pooling, head });
  const onnx: ModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: PRODUCER_NAME,
    producerVersion: producerVersion(),
    docString: 'Sentence encoder exported from TF.js variables by siamese-albert-ts (lib/onnx).',
    graph,
    metadataProps: Object.entries({
      model_type: encoder.config.modelType,
      pooling,
      siamese_head: head ? 'yes' : 'no',
      ...opts.metadata,
    }).map(([key, value]) => ({ key, value })),
  };
  return encodeModel(onnx);
}
