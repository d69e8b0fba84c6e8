/**
 * Siamese training on the shared HuffPost headlines with and without length bucketing (issue 15: "siamese
 * samples/s on real headlines with bucketing ≥ 1.5× without it"). Both variants draw the pipeline's P×K batches
 * (lib/train/sampler.ts `pkSampler`, the same seed; bucketed = the same call with the rows' token lengths), pad
 * each batch to its longest headline as the pipeline does, and take optimizer steps of the bench's siamese
 * workload (ALBERT-base architecture, random weights, batch semi-hard triplet loss, Adam). The two variants run
 * interleaved (lib/bench/interleave.ts), so the machine's load hits both alike.
 *
 * A full epoch of ALBERT-base steps takes too long for a bench, so each variant times the same number of steps
 * taken at evenly spaced positions of its first epoch (bucketed windows put short and long batches anywhere in
 * the epoch); the report gives the padding of those steps and of the whole epoch, so a reader sees whether the
 * steps are representative.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendInfo } from '../backend/index';
import { paddingOverhead } from '../data/buckets';
import { parseConfig } from '../model/config';
import { buildEncoder } from '../model/encoder';
import type { TokenBatch } from '../model/types';
import { loadTokenizer } from '../tokenizer/index';
import { disposeTokenBatch, toTokenBatch } from '../tokenizer/types';
import { pkSampler } from '../train/sampler';
import type { LabeledBatch } from '../train/types';
import { readHeadlineRecords, sharedHeadlineFiles } from './headlines';
import { interleaved, wallTimed, type InterleavedTiming } from './interleave';
import { TrainingBench } from './workloads';

/** One variant's measurement: steps/s turned into samples/s, and its padding. */
export interface BucketingVariant {
  /** Median wall seconds of one round (all timed steps), and the median CPU seconds of the same rounds. */
  roundSeconds: number;
  cpuRoundSeconds: number;
  /** Samples (rows) per second over a round: timed steps × batch size / median round seconds. */
  samplesPerSecond: number;
  /** Padded token slots per real token of the timed steps, and of the whole first epoch. */
  paddingTimed: number;
  paddingEpoch: number;
  /** Losses of the timed steps in the warm-up round (same model seed in both variants). */
  warmupLosses: number[];
}

/** What {@link trainOnHeadlines} measured. */
export interface BucketingReport {
  backend: string;
  model: string;
  /** Headlines used (the first `perClass` of each category in file order), classes, and tokens per text at most. */
  texts: number;
  classes: number;
  maxLength: number;
  /** P×K of every batch, and the batches of the first epoch. */
  pk: { p: number; k: number };
  epochBatches: number;
  /** Steps timed per round (evenly spaced in the epoch) and rounds after one warm-up round. */
  steps: number;
  rounds: number;
  seed: number;
  bucketed: BucketingVariant;
  unbucketed: BucketingVariant;
  /** bucketed samples/s ÷ unbucketed samples/s (same run, interleaved). */
  speedup: number;
}

/** Sizes of {@link trainOnHeadlines}; the defaults are the pipeline's at 200 per class (160 train rows per class). */
export interface BucketingOptions {
  backend: BackendInfo;
  /** Headlines per category (default 160). */
  perClass?: number;
  /** Steps per variant per round (default 8). */
  steps?: number;
  /** Timed rounds after the warm-up (default 3). */
  rounds?: number;
  /** P classes × K rows per batch (default 16 × 4 = 64, the pipeline's). */
  p?: number;
  k?: number;
  maxLength?: number;
  /** Seed of the sampler and the model (default 3). */
  seed?: number;
  sharedDir?: string;
  log?: (s: string) => void;
}

/** `count` positions spread evenly over `total` (all of them when count ≥ total). */
function evenlySpaced(total: number, count: number): number[] {
  if (count >= total) return Array.from({ length: total }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * total) / count));
}

/**
 * Time siamese steps on real headlines with length-bucketed and plain P×K batches (see the module comment).
 * Throws when the shared headlines or the ALBERT tokenizer are missing (set SHARED_DIR).
 */
