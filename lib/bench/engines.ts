/**
 * The two inference engines of the project on the same encoder and the same batch: TF.js on the active backend
 * (`tfjsEmbedder`) and ONNX Runtime on the encoder exported by lib/onnx in TypeScript (`onnxEmbedder`). Runs
 * alternate (tfjs, onnx, tfjs, onnx, …) after one warm-up of each, so both see the same machine load; medians.
 */
import type { SentenceEmbedder } from '../heads/embedder';
import type { EncodedBatch } from '../tokenizer/types';
import { median } from './stats';

/** One engine's times on the batch. */
export interface EngineTiming {
  /** The embedder's name, e.g. 'tfjs (wasm)'. */
  name: string;
  /** Median wall time of one batch, ms. */
  medianMs: number;
  /** Every timed run, ms, in order. */
  runsMs: number[];
  /** Texts per second, from the median. */
  perSecond: number;
}

/** TF.js vs ONNX Runtime on one batch shape: both timings, the throughput ratio and the largest difference. */
export interface EngineComparison {
  /** Tokens per text of the batch (T). */
  seqLength: number;
  /** Texts in the batch (B). */
  batchSize: number;
  /** TF.js on the active backend. */
  tfjs: EngineTiming;
  /** ONNX Runtime on the lib/onnx export. */
  onnx: EngineTiming;
  /** onnx / tfjs throughput. */
  onnxOverTfjs: number;
  /** Largest |tfjs - onnx| over the batch's sentence vectors. */
  maxAbsDiff: number;
}

/**
 * Time `tfjs` and `onnx` alternately on `batch`: one warm-up each, then pairs of runs while the warm-ups'
 * time fits `budgetS` (at least one pair, at most `maxRepeats`).
 */
export async function compareEngines(
  tfjs: SentenceEmbedder,
  onnx: SentenceEmbedder,
  batch: EncodedBatch,
  opts: { budgetS: number; maxRepeats: number },
): Promise<EngineComparison> {
  const timed = async (e: SentenceEmbedder): Promise<{ ms: number; out: Float32Array }> => {
    const t0 = performance.now();
    const out = await e.embed(batch);
    return { ms: performance.now() - t0, out };
  };
  const [w1, w2] = [await timed(tfjs), await timed(onnx)];
  let maxAbsDiff = 0;
  for (let i = 0; i < w1.out.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(w1.out[i] - w2.out[i]));
  const pairs = Math.max(1, Math.min(opts.maxRepeats, Math.floor((opts.budgetS * 1000) / (w1.ms + w2.ms)) - 1));
  const runs: [number[], number[]] = [[], []];
  for (let i = 0; i < pairs; i++) {
    runs[0].push((await timed(tfjs)).ms);
    runs[1].push((await timed(onnx)).ms);
  }
  const timing = (e: SentenceEmbedder, ms: number[]): EngineTiming => ({
    name: e.name,
    medianMs: median(ms),
    runsMs: ms,
    perSecond: batch.batchSize / (median(ms) / 1000),
  });
  const [a, b] = [timing(tfjs, runs[0]), timing(onnx, runs[1])];
  return {
    seqLength: batch.seqLength,
    batchSize: batch.batchSize,
    tfjs: a,
    onnx: b,
    onnxOverTfjs: b.perSecond / a.perSecond,
    maxAbsDiff,
  };
}

/** Markdown table of the engine comparisons of some models (one row per model and case). */
export function formatEngines(rows: { model: string; backend: string; c: EngineComparison }[]): string {
  if (rows.length === 0) return '';
  const out = [
    '',
    '### Inference engines: TF.js vs ONNX Runtime on our own ONNX export (interleaved runs, texts/s, median)',
    '',
    '| model | tokens x batch | backend | TF.js texts/s | ONNX Runtime texts/s | onnx / tfjs | max abs diff |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const { model, backend, c } of rows) {
    out.push(
      `| ${model} | ${c.seqLength} x ${c.batchSize} | ${backend} | ${c.tfjs.perSecond.toFixed(1)} | ` +
        `${c.onnx.perSecond.toFixed(1)} | ${c.onnxOverTfjs.toFixed(2)} | ${c.maxAbsDiff.toExponential(1)} |`,
    );
  }
  return out.join('\n');
}
