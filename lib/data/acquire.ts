/**
 * Getting the HuffPost News Category dataset onto a user's machine: from Kaggle
 * (the publisher's channel, needs a free API token), from any URL, or from a
 * local copy. Every file is checked before anything is written: its SHA-256 when
 * one is given, its content (JSON lines of HuffPost records), and for a known
 * version its published record count. Nothing partial is left behind on failure.
 */
import { sha256Hex } from '../io/hash';
import { readJsonFileSync } from '../io/json';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { datasetFromZip, isZip } from './archive';

/** The dataset's Kaggle id (owner/slug), downloaded through Kaggle's API when no `url` or `from` is given. */
export const KAGGLE_DATASET = 'rmisra/news-category-dataset';

/** Published record counts (Misra 2018/2022), used to verify a copy. */
export const KNOWN_VERSIONS: Readonly<Record<string, { file: string; records: number; categories: number }>> = {
  v2: { file: 'News_Category_Dataset_v2.json', records: 200_853, categories: 41 },
  v3: { file: 'News_Category_Dataset_v3.json', records: 209_527, categories: 42 },
};

/**
 * The most bytes downloaded, read or unpacked for the dataset: 256 MB, three times the v3 file (87 MB),
 * so a wrong URL or a zip bomb stops early instead of exhausting memory.
 */
export const MAX_DATASET_BYTES = 256 * 2 ** 20;

const SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Count records and categories of HuffPost JSON lines; the first line that is not a JSON object with a
 * string 'category' and 'headline' makes the file "not the dataset" (an error naming file:line).
 */
function countRecords(text: string, source: string): { records: number; categories: number } {
  const cats = new Set<string>();
  let records = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    let r: unknown;
    try {
      r = JSON.parse(lines[i]);
    } catch {
      r = undefined;
    }
    const rec = r as { category?: unknown; headline?: unknown } | undefined;
    if (
      typeof rec !== 'object' ||
      rec === null ||
      typeof rec.category !== 'string' ||
      typeof rec.headline !== 'string'
    ) {
      throw new Error(
        `${source}:${i + 1}: not a HuffPost News Category record (a JSON object with string 'category' and ` +
          `'headline'): this is not the dataset. ${JSON.stringify(lines[i].slice(0, 60))}`,
      );
    }
    records++;
    cats.add(rec.category);
  }
  if (cats.size < 2) {
    throw new Error(`${source}: ${records} records in ${cats.size} categories: this is not the dataset.`);
  }
  return { records, categories: cats.size };
}

/**
 * Check dataset bytes: the SHA-256 when `expectedSha256` is given (of these bytes, or of `archive`, the
 * zip or download they came from), the content (HuffPost JSON lines, at least 2 categories), and for a
 * file named like a known version its published record and category counts. Errors name `source`.
 */
