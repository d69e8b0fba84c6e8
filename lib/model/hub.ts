/**
 * Resolving a model source: a local folder in Hugging Face layout, or a hub id downloaded once into the
 * standard Hugging Face cache through `@huggingface/hub` (`downloadFileToCacheDir`: `blobs/<etag>`,
 * `snapshots/<commit>/<file>` links and `refs/<revision>`, the layout Python's huggingface_hub shares).
 * The library does not check what it downloaded, so every file is checked here: its sha256 against a
 * pinned digest or the hub's LFS oid, or, for small files kept in git, its git blob id. Once a revision
 * is cached, loading needs no network.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  downloadFileToCacheDir,
  getHFHubCachePath,
  getRepoFolderName,
  modelInfo,
  pathsInfo,
  type PathInfo,
} from '@huggingface/hub';
import { sha256Hex } from '../io/hash';

/** The Hugging Face hub (override per call with `hubUrl`). */
export const HUB_URL = 'https://huggingface.co';
/** Files an encoder folder needs; tokenizer files are fetched too when the hub has them. */
export const REQUIRED_FILES = ['config.json', 'model.safetensors'] as const;
/** Tokenizer files downloaded with the encoder when the hub has them (loadTokenizer reads them). */
export const OPTIONAL_FILES = ['tokenizer.json', 'tokenizer_config.json'] as const;
/** The revision used when none is given (a branch; pin a commit hash for reproducible downloads). */
export const DEFAULT_REVISION = 'main';

/**
 * sha256 of files whose digest we know independently of the download (hub id -> file -> hex). It takes
 * precedence over the hub's own LFS oid.
 */
export const PINNED_SHA256: Record<string, Record<string, string>> = {};

const HUB_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;
const COMMIT = /^[0-9a-f]{40}$/;

/** Whether `source` is shaped like a hub id (`albert-base-v2`, `org/name`). */
export function isHubId(source: string): boolean {
  return HUB_ID.test(source) && !source.includes('..');
}

/**
 * The Hugging Face hub cache: HF_HUB_CACHE, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`
 * (`@huggingface/hub`'s getHFHubCachePath, the same rule as Python's huggingface_hub).
 */
export function defaultCacheDir(): string {
  return getHFHubCachePath();
}

/** The cache folder of model `id` under `cacheDir`: `<cacheDir>/models--<owner>--<name>`. */
export function repoCacheDir(id: string, cacheDir: string = defaultCacheDir()): string {
  return join(cacheDir, getRepoFolderName({ type: 'model', name: id }));
}

/** Where and what to download for a hub id (see {@link resolveModelDir}). */
export interface ResolveOptions {
  /** Hub cache root in Hugging Face layout (default {@link defaultCacheDir}). */
  cacheDir?: string;
  /** Branch, tag or commit hash (default 'main'); a commit hash pins the download. */
  revision?: string;
  /** The fetch to use (default the global one); tests inject a fake hub. */
  fetch?: typeof fetch;
  /** Hub address (default {@link HUB_URL}). */
  hubUrl?: string;
}

/**
 * A model source that cannot be used: a missing or incomplete folder, a hub id that cannot be downloaded (offline,
 * no such model) or a corrupt download. `problem` says what is wrong without advice; the message (library callers')
 * adds `loadEncoder`'s advice, and the command line gives its own instead (`--model <folder>`, lib/cli/errors.ts).
 */
export class ModelSourceError extends Error {
  /**
   * `source` as given (folder or hub id); `problem` what is wrong, in words for any caller; `advice` how a library
   * caller fixes it; `message` the library's message when it is not `loadEncoder: <problem> <advice>`.
   */
  constructor(
    readonly source: string,
    readonly problem: string,
    readonly advice: string,
    message = `loadEncoder: ${problem}${advice ? ` ${advice}` : ''}`,
  ) {
    super(message);
    this.name = 'ModelSourceError';
  }
}

/** The library caller's advice for a hub id that cannot be used: download it elsewhere and pass the folder. */
function hint(id: string): string {
  return (
    `Download ${REQUIRED_FILES.join(' and ')} (plus ${OPTIONAL_FILES.join(', ')}) of '${id}' from ` +
    `${HUB_URL}/${id} on a machine that can reach it and pass that folder instead, e.g. ` +
    `loadEncoder('/models/${id.split('/').pop()}').`
  );
}

/** Git's object id of a file's bytes (sha1 of `blob <size>\0<bytes>`): the hub's `oid` of a non-LFS file. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** What a downloaded file must hash to, and the name of that source for messages. */
export function expectedDigest(
  id: string,
  info: Pick<PathInfo, 'path' | 'oid' | 'lfs'>,
): { kind: 'sha256' | 'git'; hex: string; source: string } | undefined {
  const pinned = PINNED_SHA256[id]?.[info.path];
  if (pinned) return { kind: 'sha256', hex: pinned, source: 'the pinned sha256' };
  if (info.lfs?.oid) return { kind: 'sha256', hex: info.lfs.oid, source: "the hub's LFS sha256" };
  if (info.oid) return { kind: 'git', hex: info.oid, source: "the hub's git blob id" };
  return undefined;
}

/** The commit a revision points at in the cache (`refs/<revision>`), or the revision itself when a commit. */
function cachedCommit(repoDir: string, revision: string): string | undefined {
  if (COMMIT.test(revision)) return revision;
  const ref = join(repoDir, 'refs', revision);
  return existsSync(ref) ? readFileSync(ref, 'utf8').trim() : undefined;
}

