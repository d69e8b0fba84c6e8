/**
 * Embedding the shared HuffPost headlines with a base-size encoder: TF.js on the active backend
 * and, when the ONNX export exists, ONNX Runtime through transformers.js on the same weights and
 * the same length-bucketed batches; the time of each, and how far their embeddings differ.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BackendInfo } from '../backend/index';
import { parseConfig } from '../model/config';
import { buildEncoder, type TransformerEncoder } from '../model/encoder';
import { loadEncoder } from '../model/load';
import { loadTokenizer } from '../tokenizer/index';
import { disposeTokenBatch, toTokenBatch, type EncodedBatch } from '../tokenizer/types';
import { lengthBuckets, paddingOverhead } from '../data/buckets';
import { loadPeer, maxAbsDiff, onnxExportDir, onnxExportProblem } from './peer';
import { inferOnce } from './workloads';

/** The 36,900 balanced HuffPost headlines, relative to the shared folder (SHARED_DIR, else ../shared). */
export const HEADLINES_FILE = 'data/huffpost/News_Category_Dataset_v2.first900-per-category.json';
/** The genuine ALBERT tokenizer, relative to the shared folder. */
export const ALBERT_TOKENIZER_DIR = 'models/albert-base-v2-tokenizer';

/** What {@link encodeHeadlines} measured: sizes, padding, and each engine's time (seconds) and texts/s. */
export interface HeadlinesReport {
  /** The TF.js backend's name. */
  backend: string;
  /** The encoder: the ONNX export's folder, or 'albert-base architecture, random weights (seed 1)'. */
  model: string;
  /** Headlines in the file, and how many were embedded (every k-th when `limit` is set). */
  total: number;
  /** Headlines embedded. */
  encoded: number;
  /** Texts per batch. */
  batchSize: number;
  /** Tokens per text at most, special tokens included. */
  maxLength: number;
  /** Mean tokens per embedded headline. */
  meanTokens: number;
  /** Token slots computed / tokens used: length-bucketed batches vs. the file's order. */
  paddingBucketed: number;
  /** The same ratio for batches cut in the file's order. */
  paddingUnsorted: number;
  /** Wall time of tokenizing the embedded headlines. */
  tokenizeSeconds: number;
  /** TF.js: seconds for the embedded headlines, texts/s, and seconds for all (extrapolated when a subset). */
  tfjs: { seconds: number; textsPerSecond: number; fullSetSeconds: number };
  /** ONNX Runtime (transformers.js), the same, plus the largest |TF.js - ONNX| of the pooled outputs. */
  onnx?: { seconds: number; textsPerSecond: number; fullSetSeconds: number; maxAbsDiff: number };
  /** Why ONNX Runtime did not run (no export). */
  onnxSkipped?: string;
  /** True when the full-set times are extrapolated from a subset. */
  extrapolated: boolean;
}

/** The `headline` and `category` of every JSON line of `path`; throws naming the line when either is not a string. */
export function readHeadlineRecords(path: string): { headline: string; category: string }[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const { headline, category } = JSON.parse(l) as { headline?: unknown; category?: unknown };
      for (const [field, v] of [
        ['headline', headline],
        ['category', category],
      ] as const)
        if (typeof v !== 'string')
          throw new Error(
            `readHeadlineRecords: line ${i + 1} of '${path}' must have a string '${field}'; got ${JSON.stringify(v)}.`,
          );
      return { headline: headline as string, category: category as string };
    });
}

/** The `headline` of every JSON line of `path` (see {@link readHeadlineRecords}). */
export function readHeadlines(path: string): string[] {
  return readHeadlineRecords(path).map((r) => r.headline);
}

/**
 * The shared headlines file and ALBERT tokenizer folder under `sharedDir` (default SHARED_DIR, else ../shared);
 * throws, naming `fn` and the missing path, when either does not exist.
 */
export function sharedHeadlineFiles(fn: string, sharedDir?: string): { file: string; tokDir: string } {
  const shared = resolve(sharedDir ?? process.env.SHARED_DIR ?? '../shared');
  const file = join(shared, HEADLINES_FILE);
  const tokDir = join(shared, ALBERT_TOKENIZER_DIR);
  for (const p of [file, tokDir])
    if (!existsSync(p))
      throw new Error(
        `${fn}: '${p}' does not exist; set SHARED_DIR to the folder holding ${HEADLINES_FILE} and ` +
          `${ALBERT_TOKENIZER_DIR}.`,
      );
  return { file, tokDir };
}

/** The backend, the share of headlines, where the shared files are, and the batch shape of {@link encodeHeadlines}. */
export interface HeadlineOptions {
  /** The active TF.js backend (from `initBackend`). */
  backend: BackendInfo;
  /** Embed every k-th headline so that about `limit` are embedded (default: all). */
  limit?: number;
  /** Folder holding data/ and models/ (default SHARED_DIR, else ../shared). */
  sharedDir?: string;
  /** Texts per batch (default 64). */
  batchSize?: number;
  /** Tokens per text at most (default 128). */
  maxLength?: number;
  /** Progress lines (default: none). */
  log?: (s: string) => void;
}

/**
 * Embed the shared HuffPost headlines with ALBERT-base (the ONNX export's weights when it exists, else random
 * weights) in length-bucketed batches, on TF.js and, when `.cache/onnx/albert-base-random` exists, on ONNX Runtime;
 * times, texts/s and the largest difference. Throws when the shared headlines or tokenizer are missing (set
 * SHARED_DIR).
 */
