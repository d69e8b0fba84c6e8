/**
 * One benchmark run on the active TF.js backend: the matMul peak, encoder inference and siamese
 * training for each model and case, and (optionally) the ONNX Runtime peer on the same inputs.
 * Each case is the median of repeated runs after one warm-up; a case whose estimated time exceeds
 * the budget, or whose memory would not fit, is skipped with the reason.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendInfo } from '../backend/index';
import type { EncoderConfig } from '../model/config';
import { parseConfig } from '../model/config';
import { buildEncoder, type TransformerEncoder } from '../model/encoder';
import { loadEncoder } from '../model/load';
import { disposeTokenBatch, toTokenBatch } from '../tokenizer/types';
import { encoderForwardFlops, TRAIN_FLOPS_FACTOR } from './flops';
import { memorySnapshot, type MemorySnapshot } from './memory';
import { loadPeer, maxAbsDiff, onnxExportDir, onnxExportProblem, type PeerModel } from './peer';
import { timeRepeated } from './stats';
import { inferOnce, syntheticBatch, TrainingBench } from './workloads';
import { compareEngines, type EngineComparison } from './engines';
import { tfjsEmbedder, type SentenceEmbedder } from '../heads/embedder';
import { onnxEmbedder } from '../onnx/runtime';

export interface BenchCase {
  seqLength: number;
  batchSize: number;
}

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

export interface BenchSettings {
  cases: BenchCase[];
  /** Training cases (default: the same as `cases`). */
  trainCases?: BenchCase[];
  /** Seconds one case may take (warm-up + timed runs); later repeats are dropped to fit. */
  caseBudgetS: number;
  maxRepeats: number;
  /** Run the ONNX Runtime peer where an export exists. */
  peer: boolean;
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

export interface CaseResult extends BenchCase {
  medianMs: number;
  runsMs: number[];
  /** Texts (inference) or samples (training) per second, from the median. */
  perSecond: number;
  /** Effective GFLOP/s of the encoder's matMuls (lib/bench/flops). */
  gflops: number;
}

export interface InferenceResult extends CaseResult {
  peer?: CaseResult & { maxAbsDiffPooled: number };
  /** ours / peer throughput. */
  ratio?: number;
  /** TF.js vs ONNX Runtime on our own export, same batch, interleaved (lib/bench/engines). */
  engines?: EngineComparison;
}

export interface TrainingResult extends CaseResult {
  /** The loss of every step in order (warm-up first): equal across backends for the same seed. */
  losses: number[];
  /** Live tensors after the first and the last step: equal when nothing leaks. */
  tensorsAfterFirstStep: number;
  tensorsAfterLastStep: number;
  memory: MemorySnapshot;
}

export interface Skip {
  model: string;
  workload: 'inference' | 'training' | 'peer';
  case?: BenchCase;
  reason: string;
}

export interface ModelReport {
  name: string;
  parameters: number;
  inference: InferenceResult[];
  training: TrainingResult[];
  peerProvider?: string;
}

export interface BenchReport {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; loadAverage1m: number[] };
  backend: { name: string; provider: string };
  settings: BenchSettings;
  matMulPeak: { shape: string; medianMs: number; gflops: number };
  models: ModelReport[];
  skipped: Skip[];
  memory: MemorySnapshot;
  totalSeconds: number;
}

/** wasm's heap cannot grow past 4 GB: a training step that needs more aborts the process. */
const WASM_HEAP_LIMIT = 4 * 1024 ** 3;
/** Peak memory per token of an ALBERT-base training step, measured here (wasm heap 3.9 GB at 32 x 32). */
const BASE_TRAIN_BYTES_PER_TOKEN = 3.7e6;