function hasRequired(dir: string): boolean {
  return REQUIRED_FILES.every((f) => existsSync(join(dir, f)));
}

/** Download `file` of `id` at `commit` into the cache and check it; a mismatch deletes it and throws. */
async function downloadChecked(
  id: string,
  info: PathInfo,
  commit: string,
  cacheDir: string,
  opts: ResolveOptions,
): Promise<void> {
  const pointer = await downloadFileToCacheDir({
    repo: { type: 'model', name: id },
    path: info.path,
    revision: commit,
    cacheDir,
    fetch: opts.fetch,
    hubUrl: opts.hubUrl,
  });
  const expected = expectedDigest(id, info);
  if (!expected) return;
  const bytes = new Uint8Array(await readFile(pointer));
  const actual = expected.kind === 'sha256' ? sha256Hex(bytes) : gitBlobId(bytes);
  if (actual !== expected.hex) {
    const blob = realpathSync(pointer);
    await rm(pointer, { force: true });
    await rm(blob, { force: true });
    const what = expected.kind === 'sha256' ? 'sha256' : 'git blob id';
    throw new ModelSourceError(
      id,
      `'${info.path}' of '${id}' (commit ${commit}) has ${what} ${actual} but ${expected.source} is ` +
        `${expected.hex}; the download is corrupt and was deleted.`,
      'Retry, or use a local folder.',
    );
  }
}

/** Download the encoder files of `id` at `revision` into the cache; returns the snapshot folder. */
async function download(id: string, revision: string, cacheDir: string, opts: ResolveOptions): Promise<string> {
  const repoDir = repoCacheDir(id, cacheDir);
  const hubUrl = opts.hubUrl ?? HUB_URL;
  let commit = cachedCommit(repoDir, revision);
  let infos: PathInfo[];
  try {
    if (commit === undefined) {
      const info = await modelInfo({ name: id, revision, additionalFields: ['sha'], fetch: opts.fetch, hubUrl });
      commit = String(info.sha);
      const ref = join(repoDir, 'refs', revision);
      await mkdir(dirname(ref), { recursive: true });
      await writeFile(ref, commit);
    }
    infos = await pathsInfo({
      repo: { type: 'model', name: id },
      paths: [...REQUIRED_FILES, ...OPTIONAL_FILES],
      revision: commit,
      fetch: opts.fetch,
      hubUrl,
    });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    throw new ModelSourceError(
      id,
      `cannot download '${id}' (revision ${revision}) from ${hubUrl}: ${(e as Error).message}` +
        `${cause ? ` (${cause})` : ''}.`,
      hint(id),
    );
  }
  const byPath = new Map(infos.filter((i) => i.type === 'file').map((i) => [i.path, i]));
  const absent = REQUIRED_FILES.filter((f) => !byPath.has(f));
  if (absent.length > 0)
    throw new ModelSourceError(
      id,
      `'${id}' (commit ${commit}) has no ${absent.join(' and ')} on the hub; an encoder needs ` +
        `${REQUIRED_FILES.join(' and ')} (safetensors weights).`,
      hint(id),
    );
  for (const file of [...REQUIRED_FILES, ...OPTIONAL_FILES]) {
    const info = byPath.get(file);
    if (info) await downloadChecked(id, info, commit, cacheDir, { ...opts, hubUrl });
  }
  return join(repoDir, 'snapshots', commit);
}

/**
 * The local folder holding `source`: the folder itself, or the cached snapshot of a hub id at
 * `opts.revision` (downloading and checking it when not cached). Throws a {@link ModelSourceError} for a folder
 * without the encoder files, a source that is neither folder nor hub id, or a hub id that cannot be downloaded
 * (its message says how to use a local folder instead).
 */
export async function resolveModelDir(source: string, opts: ResolveOptions = {}): Promise<string> {
  if (typeof source !== 'string' || source.length === 0) {
    throw new Error(
      `loadEncoder: 'source' must be a model folder or a hub id such as 'albert-base-v2'; got ` +
        `${JSON.stringify(source)}.`,
    );
  }
  if (existsSync(source) && statSync(source).isDirectory()) {
    const dir = resolve(source);
    const absent = REQUIRED_FILES.filter((f) => !existsSync(join(dir, f)));
    if (absent.length)
      throw new ModelSourceError(
        source,
        `folder '${dir}' lacks ${absent.join(' and ')}; a model folder needs ` +
          `${REQUIRED_FILES.join(' and ')} (Hugging Face layout).`,
        '',
      );
    return dir;
  }
  if (!isHubId(source)) {
    throw new ModelSourceError(
      source,
      `'${source}' is neither an existing folder nor a hub id such as 'albert-base-v2'.`,
      '',
      `loadEncoder: 'source' must be an existing folder or a hub id such as 'albert-base-v2'; got '${source}', ` +
        `which is neither.`,
    );
  }
  const revision = opts.revision ?? DEFAULT_REVISION;
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const commit = cachedCommit(repoCacheDir(source, cacheDir), revision);
  const snapshot = commit && join(repoCacheDir(source, cacheDir), 'snapshots', commit);
  if (snapshot && hasRequired(snapshot)) return snapshot;
  return download(source, revision, cacheDir, opts);
}

/** Read and parse a JSON file, naming it in errors. */
export async function readJson(path: string, fn: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`${fn}: cannot read '${path}': ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${fn}: '${path}' is not valid JSON: ${(e as Error).message}`);
  }
}
