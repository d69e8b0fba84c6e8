/**
 * One benchmark run on the active TF.js backend: the matMul peak, encoder inference and siamese
 * training for each model and case (lib/bench/model-bench), and (optionally) the peers on the same
 * inputs: transformers.js (ONNX Runtime) and the Python peer (PyTorch, ONNX Runtime).
 * Each case is the median of repeated runs after one warm-up; a case whose estimated time exceeds
 * the budget, or whose memory would not fit, is skipped with the reason.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendInfo } from '../backend/index';
import { memorySnapshot, type MemorySnapshot } from './memory';
import { pythonPeerProblem, PythonPeer, type PeerEngine } from './python-peer';
import { benchModel } from './model-bench';
import { timeRepeated } from './stats';
import { type EngineComparison } from './engines';

export { trainingTokenLimit } from './model-bench';

/** One batch shape timed: B texts of T tokens each. */
export interface BenchCase {
  /** T, tokens per text. */
  seqLength: number;
  /** B, texts per batch. */
  batchSize: number;
}

/** A model to benchmark: its name and where its weights (or its config, for random weights) come from. */
export interface BenchModel {
  /** Short name used in reports and for the ONNX export folder (.cache/onnx/<name>). */
  name: string;
  /** An HF folder (config.json + model.safetensors) or, for random weights, a config.json path. */
  source: { dir: string } | { config: string; seed: number };
}

/** The models the benchmark knows: ALBERT-base architecture (random weights) and the tiny golden models. */
export function defaultModels(root: string = process.cwd()): BenchModel[] {
  return [
    // Tiny models first: the process's peak RSS, reported after each case, then belongs to them.
    { name: 'tiny-albert', source: { dir: join(root, 'test/fixtures/tiny-albert') } },
    { name: 'tiny-bert', source: { dir: join(root, 'test/fixtures/tiny-bert') } },
    { name: 'albert-base-random', source: { config: join(root, 'test/fixtures/albert-base-v2-config.json'), seed: 1 } },
  ];
}

/** What one `npm run bench` measures, and how long it may take (see FULL_SETTINGS, QUICK_SETTINGS). */
export interface BenchSettings {
  /** Inference cases. */
  cases: BenchCase[];
  /** Training cases (default: the same as `cases`). */
  trainCases?: BenchCase[];
  /** Seconds one case may take (warm-up + timed runs); later repeats are dropped to fit. */
  caseBudgetS: number;
  /** Timed runs per case at most (after one warm-up). */
  maxRepeats: number;
  /**
   * Run the peers: transformers.js where an ONNX export exists, and the Python peer (PyTorch, ONNX Runtime)
   * when `npm run setup:peer` made its venv.
   */
  peer: boolean;
  /** Time siamese training steps too. */
  train: boolean;
  /** Also time ONNX Runtime on our own TypeScript export (lib/onnx), interleaved with TF.js (default true). */
  onnxEngine?: boolean;
}

/** Full run: seq 32 and 128 x batch 32 and 64, up to 3 timed runs per case. */
export const FULL_SETTINGS: BenchSettings = {
  cases: [
    { seqLength: 32, batchSize: 32 },
    { seqLength: 32, batchSize: 64 },
    { seqLength: 128, batchSize: 32 },
    { seqLength: 128, batchSize: 64 },
  ],
  caseBudgetS: 75,
  maxRepeats: 3,
  peer: true,
  train: true,
};

/** --quick: 32 tokens x batch 32 only, up to 2 timed runs. */
export const QUICK_SETTINGS: BenchSettings = {
  cases: [{ seqLength: 32, batchSize: 32 }],
  caseBudgetS: 45,
  maxRepeats: 2,
  peer: true,
  train: true,
};

/** One case's timing: median and every run of one batch, ms, and the throughput and GFLOP/s they give. */
export interface CaseResult extends BenchCase {
  /** Median wall time of one batch (inference) or one optimizer step (training), ms. */
  medianMs: number;
  /** Every timed run, ms, in order. */
  runsMs: number[];
  /** Texts (inference) or samples (training) per second, from the median. */
  perSecond: number;
  /** Effective GFLOP/s of the encoder's matMuls (lib/bench/flops). */
  gflops: number;
}

/** A Python peer engine's figures for one case, measured interleaved with ours. */
export interface PythonPeerResult extends CaseResult {
  engine: PeerEngine;
  /** ours / peer throughput, both from the same interleaved rounds. */
  ratio: number;
  /**
   * Median CPU time per batch (all threads of each process), ms: ours and the peer's, from the same rounds.
   * Machine load does not add to it, so peer / ours compares the work done when the machine is busy.
   */
  cpuMs: { ours: number; peer: number };
  /** Inference: largest |ours - peer| of the pooled outputs. */
  maxAbsDiffPooled?: number;
  /** Training: the peer's loss of every step (warm-up first) and the largest |ours - peer| over them. */
  losses?: number[];
  /** Largest |ours - peer| over the losses. */
  maxAbsDiffLoss?: number;
}

