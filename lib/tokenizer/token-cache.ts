/**
 * The run's token table on disk: `<dir>/tokens-<key>.safetensors` (ids as U16 or I32, offsets as I32, type ids
 * when any is not 0), keyed by the tokenizer's identity, the texts and `maxLength` (tokenTableKey). A rerun on the
 * same run folder (another stage, --stages evaluate, a notebook) reads it instead of tokenizing again.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readSafetensors, writeSafetensors, type WritableArray } from '../io/safetensors';
import type { TextTokenizer } from './tokenizer';
import { TokenTable, tokenTableKey, tokenizeTexts, tokenizerIdentity, type TokenSource } from './token-table';

/** The file name of a token table in its folder. */
export const tokenCacheFile = (key: string) => `tokens-${key}.safetensors`;

/** A token table with its cache key (sha256 of tokenizer identity, texts and max length) and how it was got. */
export interface CachedTokenTable {
  table: TokenTable;
  key: string;
  cacheHit: boolean;
  /** The cache file (when `cacheDir` was given). */
  path?: string;
  /** Wall time of tokenizing, or of reading the file on a hit. */
  seconds: number;
}

function asIds(a: Int32Array, dtype: string): Uint16Array | Int32Array {
  return dtype === 'U16' ? Uint16Array.from(a) : a;
}

/** Read a token table written by {@link cachedTokenTable}; undefined when the file is not a complete table. */
export async function readTokenTable(path: string): Promise<TokenTable | undefined> {
  const a = await readSafetensors(path);
  const ids = a.get('ids');
  const offsets = a.get('offsets');
  const meta = a.get('meta'); // [padId, maxLength]
  if (!ids || !offsets || !meta || !(offsets.data instanceof Int32Array) || meta.data.length !== 2) return undefined;
  const types = a.get('type_ids');
  return new TokenTable({
    ids: asIds(ids.data as Int32Array, ids.dtype),
    offsets: offsets.data,
    typeIds: types ? asIds(types.data as Int32Array, types.dtype) : undefined,
    padId: meta.data[0],
    maxLength: meta.data[1],
  });
}

function idArray(name: string, data: Uint16Array | Int32Array): WritableArray {
  return data instanceof Uint16Array
    ? { name, dtype: 'U16', shape: [data.length], data }
    : { name, dtype: 'I32', shape: [data.length], data };
}

/** Write `table` to `path` atomically, with `key` in the file's metadata. */
export async function writeTokenTable(path: string, table: TokenTable, key: string): Promise<void> {
  const arrays: WritableArray[] = [
    idArray('ids', table.ids),
    { name: 'offsets', dtype: 'I32', shape: [table.offsets.length], data: table.offsets },
    { name: 'meta', dtype: 'I32', shape: [2], data: Int32Array.from([table.padId, table.maxLength]) },
  ];
  if (table.typeIds) arrays.push(idArray('type_ids', table.typeIds));
  await writeSafetensors(path, arrays, { key, format: 'siamese-albert-ts/tokens' });
}

/**
 * The token table of `texts`: read from `cacheDir` when this tokenizer, these texts and `maxLength` were
 * tokenized before, else tokenized once (tokenizeTexts) and written there. `identity` names the tokenizer in the
 * key (default: tokenizerIdentity of a TextTokenizer).
 */
export async function cachedTokenTable(
  tokenizer: TextTokenizer | (TokenSource & { identity: string }),
  texts: readonly string[],
  opts: { maxLength: number; cacheDir?: string; onProgress?: (done: number, total: number) => void },
): Promise<CachedTokenTable> {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  const identity = 'inner' in tokenizer ? tokenizerIdentity(tokenizer) : tokenizer.identity;
  const key = tokenTableKey(identity, texts, opts.maxLength);
  const path = opts.cacheDir ? join(opts.cacheDir, tokenCacheFile(key)) : undefined;
  if (path && existsSync(path)) {
    const table = await readTokenTable(path);
    if (table && table.size === texts.length && table.maxLength === opts.maxLength)
      return { table, key, cacheHit: true, path, seconds: seconds() };
  }
  const table = tokenizeTexts(tokenizer, texts, { maxLength: opts.maxLength, onProgress: opts.onProgress });
  if (path) {
    await mkdir(opts.cacheDir!, { recursive: true });
    await writeTokenTable(path, table, key);
  }
  return { table, key, cacheHit: false, path, seconds: seconds() };
}
