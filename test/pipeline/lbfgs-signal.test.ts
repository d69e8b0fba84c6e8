/**
 * SIGTERM and SIGINT stop a long L-BFGS fit (the logistic head's) under the pipeline's signal handling: a child
 * process holds a run folder's lock with `handleSignals` (as `npm run pipeline` does) and runs L-BFGS on an
 * objective that never converges and never yields; the signal must end it by that signal, with the lock
 * released. Before L-BFGS yielded to the event loop every iteration, the handler never ran during a fit
 * (docs/performance.md, scale check: SIGTERM did not stop a 5-minute fit).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LOCK_FILE } from '../../lib/pipeline/lock';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);

const CHILD = `
import { acquireRunLock } from ${JSON.stringify(join(ROOT, 'lib/pipeline/lock.ts'))};
import { minimizeLbfgs } from ${JSON.stringify(join(ROOT, 'lib/train/lbfgs.ts'))};
acquireRunLock(process.argv[2], { handleSignals: true });
// f(x) = x: unbounded below, so L-BFGS never stops by itself; the objective never yields.
await minimizeLbfgs((x) => ({ f: x[0], g: Float64Array.of(1) }), new Float64Array(1), {
  tol: 0,
  ftol: 0,
  maxIter: 1e12,
  onIteration: (i) => i === 1 && console.log('fitting'),
});
console.log('L-BFGS ended by itself');
`;

/** Start the child, send `signal` once it is fitting; its exit, or 'timeout' when it has not ended 10 s later. */
function fitThenSignal(dir: string, signal: NodeJS.Signals): Promise<{ signal: string | null; code: number | null }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(dir, 'child.mts'), dir], { cwd: ROOT });
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      if (!d.toString().includes('fitting') || timer) return;
      child.kill(signal);
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        fail(new Error(`the fit did not stop within 10 s of ${signal}`));
      }, 10_000);
    });
    child.on('error', fail);
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      if (!timer) fail(new Error(`the child ended before fitting (code ${code}): ${stderr}`));
      else done({ signal: sig, code });
    });
  });
}

describe('a signal stops a long L-BFGS fit under the pipeline', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    test(`${signal}: the process ends by it and releases the run folder's lock`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'lbfgs-signal-'));
      try {
        writeFileSync(join(dir, 'child.mts'), CHILD);
        const exit = await fitThenSignal(dir, signal);
        assert.deepEqual(exit, { signal, code: null });
        assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'the lock is released');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
});
