/**
 * A model folder's own tokenizer (tokenizer.json + tokenizer_config.json, Hugging Face layout) via
 * @huggingface/tokenizers (pure JS; same ids as SentencePiece for ALBERT, WordPiece for BERT/MiniLM),
 * plus the batching it lacks: truncation (longest first), special tokens, token types and padding.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { readJsonFile } from '../io/json';
import type { EncodedBatch, EncodeOptions, Padding } from './types';

const PADDINGS: readonly Padding[] = ['longest', 'max_length'];

/**
 * Characters first tokenized per word piece needed, when a text is long: HuffPost headlines average about
 * 5 characters per piece, so one cut almost always suffices; the cut grows ×4 when it does not.
 */
export const PREFIX_CHARS_PER_PIECE = 16;

/**
 * The most characters of one text ever tokenized, per token of maxLength: beyond 1,024 characters per
 * token (200 times real text), the text is cut there whatever it holds, so time and memory stay bounded
 * (a 200 MB text costs what ~130,000 characters do at 128 tokens).
 */
export const MAX_PREFIX_CHARS_PER_TOKEN = 1024;

/** Pre-tokenizer configs (tokenizer.json `pre_tokenizer`) whose pieces never span an ASCII space, tab or line break. */
export function splitsAtWhitespace(pre: unknown): boolean {
  if (typeof pre !== 'object' || pre === null) return false;
  const p = pre as { type?: unknown; split?: unknown; pretokenizers?: unknown };
  switch (p.type) {
    case 'BertPreTokenizer':
    case 'WhitespaceSplit':
    case 'Whitespace':
      return true;
    case 'Metaspace':
      return p.split !== false;
    case 'Sequence':
      // Pre-tokenizers only split further: one member that splits at whitespace is enough.
      return Array.isArray(p.pretokenizers) && p.pretokenizers.some(splitsAtWhitespace);
    default:
      return false;
  }
}

/**
 * Pre-tokenizer configs under which a text's word pieces are those of its ASCII-whitespace-separated chunks, one
 * after the other: they split at whitespace and treat every piece alike (Metaspace only with prepend_scheme
 * 'always': with 'first' only the text's first word gets '▁', so a chunk alone would differ).
 */
export function piecesPerChunk(pre: unknown): boolean {
  if (!splitsAtWhitespace(pre)) return false;
  const p = pre as { type?: unknown; prepend_scheme?: unknown; pretokenizers?: unknown[] };
  if (p.type === 'Metaspace') return (p.prepend_scheme ?? 'always') === 'always';
  // A Sequence that splits at whitespace is non-empty; every member must keep a chunk's pieces alike.
  if (p.type === 'Sequence') return p.pretokenizers!.every(piecesPerChunk);
  return true;
}

/** Distinct chunks whose pieces are kept (about 40 MB of short words); the memo starts afresh beyond it. */
export const CHUNK_MEMO_SIZE = 1 << 18;

function isAsciiSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** One sequence before padding. */
export interface Encoded {
  ids: number[];
  tokenTypeIds: number[];
  tokens: string[];
}

/**
 * A model's own tokenizer with Hugging Face's batch semantics (`tokenizer(texts, truncation=True,
 * padding='longest', max_length=128)` of `PreTrainedTokenizerFast`): special tokens from the tokenizer.json's
 * post-processor ([CLS] … [SEP] for ALBERT and BERT), longest-first truncation of pairs, token types, padding with
 * the pad token and an attention mask. Ids match the reference (ALBERT's "hello, my dog is cute" ->
 * [2, 10975, 15, 51, 1952, 25, 10901, 3]; test/tokenizer). Make one with {@link loadTokenizer}.
 */
export class TextTokenizer {
  readonly padId: number;
  readonly unkId: number | undefined;
  /** The tokenizer_config.json's model_max_length, when it states one. */
  readonly modelMaxLength: number | undefined;
  private readonly specialsSingle: number;
  private readonly specialsPair: number;

  /** Whether long texts may be cut at whitespace before tokenizing (see {@link TextTokenizer.piecesFor}). */
  readonly cutsAtWhitespace: boolean;
  /**
   * Whether texts are tokenized chunk by chunk (ASCII-whitespace-separated) through a memo of each chunk's pieces
   * (see {@link TextTokenizer.piecesFor}); false tokenizes every text whole (tests compare the two).
   */
  chunkMemo: boolean;
  private readonly memo = new Map<string, string[]>();

