/**
 * Learning-rate schedules as functions of the optimizer step, with Hugging Face
 * transformers' semantics (`transformers.optimization`): `step` is the number of
 * optimizer updates already taken, so the update with 0-based index `t` uses
 * `schedule(t)` — as `torch.optim.lr_scheduler.LambdaLR` gives it when
 * `scheduler.step()` follows `optimizer.step()`. With warmup the first update
 * therefore uses learning rate 0, exactly as in transformers' Trainer.
 */

/** Learning rate of the update that follows `step` completed updates (`step` ≥ 0, an integer). */
export type LearningRateSchedule = (step: number) => number;

/** The schedules of transformers' `get_scheduler` that the project uses. */
export const SCHEDULE_NAMES = ['linear', 'constant', 'constant_with_warmup'] as const;
/** A schedule name of {@link SCHEDULE_NAMES}, as transformers' `SchedulerType` spells it. */
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

/** Warmup and length of a schedule made by {@link makeSchedule}, in optimizer updates. */
export interface ScheduleOptions {
  /** Updates of linear warmup from 0 to the peak (default 0). */
  warmupSteps?: number;
  /** Total updates of the run (required by 'linear': the rate reaches 0 there). */
  totalSteps?: number;
}

function checkRate(fn: string, lr: number): void {
  if (!(typeof lr === 'number' && Number.isFinite(lr) && lr > 0))
    throw new Error(`${fn}: 'learningRate' must be a positive number; got ${String(lr)}.`);
}

function checkSteps(fn: string, name: string, v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  throw new Error(`${fn}: '${name}' must be a non-negative integer; got ${String(v)}.`);
}

function checkStep(step: number): void {
  if (!(Number.isInteger(step) && step >= 0))
    throw new Error(`learning-rate schedule: 'step' must be a non-negative integer; got ${String(step)}.`);
}

/**
 * Linear warmup from 0 to `learningRate` over `warmupSteps` updates, then linear
 * decay to 0 at `totalSteps` (0 afterwards). transformers'
 * `get_linear_schedule_with_warmup`: factor `t / max(1, warmup)` while
 * `t < warmup`, else `max(0, (total - t) / max(1, total - warmup))`.
 * Throws when `warmupSteps > totalSteps`.
 */
export function linearScheduleWithWarmup(
  learningRate: number,
  opts: { warmupSteps?: number; totalSteps: number },
): LearningRateSchedule {
  const fn = 'linearScheduleWithWarmup';
  checkRate(fn, learningRate);
  const total = checkSteps(fn, 'totalSteps', opts.totalSteps);
  const warmup = checkSteps(fn, 'warmupSteps', opts.warmupSteps ?? 0);
  if (warmup > total) throw new Error(`${fn}: 'warmupSteps' must be at most 'totalSteps' (${total}); got ${warmup}.`);
  return (step) => {
    checkStep(step);
    if (step < warmup) return learningRate * (step / Math.max(1, warmup));
    return learningRate * Math.max(0, (total - step) / Math.max(1, total - warmup));
  };
}

/**
 * `learningRate` after a linear warmup of `warmupSteps` updates (none by
 * default): transformers' `get_constant_schedule_with_warmup` (and
 * `get_constant_schedule` when `warmupSteps` is 0).
 */
export function constantSchedule(learningRate: number, opts: { warmupSteps?: number } = {}): LearningRateSchedule {
  const fn = 'constantSchedule';
  checkRate(fn, learningRate);
  const warmup = checkSteps(fn, 'warmupSteps', opts.warmupSteps ?? 0);
  return (step) => {
    checkStep(step);
    return step < warmup ? learningRate * (step / Math.max(1, warmup)) : learningRate;
  };
}

/**
 * A schedule by name, as transformers' `get_scheduler(name, optimizer, num_warmup_steps, num_training_steps)`:
 * 'linear' needs `totalSteps`; 'constant' takes no warmup (use 'constant_with_warmup').
 */
export function makeSchedule(
  name: ScheduleName,
  learningRate: number,
  opts: ScheduleOptions = {},
): LearningRateSchedule {
  switch (name) {
    case 'linear':
      if (opts.totalSteps === undefined)
        throw new Error("makeSchedule: the 'linear' schedule needs 'totalSteps' (the run's total updates); got none.");
      return linearScheduleWithWarmup(learningRate, { warmupSteps: opts.warmupSteps, totalSteps: opts.totalSteps });
    case 'constant':
      if ((opts.warmupSteps ?? 0) !== 0)
        throw new Error(
          `makeSchedule: the 'constant' schedule has no warmup; got warmupSteps ${opts.warmupSteps}. Use ` +
            `'constant_with_warmup'.`,
        );
      return constantSchedule(learningRate);
    case 'constant_with_warmup':
      return constantSchedule(learningRate, { warmupSteps: opts.warmupSteps });
    default:
      throw new Error(`makeSchedule: 'name' must be one of ${SCHEDULE_NAMES.join(', ')}; got ${JSON.stringify(name)}.`);
  }
}

/**
 * Warmup updates for a fraction of the run: `ceil(totalSteps × ratio)`, as
 * transformers' `TrainingArguments.get_warmup_steps` does for `warmup_ratio`.
 */
export function warmupStepsFor(totalSteps: number, ratio: number): number {
  checkSteps('warmupStepsFor', 'totalSteps', totalSteps);
  if (!(typeof ratio === 'number' && ratio >= 0 && ratio <= 1))
    throw new Error(`warmupStepsFor: 'ratio' must be in [0, 1]; got ${String(ratio)}.`);
  return Math.ceil(totalSteps * ratio);
}
