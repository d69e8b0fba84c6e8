/**
 * The Python peer of the bench: PyTorch (siamese training with sentence-transformers'
 * BatchSemiHardTripletLoss, and inference) and ONNX Runtime (inference), driven as a child process
 * (scripts/peer/peer.py, JSON lines over stdin/stdout) from the venv that `npm run setup:peer` makes.
 * It is fed the same weights (an HF folder written by saveEncoder, plus the head as safetensors) and
 * the same token ids, so outputs and losses can be compared with TF.js's.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { EncodedBatch } from '../tokenizer/types';

/** The peer venv's folder (relative to the project root), made by `npm run setup:peer`. */
export const PEER_VENV = '.cache/peer/venv';
/** The peer's script (relative to the project root). */
export const PEER_SCRIPT = 'scripts/peer/peer.py';

/** An engine of the Python peer: PyTorch (sentence-transformers) or ONNX Runtime (Python). */
export type PeerEngine = 'pytorch' | 'onnxruntime';

/** Why the Python peer cannot run from `root`, or undefined when its venv is set up. */
export function pythonPeerProblem(root: string = process.cwd()): string | undefined {
  const py = join(resolve(root), PEER_VENV, 'bin', 'python');
  if (!existsSync(join(resolve(root), PEER_VENV, 'stamp')) || !existsSync(py))
    return (
      `no Python peer environment at ${PEER_VENV}; run 'npm run setup:peer' ` +
      `(PyTorch, sentence-transformers, onnxruntime)`
    );
  return undefined;
}

function b64(a: Int32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** A float32 array from the peer's base64 little-endian bytes. */
function floats(s: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

type Reply = { ok: boolean; error?: string } & Record<string, unknown>;

/** One running peer process; requests are answered in order. `close()` ends it. */
export class PythonPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  private exited: string | undefined;
  versions: Record<string, string> = {};

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.child = child;
    createInterface({ input: child.stdout }).on('line', (line) => {
      let reply: Reply;
      try {
        reply = JSON.parse(line) as Reply;
      } catch {
        // A library printing to stdout: not a reply, so it must not take a pending request's place.
        process.stderr.write(`[peer stdout] ${line}\n`);
        return;
      }
      this.pending.shift()?.resolve(reply);
    });
    child.stderr.on('data', (d: Buffer) => process.stderr.write(`[peer] ${d.toString()}`));
    child.on('exit', (code, signal) => {
      this.exited = `the peer process exited (code ${code}, signal ${signal})`;
      for (const p of this.pending.splice(0)) p.reject(new Error(`PythonPeer: ${this.exited}.`));
    });
  }

  /** Start `scripts/peer/peer.py --serve` with the venv's Python; throws when the venv is missing. */
  static start(root: string = process.cwd()): PythonPeer {
    const problem = pythonPeerProblem(root);
    if (problem) throw new Error(`PythonPeer.start: ${problem}.`);
    const py = join(resolve(root), PEER_VENV, 'bin', 'python');
    const child = spawn(py, [join(resolve(root), PEER_SCRIPT), '--serve'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1', TOKENIZERS_PARALLELISM: 'false' },
    });
    return new PythonPeer(child);
  }

  private request(req: Record<string, unknown>): Promise<Reply> {
    if (this.exited) return Promise.reject(new Error(`PythonPeer: ${this.exited}.`));
    return new Promise<Reply>((res, rej) => {
      this.pending.push({ resolve: res, reject: rej });
      this.child.stdin.write(`${JSON.stringify(req)}\n`);
    }).then((r) => {
      if (!r.ok) throw new Error(`PythonPeer: '${String(req.cmd)}' failed in the peer: ${r.error}`);
      return r;
    });
  }

  /** Load the HF folder `dir` (config.json + model.safetensors) on `threads` threads; `onnx` also exports it. */
  async load(dir: string, opts: { threads: number; onnx: boolean }): Promise<{ onnxExportSeconds?: number }> {
    const r = await this.request({ cmd: 'load', dir: resolve(dir), threads: opts.threads, onnx: opts.onnx });
    this.versions = r.versions as Record<string, string>;
    return { onnxExportSeconds: r.onnx_export_s as number | undefined };
  }

  /** Make `batch` (and `labels`, for training) the peer's current batch. */
  async setBatch(batch: EncodedBatch, labels?: Int32Array): Promise<void> {
    await this.request({
      cmd: 'batch',
      shape: [batch.batchSize, batch.seqLength],
      input_ids: b64(batch.inputIds),
      attention_mask: b64(batch.attentionMask),
      token_type_ids: b64(batch.tokenTypeIds),
      ...(labels ? { labels: b64(labels) } : {}),
    });
  }

  /** One forward pass of the current batch: the peer's own wall and CPU time (ms) and its pooled output [B, H]. */
  async infer(engine: PeerEngine): Promise<{ ms: number; cpuMs: number; pooled: Float32Array }> {
    const r = await this.request({ cmd: 'infer', engine });
    return { ms: r.ms as number, cpuMs: r.cpu_ms as number, pooled: floats(r.pooled as string) };
  }

  /** Fresh copy of the loaded weights, the head from `headPath` (safetensors, Keras layout) and a new Adam. */
  async trainReset(headPath: string, learningRate: number, margin: number): Promise<void> {
    await this.request({ cmd: 'train_reset', head: resolve(headPath), learning_rate: learningRate, margin });
  }

  /** One training step on the current batch: the peer's own wall and CPU time (ms) and the loss before the update. */
  async trainStep(): Promise<{ ms: number; cpuMs: number; loss: number }> {
    const r = await this.request({ cmd: 'train_step' });
    return { ms: r.ms as number, cpuMs: r.cpu_ms as number, loss: r.loss as number };
  }

  /** Asks the peer process to quit and waits for it to exit; harmless when it has exited already. */
  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((res) => this.child.once('exit', () => res()));
    await this.request({ cmd: 'quit' }).catch(() => undefined);
    await done;
  }
}