  /**
   * `preTokenizer` is tokenizer.json's `pre_tokenizer`: when it splits at whitespace, long texts are cut
   * before tokenizing with the exact result; otherwise only at the hard ceiling. `identity` (set by
   * loadTokenizer: the sha256 of the tokenizer's files) keys caches of its output (lib/tokenizer/token-cache.ts).
   */
  constructor(
    readonly inner: Tokenizer,
    readonly config: Record<string, unknown>,
    readonly source = 'tokenizer',
    preTokenizer?: unknown,
    readonly identity?: string,
  ) {
    this.cutsAtWhitespace = splitsAtWhitespace(preTokenizer);
    this.chunkMemo = piecesPerChunk(preTokenizer);
    this.unkId = inner.model?.unk_token_id;
    const padToken =
      typeof config.pad_token === 'string'
        ? config.pad_token
        : (config.pad_token as { content?: string } | undefined)?.content;
    const padId = padToken !== undefined ? inner.token_to_id(padToken) : undefined;
    this.padId = padId ?? 0;
    const mml = config.model_max_length;
    this.modelMaxLength = typeof mml === 'number' && mml < 1e9 ? mml : undefined;
    this.specialsSingle = this.postProcess([], null).tokens.length;
    this.specialsPair = this.postProcess([], []).tokens.length;
  }

  /** Vocabulary size including added tokens. */
  get vocabSize(): number {
    return this.inner.get_vocab(true).size;
  }

  /** The largest id the tokenizer can emit (vocabulary and added tokens); a model needs vocab_size above it. */
  get maxTokenId(): number {
    let max = -1;
    for (const id of this.inner.get_vocab(true).values()) if (id > max) max = id;
    return max;
  }

  /** Special tokens around a single text ([CLS] … [SEP]: 2); maxLength must exceed them to hold any text. */
  get specialTokenCount(): number {
    return this.specialsSingle;
  }

  /** The id of `token` in the vocabulary (added tokens included), or undefined when it has none. */
  tokenToId(token: string): number | undefined {
    return this.inner.token_to_id(token);
  }

  /** Word pieces of `text` without special tokens. */
  tokenize(text: string): string[] {
    return this.inner.tokenize(text);
  }

  /**
   * The first word pieces of `text`, at least `need` of them when it has that many, without tokenizing all
   * of a long text (a 200 MB headline would take minutes and gigabytes). Why the cut is exact: both
   * supported pre-tokenizers split at whitespace before the model runs word by word (BERT's
   * BertPreTokenizer + WordPiece; ALBERT's WhitespaceSplit + Metaspace + Unigram), and their normalizers
   * (BertNormalizer; Replace, NFKD, StripAccents, Lowercase) rewrite characters or runs that never cross a
   * space, tab or line break. So the pieces of the text cut just before such a character are exactly the
   * first pieces of the whole text. The cut starts at max(`need`, 16) × 16 characters and grows ×4 until it yields
   * `need` pieces; at `maxLength` × 1,024 characters (texts of mostly spaces or control characters, or one
   * endless word) the text is cut there regardless, and only then may the last piece differ from the whole
   * text's. Tokenizers that do not split at whitespace are cut at that ceiling only.
   */
  piecesFor(text: string, need: number, maxLength: number): string[] {
    const ceiling = Math.max(need, maxLength) * MAX_PREFIX_CHARS_PER_TOKEN;
    if (this.chunkMemo && text.length <= ceiling) return this.chunkPieces(text, need);
    let n = this.cutsAtWhitespace ? Math.max(need, 16) * PREFIX_CHARS_PER_PIECE : ceiling;
    for (;;) {
      if (text.length <= n) return this.tokenize(text);
      if (n >= ceiling) {
        let cut = ceiling;
        if (this.cutsAtWhitespace) {
          const space = lastSpaceBefore(text, ceiling);
          if (space > 0) cut = space;
        }
        const hi = text.charCodeAt(cut - 1);
        if (hi >= 0xd800 && hi <= 0xdbff) cut--; // never split a surrogate pair
        return this.tokenize(text.slice(0, cut));
      }
      const cut = lastSpaceBefore(text, n);
      if (cut > 0) {
        const pieces = this.tokenize(text.slice(0, cut));
        if (pieces.length >= need) return pieces;
      }
      n = Math.min(n * 4, ceiling);
    }
  }

