/**
 * What a run folder records about how its stages were made, for the notebooks' run statements and cost
 * tables: the TRAINING wall time of each stage (the sum of its epochs' seconds in `result.json`, written when
 * the stage trained, so a notebook that only reloads a finished stage still states how long it took to train),
 * and the run's scale, including the distinct texts behind the balanced sample (drawn with replacement).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../pipeline/config';
import { runPaths, type PreparedData } from '../pipeline/prepare';
import type { Report } from '../pipeline/report';
import { RESULT_FILE } from '../train/trainer';
import { formatDuration, type RunScale } from './run-info';

/** The four trainings of a run, in pipeline order (report.json `training` keys). */
export const TRAINING_STAGES = ['siamese', 'frozen', 'trained', 'siamese-classifier'] as const;
/** One of {@link TRAINING_STAGES}. */
export type TrainingStageName = (typeof TRAINING_STAGES)[number];

/** A stage's training as its records state it. */
export interface StageTime {
  stage: TrainingStageName;
  /** Sum of the epochs' wall seconds (validation included; a logistic head: its L-BFGS fit). */
  seconds: number;
  /** Epochs recorded. */
  epochs: number;
}

/** The folder holding a stage's `result.json`. */
function resultFolder(cfg: Pick<RunConfig, 'out'>, stage: TrainingStageName): string {
  const paths = runPaths(cfg.out);
  return stage === 'siamese' ? paths.siameseCheckpoint : paths.classifier(stage);
}

/**
 * The training wall time of every finished stage of the run folder `cfg.out`, from each stage's `result.json`
 * (`history[].seconds`); stages without one (not trained yet) are left out. A resumed training sums the epochs
 * of all its sessions, so the figure is the training's, not the last session's.
 *
 * @throws when a `result.json` exists but has no `history` array of epochs with numeric `seconds`.
 */
export function stageTrainingTimes(cfg: Pick<RunConfig, 'out'>): StageTime[] {
  const out: StageTime[] = [];
  for (const stage of TRAINING_STAGES) {
    const path = join(resultFolder(cfg, stage), RESULT_FILE);
    if (!existsSync(path)) continue;
    const json = JSON.parse(readFileSync(path, 'utf8')) as { history?: { seconds?: unknown }[] };
    const history = json.history;
    if (!Array.isArray(history) || history.some((r) => typeof r?.seconds !== 'number'))
      throw new Error(
        `stageTrainingTimes: '${path}' must hold a 'history' list of epochs with 'seconds'; it does not ` +
          '(a file from another tool? run the stage again with --overwrite).',
      );
    out.push({ stage, seconds: history.reduce((t, r) => t + (r.seconds as number), 0), epochs: history.length });
  }
  return out;
}

const STAGE_NAMES: Record<TrainingStageName, string> = {
  siamese: 'siamese (triplet)',
  frozen: 'frozen head',
  trained: 'trained (fine-tuning)',
  'siamese-classifier': 'siamese head',
};

/**
 * The stages' training times as a phrase: 'siamese (triplet) 5m01s (5 epochs), frozen head 0s (one fit), …' (a
 * logistic head's L-BFGS fit),
 * or 'no stage trained yet'.
 */
export function trainingTimesPhrase(times: readonly StageTime[]): string {
  if (times.length === 0) return 'no stage trained yet';
  const unit = (t: StageTime) =>
    t.stage === 'frozen' || t.stage === 'siamese-classifier'
      ? t.epochs === 1
        ? 'one fit'
        : `${t.epochs} epochs`
      : `${t.epochs} epoch${t.epochs === 1 ? '' : 's'}`;
  return times.map((t) => `${STAGE_NAMES[t.stage]} ${formatDuration(t.seconds)} (${unit(t)})`).join(', ');
}

/**
 * The run's scale for {@link describeScale}: texts, classes (and texts per class when all are equal), the split
 * (with the held-out test part when the prepared data has one) and the balanced sample's draws and distinct texts.
 */
export function runScale(prepared: PreparedData): RunScale {
  const { dataset, split, balanced, test } = prepared;
  const counts = new Map<number, number>();
  for (const y of dataset.labels) counts.set(y, (counts.get(y) ?? 0) + 1);
  const sizes = [...counts.values()];
  return {
    texts: dataset.texts.length,
    classes: dataset.categories.length,
    perClass: sizes.length > 0 && sizes.every((s) => s === sizes[0]) ? sizes[0] : undefined,
    train: split.train.length,
    val: split.val.length,
    test: test.length > 0 ? test.length : undefined,
    balanced: balanced.length,
    balancedDistinct: prepared.balancedDistinct,
  };
}

/** The run folder's report.json, or undefined when the CLI has not written one (the notebooks do not). */
export function readRunReport(cfg: Pick<RunConfig, 'out'>): Report | undefined {
  const path = runPaths(cfg.out).report;
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Report) : undefined;
}
