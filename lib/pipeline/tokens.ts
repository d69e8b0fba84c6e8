/**
 * The run's tokens: every dataset text tokenized once per run (lib/tokenizer/token-table.ts), cached in
 * `<out>/tokens` and shared by every stage of the process (training batches, features, evaluation,
 * embeddings), plus what the stages report about their batches: padded token slots per real token.
 */
import { makeBatches } from '../data/batches';
import { lengthBuckets, paddingOverhead, type PaddingOverhead } from '../data/buckets';
import { cachedTokenTable } from '../tokenizer/token-cache';
import { tokenizerIdentity, type TokenTable } from '../tokenizer/token-table';
import type { TextTokenizer } from '../tokenizer/tokenizer';
import { recipeOptions } from '../config/recipes';
import type { RunConfig } from './config';
import { runPaths, type PreparedData } from './prepare';

/** Positions 0..n-1. */
const positionsOf = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/** Padded token slots per real token of one set of batches (report.json `padding`). */
export interface PaddingStat {
  /** Token slots computed, each batch padded to its longest text. */
  padded: number;
  /** Real tokens (special tokens included). */
  used: number;
  /** padded / used. */
  ratio: number;
  /** Whether the batches were length-bucketed (--bucketing). */
  bucketing: boolean;
}

/** What the stages measured about their work, collected for the report (when the caller passes one). */
export interface RunStats {
  /** By what was batched: `siamese` (epoch 1's training batches), `siamese/validation`, `frozen/features`, … */
  padding: Record<string, PaddingStat>;
}

/** What runTokens needs from a stage context. */
export interface TokensContext {
  cfg: RunConfig;
  data: PreparedData;
  tokenizer: TextTokenizer;
  log?: (line: string) => void;
  stats?: RunStats;
}

const tables = new WeakMap<PreparedData, Map<string, Promise<TokenTable>>>();

/**
 * The token table of every text of `ctx.data.dataset` (`--max-length`, the run's tokenizer): read from
 * `<out>/tokens` or tokenized once and written there; computed once per process for the same prepared data
 * (notebooks call several stages with new contexts).
 */
export function runTokens(ctx: TokensContext): Promise<TokenTable> {
  const { cfg, data, tokenizer } = ctx;
  const key = `${tokenizerIdentity(tokenizer)}|${cfg.maxLength}|${runPaths(cfg.out).tokens}`;
  let byKey = tables.get(data);
  if (!byKey) tables.set(data, (byKey = new Map()));
  const known = byKey.get(key);
  if (known) return known;
  const texts = data.dataset.texts;
  const made = cachedTokenTable(tokenizer, texts, {
    maxLength: cfg.maxLength,
    cacheDir: runPaths(cfg.out).tokens,
    onProgress: (done, total) => {
      if (done % 65536 < 4096 && done < total) ctx.log?.(`tokens: ${done}/${total} texts`);
    },
  }).then((c) => {
    const t = c.table;
    const mb = (t.byteLength / 1e6).toFixed(1);
    ctx.log?.(
      `tokens: ${t.size} texts, ${t.ids.length} tokens (${(t.ids.length / Math.max(t.size, 1)).toFixed(1)} per ` +
        `text, ${mb} MB) ${c.cacheHit ? 'read from' : `tokenized in ${c.seconds.toFixed(1)} s, cached in`} ` +
        `${c.path}`,
    );
    return t;
  });
  made.catch(() => byKey!.delete(key));
  byKey.set(key, made);
  return made;
}

/** Whether the run length-buckets its token batches: --bucketing, else its recipe's (study: off; auto: on). */
export function bucketingOn(cfg: RunConfig): boolean {
  return recipeOptions(cfg).bucketing === 'on';
}

/** Token lengths of dataset rows `rows` (e.g. split.train: one per trainer position). */
export function rowLengths(tokens: TokenTable, rows: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = tokens.lengths[rows[i]];
  return out;
}

/**
 * Log `what`'s padded slots per real token, and keep it for the report when the context collects stats (added to
 * what was noted under the same name earlier in the run, e.g. predictions on several subsets).
 */
export function notePadding(ctx: TokensContext, what: string, p: PaddingOverhead, bucketing: boolean): void {
  ctx.log?.(
    `${what}: ${p.ratio.toFixed(3)} padded token slots per real token (${p.padded} slots for ${p.used} tokens; ` +
      `bucketing ${bucketing ? 'on' : 'off'})`,
  );
  if (!ctx.stats) return;
  const before = ctx.stats.padding[what];
  const padded = p.padded + (before?.padded ?? 0);
  const used = p.used + (before?.used ?? 0);
  ctx.stats.padding[what] = { padded, used, ratio: used === 0 ? 1 : padded / used, bucketing };
}

/**
 * Fixed validation batches of positions 0..n-1: with `lengths` (bucketing), sorted by length (lengthBuckets); else
 * consecutive (makeBatches). A last batch smaller than `minBatchSize` joins the one before either way.
 */
export function validationBatches(
  n: number,
  batchSize: number,
  opts: { lengths?: ArrayLike<number>; minBatchSize?: number } = {},
): Int32Array[] {
  const minBatchSize = opts.minBatchSize ?? 1;
  if (!opts.lengths) return makeBatches(positionsOf(n), { batchSize, minBatchSize });
  const batches = lengthBuckets(opts.lengths, { batchSize });
  const last = batches[batches.length - 1];
  if (batches.length > 1 && last.length < minBatchSize) {
    const before = batches[batches.length - 2];
    const merged = new Int32Array(before.length + last.length);
    merged.set(before);
    merged.set(last, before.length);
    batches.splice(batches.length - 2, 2, merged);
  }
  return batches;
}

/** Log and note the padding of a sampler's first epoch (`lengths`: one per sampler position). */
export function noteSamplerPadding(
  ctx: TokensContext,
  what: string,
  batches: readonly Int32Array[],
  lengths: ArrayLike<number>,
): void {
  notePadding(ctx, what, paddingOverhead(lengths, batches), bucketingOn(ctx.cfg));
}