  /**
   * The first pieces of `text` (at least `need` when it has them), chunk by chunk: under the pre-tokenizers of
   * {@link piecesPerChunk} and the normalizers piecesFor names (nothing rewrites across an ASCII space, tab or line
   * break), a text's pieces are its chunks' pieces in order, so each distinct chunk is tokenized once per run.
   * Headlines repeat their words: 200,000 texts have far fewer distinct words than words, and the Unigram/WordPiece
   * model (the time of tokenizing) runs once per distinct word. Equal to tokenizing the text whole: checked on the
   * shared headlines and descriptions and on edge cases (test/tokenizer/chunk-memo.test.ts).
   */
  private chunkPieces(text: string, need: number): string[] {
    const out: string[] = [];
    let start = 0;
    for (let i = 0; i <= text.length && out.length < need; i++) {
      if (i < text.length && !isAsciiSpace(text.charCodeAt(i))) continue;
      if (i > start) {
        const chunk = text.slice(start, i);
        let pieces = this.memo.get(chunk);
        if (pieces === undefined) {
          pieces = this.tokenize(chunk);
          if (this.memo.size >= CHUNK_MEMO_SIZE) this.memo.clear();
          this.memo.set(chunk, pieces);
        }
        for (const p of pieces) out.push(p);
      }
      start = i + 1;
    }
    return out;
  }

  private postProcess(a: string[], b: string[] | null): { tokens: string[]; tokenTypeIds: number[] } {
    const pp = this.inner.post_processor;
    if (!pp) return { tokens: [...a, ...(b ?? [])], tokenTypeIds: [...a.map(() => 0), ...(b ?? []).map(() => 1)] };
    const out = pp(a, b, true);
    const tokens = out.tokens;
    return { tokens, tokenTypeIds: out.token_type_ids ?? tokens.map(() => 0) };
  }

  /**
   * Encode one text (or pair) with special tokens, truncated to `maxLength` tokens (default 128, specials
   * included; longest first for pairs). Throws when the text is longer and `truncation` is false, when
   * `maxLength` leaves no room for the special tokens, or when a piece has no id and there is no unknown token.
   */
  encode(text: string, opts: { pair?: string; maxLength?: number; truncation?: boolean } = {}): Encoded {
    const maxLength = opts.maxLength ?? 128;
    const specials = opts.pair === undefined ? this.specialsSingle : this.specialsPair;
    const budget = maxLength - specials;
    // Longest-first truncation depends only on each side's length capped at the budget, so the first
    // budget (+1, to see an excess) pieces of each side are all that is needed.
    const need = Math.max(budget, 0) + 1;
    let a = this.piecesFor(text, need, maxLength);
    let b = opts.pair === undefined ? null : this.piecesFor(opts.pair, need, maxLength);
    const total = a.length + (b?.length ?? 0);
    if (total > budget) {
      if (opts.truncation === false) {
        const cut = a.length >= need || (b !== null && b.length >= need);
        throw new Error(
          `encodeBatch: text of ${cut ? `more than ${maxLength}` : total + specials} tokens exceeds 'maxLength' ` +
            `${maxLength} and 'truncation' is false: ${JSON.stringify(text.slice(0, 60))}.`,
        );
      }
      if (budget < 0)
        throw new Error(
          `encodeBatch: 'maxLength' must leave room for the ${-budget + maxLength} special tokens; got ${maxLength}.`,
        );
      if (b === null) a = a.slice(0, budget);
      else {
        // Longest first: drop the last token of the longer sequence (the second on ties) until it fits.
        let na = a.length;
        let nb = b.length;
        while (na + nb > budget) {
          if (na > nb) na--;
          else nb--;
        }
        a = a.slice(0, na);
        b = b.slice(0, nb);
      }
    }
    const { tokens, tokenTypeIds } = this.postProcess(a, b);
    const ids = tokens.map((t) => {
      const id = this.inner.token_to_id(t) ?? this.unkId;
      if (id === undefined)
        throw new Error(
          `encodeBatch: token '${t}' is not in the vocabulary of '${this.source}' and it has no unknown token.`,
        );
      return id;
    });
    return { ids, tokenTypeIds, tokens };
  }

