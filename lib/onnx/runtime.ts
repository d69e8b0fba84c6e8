/**
 * ONNX Runtime inference (onnxruntime-node, CPU) of an exported encoder: `loadOnnxModel` opens a `.onnx` file or
 * in-memory bytes, `OnnxModel.embedder(output)` gives a SentenceEmbedder over one of its outputs, and
 * `onnxEmbedder(model)` exports a TF.js encoder or siamese model in memory and runs it (lib/onnx/writer.ts).
 * onnxruntime-node is loaded on first use, so a machine without its native binding can still run everything else.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { SentenceEmbedder } from '../heads/embedder';
import { SiameseModel } from '../heads/siamese';
import type { TransformerEncoder } from '../model/encoder';
import type { EncodedBatch } from '../tokenizer/types';
import { INPUT_NAMES, type OutputName } from './encoder-graph';
import { toOnnx, type OnnxExportOptions } from './writer';

type Ort = typeof import('onnxruntime-node');
let ortModule: Promise<Ort> | undefined;

/** onnxruntime-node, loaded once; throws with the reason when its native binding does not load. */
export async function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').catch((e: Error) => {
    ortModule = undefined;
    throw new Error(`onnxruntime-node does not load here: ${e.message}`);
  });
  return ortModule;
}

/**
 * ONNX Runtime session settings (onnxruntime-node `InferenceSession.SessionOptions`). Defaults: ONNX Runtime's thread
 * count, sequential execution, all graph optimisations, idle threads sleeping (spinning cost 22% on the shared CPU);
 * docs/performance.md ("Inference engines in the pipeline") compares them under load.
 */
export interface OnnxSessionOptions {
  /** Threads of one operator (`intraOpNumThreads`; default ONNX Runtime's: the machine's physical cores). */
  threads?: number;
  /** Operators one after another or independent branches in parallel (`executionMode`; default 'sequential'). */
  executionMode?: 'sequential' | 'parallel';
  /** Graph rewrites before the first run (`graphOptimizationLevel`; default 'all'). */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Idle worker threads spin instead of sleeping (`session.intra_op.allow_spinning`; default false). */
  spinning?: boolean;
}

/** One output of a run: values row-major and their dims. */
export interface OutputArray {
  data: Float32Array;
  dims: number[];
}

/**
 * An ONNX model open in ONNX Runtime (onnxruntime-node, CPU): runs token batches and gives named float outputs.
 * Make one with {@link loadOnnxModel}; call `release()` when done.
 */
export class OnnxModel {
  /** 'onnx (onnxruntime-node <version>, cpu)'. */
  readonly name: string;
  private released = false;

