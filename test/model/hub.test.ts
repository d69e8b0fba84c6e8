/**
 * Hub downloads through @huggingface/hub into the standard Hugging Face cache, with a fake hub behind an
 * injected fetch (the real hub is unreachable here): the cache layout, revision pinning, loading offline
 * from the cache, and the checks the library itself does not make (sha256 against the pinned digest or
 * the LFS oid, git blob id of small files), including a corrupt download.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/index';
import { sha256Hex } from '../../lib/io/hash';
import {
  defaultCacheDir,
  gitBlobId,
  PINNED_SHA256,
  repoCacheDir,
  resolveModelDir,
  type ResolveOptions,
} from '../../lib/model/hub';
import { loadEncoder } from '../../lib/model/load';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'tiny-albert');
const MAIN = 'a'.repeat(40);
const V1 = 'b'.repeat(40);
let tmp: string;
let files: Record<string, Uint8Array>;

before(async () => {
  await initBackend('cpu');
  tmp = await mkdtemp(join(tmpdir(), 'hub-'));
  files = {
    'config.json': await readFile(join(FIX, 'config.json')),
    'model.safetensors': await readFile(join(FIX, 'model.safetensors')),
    'tokenizer_config.json': new TextEncoder().encode('{"do_lower_case": true}\n'),
  };
});
after(() => rm(tmp, { recursive: true, force: true }));

interface FakeHub {
  fetch: typeof fetch;
  calls: string[];
}

/**
 * A hub serving `org/tiny` with the endpoints @huggingface/hub calls: model info (revision -> commit),
 * paths-info (oid, LFS sha256) and resolve (a one-byte range probe, then the file). `corrupt` names a
 * file whose served bytes differ from what paths-info announces.
 */
function fakeHub(corrupt?: string): FakeHub {
  const calls: string[] = [];
  const commits: Record<string, string> = { main: MAIN, v1: V1, [MAIN]: MAIN, [V1]: V1 };
  const fetchFn = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    calls.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    const json = (body: unknown) =>
      new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    let m = /^\/api\/models\/org\/tiny\/revision\/([^/]+)$/.exec(url.pathname);
    if (m)
      return commits[m[1]] ? json({ _id: 'x', id: 'org/tiny', sha: commits[m[1]] }) : new Response('', { status: 404 });
    m = /^\/api\/models\/org\/tiny\/paths-info\/([0-9a-f]{40})$/.exec(url.pathname);
    if (m) {
      const { paths } = JSON.parse(String(init?.body)) as { paths: string[] };
      return json(
        paths
          .filter((p) => files[p])
          .map((p) => ({
            type: 'file',
            path: p,
            size: files[p].length,
            oid: gitBlobId(files[p]),
            ...(p.endsWith('.safetensors') && {
              lfs: { oid: sha256Hex(files[p]), size: files[p].length, pointerSize: 134 },
            }),
            lastCommit: { id: m![1], title: 'upload', date: '2020-01-01T00:00:00.000Z' },
          })),
      );
    }
    m = /^\/org\/tiny\/resolve\/([0-9a-f]{40})\/(.+)$/.exec(url.pathname);
    const file = m && files[m[2]];
    if (!file) return new Response('', { status: 404, headers: { 'X-Error-Code': 'EntryNotFound' } });
    const body = m![2] === corrupt ? Uint8Array.from(file, (b, i) => (i === 10 ? b ^ 1 : b)) : file;
    const etag = `"${file.length > 1000 ? sha256Hex(file) : gitBlobId(file)}"`;
    if (new Headers(init?.headers).get('Range') === 'bytes=0-0')
      return new Response(body.slice(0, 1), {
        status: 206,
        headers: { 'content-range': `bytes 0-0/${body.length}`, etag },
      });
    return new Response(body, { headers: { etag } });
  };
  return { fetch: fetchFn as typeof fetch, calls };
}

const unreachable = (async () => {
  throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND huggingface.co') });
}) as typeof fetch;