export function verifyDatasetBytes(
  bytes: Buffer,
  opts: { source: string; name?: string; sha256?: string; archive?: Buffer },
): { sha256: string; records: number; categories: number } {
  const digest = sha256Hex(bytes);
  if (opts.sha256 !== undefined) {
    const want = opts.sha256.toLowerCase();
    const archiveDigest = opts.archive ? sha256Hex(opts.archive) : undefined;
    if (digest !== want && archiveDigest !== want) {
      throw new Error(
        `${opts.source}: SHA-256 is ${digest}${archiveDigest ? ` (the archive's: ${archiveDigest})` : ''}, ` +
          `expected ${opts.sha256}. The download is corrupt or a different file.`,
      );
    }
  }
  const counts = countRecords(bytes.toString('utf8'), opts.source);
  const name = opts.name ?? basename(opts.source);
  const known = Object.values(KNOWN_VERSIONS).find((v) => v.file === name);
  if (known && (counts.records !== known.records || counts.categories !== known.categories)) {
    throw new Error(
      `${opts.source}: ${counts.records} records in ${counts.categories} categories; the published ${known.file} ` +
        `has ${known.records} in ${known.categories}.`,
    );
  }
  return { sha256: digest, ...counts };
}

/** Checks a dataset file on disk: {@link verifyDatasetBytes} of its content. */
export function verifyDatasetFile(
  path: string,
  expectedSha256?: string,
  name = basename(path),
): { sha256: string; records: number; categories: number } {
  return verifyDatasetBytes(readFileSync(path), { source: path, name, sha256: expectedSha256 });
}

function kaggleAuth(): string {
  const user = process.env.KAGGLE_USERNAME;
  const key = process.env.KAGGLE_KEY;
  if (user && key) return Buffer.from(`${user}:${key}`).toString('base64');
  const file = join(homedir(), '.kaggle', 'kaggle.json');
  if (existsSync(file)) {
    const j = readJsonFileSync(file, 'a Kaggle API token ({"username": …, "key": …})');
    if (typeof j.username === 'string' && typeof j.key === 'string')
      return Buffer.from(`${j.username}:${j.key}`).toString('base64');
  }
  throw new Error(
    'Kaggle needs an API token: set KAGGLE_USERNAME and KAGGLE_KEY, or put kaggle.json in ~/.kaggle ' +
      '(kaggle.com → Settings → API). Or pass --url, or --from a local file.',
  );
}

const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;

async function fetchBytes(
  url: string,
  headers: Record<string, string>,
  log: (s: string) => void,
  maxBytes: number,
): Promise<Buffer> {
  log(`downloading ${url}`);
  let res: Response;
  try {
    res = await fetch(url, { headers, redirect: 'follow' });
  } catch (e) {
    throw new Error(`cannot reach ${url}: ${(e as Error).message}. Download it elsewhere and use --from <file>.`);
  }
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status} ${res.statusText}.`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const tooBig = () => new Error(`${url} sends more than ${mb(maxBytes)}, the limit for the dataset: refused.`);
  if (total > maxBytes) {
    await res.body?.cancel();
    throw tooBig();
  }
  const chunks: Buffer[] = [];
  let got = 0;
  let lastLog = Date.now();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    got += chunk.length;
    if (got > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw tooBig();
    }
    chunks.push(Buffer.from(chunk));
    if (Date.now() - lastLog > 2000) {
      log(`  ${mb(got)}${total ? ` of ${mb(total)}` : ''}`);
      lastLog = Date.now();
    }
  }
  return Buffer.concat(chunks);
}

/**
 * Where {@link acquireDataset} gets the dataset (Kaggle by default, or `url`, or a local file `from`), what it
 * checks and where it writes.
 */
export interface AcquireOptions {
  /** Folder to write into; default data/downloads. */
  outDir?: string;
  /** An http(s) URL to download the file or zip from (`--url`); without `url` or `from`, Kaggle's API. */
  url?: string;
  /** A local copy of the file or zip (`--from`); not with `url`. */
  from?: string;
  /** Expected SHA-256 (64 hex digits) of the dataset file or of the archive it comes in; always checked when given. */
  sha256?: string;
  /** Progress and warning lines; default: stderr. */
  log?: (s: string) => void;
  /** Most bytes downloaded, read or unpacked (default MAX_DATASET_BYTES). */
  maxBytes?: number;
}

/**
 * Fetch or copy the dataset and write it to `outDir`; returns the file written. Refuses (and writes
 * nothing): a wrong checksum, a file that is not the dataset, an archive with no or several candidate
 * files, anything over `maxBytes`. A plain-http URL without a checksum is fetched with a warning.
 */
export async function acquireDataset(opts: AcquireOptions = {}): Promise<{ files: string[] }> {
  const outDir = opts.outDir ?? join('data', 'downloads');
  const log = opts.log ?? ((s: string) => console.error(s));
  const maxBytes = opts.maxBytes ?? MAX_DATASET_BYTES;
  if (opts.sha256 !== undefined && !SHA256.test(opts.sha256))
    throw new Error(`--sha256 must be 64 hexadecimal digits; got '${opts.sha256}'.`);
  if (opts.from && opts.url) throw new Error('pass either --from or --url, not both.');
  let bytes: Buffer;
  let source: string;
  if (opts.from) {
    source = opts.from;
    let size: number;
    try {
      size = statSync(opts.from).size;
    } catch (e) {
      throw new Error(`${opts.from}: cannot read: ${(e as Error).message}`);
    }
    if (size > maxBytes) throw new Error(`${opts.from}: ${mb(size)}, above the ${mb(maxBytes)} limit for the dataset.`);
    bytes = readFileSync(opts.from);
  } else if (opts.url) {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new Error(`--url must be an http(s) URL; got '${opts.url}'.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new Error(`--url must be an http(s) URL; got '${opts.url}'.`);
    if (url.protocol === 'http:' && opts.sha256 === undefined) {
      log(
        `warning: ${opts.url} is plain http and no --sha256 is given: nothing shows that the file was not ` +
          `altered on the way. Prefer https, or pass --sha256.`,
      );
    }
    source = opts.url;
    bytes = await fetchBytes(opts.url, {}, log, maxBytes);
  } else {
    source = `https://www.kaggle.com/api/v1/datasets/download/${KAGGLE_DATASET}`;
    bytes = await fetchBytes(source, { Authorization: `Basic ${kaggleAuth()}` }, log, maxBytes);
  }
  const fallbackName = opts.url ? basename(new URL(opts.url).pathname) || 'dataset.json' : basename(source);
  const entry = isZip(bytes)
    ? datasetFromZip(bytes, source, maxBytes)
    : { name: fallbackName.endsWith('.zip') ? 'dataset.json' : fallbackName, data: bytes };
  const inZip = entry.data !== bytes;
  const v = verifyDatasetBytes(entry.data, {
    source: inZip ? `${source}: '${entry.name}'` : source,
    name: entry.name,
    sha256: opts.sha256,
    archive: inZip ? bytes : undefined,
  });
  mkdirSync(outDir, { recursive: true });
  const dest = join(outDir, entry.name);
  const tmp = `${dest}.partial`;
  try {
    writeFileSync(tmp, entry.data);
    renameSync(tmp, dest);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    throw new Error(`${dest}: cannot write: ${(e as Error).message}`);
  }
  log(`wrote ${dest}: ${v.records} records, ${v.categories} categories, sha256 ${v.sha256}`);
  return { files: [dest] };
}