/** Largest training batch (tokens) that fits: the wasm heap, else 40% of the machine's memory. */
export function trainingTokenLimit(backend: string, config: EncoderConfig): number {
  const scale = (config.hiddenSize * config.numHiddenLayers) / (768 * 12);
  const limit = backend === 'wasm' ? WASM_HEAP_LIMIT : totalmem() * 0.4;
  return Math.max(64, Math.floor(limit / (BASE_TRAIN_BYTES_PER_TOKEN * scale)));
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

async function makeEncoder(model: BenchModel, useExport: boolean): Promise<TransformerEncoder> {
  if (useExport) return loadEncoder(onnxExportDir(model.name));
  if ('dir' in model.source) return loadEncoder(model.source.dir);
  const { readFile } = await import('node:fs/promises');
  const config = parseConfig(JSON.parse(await readFile(model.source.config, 'utf8')) as Record<string, unknown>);
  return buildEncoder(config, { init: 'random', seed: model.source.seed });
}

/** Timed runs within the budget: one warm-up, then as many repeats (≤ max) as the warm-up's time allows. */
async function budgeted(
  fn: () => Promise<void>,
  budgetS: number,
  maxRepeats: number,
): Promise<{ medianMs: number; runsMs: number[] }> {
  const t0 = performance.now();
  await fn();
  const warmMs = performance.now() - t0;
  const repeats = Math.max(1, Math.min(maxRepeats, Math.floor((budgetS * 1000 - warmMs) / warmMs)));
  return timeRepeated(fn, { warmup: 0, repeats });
}

function caseResult(c: BenchCase, t: { medianMs: number; runsMs: number[] }, flopsPerItem: number): CaseResult {
  const perSecond = c.batchSize / (t.medianMs / 1000);
  return { ...c, medianMs: t.medianMs, runsMs: t.runsMs, perSecond, gflops: (perSecond * flopsPerItem) / 1e9 };
}

/** Estimated ms of one run of `c` from the last measured case of the same workload (FLOP-scaled). */
function estimateMs(
  last: CaseResult | undefined,
  c: BenchCase,
  config: EncoderConfig,
  factor: number,
): number | undefined {
  if (!last) return undefined;
  return (c.batchSize * encoderForwardFlops(config, c.seqLength) * factor) / (last.gflops * 1e6);
}

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
  for (const model of models) {
    const exportProblem = onnxExportProblem(onnxExportDir(model.name));
    const useExport = exportProblem === undefined;
    const encoder = await makeEncoder(model, useExport);
    const config = encoder.config;
    const report: ModelReport = {
      name: model.name,
      parameters: [...encoder.weights.values()].reduce((n, v) => n + v.size, 0),
      inference: [],
      training: [],
    };
    let peer: PeerModel | undefined;
    if (settings.peer) {
      if (exportProblem) skipped.push({ model: model.name, workload: 'peer', reason: exportProblem });
      else {
        peer = await loadPeer(onnxExportDir(model.name));
        report.peerProvider = 'transformers.js 4.3.1 (onnxruntime-node, CPU, fp32)';
      }
    }
    encoder.trainable = false;
    const onnxEngine: SentenceEmbedder | undefined =
      settings.onnxEngine === false ? undefined : await onnxEmbedder(encoder);
    const tooLong = (c: BenchCase, workload: Skip['workload']): boolean => {
      if (c.seqLength <= config.maxPositionEmbeddings) return false;
      skipped.push({
        model: model.name,
        workload,
        case: c,
        reason: `${c.seqLength} tokens exceed the model's max_position_embeddings (${config.maxPositionEmbeddings})`,
      });
      return true;
    };
    for (const c of settings.cases) {
      if (tooLong(c, 'inference')) continue;
      const est = estimateMs(report.inference.at(-1), c, config, 1);
      if (est !== undefined && est * 2 > settings.caseBudgetS * 1000) {
        skipped.push({
          model: model.name,
          workload: 'inference',
          case: c,
          reason: `estimated ${(est / 1000).toFixed(0)} s per run; budget ${settings.caseBudgetS} s per case`,
        });
        continue;
      }
      log(`${model.name} inference ${c.seqLength} tokens x ${c.batchSize}`);
      const encoded = syntheticBatch(c.batchSize, c.seqLength, config.vocabSize, 1);
      const batch = toTokenBatch(encoded);
      let ours: Float32Array = new Float32Array();
      const t = await budgeted(
        async () => {
          ours = await inferOnce(encoder, batch);
        },
        settings.caseBudgetS,
        settings.maxRepeats,
      );
      disposeTokenBatch(batch);
      const r: InferenceResult = caseResult(c, t, encoderForwardFlops(config, c.seqLength));
      if (peer) {
        let theirs: Float32Array = new Float32Array();
        const p = await budgeted(
          async () => {
            theirs = await peer!.infer(encoded);
          },
          settings.caseBudgetS,
          settings.maxRepeats,
        );
        r.peer = {
          ...caseResult(c, p, encoderForwardFlops(config, c.seqLength)),
          maxAbsDiffPooled: maxAbsDiff(ours, theirs),
        };
        r.ratio = r.perSecond / r.peer.perSecond;
      }
      if (onnxEngine) {
        const budget = { budgetS: settings.caseBudgetS, maxRepeats: settings.maxRepeats };
        r.engines = await compareEngines(tfjsEmbedder(encoder, info.name), onnxEngine, encoded, budget);
      }
      report.inference.push(r);
      log(
        `  ${r.perSecond.toFixed(1)} ` +
          `texts/s${r.peer ? `; peer ${r.peer.perSecond.toFixed(1)} texts/s, ratio ${r.ratio!.toFixed(2)}` : ''}` +
          `${r.engines ? `; ONNX Runtime (our export) ${r.engines.onnx.perSecond.toFixed(1)} texts/s` : ''}`,
      );
    }
    await peer?.dispose();
    await onnxEngine?.dispose();
    encoder.trainable = true;
    if (settings.train) {
      const tokenLimit = trainingTokenLimit(info.name, config);
      let bench: TrainingBench | undefined;
      for (const c of settings.trainCases ?? settings.cases) {
        if (tooLong(c, 'training')) continue;
        const est = estimateMs(report.training.at(-1), c, config, TRAIN_FLOPS_FACTOR);
        if (c.seqLength * c.batchSize > tokenLimit) {
          skipped.push({
            model: model.name,
            workload: 'training',
            case: c,
            reason:
              `${c.seqLength * c.batchSize} tokens per batch exceed the memory limit of ~${tokenLimit} on ` +
              `${info.name}`,
          });
          continue;
        }
        if (est !== undefined && est * 2 > settings.caseBudgetS * 1000) {
          skipped.push({
            model: model.name,
            workload: 'training',
            case: c,
            reason: `estimated ${(est / 1000).toFixed(0)} s per step; budget ${settings.caseBudgetS} s per case`,
          });
          continue;
        }
        log(`${model.name} training ${c.seqLength} tokens x ${c.batchSize}`);
        // A fresh model per case (same seed), so every backend sees the same loss sequence.
        bench?.dispose();
        bench = new TrainingBench(
          await makeEncoder(model, useExport),
          syntheticBatch(c.batchSize, c.seqLength, config.vocabSize, 2),
        );
        const losses: number[] = [];
        const counts: number[] = [];
        const b = bench;
        const t = await budgeted(
          async () => {
            losses.push(await b.step());
            counts.push(tf.memory().numTensors);
          },
          settings.caseBudgetS,
          settings.maxRepeats,
        );
        const r: TrainingResult = {
          ...caseResult(c, t, TRAIN_FLOPS_FACTOR * encoderForwardFlops(config, c.seqLength)),
          losses,
          tensorsAfterFirstStep: counts[0],
          tensorsAfterLastStep: counts[counts.length - 1],
          memory: memorySnapshot(),
        };
        report.training.push(r);
        log(`  ${r.perSecond.toFixed(2)} samples/s (losses ${losses.map((l) => l.toFixed(6)).join(', ')})`);
      }
      bench?.dispose();
    }
    encoder.dispose();
    reports.push(report);
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
