/**
 * SentenceEmbedder: sentence vectors of tokenised batches from any inference engine, for the forward-only work
 * (frozen and siamese features, evaluation, embedding export). `tfjsEmbedder` runs a TF.js encoder or siamese
 * model; lib/onnx/runtime.ts runs the same model exported to ONNX through ONNX Runtime. Training stays in TF.js.
 */
import type { Encoder } from '../model/types';
import { disposeTokenBatch, toTokenBatch, type EncodedBatch } from '../tokenizer/types';
import { SiameseModel } from './siamese';

/** The inference engines: TF.js on the active backend, or ONNX Runtime. */
export type EngineKind = 'tfjs' | 'onnx';

/**
 * An inference engine for sentence vectors: tokenised batches in, [B, dim] float32 rows out (no dropout). Made by
 * {@link tfjsEmbedder} (TF.js) or lib/onnx's `onnxEmbedder` (ONNX Runtime); call `dispose()` when done.
 */
export interface SentenceEmbedder {
  readonly engine: EngineKind;
  /** What runs, for logs and reports, e.g. 'tfjs (wasm)' or 'onnx (onnxruntime-node 1.30.0, cpu)'. */
  readonly name: string;
  /** Width of each vector. */
  readonly dim: number;
  /** Vectors of one batch, `[batchSize, dim]` row-major, in inference mode (no dropout). */
  embed(batch: EncodedBatch): Promise<Float32Array>;
  /** Frees the engine's resources (not the TF.js model a tfjs embedder wraps: its owner disposes it). */
  dispose(): Promise<void>;
}

/** True for a SentenceEmbedder, false for an Encoder (the two things computeFeatures takes). */
export function isSentenceEmbedder(x: Encoder | SentenceEmbedder): x is SentenceEmbedder {
  return typeof (x as SentenceEmbedder).engine === 'string' && typeof (x as Encoder).forward !== 'function';
}

/**
 * A TF.js embedder: an Encoder gives its sentence vectors (`encoder.embed`, its pooling, `[B, H]`); a SiameseModel
 * gives its L2-normalised embeddings (`[B, E]`). `backend` names the TF.js backend in `name`.
 */
export function tfjsEmbedder(model: Encoder | SiameseModel, backend?: string): SentenceEmbedder {
  const dim = model instanceof SiameseModel ? model.options.embeddingSize : model.hiddenSize;
  return {
    engine: 'tfjs',
    name: backend ? `tfjs (${backend})` : 'tfjs',
    dim,
    async embed(batch: EncodedBatch): Promise<Float32Array> {
      const tokens = toTokenBatch(batch);
      try {
        const y = model.embed(tokens, { training: false }); // [B, dim]
        try {
          return (await y.data()) as Float32Array;
        } finally {
          y.dispose();
        }
      } finally {
        disposeTokenBatch(tokens);
      }
    },
    dispose: async () => {},
  };
}
