/**
 * A reference run beside this one in notebook 03: the study's recipe (`--recipe study`) run by this project's CLI,
 * read from its report.json (checked in under notebooks/reference/ with the command that made it), so that the
 * reader sees three columns: this run, the study's recipe here, and the study's reported numbers.
 */
import { readFileSync } from 'node:fs';
import { basename, isAbsolute } from 'node:path';
import type { ScoreSummary } from '../pipeline/evaluate';
import type { Report } from '../pipeline/report';
import type { ClassifierName } from '../pipeline/stages';
import { formatDuration } from './run-info';
import type { StudyResults } from './study';

const CLASSIFIER_NAMES: readonly ClassifierName[] = ['frozen', 'trained', 'siamese'];

/** What 03 shows of a reference run. */
export interface ReferenceRun {
  /** One line: recipe, scale, epochs, e.g. 'recipe study; 50 per category (1,640 train / 410 validation); …'. */
  label: string;
  recipe: string;
  /** Validation scores per classifier, with the balanced sample's under `balanced`. */
  scores: Record<ClassifierName, ScoreSummary & { balanced?: ScoreSummary }>;
  /** Wall seconds per stage as its report states them. */
  timings: Record<string, number>;
}

/**
 * Read a reference run's report (report.json format). The label states the recipe, the texts per category (or
 * the records when uncapped), the split, the siamese epochs run and the run's wall time.
 *
 * @throws naming the file and field when a classifier's validation results are missing.
 */
export function loadReferenceRun(path: string): ReferenceRun {
  const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
  for (const n of CLASSIFIER_NAMES)
    if (typeof report.results?.[n]?.accuracy !== 'number')
      throw new Error(
        `${path}: 'results.${n}.accuracy' must be a number; the reference report lacks the ${n} classifier ` +
          '(copy the report.json of a finished run: scripts/reference-report.ts).',
      );
  const recipe = report.recipe?.name ?? 'study';
  const cap = report.config?.maxPerClass;
  const n = (v: number) => v.toLocaleString('en-US');
  const scale = cap
    ? `${n(cap)} per category (${n(report.data.train)} train / ${n(report.data.val)} validation texts)`
    : `${n(report.data.records)} records (${n(report.data.train)} train / ${n(report.data.val)} validation texts)`;
  const epochs = report.training?.siamese?.epochs_run;
  const total = Object.values(report.timings ?? {}).reduce((t, s) => t + s, 0);
  const label =
    `recipe ${recipe}; ${scale}` +
    (epochs !== undefined ? `; ${epochs} siamese epochs` : '') +
    (total > 0 ? `; ${formatDuration(total)} on the development machine` : '');
  const scores = Object.fromEntries(
    CLASSIFIER_NAMES.map((c) => [c, report.results[c]!]),
  ) as unknown as ReferenceRun['scores'];
  return { label, recipe, scores, timings: report.timings ?? {} };
}

const METRICS = ['accuracy', 'f1_macro', 'f1_weighted', 'auc_micro'] as const;

/** One row of the three-way comparison. */
export type ComparisonRow = { model: ClassifierName; source: string } & Partial<
  Record<(typeof METRICS)[number] | 'balanced-sample accuracy', number>
>;

/**
 * Rows of this run, the reference run (when given) and the study's reported numbers, per classifier, on the
 * validation set (and the balanced sample's accuracy).
 */
export function threeWayRows(
  ours: Readonly<Record<ClassifierName, ScoreSummary & { balanced?: ScoreSummary }>>,
  study: StudyResults,
  reference?: ReferenceRun,
): ComparisonRow[] {
  const row = (model: ClassifierName, source: string, s: ScoreSummary & { balanced?: ScoreSummary }) => ({
    model,
    source,
    ...Object.fromEntries(METRICS.map((m) => [m, s[m]])),
    'balanced-sample accuracy': s.balanced?.accuracy,
  });
  return CLASSIFIER_NAMES.flatMap((m) => [
    row(m, 'this run', ours[m]),
    ...(reference ? [row(m, `study recipe here (${reference.recipe})`, reference.scores[m])] : []),
    {
      model: m,
      source: 'study (reported)',
      ...Object.fromEntries(METRICS.map((k) => [k, study.models[m][k]])),
      'balanced-sample accuracy': study.models[m].balanced_accuracy_sample,
    },
  ]);
}

/**
 * A copy of a report fit for checking in: every string that is an absolute path (model, data, run folder,
 * tokenizer, embeddings, the stages' settings) reduced to its last component, so no machine path is published.
 * Everything else is kept as is.
 */
export function publishableReport(report: Report): Report {
  const strip = (v: unknown): unknown =>
    typeof v === 'string'
      ? isAbsolute(v)
        ? basename(v)
        : v
      : Array.isArray(v)
        ? v.map(strip)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x)]))
          : v;
  return strip(report) as Report;
}
