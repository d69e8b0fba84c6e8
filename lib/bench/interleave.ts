/**
 * Interleaved timing: engines compared in one run take turns (A, B, A, B, ...), so a change in the
 * machine's load (other processes on the same cores) hits all of them alike and their ratio stays
 * meaningful when absolute times are noisy.
 */
import { median, type Timing } from './stats';

/** A run's wall time and the CPU time of the process that did the work (all its threads), ms. */
export interface RunTime {
  ms: number;
  cpuMs: number;
}

/** One timed run; resolves to its own times (a peer process reports the times it measured). */
export type TimedRun = () => Promise<RunTime>;

/**
 * Wrap `fn` as a TimedRun measured here: wall time until it resolves and this process's CPU time (user +
 * system; other processes' load does not add to it, threads that spin while waiting do).
 */
export function wallTimed(fn: () => Promise<void>): TimedRun {
  return async () => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
  };
}

/** A Timing plus the median CPU time of the same runs. */
export interface InterleavedTiming extends Timing {
  cpuMedianMs: number;
}

/**
 * One warm-up run of each engine, then rounds in which every engine runs once, in the given order.
 * Rounds: as many as fit `budgetS` (estimated from the warm-ups), at least 1, at most `maxRounds`.
 * Returns each engine's Timing (median of its timed runs) with the median CPU time of those runs.
 */
export async function interleaved(
  runs: Record<string, TimedRun>,
  opts: { budgetS: number; maxRounds: number },
): Promise<Record<string, InterleavedTiming>> {
  const { budgetS, maxRounds } = opts;
  if (!(Number.isInteger(maxRounds) && maxRounds >= 1))
    throw new Error(`interleaved: 'maxRounds' must be an integer >= 1; got ${maxRounds}.`);
  const names = Object.keys(runs);
  if (names.length === 0) throw new Error("interleaved: 'runs' must name at least one engine; got none.");
  const t0 = performance.now();
  for (const n of names) await runs[n]();
  const roundMs = performance.now() - t0;
  const rounds = Math.max(1, Math.min(maxRounds, Math.floor((budgetS * 1000 - roundMs) / roundMs)));
  const times: Record<string, RunTime[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) for (const n of names) times[n].push(await runs[n]());
  return Object.fromEntries(
    names.map((n) => {
      const runsMs = times[n].map((t) => t.ms);
      return [n, { medianMs: median(runsMs), runsMs, warmup: 1, cpuMedianMs: median(times[n].map((t) => t.cpuMs)) }];
    }),
  );
}
