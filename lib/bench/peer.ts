/**
 * The peer: transformers.js (ONNX Runtime, both cores) inference of an ONNX export of the same
 * model. `npm run bench` looks for exports made by scripts/export-onnx.py under `.cache/onnx/<name>/`
 * (config.json, model.safetensors for TF.js, onnx/model.onnx for ONNX Runtime) and skips the peer,
 * saying why, when they are absent: ONNX files cannot be fetched here (no hub access).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { EncodedBatch } from '../tokenizer/types';

/** Where scripts/export-onnx.py writes `name` (relative to the working directory). */
export function onnxExportDir(name: string, root: string = process.cwd()): string {
  return resolve(root, '.cache', 'onnx', name);
}

/** Why an export folder cannot be used, or undefined when it has everything. */
export function onnxExportProblem(dir: string): string | undefined {
  for (const f of ['config.json', 'onnx/model.onnx']) {
    if (!existsSync(join(dir, f)))
      return (
        `no ONNX export at ${dir} (missing ${f}); make one with 'scripts/export-onnx.py' (see ` + `docs/performance.md)`
      );
  }
  return undefined;
}

/** The transformers.js (ONNX Runtime) peer of one model: pooled outputs of token batches; dispose when done. */
export interface PeerModel {
  /** ONNX Runtime's pooled output `[B, H]` (pooler_output) of one batch, row-major. */
  infer(batch: EncodedBatch): Promise<Float32Array>;
  /** H, the width of the pooled output. */
  readonly hiddenSize: number;
  /** Releases the ONNX Runtime session. */
  dispose(): Promise<void>;
}

type Transformers = typeof import('@huggingface/transformers');

function int64(t: Transformers, values: Int32Array, dims: number[]): InstanceType<Transformers['Tensor']> {
  return new t.Tensor(
    'int64',
    BigInt64Array.from(values, (v) => BigInt(v)),
    dims,
  );
}

/** Load `<dir>/onnx/model.onnx` with transformers.js from the local folder only (fp32, CPU). */
export async function loadPeer(dir: string): Promise<PeerModel> {
  const problem = onnxExportProblem(dir);
  if (problem) throw new Error(`loadPeer: ${problem}.`);
  const t: Transformers = await import('@huggingface/transformers');
  t.env.allowRemoteModels = false;
  t.env.allowLocalModels = true;
  t.env.localModelPath = dirname(resolve(dir)) + '/';
  const model = await t.AutoModel.from_pretrained(basename(dir), { dtype: 'fp32', device: 'cpu' });
  const hiddenSize = Number((model.config as unknown as { hidden_size: number }).hidden_size);
  return {
    hiddenSize,
    async infer(batch: EncodedBatch): Promise<Float32Array> {
      const dims = [batch.batchSize, batch.seqLength];
      const out = (await model({
        input_ids: int64(t, batch.inputIds, dims),
        attention_mask: int64(t, batch.attentionMask, dims),
        token_type_ids: int64(t, batch.tokenTypeIds, dims),
      })) as Record<string, { data: Float32Array; dims: number[] }>;
      const pooled = out.pooler_output;
      if (!pooled)
        throw new Error(
          `loadPeer: the ONNX model in '${dir}' has no 'pooler_output' output; got ${Object.keys(out).join(', ')}.`,
        );
      return pooled.data;
    },
    dispose: async () => {
      await model.dispose();
    },
  };
}

/** Largest absolute difference of two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new Error(`maxAbsDiff: arrays must have equal lengths; got ${a.length} and ${b.length}.`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
