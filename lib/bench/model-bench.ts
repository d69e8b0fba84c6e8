/**
 * One model's benchmark on the active backend: encoder inference and siamese training per case, each with
 * its peers (transformers.js where an ONNX export exists; the Python peer, interleaved with ours).
 */

import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendInfo } from '../backend/index';
import type { EncoderConfig } from '../model/config';
import { parseConfig } from '../model/config';
import { buildEncoder, type TransformerEncoder } from '../model/encoder';
import { loadEncoder, saveEncoder } from '../model/load';
import { writeSafetensors } from '../io/safetensors';
import { variablesToArrays } from '../io/tensors';
import { TRAINING_DEFAULTS } from '../heads/defaults';
import { disposeTokenBatch, toTokenBatch } from '../tokenizer/types';
import { encoderForwardFlops, TRAIN_FLOPS_FACTOR } from './flops';
import { lossAgreement } from './format';
import { memorySnapshot } from './memory';
import { loadPeer, maxAbsDiff, onnxExportDir, onnxExportProblem, type PeerModel } from './peer';
import { interleaved, wallTimed, type TimedRun } from './interleave';
import type { PythonPeer, PeerEngine } from './python-peer';
import { compareEngines } from './engines';
import { tfjsEmbedder, type SentenceEmbedder } from '../heads/embedder';
import { onnxEmbedder } from '../onnx/runtime';
import type {
  BenchCase,
  BenchModel,
  BenchSettings,
  CaseResult,
  InferenceResult,
  ModelReport,
  PythonPeerResult,
  Skip,
  TrainingResult,
} from './run';
import { timeRepeated } from './stats';
import { inferOnce, pkLabels, syntheticBatch, TrainingBench } from './workloads';

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

/** Where the bench writes a model's weights for the Python peer (gitignored). */
function peerScratchDir(model: string): string {
  return join(process.cwd(), '.bench-scratch', 'peer', model);
}

/** Inference and training of one model on the active backend, with its peers. */
export async function benchModel(
  model: BenchModel,
  info: BackendInfo,
  settings: BenchSettings,
  skipped: Skip[],
  py: PythonPeer | undefined,
  log: (s: string) => void,
): Promise<ModelReport> {
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
  let pyReady = false;
  if (py) {
    const dir = peerScratchDir(model.name);
    log(`${model.name}: Python peer (PyTorch, ONNX export for ONNX Runtime)`);
    try {
      await saveEncoder(encoder, dir);
      const { onnxExportSeconds } = await py.load(dir, { threads: cpus().length, onnx: true });
      report.pythonPeerVersions = py.versions;
      log(`  loaded; ONNX export ${onnxExportSeconds?.toFixed(1)} s`);
      pyReady = true;
    } catch (e) {
      skipped.push({ model: model.name, workload: 'python-peer', reason: (e as Error).message });
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
    const oursRun = async (): Promise<void> => {
      ours = await inferOnce(encoder, batch);
    };
    const flops = encoderForwardFlops(config, c.seqLength);
    let t: { medianMs: number; runsMs: number[] } | undefined;
    let pythonPeers: PythonPeerResult[] | undefined;
    if (py && pyReady) {
      try {
        await py.setBatch(encoded);
        const pooled: Partial<Record<PeerEngine, Float32Array>> = {};
        const peerRun =
          (e: PeerEngine): TimedRun =>
          async () => {
            const out = await py.infer(e);
            pooled[e] = out.pooled;
            return out;
          };
        const times = await interleaved(
          { ours: wallTimed(oursRun), pytorch: peerRun('pytorch'), onnxruntime: peerRun('onnxruntime') },
          { budgetS: 2 * settings.caseBudgetS, maxRounds: settings.maxRepeats },
        );
        t = times.ours;
        const oursPerSecond = caseResult(c, t, flops).perSecond;
        pythonPeers = (['pytorch', 'onnxruntime'] as const).map((engine) => {
          const p = caseResult(c, times[engine], flops);
          return {
            ...p,
            engine,
            ratio: oursPerSecond / p.perSecond,
            cpuMs: { ours: times.ours.cpuMedianMs, peer: times[engine].cpuMedianMs },
            maxAbsDiffPooled: maxAbsDiff(ours, pooled[engine]!),
          };
        });
      } catch (e) {
        pyReady = false; // the peer is gone or broken: say why once, go on without it
        skipped.push({ model: model.name, workload: 'python-peer', case: c, reason: (e as Error).message });
        t = undefined;
      }
    }
    t ??= await budgeted(oursRun, settings.caseBudgetS, settings.maxRepeats);
    disposeTokenBatch(batch);
    const r: InferenceResult = caseResult(c, t, flops);
    if (pythonPeers) r.pythonPeers = pythonPeers;
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
      const encoded = syntheticBatch(c.batchSize, c.seqLength, config.vocabSize, 2);
      bench = new TrainingBench(await makeEncoder(model, useExport), encoded);
      const losses: number[] = [];
      const counts: number[] = [];
      const b = bench;
      const oursStep = async (): Promise<void> => {
        losses.push(await b.step());
        counts.push(tf.memory().numTensors);
      };
      const flops = TRAIN_FLOPS_FACTOR * encoderForwardFlops(config, c.seqLength);
      let t: { medianMs: number; runsMs: number[] } | undefined;
      let pythonPeers: PythonPeerResult[] | undefined;
      if (py && pyReady) {
        try {
          // The peer starts from the same weights: the saved encoder and this bench's head.
          const headPath = join(peerScratchDir(model.name), 'head.safetensors');
          await writeSafetensors(headPath, await variablesToArrays(b.model.headWeights()));
          await py.trainReset(headPath, TRAINING_DEFAULTS.siamese.learningRate, b.model.options.margin);
          await py.setBatch(encoded, pkLabels(c.batchSize));
          const peerLosses: number[] = [];
          const times = await interleaved(
            {
              ours: wallTimed(oursStep),
              pytorch: async () => {
                const out = await py.trainStep();
                peerLosses.push(out.loss);
                return out;
              },
            },
            { budgetS: 2 * settings.caseBudgetS, maxRounds: settings.maxRepeats },
          );
          t = times.ours;
          const p = caseResult(c, times.pytorch, flops);
          pythonPeers = [
            {
              ...p,
              engine: 'pytorch',
              ratio: caseResult(c, t, flops).perSecond / p.perSecond,
              cpuMs: { ours: times.ours.cpuMedianMs, peer: times.pytorch.cpuMedianMs },
              losses: peerLosses,
              maxAbsDiffLoss: lossAgreement(losses, peerLosses).maxAbsDiff,
            },
          ];
        } catch (e) {
          pyReady = false;
          skipped.push({ model: model.name, workload: 'python-peer', case: c, reason: (e as Error).message });
          t = undefined;
        }
      }
      t ??= await budgeted(oursStep, settings.caseBudgetS, settings.maxRepeats);
      const r: TrainingResult = {
        ...caseResult(c, t, flops),
        losses,
        tensorsAfterFirstStep: counts[0],
        tensorsAfterLastStep: counts[counts.length - 1],
        memory: memorySnapshot(),
        ...(pythonPeers ? { pythonPeers } : {}),
      };
      report.training.push(r);
      log(`  ${r.perSecond.toFixed(2)} samples/s (losses ${losses.map((l) => l.toFixed(6)).join(', ')})`);
    }
    bench?.dispose();
  }
  encoder.dispose();
  return report;
}
