/**
 * What the stage functions share: their context (config, prepared data, tokenizer, progress), the
 * mapping of trainer positions to dataset rows, and the run-folder bookkeeping around a training: the
 * stage's check and lock, the epochs to train (saying in the log whether a finished training continues
 * or is reloaded), and its record state after.
 */
import { flagOf, type TrainingStage } from '../config/options';
import { validateConfig } from '../config/parse';
import type { ProgressReporter } from '../train/progress';
import type { TrainResult } from '../train/trainer';
import type { TextTokenizer } from '../tokenizer/tokenizer';
import type { RunConfig } from './config';
import type { StageState } from './identity';
import { resolveRecipe, type Recipe } from './recipe';
import { withRunLock } from './lock';
import { enterStage, prepareRunFolder, type StageEntry } from './run-folder';
import { runPaths, type PreparedData } from './prepare';
import type { RunStats } from './tokens';

/**
 * What every stage function takes: the run's settings, its prepared data and tokenizer, where to report, and
 * optionally the recipe resolved from them (resolved on first use when absent, as in the notebooks).
 */
export interface StageContext {
  cfg: RunConfig;
  data: PreparedData;
  tokenizer: TextTokenizer;
  reporter?: ProgressReporter;
  log?: (line: string) => void;
  /** Where the stages put what they measured for the report (padding per set of batches); none: log only. */
  stats?: RunStats;
  recipe?: Recipe;
}

/** The context's recipe (lib/pipeline/recipe.ts), resolved from its settings and data when not given. */
export function recipeOf(ctx: StageContext): Recipe {
  ctx.recipe ??= resolveRecipe(ctx.cfg, ctx.data);
  return ctx.recipe;
}

/** How a stage function may work. */
export interface StageOptions {
  /** Only reload a finished training, never train (evaluation of stages not asked to run; notebook 03). */
  reloadOnly?: boolean;
}

/** Positions 0..n-1 (validation batches are positions into split.val). */
export const positionsOf = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
/** `rows[positions]`: dataset indices of trainer positions. */
export const mapRows = (rows: Int32Array, positions: Int32Array) => Int32Array.from(positions, (p) => rows[p]);

/** A loader over dataset rows that maps trainer positions to dataset indices per phase. */
export function splitLoader<B>(data: PreparedData, load: (rows: Int32Array) => B) {
  return (positions: Int32Array, phase: 'train' | 'validation') =>
    load(mapRows(phase === 'train' ? data.split.train : data.split.val, positions));
}

/**
 * The epochs to pass to the trainer (`asked`: the recipe's), saying in the log what a finished training in the
 * folder becomes: more epochs continue it, reload-only keeps it as it is (fewer epochs are refused by the stage's
 * check). `key` names the epochs option in messages.
 */
export function epochsFor(
  ctx: StageContext,
  entry: StageEntry,
  key: keyof RunConfig,
  asked: number,
  opts: StageOptions,
): number {
  const p = entry.previous;
  if (opts.reloadOnly) {
    if (!p) throw new Error(`${entry.stage}: no finished training to reload in '${runPaths(ctx.cfg.out).root}'.`);
    ctx.log?.(`${entry.stage}: reloading the finished training (${p.epochs_run} epochs, best epoch ${p.best_epoch})`);
    return p.epochs_run;
  }
  if (!p) return asked;
  const done = `the run folder holds a finished ${p.epochs_run}-epoch ${entry.stage} training`;
  if (asked > p.epochs_run && p.stop_reason === 'completed')
    ctx.log?.(`${entry.stage}: ${done}; ${flagOf(key)} ${asked} continues it to epoch ${asked}`);
  else if (asked > p.epochs_run)
    ctx.log?.(`${entry.stage}: ${done} that stopped early; it trains on only with a higher --patience`);
  else ctx.log?.(`${entry.stage}: ${done}; reloading it (best epoch ${p.best_epoch})`);
  return asked;
}

/** The record state after a training (epochs run: never fewer than a reload of an earlier finish reports). */
export function stateAfter(result: TrainResult, entry: StageEntry): StageState {
  return {
    finished_at: new Date().toISOString(),
    epochs_run: Math.max(result.history.length, entry.previous?.epochs_run ?? 0),
    best_epoch: result.bestEpoch,
    best_value: result.bestValue,
    monitor: result.monitor,
    stop_reason: result.stopReason,
    global_step: Math.max(result.globalStep, entry.previous?.global_step ?? 0),
    ...(Object.keys(entry.upstreamEpochs).length > 0 ? { built_on: entry.upstreamEpochs } : {}),
  };
}

/** Run `work` for a training stage: under the run folder's lock, after its check (lib/pipeline/run-folder.ts). */
export async function inStage<T>(
  ctx: StageContext,
  stage: TrainingStage,
  opts: StageOptions,
  work: (entry: StageEntry) => Promise<T>,
): Promise<T> {
  validateConfig(ctx.cfg);
  await prepareRunFolder(ctx.cfg.out);
  return withRunLock(ctx.cfg.out, async () => work(await enterStage(ctx.cfg, stage, ctx.log, opts)));
}
