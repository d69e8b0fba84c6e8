/**
 * `<out>/report.json`: what a run folder holds, merged over runs. A partial rerun (`--stages siamese`,
 * `--stages evaluate`) replaces only what it recomputed; results of earlier runs stay, unless --overwrite
 * discarded their stage. Each stage's fingerprint and settings are stated, and each result names the
 * stage fingerprint and training step it was computed from, so a result whose model trained further
 * since is flagged in `warnings`.
 */
import { existsSync } from 'node:fs';
import { readJsonFile } from '../io/json';
import { writeFileAtomic } from '../io/safetensors';
import type { RunConfig, Stage, TrainingStage } from '../config/options';
import type { ScoreSummary, Subset } from './evaluate';
import { CLASSIFIERS, STAGE_OF_CLASSIFIER, type ClassifierName, type StageSettings } from './identity';
import type { InferenceRun } from './inference';
import type { PaddingStat } from './tokens';
import type { SubsetIntervals } from './intervals';
import type { RecipeJson } from './recipe-report';

/** A training stage's outcome: its record's state (lib/pipeline/identity.ts), without the bookkeeping. */
export interface StageTraining {
  best_epoch: number;
  best_value: number;
  monitor: string;
  epochs_run: number;
  stop_reason: string;
  /**
   * Optimizer steps the stage's weights were trained for: what a result's staleness check compares. A
   * logistic-regression head (recipe auto) has no steps: there it is the final fit's L-BFGS iterations, also
   * given as `lbfgs_iterations` (and `recipe.<stage>.fit.iterations`).
   */
  global_step: number;
  /** Only for a logistic-regression head: the final L-BFGS fit's iterations. */
  lbfgs_iterations?: number;
}

/** A classifier's scores, and the stage training they were computed from. */
export type ClassifierResult = ScoreSummary & {
  /** Scores on the held-out test split (--test-fraction > 0), which no training or model choice saw. */
  test?: ScoreSummary;
  /** Scores on the balanced sample (`data.balanced` draws of `data.balanced_distinct` validation texts). */
  balanced: ScoreSummary;
  /** F1 per category (zero_division 0) on validation, and on test when the run has one. */
  f1_per_class?: { validation: Record<string, number>; test?: Record<string, number> };
  /** The classifier stage's fingerprint and the epoch whose weights were evaluated. */
  evaluated: { stage: TrainingStage; fingerprint: string; best_epoch: number };
};

/** A stage as last run: its fingerprint, the settings it was made from, and where it ran. */
export interface StageSummary {
  fingerprint: string;
  settings: StageSettings;
  backend: string;
  updated_at: string;
}

/** `<out>/report.json` (snake_case, as written). */
export interface Report {
  model: string;
  backend: string;
  seed: number;
  data: {
    path: string;
    /** Every record read, valid or not (`skipped` of them invalid). */
    records: number;
    classes: number;
    train: number;
    val: number;
    /** Held-out test texts (0 without --test-fraction). */
    test?: number;
    /** Draws of the balanced sample (with replacement from validation)… */
    balanced: number;
    /** …and the distinct validation texts behind them. */
    balanced_distinct?: number;
    skipped: number;
    dropped_short: number;
    dropped_by_cap: number;
  };
  /** By classifier: frozen, trained, siamese (the siamese classifier). */
  results: Partial<Record<ClassifierName, ClassifierResult>>;
  /** By stage: siamese is the triplet training (best validation triplet loss), siamese-classifier its head. */
  training: Partial<Record<TrainingStage, StageTraining>>;
  /**
   * The forward passes that did not train, by job ('frozen features', 'trained predictions', 'siamese embeddings'…):
   * the engine of --inference that ran each, its texts and wall seconds (lib/pipeline/inference.ts).
   */
  inference: Record<string, InferenceRun>;
  /** `siamese_epoch`: the siamese stage's best epoch, whose encoder made the vectors. */
  embeddings?: { dir: string; rows: number; knn_accuracy: number; siamese_epoch: number };
  stages: Partial<Record<Stage, StageSummary>>;
  /**
   * Padded token slots per real token of each set of batches the run computed (lib/pipeline/tokens.ts): training
   * batches of epoch 1 (`siamese`, `trained`), their validation batches, features and predictions, embeddings.
   */
  padding?: Record<string, PaddingStat>;
  /** The recipe the run resolved (lib/pipeline/recipe-report.ts): every stage's settings with their reasons. */
  recipe?: RecipeJson;
  /**
   * 95% bootstrap intervals of each classifier's accuracy and macro F1, and of the paired differences siamese −
   * frozen and siamese − trained, by subset (lib/pipeline/intervals.ts).
   */
  intervals?: Partial<Record<Subset, SubsetIntervals>>;
  /**
   * Wall seconds of each step (backend, data, tokenizer, tokens, each stage, embeddings, evaluate) when it last
   * did its work: a stage that a later run only reloaded from the folder keeps the time of the run that trained it.
   */
  timings: Record<string, number>;
  /** The settings of the latest run on the folder (each stage's own are in `stages`). */
  config: RunConfig;
  warnings: string[];
}