export async function encodeHeadlines(opts: HeadlineOptions): Promise<HeadlinesReport> {
  const log = opts.log ?? (() => {});
  const { file, tokDir } = sharedHeadlineFiles('encodeHeadlines', opts.sharedDir);
  const batchSize = opts.batchSize ?? 64;
  const maxLength = opts.maxLength ?? 128;
  const all = readHeadlines(file);
  const stride = opts.limit && opts.limit < all.length ? Math.floor(all.length / opts.limit) : 1;
  const texts = all.filter((_, i) => i % stride === 0).slice(0, opts.limit ?? all.length);
  const tokenizer = await loadTokenizer(tokDir);
  const t0 = performance.now();
  const lengths = texts.map((t) => tokenizer.encode(t, { maxLength }).ids.length);
  const tokenizeSeconds = (performance.now() - t0) / 1000;
  const batches = lengthBuckets(lengths, { batchSize });
  const unsorted = Array.from({ length: Math.ceil(texts.length / batchSize) }, (_, b) =>
    Int32Array.from({ length: Math.min(batchSize, texts.length - b * batchSize) }, (_, i) => b * batchSize + i),
  );
  const encodedBatches: EncodedBatch[] = batches.map((b) =>
    tokenizer.encodeBatch(
      Array.from(b, (i) => texts[i]),
      { maxLength, padding: 'longest' },
    ),
  );

  const dir = onnxExportDir('albert-base-random');
  const problem = onnxExportProblem(dir);
  let encoder: TransformerEncoder;
  if (problem) {
    const config = parseConfig(
      JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/albert-base-v2-config.json'), 'utf8')) as Record<
        string,
        unknown
      >,
    );
    encoder = buildEncoder(config, { seed: 1, trainable: false });
  } else encoder = await loadEncoder(dir, { trainable: false });
  const scale = all.length / texts.length;

  log(`headlines: ${texts.length} of ${all.length} on ${opts.backend.name} in ${batches.length} batches`);
  const ours: Float32Array[] = [];
  const t1 = performance.now();
  for (const [i, e] of encodedBatches.entries()) {
    const tb = toTokenBatch(e);
    ours.push(await inferOnce(encoder, tb));
    disposeTokenBatch(tb);
    if (i % 10 === 9) log(`  ${i + 1}/${batches.length} batches, ${((performance.now() - t1) / 1000).toFixed(0)} s`);
  }
  const tfSeconds = (performance.now() - t1) / 1000;
  encoder.dispose();

  let onnx: HeadlinesReport['onnx'];
  if (!problem) {
    const peer = await loadPeer(dir);
    log('headlines: ONNX Runtime');
    let worst = 0;
    const t2 = performance.now();
    for (const [i, e] of encodedBatches.entries()) worst = Math.max(worst, maxAbsDiff(ours[i], await peer.infer(e)));
    const seconds = (performance.now() - t2) / 1000;
    await peer.dispose();
    onnx = { seconds, textsPerSecond: texts.length / seconds, fullSetSeconds: seconds * scale, maxAbsDiff: worst };
  }
  return {
    backend: opts.backend.name,
    model: problem ? 'albert-base architecture, random weights (seed 1)' : `ALBERT-base export ${dir}`,
    total: all.length,
    encoded: texts.length,
    batchSize,
    maxLength,
    meanTokens: lengths.reduce((a, b) => a + b, 0) / lengths.length,
    paddingBucketed: paddingOverhead(lengths, batches).ratio,
    paddingUnsorted: paddingOverhead(lengths, unsorted).ratio,
    tokenizeSeconds,
    tfjs: { seconds: tfSeconds, textsPerSecond: texts.length / tfSeconds, fullSetSeconds: tfSeconds * scale },
    ...(onnx ? { onnx } : { onnxSkipped: problem }),
    extrapolated: texts.length < all.length,
  };
}

/** The report as a few readable lines (sizes, padding, each engine's time and texts/s). */
export function formatHeadlines(r: HeadlinesReport): string {
  const s = (x: number) => `${x.toFixed(0)} s (${(x / 60).toFixed(1)} min)`;
  const lines = [
    `Headlines: ${r.encoded} of ${r.total} (${r.model}), batches of ${r.batchSize} by length, max ${r.maxLength} ` +
      `tokens; mean ${r.meanTokens.toFixed(1)} tokens.`,
    `Padding (slots computed / tokens): ${r.paddingBucketed.toFixed(3)} length-bucketed vs ` +
      `${r.paddingUnsorted.toFixed(3)} in file order. Tokenizing took ${r.tokenizeSeconds.toFixed(1)} s.`,
    `TF.js ${r.backend}: ${r.tfjs.seconds.toFixed(1)} s, ${r.tfjs.textsPerSecond.toFixed(1)} texts/s; all ` +
      `${r.total}: ${s(r.tfjs.fullSetSeconds)}${r.extrapolated ? ' (extrapolated)' : ''}.`,
  ];
  if (r.onnx)
    lines.push(
      `ONNX Runtime (transformers.js): ${r.onnx.seconds.toFixed(1)} s, ${r.onnx.textsPerSecond.toFixed(1)} texts/s; ` +
        `all ${r.total}: ${s(r.onnx.fullSetSeconds)}${r.extrapolated ? ' (extrapolated)' : ''}; max |TF.js - ONNX| ` +
        `over all pooled embeddings ${r.onnx.maxAbsDiff.toExponential(2)}.`,
    );
  else lines.push(`ONNX Runtime: skipped: ${r.onnxSkipped}.`);
  return lines.join('\n');
}