  /**
   * Encode `texts` (B of them) into row-major int32 [B, T] arrays: T is the longest encoded text (padding
   * 'longest', the default) or `maxLength` (padding 'max_length'); `opts.maxLength` defaults to 128 tokens with
   * the special tokens, as the options table's `maxLength`. Errors name the option: `texts` not strings,
   * `maxLength` < 2, an unknown padding, `pairs` of another length, and those of {@link TextTokenizer.encode}.
   */
  encodeBatch(texts: string[], opts: EncodeOptions = {}): EncodedBatch {
    const maxLength = opts.maxLength ?? 128;
    const padding = opts.padding ?? 'longest';
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
      throw new Error(`encodeBatch: 'texts' must be an array of strings; got ${JSON.stringify(texts).slice(0, 80)}.`);
    }
    if (!Number.isInteger(maxLength) || maxLength < 2)
      throw new Error(`encodeBatch: 'maxLength' must be an integer >= 2; got ${maxLength}.`);
    if (!PADDINGS.includes(padding))
      throw new Error(`encodeBatch: 'padding' must be one of ${PADDINGS.join(', ')}; got ${JSON.stringify(padding)}.`);
    if (opts.pairs !== undefined && opts.pairs.length !== texts.length) {
      throw new Error(`encodeBatch: 'pairs' must have one entry per text (${texts.length}); got ${opts.pairs.length}.`);
    }
    const rows = texts.map((t, i) =>
      this.encode(t, { pair: opts.pairs?.[i], maxLength, truncation: opts.truncation ?? true }),
    );
    let seqLength = padding === 'max_length' ? maxLength : 1;
    // A loop, not Math.max(...lengths): spreading ~125,000+ rows overflows the call stack.
    if (padding === 'longest') for (const r of rows) seqLength = Math.max(seqLength, r.ids.length);
    const n = texts.length * seqLength;
    const inputIds = new Int32Array(n).fill(this.padId);
    const attentionMask = new Int32Array(n);
    const tokenTypeIds = new Int32Array(n);
    rows.forEach((r, i) => {
      const off = i * seqLength;
      inputIds.set(r.ids, off);
      attentionMask.fill(1, off, off + r.ids.length);
      tokenTypeIds.set(r.tokenTypeIds, off);
    });
    return { inputIds, attentionMask, tokenTypeIds, batchSize: texts.length, seqLength };
  }
}

/**
 * Load `<dir>/tokenizer.json` (+ `<dir>/tokenizer_config.json` when present). A file that is not valid
 * JSON or not a Hugging Face fast-tokenizer file is an error naming that file.
 */
export async function loadTokenizer(dir: string): Promise<TextTokenizer> {
  const path = join(dir, 'tokenizer.json');
  if (!existsSync(path)) {
    throw new Error(
      `loadTokenizer: 'dir' must hold tokenizer.json (Hugging Face fast-tokenizer format); '${path}' does not exist.`,
    );
  }
  const what = 'a Hugging Face tokenizer.json (fast-tokenizer format)';
  const json = await readJsonFile(path, what);
  const cfgPath = join(dir, 'tokenizer_config.json');
  const config = existsSync(cfgPath) ? await readJsonFile(cfgPath, 'a Hugging Face tokenizer_config.json') : {};
  let inner: Tokenizer;
  try {
    inner = new Tokenizer(json, config);
  } catch (e) {
    throw new Error(`${path}: not ${what}: ${(e as Error).message}.`);
  }
  const identity = createHash('sha256').update(readFileSync(path));
  if (existsSync(cfgPath)) identity.update(readFileSync(cfgPath));
  try {
    return new TextTokenizer(inner, config, dir, json.pre_tokenizer, identity.digest('hex'));
  } catch (e) {
    throw new Error(`${path} (with ${cfgPath}): cannot build the tokenizer: ${(e as Error).message}.`);
  }
}

/** Index of the last ASCII space, tab or line break before position `end` of `text`, or -1. */
function lastSpaceBefore(text: string, end: number): number {
  for (let i = Math.min(end, text.length) - 1; i > 0; i--) if (isAsciiSpace(text.charCodeAt(i))) return i;
  return -1;
}
