/**
 * One run per run folder (issue 12 case 5, the lock half), a writable --out found up front (issue 13
 * case 13), and the command line's one-line errors and --help.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../lib/backend/index';
import { OPTION_ROWS, envOf, flagOf } from '../../lib/config/options';
import { configFromArgs } from '../../lib/config/parse';
import { processAlive } from '../../lib/io/process';
import { LOCK_FILE, acquireRunLock } from '../../lib/pipeline/lock';
import { runPipeline } from '../../lib/pipeline/run';
import { quiet, smallRunArgs, tempDir, writeNewsCsv } from './helpers';

const HOLD = new URL('./fixtures/hold-lock.ts', import.meta.url).pathname;

/** A process holding `dir`'s lock (resolves once it holds it). */
async function holder(dir: string, mode = ''): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLD, dir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ok, fail) => {
    child.stdout!.on('data', (b: Buffer) => b.toString().includes('locked') && ok());
    child.on('exit', (code) => fail(new Error(`hold-lock exited early (${code})`)));
  });
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
    child.exitCode !== null || child.signalCode !== null
      ? ok({ code: child.exitCode, signal: child.signalCode })
      : child.on('exit', (code, signal) => ok({ code, signal })),
  );

describe('the run folder lock (issue 12 case 5)', () => {
  const root = tempDir('lock-');
  const csv = writeNewsCsv(root);
  const args = (out: string) => configFromArgs(smallRunArgs(csv, out));
  before(() => initBackend('wasm'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test('a second run on the same folder fails at once, naming the holder; a dead holder is taken over', async () => {
    const out = join(root, 'a');
    mkdirSync(out);
    const child = await holder(out);
    const started = Date.now();
    await assert.rejects(runPipeline(args(out), quiet()), (e: Error) => {
      assert.match(
        e.message,
        new RegExp(
          `^run folder '${out}' is in use by PID ${child.pid} on ${hostname()} since \\d{4}-\\d\\d-\\d\\dT[^ ]+ \\(.*hold-lock\\.ts.*\\)\\. ` +
            `Wait for that run to finish, or use another --out\\.`,
        ),
      );
      assert.match(e.message, new RegExp(`delete '${join(out, LOCK_FILE)}'\\.$`));
      return true;
    });
    assert.ok(Date.now() - started < 2000, 'at once, before any work');
    child.kill('SIGKILL');
    await exited(child);
    assert.ok(existsSync(join(out, LOCK_FILE)), 'a kill -9 leaves the lock behind');
    const q = quiet();
    await runPipeline(args(out), q);
    assert.ok(
      q.lines[0].startsWith(`run folder: took over the lock of PID ${child.pid} on ${hostname()} (started `),
      q.lines[0],
    );
    assert.ok(!existsSync(join(out, LOCK_FILE)), 'released at the end');
  });

  test('two runs started together in one process: one of them fails at once', async () => {
    const out = join(root, 'b');
    const [a, b] = await Promise.allSettled([runPipeline(args(out), quiet()), runPipeline(args(out), quiet())]);
    const failed = [a, b].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(failed.length, 1, 'exactly one runs');
    assert.match((failed[0].reason as Error).message, /^run folder '.*' is in use by this process/);
    assert.ok(!existsSync(join(out, LOCK_FILE)));
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} releases the lock and still ends the process by the signal`, async () => {
      const out = join(root, `sig-${signal}`);
      mkdirSync(out);
      const child = await holder(out, 'signals');
      assert.ok(existsSync(join(out, LOCK_FILE)));
      child.kill(signal);
      assert.deepEqual(await exited(child), { code: null, signal });
      assert.ok(!existsSync(join(out, LOCK_FILE)), 'released');
    });
  }

  test('locks: re-entrant only when asked, an unreadable old lock file is taken over, processAlive', () => {
    const out = join(root, 'c');
    mkdirSync(out);
    const lock = acquireRunLock(out);
    assert.throws(() => acquireRunLock(out), /is in use by this process/);
    const inner = acquireRunLock(out, { reentrant: true });
    inner.release();
    assert.ok(existsSync(lock.path), 'the outer holder still holds it');
    lock.release();
    lock.release();
    assert.ok(!existsSync(lock.path));
    writeFileSync(join(out, LOCK_FILE), '');
    assert.throws(() => acquireRunLock(out), /is being locked by another run/, 'a fresh empty file is being written');
    const old = new Date(Date.now() - 60_000);
    spawnSync('touch', ['-d', old.toISOString(), join(out, LOCK_FILE)]);
    const taken = acquireRunLock(out);
    assert.equal(taken.tookOver?.command, 'unreadable lock file');
    assert.equal(JSON.parse(readFileSync(taken.path, 'utf8')).pid, process.pid);
    taken.release();
    assert.equal(processAlive(process.pid), true);
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    assert.equal(processAlive(gone), false);
  });
});

describe('a writable --out is found up front (issue 13 case 13)', () => {
  const root = tempDir('out-');
  const csv = writeNewsCsv(root);
  after(() => rmSync(root, { recursive: true, force: true }));

  test('--out below a file, or a file, is refused before any work with the option named', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const q = quiet();
    await assert.rejects(runPipeline(configFromArgs(smallRunArgs(csv, join(file, 'run'))), q), {
      message:
        `--out '${join(file, 'run')}' cannot be used as a run folder: '${join(file, 'run')}' is not writable ` +
        `(ENOTDIR: ENOTDIR: not a directory, mkdir '${join(file, 'run')}'). Choose another --out (SIAMESE_OUT), or ` +
        `make it writable.`,
    });
    await assert.rejects(runPipeline(configFromArgs(smallRunArgs(csv, file)), q), {
      message: `--out '${file}' is a file, not a folder: choose another --out (SIAMESE_OUT) for the run folder.`,
    });
    assert.deepEqual(q.lines, []);
  });

  test(
    'a read-only --out (or stage folder in it) is refused before any work',
    { skip: process.getuid?.() === 0 ? 'runs as root, who may write anywhere: skipping' : false },
    async () => {
      const out = join(root, 'ro');
      mkdirSync(join(out, 'frozen'), { recursive: true });
      chmodSync(join(out, 'frozen'), 0o555);
      await assert.rejects(
        runPipeline(configFromArgs(smallRunArgs(csv, out)), quiet()),
        /'.*frozen' is not writable \(EACCES/,
      );
      chmodSync(out, 0o555);
      await assert.rejects(runPipeline(configFromArgs(smallRunArgs(csv, out)), quiet()), /--out '.*ro' cannot be used/);
      chmodSync(out, 0o755);
      chmodSync(join(out, 'frozen'), 0o755);
    },
  );
});

describe('the command line', () => {
  const cli = (...argv: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/pipeline.ts', ...argv], { encoding: 'utf8' });

  test('npm run pipeline -- --help lists every option with its default, range or choices, and env name', () => {
    const r = cli('--help');
    assert.equal(r.status, 0, r.stderr);
    for (const [key, spec] of OPTION_ROWS) {
      assert.ok(r.stdout.includes(`  ${flagOf(key)}`), flagOf(key));
      assert.ok(r.stdout.includes(`env ${envOf(key)}`), envOf(key));
      if ('default' in spec && spec.kind !== 'flag') {
        const d = Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default);
        assert.ok(r.stdout.includes(`(default ${d})`), `${key} default ${d}`);
      }
    }
    assert.match(r.stdout, /--recipe auto\|study \(default auto\)/);
    assert.match(
      r.stdout,
      /--siamese-lr VALUE \[number > 0\]\n.*; default: from --recipe \(study: 1e-5; auto: 5e-5\); env SIAMESE_SIAMESE_LR/,
    );
  });

  test('a bad option is one line naming the flag, exit code 1, no stack', () => {
    for (const [argv, line] of [
      [['--siamese-lr', '0'], "pipeline: --siamese-lr must be a number > 0; got '0'."],
      [['--margin', '-5'], "pipeline: --margin must be a number > 0; got '-5'."],
      [['--epochs', '3'], "pipeline: unknown option '--epochs'. Run with --help to list the options."],
    ] as const) {
      const r = cli(...argv);
      assert.equal(r.status, 1);
      assert.equal(r.stderr, `${line}\n`);
    }
  });
});
