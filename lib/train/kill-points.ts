/**
 * Test-only crash points: `SIAMESE_TEST_KILL_AT=<point>@<n>` makes the process
 * SIGKILL itself the n-th time (1-based, counted in this process) it reaches
 * `<point>`, so the kill -9 tests stop a run at exact places instead of racing
 * timers. Unset (always, outside those tests), every point is a no-op.
 *
 * Points, in the order a training epoch reaches them:
 * - `step`: after an optimizer step (the step's update is applied; nothing written);
 * - `checkpoint-partial`: while writing a checkpoint's weights file: a torn temporary file
 *   (half of the bytes, named as writeFileAtomic names it) is left behind;
 * - `checkpoint-weights`: the weights file is written, the optimizer file not;
 * - `checkpoint-optimizer`: both files are written, the manifest still points to the previous ones;
 * - `checkpoint-manifest`: the manifest points to the new files, superseded ones are not removed yet;
 * - `result`: the finished run's result.json is written (the caller's exports are not).
 */
export const KILL_POINTS = [
  'step',
  'checkpoint-partial',
  'checkpoint-weights',
  'checkpoint-optimizer',
  'checkpoint-manifest',
  'result',
] as const;
/** One of {@link KILL_POINTS}: where the kill -9 tests stop a training process. */
export type KillPoint = (typeof KILL_POINTS)[number];

/** The variable that arms a kill point, `<point>@<n>` (the n-th time the point is reached); tests only. */
export const KILL_ENV = 'SIAMESE_TEST_KILL_AT';

const reached = new Map<KillPoint, number>();

function target(): { point: KillPoint; n: number } | undefined {
  const raw = process.env[KILL_ENV];
  if (!raw) return undefined;
  const m = /^([a-z-]+)@(\d+)$/.exec(raw);
  if (!m || !KILL_POINTS.includes(m[1] as KillPoint) || Number(m[2]) < 1)
    throw new Error(
      `${KILL_ENV} must be <point>@<n> with n >= 1 and point one of ${KILL_POINTS.join(', ')}; got ` +
        `${JSON.stringify(raw)}. It is for the kill -9 tests only: unset it.`,
    );
  return { point: m[1] as KillPoint, n: Number(m[2]) };
}

/** SIGKILL this process if `SIAMESE_TEST_KILL_AT` names this point and count; `before` runs first (a torn file). */
export function killPoint(point: KillPoint, before?: () => void): void {
  const t = target();
  if (!t || t.point !== point) return;
  const count = (reached.get(point) ?? 0) + 1;
  reached.set(point, count);
  if (count !== t.n) return;
  before?.();
  process.kill(process.pid, 'SIGKILL');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000); // run no further JS while the signal lands
}
