/**
 * Command-line usage errors (issue 13, case 17): an unknown option to `npm run data` or `npm run bench`
 * prints one line naming it, then the usage, exit code 2, never a stack trace. Data errors exit 1 with
 * one line naming the file.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { usageLine } from '../../lib/cli/args';

function run(cli: 'data' | 'bench', ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join('lib', 'cli', `${cli}.ts`), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, first: r.stderr.split('\n')[0] };
}

function noStack(stderr: string): void {
  assert.ok(!/^\s+at /m.test(stderr), `a stack trace:\n${stderr}`);
  assert.ok(!/TypeError|ERR_PARSE_ARGS/.test(stderr), stderr);
}

describe('usage errors: one line and the usage, exit code 2', () => {
  test('npm run data --bogus', () => {
    const r = run('data', '--bogus');
    assert.equal(r.status, 2);
    assert.equal(r.first, "npm run data: unknown option '--bogus'.");
    assert.match(r.stderr, /\n\nUsage: npm run data -- /);
    noStack(r.stderr);
  });

  test('npm run bench --nope', () => {
    const r = run('bench', '--nope');
    assert.equal(r.status, 2);
    assert.equal(r.first, "npm run bench: unknown option '--nope'.");
    assert.match(r.stderr, /\n\nUsage: npm run bench -- /);
    noStack(r.stderr);
  });

  test('variants (in process): a stray argument, a missing value, an unknown short option', () => {
    const line = (args: string[], allowPositionals = false) => {
      try {
        parseArgs({
          args,
          allowPositionals,
          options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
        });
        return 'parsed';
      } catch (e) {
        return usageLine(e);
      }
    };
    assert.equal(line(['extra']), "unexpected argument 'extra'.");
    assert.equal(line(['--out']), "Option '--out <value>' argument missing");
    assert.equal(line(['-x']), "unknown option '-x'.");
    assert.equal(line(['--nope'], true), "unknown option '--nope'.");
    assert.equal(line(['--out', 'x', '-h']), 'parsed');
  });

  test('a file that is not the dataset: exit 1, one line naming file:line, no stack', () => {
    const p = join(mkdtempSync(join(tmpdir(), 'cli-data-')), 'passwd');
    writeFileSync(p, 'root:x:0:0:root:/root:/bin/bash\n');
    const r = run('data', '--from', p, '--out', join(p, '..', 'out'));
    assert.equal(r.status, 1);
    assert.ok(r.first.startsWith(`npm run data: ${p}:1: not a HuffPost News Category record`), r.first);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    noStack(r.stderr);
  });
});
