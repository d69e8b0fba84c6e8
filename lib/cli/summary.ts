/**
 * The few lines `npm run pipeline` prints on stdout when it ends: each classifier's headline scores and where the
 * report is. The whole report is in `<out>/report.json`; `--json` prints its results and timings instead.
 */
import { CLASSIFIERS } from '../pipeline/identity';
import type { Report } from '../pipeline/report';
import type { SeedsReport } from '../pipeline/seeds';

const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));
// Reports written before `samples` existed lack it.
const texts = (n: number | undefined) => (n === undefined ? '' : ` (${n} texts)`);

/**
 * The end of a single run: one line per classifier with scores (validation accuracy and macro F1, and the held-out
 * test split's when the run has one), then the report's path. A run without scores (no evaluate stage, now or
 * before in the folder) says so.
 */
export function runSummary(report: Report, reportPath: string): string[] {
  const lines: string[] = [];
  for (const name of CLASSIFIERS) {
    const r = report.results[name];
    if (!r) continue;
    lines.push(
      `${name}: validation accuracy ${f4(r.accuracy)}, macro F1 ${f4(r.f1_macro)}${texts(r.samples)}` +
        (r.test
          ? `; test accuracy ${f4(r.test.accuracy)}, macro F1 ${f4(r.test.f1_macro)}${texts(r.test.samples)}`
          : ''),
    );
  }
  if (lines.length === 0)
    lines.push('no scores yet: the evaluate stage has not run in this folder (--stages evaluate)');
  lines.push(`report: ${reportPath}`);
  return lines;
}

/** The end of a `--seeds` run: per classifier, validation accuracy and macro F1 as mean ± sample std; the path. */
export function seedsSummary(report: SeedsReport, reportPath: string): string[] {
  const n = report.seeds.length;
  const ms = (s: { mean: number; std: number }) => `${f4(s.mean)} ± ${f4(s.std)}`;
  const lines = Object.entries(report.summary.results).map(
    ([name, r]) => `${name}: validation accuracy ${ms(r.accuracy)}, macro F1 ${ms(r.f1_macro)} (${n} seeds)`,
  );
  if (lines.length === 0) lines.push('no scores: the evaluate stage did not run for every seed');
  lines.push(`report: ${reportPath}`);
  return lines;
}