/** One inference case: our encoder's timing, and the peers' measured beside it. */
export interface InferenceResult extends CaseResult {
  /** transformers.js (ONNX Runtime) on the same batch, with the largest |ours - peer| of the pooled outputs. */
  peer?: CaseResult & { maxAbsDiffPooled: number };
  /** ours / peer throughput. */
  ratio?: number;
  /** TF.js vs ONNX Runtime on our own export, same batch, interleaved (lib/bench/engines). */
  engines?: EngineComparison;
  /** PyTorch and ONNX Runtime (Python peer), interleaved with ours. */
  pythonPeers?: PythonPeerResult[];
}

/** One training case: siamese steps (forward, backward, Adam) with losses, leak check and memory. */
export interface TrainingResult extends CaseResult {
  /** The loss of every step in order (warm-up first): equal across backends for the same seed. */
  losses: number[];
  /** Live tensors after the first and the last step: equal when nothing leaks. */
  tensorsAfterFirstStep: number;
  /** Live tensors after the last step. */
  tensorsAfterLastStep: number;
  /** Memory after the case. */
  memory: MemorySnapshot;
  /** PyTorch + sentence-transformers (Python peer), interleaved with ours. */
  pythonPeers?: PythonPeerResult[];
}

/** A case or peer the run left out, and why (over budget, out of memory, no export, no peer venv). */
export interface Skip {
  /** The model's name, or 'all'. */
  model: string;
  /** What was left out. */
  workload: 'inference' | 'training' | 'peer' | 'python-peer';
  /** The case, when one case was left out. */
  case?: BenchCase;
  /** Why, with how to make it run where there is a way. */
  reason: string;
}

/** Everything measured on one model. */
export interface ModelReport {
  /** The model's name (see {@link BenchModel}). */
  name: string;
  /** Number of encoder parameters. */
  parameters: number;
  /** One result per inference case run. */
  inference: InferenceResult[];
  /** One result per training case run. */
  training: TrainingResult[];
  /** The transformers.js peer's package and version, when it ran. */
  peerProvider?: string;
  /** Versions of the Python peer's packages, when it ran. */
  pythonPeerVersions?: Record<string, string>;
}

/** One `npm run bench` run, as its JSON report holds it. */
export interface BenchReport {
  /** ISO time the run finished. */
  date: string;
  /** The machine: logical CPUs, model, memory (GB), Node version, and the 1/5/15-minute load averages. */
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; loadAverage1m: number[] };
  /** The TF.js backend and its provider. */
  backend: { name: string; provider: string };
  /** What was asked for. */
  settings: BenchSettings;
  /** The large matMul's median time and GFLOP/s on this backend: the ceiling the encoder's GFLOP/s compare to. */
  matMulPeak: { shape: string; medianMs: number; gflops: number };
  /** Per model. */
  models: ModelReport[];
  /** What was left out, and why. */
  skipped: Skip[];
  /** Memory at the end of the run. */
  memory: MemorySnapshot;
  /** Wall time of the whole run, seconds. */
  totalSeconds: number;
}

/** Median time of the large matMul [2048, 2048] x [2048, 2048] on this backend. */
export async function measureMatMulPeak(repeats = 3): Promise<BenchReport['matMulPeak']> {
  const n = 2048;
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  try {
    const t = await timeRepeated(
      async () => {
        const c = tf.matMul(a, b);
        await c.data();
        c.dispose();
      },
      { warmup: 1, repeats },
    );
    return { shape: `[${n}, ${n}] x [${n}, ${n}]`, medianMs: t.medianMs, gflops: (2 * n ** 3) / (t.medianMs * 1e6) };
  } finally {
    tf.dispose([a, b]);
  }
}

/**
 * Benchmark every model of `models` on the active backend (`info`, from `initBackend`): the matMul peak, then per
 * model the inference and training cases of `settings` and, with `settings.peer`, the peers interleaved with ours
 * (medians of repeated runs after a warm-up; ratios from the same rounds). Cases over the time budget or the memory
 * are skipped and listed. `log` hears progress.
 */
export async function runBench(
  info: BackendInfo,
  settings: BenchSettings,
  models: BenchModel[] = defaultModels(),
  log: (s: string) => void = () => {},
): Promise<BenchReport> {
  const started = performance.now();
  const skipped: Skip[] = [];
  log(`backend ${info.name}: matMul peak`);
  const matMulPeak = await measureMatMulPeak();
  log(`  ${matMulPeak.gflops.toFixed(1)} GFLOP/s`);
  const reports: ModelReport[] = [];
  const pyProblem = settings.peer ? pythonPeerProblem() : undefined;
  let py: PythonPeer | undefined;
  if (settings.peer && pyProblem) skipped.push({ model: 'all', workload: 'python-peer', reason: pyProblem });
  else if (settings.peer) py = PythonPeer.start();
  try {
    for (const model of models) reports.push(await benchModel(model, info, settings, skipped, py, log));
  } finally {
    await py?.close();
  }
  const cpuList = cpus();
  return {
    date: new Date().toISOString(),
    machine: {
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model ?? 'unknown',
      memoryGb: Math.round(totalmem() / 1024 ** 3),
      node: process.version,
      loadAverage1m: loadavg(),
    },
    backend: { name: info.name, provider: info.provider },
    settings,
    matMulPeak,
    models: reports,
    skipped,
    memory: memorySnapshot(),
    totalSeconds: (performance.now() - started) / 1000,
  };
}
