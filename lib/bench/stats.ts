/** Timing helpers: medians of repeated runs after warm-up. */

/** Median of a non-empty list (mean of the two middle values for even lengths). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error("median: 'xs' must not be empty; got [].");
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** What {@link timeRepeated} measured. */
export interface Timing {
  /** Median wall time of the timed runs, ms. */
  medianMs: number;
  /** Every timed run, ms, in order. */
  runsMs: number[];
  /** Untimed warm-up runs done first. */
  warmup: number;
}

/**
 * Run `fn` `warmup` times untimed, then `repeats` times timed; `fn` must finish its work (await data) before
 * resolving.
 */
export async function timeRepeated(
  fn: () => Promise<void>,
  opts: { warmup: number; repeats: number },
): Promise<Timing> {
  const { warmup, repeats } = opts;
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new Error(`timeRepeated: 'warmup' must be an integer >= 0; got ${warmup}.`);
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new Error(`timeRepeated: 'repeats' must be an integer >= 1; got ${repeats}.`);
  for (let i = 0; i < warmup; i++) await fn();
  const runsMs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    runsMs.push(performance.now() - t0);
  }
  return { medianMs: median(runsMs), runsMs, warmup };
}
