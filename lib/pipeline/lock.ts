/**
 * One run at a time per run folder: `<out>/run.lock` names the process that holds the folder (PID,
 * host, start time, command). A second run fails at once with that name; a lock left by a process that
 * no longer runs (a kill -9, a crash, Ctrl-C during feature extraction) is taken over, and the caller is
 * told. Created with O_EXCL, so two runs starting together cannot both get it.
 *
 * Hand-written: proper-lockfile (npm) detects staleness by an mtime it keeps refreshing and records no
 * PID, and the message must name the holder.
 *
 * Release: on `release()`, on process exit, and (with `handleSignals`) on SIGINT/SIGTERM, after which the
 * signal is raised again so the process still ends by it. A JavaScript signal handler only runs when the
 * event loop turns: the pipeline yields once per training step and evaluation batch, and runs feature
 * extraction (one long stretch that never yields) under {@link withDefaultSignals}, where Ctrl-C exits at
 * once. Under `npm run pipeline`, tsx's wrapper SIGKILLs a child that does not answer a signal within
 * about 60 ms, so a Ctrl-C in the middle of a step also ends the run at once. Either way a lock can be
 * left behind; it names a process that no longer runs, and the next run takes it over and says so.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { processAlive } from '../io/process';

/** The lock's file name in the run folder. */
export const LOCK_FILE = 'run.lock';

/** What a lock file holds. */
export interface LockInfo {
  pid: number;
  host: string;
  started_at: string;
  command: string;
}

/** A held lock. */
export interface RunLock {
  path: string;
  /** The stale lock this acquisition replaced (its process was gone). */
  tookOver?: LockInfo;
  /** Release once (further calls do nothing); the file is deleted when the last holder in this process lets go. */
  release(): void;
}

/** How to acquire a lock. */
export interface LockOptions {
  /** Join a lock this process already holds (stage functions inside a pipeline run); default false. */
  reentrant?: boolean;
  /** Release on SIGINT/SIGTERM, then re-raise the signal (the command line); default false. */
  handleSignals?: boolean;
}

interface Held {
  info: LockInfo;
  count: number;
  signals: boolean;
}

const held = new Map<string, Held>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let suspended = 0;

function removeOwnFile(path: string, pid: number): void {
  try {
    const now = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (now.pid === pid && now.host === hostname()) unlinkSync(path);
  } catch {
    // Already gone or replaced: nothing of ours to remove.
  }
}

function releaseAll(): void {
  for (const [path, h] of held) removeOwnFile(path, h.info.pid);
  held.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  releaseAll();
  uninstallSignals();
  process.kill(process.pid, signal);
}

function installSignals(): void {
  if (suspended > 0) return;
  for (const s of SIGNALS) if (!process.listeners(s).includes(onSignal)) process.on(s, onSignal);
}

function uninstallSignals(): void {
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

function wantsSignals(): boolean {
  return [...held.values()].some((h) => h.signals);
}

process.on('exit', releaseAll);

function readInfo(path: string): LockInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    return typeof v.pid === 'number' && typeof v.host === 'string' ? (v as LockInfo) : undefined;
  } catch {
    return undefined;
  }
}

function describe(info: LockInfo): string {
  return `PID ${info.pid} on ${info.host} since ${info.started_at} (${info.command})`;
}

/** A lock file without a readable holder that is older than this is a leftover, not one being written. */
const UNREADABLE_GRACE_MS = 10_000;

/**
 * Lock the run folder `dir` (which must exist). Throws when another live process holds it, naming its
 * PID, host, start time and command and the lock file; takes over a lock whose process is gone
 * (`tookOver`). Errors creating the file (a read-only folder) are thrown as they are.
 */
export function acquireRunLock(dir: string, opts: LockOptions = {}): RunLock {
  const path = resolve(join(dir, LOCK_FILE));
  const mine = held.get(path);
  if (mine && !opts.reentrant)
    throw new Error(
      `run folder '${dir}' is in use by this process (${mine.info.command}); wait for that run to finish.`,
    );
  let tookOver: LockInfo | undefined;
  if (!mine) {
    const info: LockInfo = {
      pid: process.pid,
      host: hostname(),
      started_at: new Date().toISOString(),
      command: process.argv.slice(1).join(' ').slice(0, 200),
    };
    for (let attempt = 0; ; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        try {
          writeSync(fd, `${JSON.stringify(info)}\n`);
        } finally {
          closeSync(fd);
        }
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw e;
      }
      const other = readInfo(path);
      const stale = other
        ? other.host === info.host && (other.pid === process.pid || !processAlive(other.pid))
        : Date.now() - statMs(path) > UNREADABLE_GRACE_MS;
      if (!stale) {
        throw new Error(
          other
            ? `run folder '${dir}' is in use by ${describe(other)}. Wait for that run to finish, or use another ` +
                `--out. If no such run is active (a PID can be reused; another host cannot be checked from here), ` +
                `delete '${path}'.`
            : `run folder '${dir}' is being locked by another run ('${path}' is being written); try again.`,
        );
      }
      tookOver = other ?? { pid: -1, host: '?', started_at: '?', command: 'unreadable lock file' };
      try {
        unlinkSync(path);
      } catch {
        // Another run removed it first; the next attempt decides.
      }
    }
    held.set(path, { info, count: 0, signals: false });
  }
  const h = held.get(path)!;
  h.count++;
  h.signals ||= Boolean(opts.handleSignals);
  if (wantsSignals()) installSignals();
  let released = false;
  return {
    path,
    tookOver,
    release() {
      if (released) return;
      released = true;
      if (--h.count > 0) return;
      held.delete(path);
      removeOwnFile(path, h.info.pid);
      if (!wantsSignals()) uninstallSignals();
    },
  };
}

function statMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Run `fn` holding the run folder's lock (joining this process's own), releasing it after. */
export async function withRunLock<T>(
  dir: string,
  fn: (lock: RunLock) => Promise<T>,
  opts: LockOptions = {},
): Promise<T> {
  const lock = acquireRunLock(dir, { reentrant: true, ...opts });
  try {
    return await fn(lock);
  } finally {
    lock.release();
  }
}

/**
 * Run `fn` with Node's default SIGINT/SIGTERM behaviour (immediate exit): for long stretches that never
 * yield to the event loop, where a handler would delay Ctrl-C until they end. A lock left behind by such
 * an exit is taken over by the next run.
 */
export async function withDefaultSignals<T>(fn: () => Promise<T>): Promise<T> {
  suspended++;
  uninstallSignals();
  try {
    return await fn();
  } finally {
    suspended--;
    if (suspended === 0 && wantsSignals()) installSignals();
  }
}

/** Let pending signal handlers and timers run (the trainer and evaluation loops otherwise never yield). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
