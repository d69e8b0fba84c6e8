/**
 * Resolving a model source: a local folder in Hugging Face layout, or a hub id downloaded once
 * into a cache folder with every file's sha256 checked against the hub's LFS etag.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { sha256Hex } from '../io/hash';
import { writeFileAtomic } from '../io/safetensors';

export const HUB_URL = 'https://huggingface.co';
/** Files an encoder folder needs; tokenizer files are fetched too when the hub has them. */
export const REQUIRED_FILES = ['config.json', 'model.safetensors'] as const;
export const OPTIONAL_FILES = ['tokenizer.json', 'tokenizer_config.json'] as const;

/** sha256 of files whose digest we know independently of the download (hub id -> file -> hex). */
export const PINNED_SHA256: Record<string, Record<string, string>> = {};

const HUB_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

export function isHubId(source: string): boolean {
  return HUB_ID.test(source) && !source.includes('..');
}

/** Default cache folder of a hub id: ~/.cache/siamese-albert-ts/<id>. */
export function defaultCacheDir(id: string): string {
  return join(homedir(), '.cache', 'siamese-albert-ts', id);
}

function isModelFolder(dir: string): boolean {
  return REQUIRED_FILES.every((f) => existsSync(join(dir, f)));
}

export interface ResolveOptions {
  cacheDir?: string;
  /** Injected for tests; defaults to global fetch. */
  fetchImpl?: typeof fetch;
}

function hint(id: string): string {
  return (
    `Download ${REQUIRED_FILES.join(' and ')} (plus ${OPTIONAL_FILES.join(', ')}) of '${id}' from ` +
    `${HUB_URL}/${id} on a machine that can reach it and pass that folder instead, e.g. ` +
    `loadEncoder('/models/${id.split('/').pop()}').`
  );
}

async function download(
  id: string,
  file: string,
  dir: string,
  fetchImpl: typeof fetch,
  required: boolean,
): Promise<void> {
  const url = `${HUB_URL}/${id}/resolve/main/${file}`;
  let res: Response;
  try {
    res = await fetchImpl(url, { redirect: 'follow' });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    throw new Error(
      `loadEncoder: cannot download '${url}': ${(e as Error).message}${cause ? ` (${cause})` : ''}. ${hint(id)}`,
    );
  }
  if (!res.ok) {
    if (!required && res.status === 404) return;
    throw new Error(`loadEncoder: downloading '${url}' failed with HTTP ${res.status} ${res.statusText}. ${hint(id)}`);
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  const digest = sha256Hex(bytes);
  const pinned = PINNED_SHA256[id]?.[file];
  // For LFS files the hub sends the sha256 of the content as X-Linked-Etag (also on redirects' final response as ETag).
  const etag = (res.headers.get('x-linked-etag') ?? res.headers.get('etag') ?? '')
    .replace(/^W\//, '')
    .replace(/"/g, '');
  const expected = pinned ?? (/^[0-9a-f]{64}$/.test(etag) ? etag : undefined);
  if (expected && expected !== digest) {
    throw new Error(
      `loadEncoder: '${url}' has sha256 ${digest} but ${pinned ? 'the pinned checksum' : 'the hub etag'} is ` +
        `${expected}; the download is corrupt, retry or use a local folder.`,
    );
  }
  await writeFileAtomic(join(dir, file), bytes);
}

/**
 * The local folder holding `source`: the folder itself, or the cache folder of a hub id
 * (downloading it when absent). Errors say how to use a local folder instead.
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
      throw new Error(
        `loadEncoder: folder '${dir}' lacks ${absent.join(' and ')}; a model folder needs ` +
          `${REQUIRED_FILES.join(' and ')} (Hugging Face layout).`,
      );
    return dir;
  }
  if (!isHubId(source)) {
    throw new Error(
      `loadEncoder: 'source' must be an existing folder or a hub id such as 'albert-base-v2'; got '${source}', ` +
        `which is neither.`,
    );
  }
  const dir = opts.cacheDir ?? defaultCacheDir(source);
  if (isModelFolder(dir)) return dir;
  await mkdir(dir, { recursive: true });
  const fetchImpl = opts.fetchImpl ?? fetch;
  for (const f of REQUIRED_FILES) if (!existsSync(join(dir, f))) await download(source, f, dir, fetchImpl, true);
  for (const f of OPTIONAL_FILES) if (!existsSync(join(dir, f))) await download(source, f, dir, fetchImpl, false);
  return dir;
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
