/**
 * Two finished runs on the same validation rows (e.g. `--recipe auto` against `--recipe study`, or `--bucketing on`
 * against `off`), compared classifier by classifier with paired 95% bootstrap intervals of the differences
 * (lib/metrics/bootstrap.ts `pairedBootstrapDifference`: both runs' predictions scored on the same resamples), so a
 * reader sees whether "run A beats run B" holds beyond the noise of the validation set.
 *
 * The runs must share their texts, labels and validation rows (`<out>/split.json`: the same data, seed and split
 * options give the same split); anything else is refused, naming what differs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pairedBootstrapDifference, type BootstrapInterval } from '../metrics/bootstrap';
import { accuracyScore } from '../metrics/classification';
import { argmaxRows, loadPredictions } from './evaluate';
import { CLASSIFIERS, type ClassifierName } from './identity';
import type { SplitFile } from './split-file';
import type { RunConfig } from './config';

/** One classifier's validation accuracy in both runs and the paired difference A − B (accuracy and macro F1). */
export interface RunDifference {
  classifier: ClassifierName;
  accuracyA: number;
  accuracyB: number;
  accuracy: BootstrapInterval;
  f1Macro: BootstrapInterval;
}

/** What {@link compareRuns} found: the validation rows compared, and every classifier both runs evaluated. */
export interface RunComparison {
  rows: number;
  seed: number;
  nResamples: number;
  differences: RunDifference[];
}

function readSplit(out: string): SplitFile {
  const path = join(out, 'split.json');
  if (!existsSync(path))
    throw new Error(`compareRuns: '${path}' does not exist; '${out}' must be a run folder made by the pipeline.`);
  return JSON.parse(readFileSync(path, 'utf8')) as SplitFile;
}

/**
 * Compare the validation predictions of run folders `a` and `b` (paths given as `--out`), classifier by
 * classifier: accuracy of each and paired bootstrap intervals of A − B (seeded by `seed`, `nResamples` resamples).
 * Throws when the runs' texts, labels or validation rows differ, or when no classifier was evaluated in both.
 */
export async function compareRuns(
  a: string,
  b: string,
  opts: { seed?: number; nResamples?: number } = {},
): Promise<RunComparison> {
  const seed = opts.seed ?? 3;
  const nResamples = opts.nResamples ?? 1000;
  const [sa, sb] = [readSplit(a), readSplit(b)];
  const same = (x: readonly unknown[], y: readonly unknown[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  if (sa.texts_sha256 !== sb.texts_sha256)
    throw new Error(`compareRuns: '${a}' and '${b}' were run on different texts (split.json texts_sha256).`);
  if (!same(sa.labels, sb.labels) || !same(sa.rows.val, sb.rows.val))
    throw new Error(
      `compareRuns: '${a}' and '${b}' have different labels or validation rows (split.json); ` +
        'use the same data, --seed and split options.',
    );
  const differences: RunDifference[] = [];
  for (const name of CLASSIFIERS) {
    const [pa, pb] = await Promise.all(
      // loadPredictions reads only `out` of the config.
      [a, b].map((out) => loadPredictions({ out } as RunConfig, name, 'validation')),
    );
    if (!pa || !pb) continue;
    if (!same(pa.yTrue, pb.yTrue))
      throw new Error(`compareRuns: the ${name} classifier's validation labels differ between '${a}' and '${b}'.`);
    const [ya, yb] = [argmaxRows(pa.yScore), argmaxRows(pb.yScore)];
    const boot = { seed, nResamples };
    differences.push({
      classifier: name,
      accuracyA: accuracyScore(pa.yTrue, ya),
      accuracyB: accuracyScore(pb.yTrue, yb),
      accuracy: pairedBootstrapDifference(pa.yTrue, ya, yb, 'accuracy', boot),
      f1Macro: pairedBootstrapDifference(pa.yTrue, ya, yb, 'f1_macro', boot),
    });
  }
  if (differences.length === 0)
    throw new Error(
      `compareRuns: no classifier has validation predictions in both '${a}' and '${b}' ` +
        '(<out>/evaluation/<classifier>-validation.safetensors); run the evaluate stage in both.',
    );
  return { rows: sa.rows.val.length, seed, nResamples, differences };
}

/** A Markdown table of a comparison: accuracy of each run and A − B in points with its interval. */
export function formatRunComparison(c: RunComparison, labels: [string, string] = ['A', 'B']): string {
  const pts = (i: BootstrapInterval) =>
    `${(100 * i.estimate).toFixed(1)} [${(100 * i.low).toFixed(1)}, ${(100 * i.high).toFixed(1)}]`;
  return [
    `Validation rows: ${c.rows}; paired 95% bootstrap intervals, ${c.nResamples} resamples, seed ${c.seed}.`,
    '',
    `| classifier | ${labels[0]} | ${labels[1]} | ${labels[0]} − ${labels[1]} accuracy (points) | macro F1 (points) |`,
    '|---|---|---|---|---|',
    ...c.differences.map(
      (d) =>
        `| ${d.classifier} | ${d.accuracyA.toFixed(4)} | ${d.accuracyB.toFixed(4)} | ${pts(d.accuracy)} | ` +
        `${pts(d.f1Macro)} |`,
    ),
  ].join('\n');
}
