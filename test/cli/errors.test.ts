/**
 * A model that cannot be used (task U, item 3): the library's error advises `loadEncoder(...)`, the command line's
 * names `--model` and gives command-line advice (a folder, scripts/get-minilm.sh), never a library function.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMessage } from '../../lib/cli/errors';
import { ModelSourceError, resolveModelDir } from '../../lib/model/hub';

const offline: typeof fetch = async () => {
  throw Object.assign(new TypeError('fetch failed'), { cause: new Error('getaddrinfo ENOTFOUND huggingface.co') });
};

/** The error `resolveModelDir(source)` rejects with (offline, in an empty cache). */
async function failure(source: string): Promise<unknown> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'cli-errors-'));
  try {
    await resolveModelDir(source, { cacheDir, fetch: offline });
  } catch (e) {
    return e;
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  assert.fail(`resolveModelDir('${source}') did not fail`);
}

describe('model errors: library advice for the library, command-line advice for the command line', () => {
  test('a hub id offline', async () => {
    const e = await failure('albert-base-v2');
    assert.ok(e instanceof ModelSourceError);
    assert.match(e.message, /^loadEncoder: cannot download 'albert-base-v2' .*ENOTFOUND.*loadEncoder\('\/models/);
    const m = cliMessage(e);
    assert.match(m, /^--model 'albert-base-v2': cannot download 'albert-base-v2' \(revision main\) from https:/);
    assert.match(m, /Pass --model <folder> holding config\.json and model\.safetensors/);
    assert.match(m, /https:\/\/huggingface\.co\/albert-base-v2 fetched where the hub is reachable/);
    assert.match(m, /--model "\$\(bash scripts\/get-minilm\.sh\)" --pooling mean/);
    assert.doesNotMatch(m, /loadEncoder/);
  });

  test('a folder without the encoder files, and a source that is neither folder nor hub id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-errors-empty-'));
    try {
      const e = await failure(dir);
      assert.match((e as Error).message, /^loadEncoder: folder '.*' lacks config\.json and model\.safetensors/);
      const m = cliMessage(e);
      assert.match(m, /^--model '.*cli-errors-empty-.*': folder '.*' lacks config\.json and model\.safetensors/);
      assert.doesNotMatch(m, /loadEncoder|fetched where/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const e = await failure('/no/such/model');
    assert.match((e as Error).message, /^loadEncoder: 'source' must be an existing folder or a hub id/);
    assert.match(cliMessage(e), /^--model '\/no\/such\/model': '\/no\/such\/model' is neither an existing folder /);
  });

  test('other errors keep their message', () => {
    assert.equal(cliMessage(new Error("--data 'x.csv': no such file")), "--data 'x.csv': no such file");
    assert.equal(cliMessage('plain'), 'plain');
  });

  test('npm run pipeline with a missing model folder: one line naming --model, exit code 1', () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-errors-run-'));
    try {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'lib/cli/pipeline.ts', '--model', '/no/such/model', '--backend', 'cpu', '--out', out],
        { encoding: 'utf8', timeout: 120_000, env: { ...process.env, HF_HUB_OFFLINE: '1' } },
      );
      assert.equal(r.status, 1, r.stderr);
      const last = r.stderr.trim().split('\n').at(-1)!;
      assert.match(last, /^pipeline: --model '\/no\/such\/model': .* Pass --model <folder>/);
      assert.doesNotMatch(r.stderr, /loadEncoder|^\s+at /m);
      assert.equal(r.stdout, '');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