  /** Wraps an open `session`; `source` names the model in errors. Use {@link loadOnnxModel} to open one. */
  constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly source: string,
  ) {
    this.name = `onnx (onnxruntime-node ${ort.env.versions.node ?? ort.env.versions.common}, cpu)`;
  }

  /** The graph's input names (e.g. input_ids, attention_mask, token_type_ids). */
  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }
  /** The graph's output names (e.g. last_hidden_state, sentence_embedding). */
  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Run one batch; returns the named outputs (all of them when `outputs` is omitted). */
  async run(batch: EncodedBatch, outputs?: readonly string[]): Promise<Record<string, OutputArray>> {
    if (this.released) throw new Error(`OnnxModel.run: the session of '${this.source}' has been released.`);
    const dims = [batch.batchSize, batch.seqLength];
    const int64 = (values: Int32Array): Tensor =>
      new this.ort.Tensor(
        'int64',
        BigInt64Array.from(values, (v) => BigInt(v)),
        dims,
      );
    const all: Record<string, Int32Array> = {
      input_ids: batch.inputIds,
      attention_mask: batch.attentionMask,
      token_type_ids: batch.tokenTypeIds,
    };
    const feeds: Record<string, Tensor> = {};
    for (const name of this.session.inputNames) {
      if (!(INPUT_NAMES as readonly string[]).includes(name))
        throw new Error(
          `OnnxModel.run: '${this.source}' has an input '${name}'; only ${INPUT_NAMES.join(', ')} can be fed.`,
        );
      feeds[name] = int64(all[name]);
    }
    const missing = (outputs ?? []).filter((o) => !this.session.outputNames.includes(o));
    if (missing.length)
      throw new Error(
        `OnnxModel.run: '${this.source}' has no output ${missing.join(', ')}; it has ` +
          `${this.session.outputNames.join(', ')}.`,
      );
    const result = outputs ? await this.session.run(feeds, [...outputs]) : await this.session.run(feeds);
    const out: Record<string, OutputArray> = {};
    for (const [name, t] of Object.entries(result)) {
      out[name] = { data: t.data as Float32Array, dims: t.dims.map(Number) };
      t.dispose();
    }
    for (const t of Object.values(feeds)) t.dispose();
    return out;
  }

  /**
   * A SentenceEmbedder over one `[batch, dim]` output ('sentence_embedding', 'siamese_embedding' or
   * 'pooler_output'). With `owner`, disposing the embedder releases this model's session; `maxLength` (the model's
   * max_position_embeddings) turns a too-long batch into a clear error instead of ONNX Runtime's Gather error.
   */
  embedder(output: OutputName, dim: number, opts: { owner?: boolean; maxLength?: number } = {}): SentenceEmbedder {
    if (!this.session.outputNames.includes(output))
      throw new Error(
        `OnnxModel.embedder: '${this.source}' has no output '${output}'; it has ` +
          `${this.session.outputNames.join(', ')}.`,
      );
    return {
      engine: 'onnx',
      name: this.name,
      dim,
      embed: async (batch: EncodedBatch): Promise<Float32Array> => {
        if (opts.maxLength !== undefined && batch.seqLength > opts.maxLength)
          throw new Error(
            `OnnxModel.embedder: sequence length must be <= max_position_embeddings (${opts.maxLength}); got ` +
              `${batch.seqLength}.`,
          );
        const y = (await this.run(batch, [output]))[output];
        if (y.dims.length !== 2 || y.dims[0] !== batch.batchSize || y.dims[1] !== dim)
          throw new Error(
            `OnnxModel.embedder: '${output}' of '${this.source}' is [${y.dims}]; expected ` +
              `[${batch.batchSize}, ${dim}].`,
          );
        return y.data;
      },
      dispose: async () => {
        if (opts.owner) await this.release();
      },
    };
  }

  /** Free the ONNX Runtime session (idempotent). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}

/** Open an ONNX model from a file path or its bytes (CPU execution provider, all graph optimisations). */
export async function loadOnnxModel(
  source: string | Uint8Array,
  opts: OnnxSessionOptions & { label?: string } = {},
): Promise<OnnxModel> {
  const ort = await loadOrt();
  if (opts.threads !== undefined && !(Number.isInteger(opts.threads) && opts.threads > 0))
    throw new Error(`loadOnnxModel: 'threads' must be a positive integer; got ${opts.threads}.`);
  const options: InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: opts.graphOptimizationLevel ?? 'all',
    executionMode: opts.executionMode ?? 'sequential',
    logSeverityLevel: 3,
    ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
    // Idle worker threads sleep instead of spinning: on a shared CPU spinning cost 22% here (MiniLM, 512
    // headlines in batches of 64, 2 threads: 34.9 vs 44.8 texts/s, interleaved, load average 26).
    extra: { session: { intra_op: { allow_spinning: opts.spinning ? '1' : '0' } } },
  };
  const label = opts.label ?? (typeof source === 'string' ? source : 'in-memory model');
  try {
    // Two overloads (path, bytes): TypeScript does not pick one for the union.
    const session =
      typeof source === 'string'
        ? await ort.InferenceSession.create(source, options)
        : await ort.InferenceSession.create(source, options);
    return new OnnxModel(ort, session, label);
  } catch (e) {
    throw new Error(`loadOnnxModel: ONNX Runtime cannot open '${label}': ${(e as Error).message}`);
  }
}

/**
 * Export `model` to ONNX in memory and run it with ONNX Runtime: an encoder gives its sentence vectors
 * (`sentence_embedding`, `[B, H]`, its pooling), a SiameseModel its L2-normalised embeddings (`siamese_embedding`,
 * `[B, E]`), the same vectors as `tfjsEmbedder(model)` within float rounding. Later changes to the TF.js
 * variables are not seen: export again after training.
 */
export async function onnxEmbedder(
  model: TransformerEncoder | SiameseModel,
  opts: OnnxSessionOptions & OnnxExportOptions = {},
): Promise<SentenceEmbedder> {
  const bytes = await toOnnx(model, opts);
  const onnx = await loadOnnxModel(bytes, { ...opts, label: `in-memory ${model.constructor.name}` });
  const encoder = (model instanceof SiameseModel ? model.encoder : model) as TransformerEncoder;
  const own = { owner: true, maxLength: encoder.config.maxPositionEmbeddings };
  return model instanceof SiameseModel
    ? onnx.embedder('siamese_embedding', model.options.embeddingSize, own)
    : onnx.embedder('sentence_embedding', model.hiddenSize, own);
}
