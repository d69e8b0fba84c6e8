/**
 * Getting the HuffPost News Category dataset onto a user's machine: from Kaggle
 * (the publisher's channel, needs a free API token), from any URL, or from a
 * local copy. Every file is checked: its SHA-256 when one is given, and always
 * its record count against the published size of the version.
 */
import { sha256Hex } from '../io/hash';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import AdmZip from 'adm-zip';

export const KAGGLE_DATASET = 'rmisra/news-category-dataset';

/** Published record counts (Misra 2018/2022), used to verify a copy. */
export const KNOWN_VERSIONS: Readonly<Record<string, { file: string; records: number; categories: number }>> = {
  v2: { file: 'News_Category_Dataset_v2.json', records: 200_853, categories: 41 },
  v3: { file: 'News_Category_Dataset_v3.json', records: 209_527, categories: 42 },
};

function countRecords(text: string): { records: number; categories: number } {
  const cats = new Set<string>();
  let records = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    records++;
    const m = /"category":\s*"([^"]*)"/.exec(line);
    if (m) cats.add(m[1]);
  }
  return { records, categories: cats.size };
}

/** Checks a dataset file's checksum (if expected) and, for a known version file name, its record count. */
export function verifyDatasetFile(
  path: string,
  expectedSha256?: string,
  name = basename(path),
): { sha256: string; records: number; categories: number } {
  const bytes = readFileSync(path);
  const digest = sha256Hex(bytes);
  if (expectedSha256 && digest !== expectedSha256.toLowerCase()) {
    throw new Error(
      `verifyDatasetFile: ${path}: SHA-256 is ${digest}, expected ${expectedSha256}. The download is ` +
        `corrupt or a different file.`,
    );
  }
  const counts = countRecords(bytes.toString('utf8'));
  const known = Object.values(KNOWN_VERSIONS).find((v) => v.file === name);
  if (known && (counts.records !== known.records || counts.categories !== known.categories)) {
    throw new Error(
      `verifyDatasetFile: ${path}: ${counts.records} records in ${counts.categories} categories; the ` +
        `published ${known.file} has ${known.records} in ${known.categories}.`,
    );
  }
  return { sha256: digest, ...counts };
}

function kaggleAuth(): string {
  const user = process.env.KAGGLE_USERNAME;
  const key = process.env.KAGGLE_KEY;
  if (user && key) return Buffer.from(`${user}:${key}`).toString('base64');
  const file = join(homedir(), '.kaggle', 'kaggle.json');
  if (existsSync(file)) {
    const j = JSON.parse(readFileSync(file, 'utf8')) as { username?: string; key?: string };
    if (j.username && j.key) return Buffer.from(`${j.username}:${j.key}`).toString('base64');
  }
  throw new Error(
    'downloadDataset: Kaggle needs an API token: set KAGGLE_USERNAME and KAGGLE_KEY, or put ' +
      'kaggle.json in ~/.kaggle (kaggle.com → Settings → API). Or pass --url, or --from a local file.',
  );
}

async function fetchBytes(url: string, headers: Record<string, string>, log: (s: string) => void): Promise<Buffer> {
  log(`downloading ${url}`);
  let res: Response;
  try {
    res = await fetch(url, { headers, redirect: 'follow' });
  } catch (e) {
    throw new Error(
      `downloadDataset: cannot reach ${url}: ${(e as Error).message}. Download it elsewhere and use ` +
        `--from <file>.`,
    );
  }
  if (!res.ok) throw new Error(`downloadDataset: ${url} answered HTTP ${res.status} ${res.statusText}.`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const chunks: Buffer[] = [];
  let got = 0;
  let lastLog = Date.now();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(Buffer.from(chunk));
    got += chunk.length;
    if (Date.now() - lastLog > 2000) {
      log(`  ${(got / 1e6).toFixed(1)} MB${total ? ` of ${(total / 1e6).toFixed(1)} MB` : ''}`);
      lastLog = Date.now();
    }
  }
  return Buffer.concat(chunks);
}

export interface AcquireOptions {
  /** Folder to write into; default data/downloads. */
  outDir?: string;
  /** 'kaggle' (default), a URL, or a local file via `from`. */
  url?: string;
  from?: string;
  /** Expected SHA-256 of the dataset file (verified when given). */
  sha256?: string;
  log?: (s: string) => void;
}

/** Fetch or copy the dataset; returns the JSON-lines file(s) written. */
export async function acquireDataset(opts: AcquireOptions = {}): Promise<{ files: string[] }> {
  const outDir = opts.outDir ?? join('data', 'downloads');
  const log = opts.log ?? ((s: string) => console.error(s));
  mkdirSync(outDir, { recursive: true });
  let bytes: Buffer;
  let name: string;
  if (opts.from) {
    bytes = readFileSync(opts.from);
    name = basename(opts.from);
  } else if (opts.url) {
    bytes = await fetchBytes(opts.url, {}, log);
    name = basename(new URL(opts.url).pathname) || 'dataset.json';
  } else {
    const url = `https://www.kaggle.com/api/v1/datasets/download/${KAGGLE_DATASET}`;
    bytes = await fetchBytes(url, { Authorization: `Basic ${kaggleAuth()}` }, log);
    name = 'news-category-dataset.zip';
  }
  const files: string[] = [];
  const isZip = bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  const entries = isZip
    ? new AdmZip(bytes)
        .getEntries()
        .filter((e) => !e.isDirectory && /\.jsonl?$/i.test(e.entryName))
        .map((e) => ({ name: basename(e.entryName), data: e.getData() }))
    : [{ name, data: bytes }];
  if (entries.length === 0) throw new Error(`acquireDataset: the archive holds no .json/.jsonl file.`);
  for (const e of entries) {
    const dest = join(outDir, e.name);
    const tmp = `${dest}.partial`;
    writeFileSync(tmp, e.data);
    const v = verifyDatasetFile(tmp, entries.length === 1 ? opts.sha256 : undefined, e.name);
    renameSync(tmp, dest);
    log(`wrote ${dest}: ${v.records} records, ${v.categories} categories, sha256 ${v.sha256}`);
    files.push(dest);
  }
  return { files };
}
