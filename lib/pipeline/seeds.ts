/**
 * `--seeds 3,4,5`: the same run once per seed, each in its own run folder (`<out>/seed-<seed>/`, resumable and
 * checked like any run folder), then `<out>/report.json`: each seed's validation figures and the paired
 * differences, with their mean and sample standard deviation over the seeds. Seed-to-seed spread covers what
 * one run's bootstrap intervals cannot: the split, the sampling and the initialisation.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../config/options';
import { readJsonFile } from '../io/json';
import { writeFileAtomic } from '../io/safetensors';
import { CLASSIFIERS, type ClassifierName } from './identity';
import { acquireRunLock } from './lock';
import { prepareRunFolder } from './run-folder';
import { runPipeline, type PipelineOptions, type Report } from './run';

/** The validation figures summarised over seeds. */
export const SEED_METRICS = [
  'accuracy',
  'balanced_accuracy',
  'f1_macro',
  'f1_weighted',
  'auc_micro',
  'auc_macro',
] as const;
type SeedMetric = (typeof SEED_METRICS)[number];

/** Mean and sample standard deviation (n − 1; 0 for one seed) of a figure over the seeds, with the values. */
export interface SeedSummary {
  mean: number;
  std: number;
  values: number[];
}

/** `<out>/report.json` of a `--seeds` run. */
export interface SeedsReport {
  kind: 'seeds';
  seeds: number[];
  /** Each seed's run folder. */
  runs: Record<string, string>;
  /** Each seed's validation figures by classifier, and its paired differences (`siamese-frozen`: accuracy). */
  per_seed: Record<
    string,
    { results: Partial<Record<ClassifierName, Record<SeedMetric, number>>>; paired: Record<string, number> }
  >;
  /** By classifier and metric (and by pair: the accuracy difference), over the seeds. */
  summary: {
    results: Partial<Record<ClassifierName, Record<SeedMetric, SeedSummary>>>;
    paired: Record<string, SeedSummary>;
  };
  std: 'sample standard deviation (n − 1)';
  timings: Record<string, number>;
}

/** Mean and sample standard deviation of `values`. */
export function meanStd(values: readonly number[]): SeedSummary {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, values: [...values] };
}

/** The run folder of one seed. */
export function seedFolder(out: string, seed: number): string {
  return join(out, `seed-${seed}`);
}

/**
 * Run `cfg` once per seed of `cfg.seeds` (sequentially; each seed's folder resumes like any run), then write and
 * return `<out>/report.json`. `<out>` must not hold a single run's report.
 */
export async function runSeeds(cfg: RunConfig, opts: PipelineOptions = {}): Promise<SeedsReport> {
  const seeds = cfg.seeds;
  if (!seeds || seeds.length === 0) throw new Error('runSeeds: --seeds names no seed; give e.g. --seeds 3,4,5.');
  if (new Set(seeds).size !== seeds.length)
    throw new Error(`--seeds must name each seed once; got ${seeds.join(',')}.`);
  const log = opts.log ?? ((l: string) => console.error(l));
  await prepareRunFolder(cfg.out);
  const path = join(cfg.out, 'report.json');
  if (existsSync(path)) {
    const kind = (await readJsonFile(path, 'the report')).kind;
    if (kind !== 'seeds')
      throw new Error(
        `--out '${cfg.out}' holds a single run's report.json, and --seeds writes its own there: use another --out ` +
          '(the seeds run into its seed-<seed> folders).',
      );
  }
  const lock = acquireRunLock(cfg.out, { handleSignals: opts.handleSignals });
  try {
    const reports: Report[] = [];
    const timings: Record<string, number> = {};
    for (const seed of seeds) {
      const out = seedFolder(cfg.out, seed);
      log(`seeds: seed ${seed} of ${seeds.join(', ')} in ${out}`);
      const t0 = performance.now();
      reports.push(await runPipeline({ ...cfg, seed, seeds: undefined, out }, { ...opts, handleSignals: false }));
      timings[`seed-${seed}`] = Math.round((performance.now() - t0) / 100) / 10;
    }
    const report = summarizeSeeds(seeds, reports, (s) => seedFolder(cfg.out, s), timings);
    await writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
    for (const [name, r] of Object.entries(report.summary.results))
      log(
        `seeds: ${name} validation accuracy ${r.accuracy.mean.toFixed(4)} ± ${r.accuracy.std.toFixed(4)}, macro F1 ` +
          `${r.f1_macro.mean.toFixed(4)} ± ${r.f1_macro.std.toFixed(4)} (${seeds.length} seeds)`,
      );
    for (const [pair, s] of Object.entries(report.summary.paired))
      log(`seeds: ${pair.replace('-', ' − ')} accuracy ${s.mean.toFixed(4)} ± ${s.std.toFixed(4)}`);
    log(`report: ${path}`);
    return report;
  } finally {
    lock.release();
  }
}

/** The seeds report of runs `reports` (in the order of `seeds`). */
export function summarizeSeeds(
  seeds: readonly number[],
  reports: readonly Report[],
  folder: (seed: number) => string,
  timings: Record<string, number> = {},
): SeedsReport {
  const perSeed: SeedsReport['per_seed'] = {};
  seeds.forEach((seed, i) => {
    const r = reports[i];
    const results: Partial<Record<ClassifierName, Record<SeedMetric, number>>> = {};
    for (const name of CLASSIFIERS) {
      const res = r.results[name];
      if (res) results[name] = Object.fromEntries(SEED_METRICS.map((m) => [m, res[m]])) as Record<SeedMetric, number>;
    }
    const paired: Record<string, number> = {};
    for (const [pair, e] of Object.entries(r.intervals?.validation?.paired ?? {})) paired[pair] = e.accuracy.estimate;
    perSeed[String(seed)] = { results, paired };
  });
  const summary: SeedsReport['summary'] = { results: {}, paired: {} };
  for (const name of CLASSIFIERS) {
    const rows = seeds.map((s) => perSeed[String(s)].results[name]);
    if (rows.some((row) => !row)) continue;
    summary.results[name] = Object.fromEntries(
      SEED_METRICS.map((m) => [m, meanStd(rows.map((row) => row![m]))]),
    ) as Record<SeedMetric, SeedSummary>;
  }
  const pairs = new Set(seeds.flatMap((s) => Object.keys(perSeed[String(s)].paired)));
  for (const pair of pairs) {
    const values = seeds.map((s) => perSeed[String(s)].paired[pair]);
    if (values.every((v) => v !== undefined)) summary.paired[pair] = meanStd(values);
  }
  return {
    kind: 'seeds',
    seeds: [...seeds],
    runs: Object.fromEntries(seeds.map((s) => [String(s), folder(s)])),
    per_seed: perSeed,
    summary,
    std: 'sample standard deviation (n − 1)',
    timings,
  };
}