const HINT =
  'Move it away (a run with --stages evaluate writes the results again), use another --out, or add --overwrite ' +
  'to replace it.';

/** The report in the run folder, or undefined when there is none. Errors name the file and what to do. */
export async function readReport(path: string): Promise<Report | undefined> {
  if (!existsSync(path)) return undefined;
  let r: Record<string, unknown>;
  try {
    r = await readJsonFile(path, 'the pipeline report');
  } catch (e) {
    throw new Error(`run folder: ${(e as Error).message} ${HINT}`);
  }
  for (const key of ['results', 'training', 'timings'] as const)
    if (typeof r[key] !== 'object' || r[key] === null)
      throw new Error(`run folder: '${path}' has no '${key}' object, so it is not a pipeline report. ${HINT}`);
  const report = r as unknown as Report;
  return { ...report, stages: report.stages ?? {}, warnings: report.warnings ?? [], inference: report.inference ?? {} };
}

/** The warnings that belong to a classifier's evaluation (`frozen/validation: …`) or its staleness. */
function warningOf(w: string): ClassifierName | 'embeddings' | undefined {
  const head = w.split(/[/:]/)[0];
  return (CLASSIFIERS as readonly string[]).includes(head) || head === 'embeddings'
    ? (head as ClassifierName | 'embeddings')
    : undefined;
}

/**
 * Remove what `stages` contributed to the report (their training, results, embeddings, fingerprints,
 * timings and warnings): the report side of --overwrite. `stages` must already include what is built on
 * them (see withDownstream).
 */
export function pruneReport(report: Report, stages: readonly Stage[]): void {
  const gone = new Set<string>();
  for (const s of stages) {
    delete report.stages[s];
    delete report.timings[s];
    if (s !== 'evaluate') delete report.training[s];
  }
  for (const name of CLASSIFIERS) {
    if (stages.includes(STAGE_OF_CLASSIFIER[name]) || stages.includes('evaluate')) {
      delete report.results[name];
      gone.add(name);
    }
  }
  // Forward passes are keyed '<stage> features', 'trained predictions', 'siamese embeddings'.
  for (const job of Object.keys(report.inference ?? {})) {
    const [stage, what] = job.split(' ');
    if (stages.includes(stage as Stage) || (stages.includes('evaluate') && what !== 'features'))
      delete report.inference[job];
  }
  if (gone.size > 0) delete report.intervals; // computed from the results' predictions: the next evaluate redoes them
  if (stages.includes('siamese') || stages.includes('evaluate')) {
    delete report.embeddings;
    gone.add('embeddings');
  }
  report.warnings = report.warnings.filter((w) => !gone.has(warningOf(w) ?? ''));
}

/**
 * Notes for results computed from a model that trained further since (more epochs on a stage without
 * evaluate): `frozen: stale: …`. Recomputed on every write; earlier notes are dropped first.
 */
export function refreshStaleNotes(report: Report): string[] {
  report.warnings = report.warnings.filter((w) => !/^\w+: stale: /.test(w));
  const notes: string[] = [];
  for (const name of CLASSIFIERS) {
    const r = report.results[name];
    const t = report.training[STAGE_OF_CLASSIFIER[name]];
    if (r?.evaluated && t && r.evaluated.best_epoch !== t.best_epoch)
      notes.push(
        `${name}: stale: results.${name} were computed with the weights of epoch ${r.evaluated.best_epoch}; the ` +
          `${STAGE_OF_CLASSIFIER[name]} stage has trained further, to best epoch ${t.best_epoch} (run --stages ` +
          `evaluate)`,
      );
  }
  const e = report.embeddings;
  const s = report.training.siamese;
  if (e && s && e.siamese_epoch !== s.best_epoch)
    notes.push(
      `embeddings: stale: the embeddings were made by the siamese encoder of epoch ${e.siamese_epoch}; the ` +
        `siamese stage has trained further, to best epoch ${s.best_epoch} (run --stages evaluate)`,
    );
  for (const n of notes) report.warnings.push(n);
  return notes;
}

/** Write the report atomically (non-finite numbers as null, as JSON has no NaN). */
export async function writeReport(path: string, report: Report): Promise<void> {
  await writeFileAtomic(
    path,
    `${JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  );
}