test('the default cache is the standard Hugging Face one (HF_HUB_CACHE, else HF_HOME/hub)', () => {
  const saved = { cache: process.env.HF_HUB_CACHE, home: process.env.HF_HOME };
  try {
    delete process.env.HF_HUB_CACHE;
    process.env.HF_HOME = '/x/hf';
    assert.equal(defaultCacheDir(), '/x/hf/hub');
    process.env.HF_HUB_CACHE = '/y/cache';
    assert.equal(defaultCacheDir(), '/y/cache');
    assert.equal(repoCacheDir('org/tiny', '/c'), '/c/models--org--tiny');
    assert.equal(repoCacheDir('albert-base-v2', '/c'), '/c/models--albert-base-v2');
  } finally {
    for (const [k, v] of [
      ['HF_HUB_CACHE', saved.cache],
      ['HF_HOME', saved.home],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
});

test('gitBlobId is git hash-object', () => {
  // `printf 'hello\n' | git hash-object --stdin`
  assert.equal(gitBlobId(new TextEncoder().encode('hello\n')), 'ce013625030ba8dba906f756967f9e9ca394464a');
});

test('downloads into the HF cache layout, then loads offline from it', async () => {
  const cacheDir = join(tmp, 'c1');
  const hub = fakeHub();
  const dir = await resolveModelDir('org/tiny', { cacheDir, fetch: hub.fetch });
  const repo = join(cacheDir, 'models--org--tiny');
  assert.equal(dir, join(repo, 'snapshots', MAIN));
  assert.equal(readFileSync(join(repo, 'refs', 'main'), 'utf8'), MAIN);
  assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'model.safetensors', 'tokenizer_config.json']);
  assert.ok(lstatSync(join(dir, 'model.safetensors')).isSymbolicLink());
  assert.equal(readlinkSync(join(dir, 'model.safetensors')), `../../blobs/${sha256Hex(files['model.safetensors'])}`);
  assert.ok(readFileSync(join(dir, 'model.safetensors')).equals(files['model.safetensors']));
  assert.ok(hub.calls.includes('GET /org/tiny/resolve/' + MAIN + '/model.safetensors'));
  assert.ok(!hub.calls.some((c) => c.includes('/resolve/') && c.endsWith('/tokenizer.json')), 'absent: not fetched');

  // Cached: no network at all, for the branch and for its commit.
  assert.equal(await resolveModelDir('org/tiny', { cacheDir, fetch: unreachable }), dir);
  assert.equal(await resolveModelDir('org/tiny', { cacheDir, fetch: unreachable, revision: MAIN }), dir);
  const before = tf.memory().numTensors;
  const enc = await loadEncoder('org/tiny', { cacheDir, fetch: unreachable });
  assert.equal(enc.config.hiddenSize, 32);
  enc.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('a revision pins the download: its own snapshot and ref', async () => {
  const cacheDir = join(tmp, 'c2');
  const opts: ResolveOptions = { cacheDir, fetch: fakeHub().fetch };
  const v1 = await resolveModelDir('org/tiny', { ...opts, revision: 'v1' });
  assert.equal(v1, join(cacheDir, 'models--org--tiny', 'snapshots', V1));
  assert.equal(readFileSync(join(cacheDir, 'models--org--tiny', 'refs', 'v1'), 'utf8'), V1);
  const byCommit = await resolveModelDir('org/tiny', { ...opts, revision: MAIN });
  assert.equal(byCommit, join(cacheDir, 'models--org--tiny', 'snapshots', MAIN));
  assert.equal(existsSync(join(cacheDir, 'models--org--tiny', 'refs', MAIN)), false, 'a commit needs no ref');
});

test('a corrupt download fails its check, is deleted, and names the file, both digests and the fix', async () => {
  const cacheDir = join(tmp, 'c3');
  const good = sha256Hex(files['model.safetensors']);
  await assert.rejects(
    resolveModelDir('org/tiny', { cacheDir, fetch: fakeHub('model.safetensors').fetch }),
    (e: Error) => {
      assert.match(
        e.message,
        /^loadEncoder: 'model\.safetensors' of 'org\/tiny' \(commit a{40}\) has sha256 [0-9a-f]{64}/,
      );
      assert.match(
        e.message,
        new RegExp(`but the hub's LFS sha256 is ${good}; the download is corrupt and was deleted`),
      );
      return true;
    },
  );
  const repo = join(cacheDir, 'models--org--tiny');
  assert.equal(existsSync(join(repo, 'snapshots', MAIN, 'model.safetensors')), false);
  assert.equal(existsSync(join(repo, 'blobs', good)), false);
  // A small git-stored file is checked by its git blob id.
  await assert.rejects(
    resolveModelDir('org/tiny', { cacheDir: join(tmp, 'c4'), fetch: fakeHub('config.json').fetch }),
    /'config\.json' of 'org\/tiny' \(commit a{40}\) has git blob id [0-9a-f]{40} but the hub's git blob id is/,
  );
  // The retry with a sound hub succeeds.
  assert.ok(await resolveModelDir('org/tiny', { cacheDir, fetch: fakeHub().fetch }));
});

test('a pinned sha256 takes precedence over the hub', async (t) => {
  PINNED_SHA256['org/tiny'] = { 'model.safetensors': '0'.repeat(64) };
  t.after(() => delete PINNED_SHA256['org/tiny']);
  await assert.rejects(
    resolveModelDir('org/tiny', { cacheDir: join(tmp, 'c5'), fetch: fakeHub().fetch }),
    /has sha256 [0-9a-f]{64} but the pinned sha256 is 0{64}/,
  );
});

test('an unreachable hub or a repository without weights: errors that suggest a local folder', async () => {
  await assert.rejects(
    resolveModelDir('albert-base-v2', { cacheDir: join(tmp, 'c6'), fetch: unreachable }),
    (e: Error) => {
      assert.match(
        e.message,
        /^loadEncoder: cannot download 'albert-base-v2' \(revision main\) from https:\/\/huggingface\.co: /,
      );
      assert.match(e.message, /ENOTFOUND/);
      assert.match(e.message, /pass that folder instead, e.g\. loadEncoder\('\/models\/albert-base-v2'\)/);
      return true;
    },
  );
  const saved = files['model.safetensors'];
  delete files['model.safetensors'];
  try {
    await assert.rejects(
      resolveModelDir('org/tiny', { cacheDir: join(tmp, 'c7'), fetch: fakeHub().fetch }),
      /'org\/tiny' \(commit a{40}\) has no model\.safetensors on the hub; an encoder needs config\.json and model\.safetensors/,
    );
  } finally {
    files['model.safetensors'] = saved;
  }
});