export async function trainOnHeadlines(opts: BucketingOptions): Promise<BucketingReport> {
  const log = opts.log ?? (() => {});
  const { file, tokDir } = sharedHeadlineFiles('trainOnHeadlines', opts.sharedDir);
  const perClass = opts.perClass ?? 160;
  const steps = opts.steps ?? 8;
  const rounds = opts.rounds ?? 3;
  const p = opts.p ?? 16;
  const k = opts.k ?? 4;
  const maxLength = opts.maxLength ?? 128;
  const seed = opts.seed ?? 3;

  const taken = new Map<string, number>();
  const texts: string[] = [];
  const names: string[] = [];
  for (const r of readHeadlineRecords(file)) {
    const n = taken.get(r.category) ?? 0;
    if (n >= perClass) continue;
    taken.set(r.category, n + 1);
    texts.push(r.headline);
    names.push(r.category);
  }
  const categories = [...taken.keys()].sort();
  const labels = Int32Array.from(names, (c) => categories.indexOf(c));
  const tokenizer = await loadTokenizer(tokDir);
  const lengths = Int32Array.from(texts, (t) => tokenizer.encode(t, { maxLength }).ids.length);

  const config = parseConfig(
    JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/albert-base-v2-config.json'), 'utf8')) as Record<
      string,
      unknown
    >,
  );
  const variants = { bucketed: true, unbucketed: false } as const;
  const prepared = Object.fromEntries(
    Object.entries(variants).map(([name, bucket]) => {
      const sampler = pkSampler(labels, {
        classesPerBatch: p,
        examplesPerClass: k,
        seed,
        ...(bucket ? { lengths } : {}),
      });
      const epoch = sampler.epochBatches(0);
      const chosen = evenlySpaced(epoch.length, steps).map((i) => epoch[i]);
      const encoded = chosen.map((rows) =>
        tokenizer.encodeBatch(
          Array.from(rows, (i) => texts[i]),
          { maxLength, padding: 'longest' },
        ),
      );
      const batches: LabeledBatch<TokenBatch>[] = chosen.map((rows, j) => ({
        inputs: toTokenBatch(encoded[j]),
        labels: tf.tensor1d(
          Int32Array.from(rows, (i) => labels[i]),
          'int32',
        ),
        size: rows.length,
      }));
      // Same weights in both variants: the encoder (seed 1) and the head (the run's seed) are built alike.
      const bench = new TrainingBench(buildEncoder(config, { seed: 1, trainable: true }), encoded[0], { seed });
      return [
        name,
        {
          bench,
          batches,
          losses: [] as number[],
          paddingTimed: paddingOverhead(lengths, chosen).ratio,
          paddingEpoch: paddingOverhead(lengths, epoch).ratio,
          epochBatches: epoch.length,
        },
      ];
    }),
  ) as Record<
    keyof typeof variants,
    {
      bench: TrainingBench;
      batches: LabeledBatch<TokenBatch>[];
      losses: number[];
      paddingTimed: number;
      paddingEpoch: number;
      epochBatches: number;
    }
  >;
  log(
    `headlines training: ${texts.length} headlines in ${categories.length} classes, P×K ${p}×${k}, ${steps} steps ` +
      `per variant per round, ${rounds} rounds after a warm-up, on ${opts.backend.name}`,
  );
  let timings: Record<string, InterleavedTiming>;
  try {
    const runs = Object.fromEntries(
      Object.entries(prepared).map(([name, v]) => [
        name,
        wallTimed(async () => {
          const record = v.losses.length === 0;
          for (const b of v.batches) {
            const loss = await v.bench.stepOn(b);
            if (record) v.losses.push(loss);
          }
          log(`  ${name}: round done`);
        }),
      ]),
    );
    timings = await interleaved(runs, { budgetS: Number.POSITIVE_INFINITY, maxRounds: rounds });
  } finally {
    for (const v of Object.values(prepared)) {
      for (const b of v.batches) {
        disposeTokenBatch(b.inputs);
        b.labels.dispose();
      }
      v.bench.dispose();
    }
  }
  const variant = (name: keyof typeof variants): BucketingVariant => {
    const v = prepared[name];
    const t = timings[name];
    const rows = v.batches.reduce((a, b) => a + b.size, 0);
    return {
      roundSeconds: t.medianMs / 1000,
      cpuRoundSeconds: t.cpuMedianMs / 1000,
      samplesPerSecond: rows / (t.medianMs / 1000),
      paddingTimed: v.paddingTimed,
      paddingEpoch: v.paddingEpoch,
      warmupLosses: v.losses,
    };
  };
  const bucketed = variant('bucketed');
  const unbucketed = variant('unbucketed');
  return {
    backend: opts.backend.name,
    model: 'albert-base architecture, random weights (seed 1)',
    texts: texts.length,
    classes: categories.length,
    maxLength,
    pk: { p, k },
    epochBatches: prepared.bucketed.epochBatches,
    steps,
    rounds,
    seed,
    bucketed,
    unbucketed,
    speedup: bucketed.samplesPerSecond / unbucketed.samplesPerSecond,
  };
}

/** The report as a few readable lines. */
export function formatHeadlinesTraining(r: BucketingReport): string {
  const line = (name: string, v: BucketingVariant) =>
    `${name}: ${v.samplesPerSecond.toFixed(2)} samples/s (round ${v.roundSeconds.toFixed(1)} s wall, ` +
    `${v.cpuRoundSeconds.toFixed(1)} s CPU); padded slots per real token ${v.paddingTimed.toFixed(3)} in the timed ` +
    `steps, ${v.paddingEpoch.toFixed(3)} over the epoch`;
  return [
    `Siamese training on ${r.texts} headlines (${r.classes} classes), ${r.model}, P×K ${r.pk.p}×${r.pk.k}, ` +
      `${r.backend}; ${r.steps} of ${r.epochBatches} batches per round, ${r.rounds} rounds, interleaved, ` +
      `seed ${r.seed}.`,
    line('bucketed', r.bucketed),
    line('unbucketed', r.unbucketed),
    `bucketed / unbucketed: ${r.speedup.toFixed(2)}×`,
  ].join('\n');
}
