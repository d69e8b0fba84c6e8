/**
 * The inference engine choice (`--inference auto|tfjs|onnx`) for forward passes: feature extraction, evaluation,
 * embedding export. 'onnx' exports the TF.js model in memory and runs it with ONNX Runtime; 'tfjs' runs it on the
 * active TF.js backend; 'auto' takes the engines of AUTO_ENGINES in order (today tfjs: see there), falling back to tfjs
 * with the reason when ONNX Runtime cannot run the model.
 */
import { tfjsEmbedder, type EngineKind, type SentenceEmbedder } from '../heads/embedder';
import type { SiameseModel } from '../heads/siamese';
import type { TransformerEncoder } from '../model/encoder';
import type { Encoder } from '../model/types';
import { onnxEmbedder, type OnnxSessionOptions } from './runtime';

/** The accepted {@link InferenceChoice} values. */
export const INFERENCE_CHOICES = ['auto', 'tfjs', 'onnx'] as const;
/** Which engine runs forward passes: 'tfjs', 'onnx' (ONNX Runtime), or 'auto' ({@link AUTO_ENGINES} in order). */
export type InferenceChoice = (typeof INFERENCE_CHOICES)[number];

/**
 * The engines 'auto' tries, in order. TF.js first: on the 2-core development machine ONNX Runtime was not faster
 * than the native TF.js backend for the pipeline's forward passes (docs/performance.md, "Inference engines in the
 * pipeline"), and TF.js needs no export. 'onnx' stays available, and is what transformers.js runs.
 */
export const AUTO_ENGINES: readonly EngineKind[] = ['tfjs'];

/**
 * Engines whose cached features a run with `choice` accepts, in order of preference: the chosen engine's own, and
 * for 'auto' either engine's (their vectors agree within 1e-5, lib/onnx/README.md).
 */
export function cacheEnginesOf(choice: InferenceChoice): readonly EngineKind[] {
  if (choice === 'auto')
    return [...AUTO_ENGINES, ...(['tfjs', 'onnx'] as const).filter((e) => !AUTO_ENGINES.includes(e))];
  return [choice];
}

/** What {@link createEmbedder} returns: the embedder, and why 'auto' passed ONNX Runtime over. */
export interface ChosenEmbedder {
  /** The embedder to use; the caller disposes it. */
  embedder: SentenceEmbedder;
  /** With 'auto': why ONNX Runtime was not used (undefined when it was, or when the choice was explicit). */
  fallbackReason?: string;
}

/** ONNX Runtime session settings, plus the TF.js backend's name for a tfjs embedder's `name`. */
export interface CreateEmbedderOptions extends OnnxSessionOptions {
  /** The TF.js backend's name, shown in a tfjs embedder's name (e.g. 'wasm'). */
  backend?: string;
  /** The engines 'auto' tries, in order (default {@link AUTO_ENGINES}). */
  autoEngines?: readonly EngineKind[];
}

/**
 * A SentenceEmbedder for `model` (an encoder's sentence vectors or a siamese model's embeddings) on the chosen
 * engine; 'auto' tries `opts.autoEngines` in order and says why it passed one over. ONNX needs a TransformerEncoder
 * (or a SiameseModel on one): 'onnx' throws when ONNX Runtime cannot run the model. The caller disposes the
 * embedder (which does not dispose `model`).
 */
export async function createEmbedder(
  choice: InferenceChoice,
  model: Encoder | SiameseModel,
  opts: CreateEmbedderOptions = {},
): Promise<ChosenEmbedder> {
  if (!INFERENCE_CHOICES.includes(choice))
    throw new Error(`createEmbedder: 'choice' must be one of ${INFERENCE_CHOICES.join(', ')}; got '${choice}'.`);
  const order = choice === 'auto' ? (opts.autoEngines ?? AUTO_ENGINES) : [choice];
  const reasons: string[] = [];
  for (const engine of order) {
    if (engine === 'tfjs') {
      const embedder = tfjsEmbedder(model, opts.backend);
      return reasons.length > 0 ? { embedder, fallbackReason: reasons.join('; ') } : { embedder };
    }
    try {
      return { embedder: await onnxEmbedder(model as TransformerEncoder | SiameseModel, opts) };
    } catch (e) {
      if (choice === 'onnx') {
        throw new Error(
          `createEmbedder: ONNX Runtime cannot run this model (--inference onnx): ${(e as Error).message}; choose ` +
            `tfjs or auto (--inference tfjs|auto) to run it on TF.js.`,
        );
      }
      reasons.push((e as Error).message);
    }
  }
  // 'auto' whose engines all failed: TF.js runs every model.
  return { embedder: tfjsEmbedder(model, opts.backend), fallbackReason: reasons.join('; ') };
}

/** Which engine ran a forward-only job, for the log and the report. */
export interface EngineUsed {
  choice: InferenceChoice;
  /** The embedder's name, e.g. 'onnx (onnxruntime-node 1.30.0, cpu)' or 'tfjs (wasm)'. */
  engine: string;
  fallbackReason?: string;
}

/**
 * Run `job` with an embedder of `model` on the chosen engine and dispose the embedder afterwards (also on errors);
 * returns the job's result and which engine ran it. `log` hears the engine (and why 'auto' fell back).
 */
export async function withEmbedder<T>(
  choice: InferenceChoice,
  model: Encoder | SiameseModel,
  job: (embedder: SentenceEmbedder) => Promise<T>,
  opts: CreateEmbedderOptions & { log?: (line: string) => void; label?: string } = {},
): Promise<{ result: T; used: EngineUsed }> {
  const { embedder, fallbackReason } = await createEmbedder(choice, model, opts);
  const label = opts.label ? `${opts.label}: ` : '';
  opts.log?.(
    `${label}inference on ${embedder.name} (--inference ${choice})` +
      (fallbackReason ? ` (ONNX Runtime not used: ${fallbackReason})` : ''),
  );
  try {
    const result = await job(embedder);
    return { result, used: { choice, engine: embedder.name, ...(fallbackReason ? { fallbackReason } : {}) } };
  } finally {
    await embedder.dispose();
  }
}
