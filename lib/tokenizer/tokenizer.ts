/**
 * A model folder's own tokenizer (tokenizer.json + tokenizer_config.json, Hugging Face layout) via
 * @huggingface/tokenizers (pure JS; same ids as SentencePiece for ALBERT, WordPiece for BERT/MiniLM),
 * plus the batching it lacks: truncation (longest first), special tokens, token types and padding.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { EncodedBatch, EncodeOptions, Padding } from './types';

const PADDINGS: readonly Padding[] = ['longest', 'max_length'];

/** One sequence before padding. */
export interface Encoded {
  ids: number[];
  tokenTypeIds: number[];
  tokens: string[];
}

export class TextTokenizer {
  readonly padId: number;
  readonly unkId: number | undefined;
  /** The tokenizer_config.json's model_max_length, when it states one. */
  readonly modelMaxLength: number | undefined;
  private readonly specialsSingle: number;
  private readonly specialsPair: number;

  constructor(
    readonly inner: Tokenizer,
    readonly config: Record<string, unknown>,
    readonly source = 'tokenizer',
  ) {
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

  tokenToId(token: string): number | undefined {
    return this.inner.token_to_id(token);
  }

  /** Word pieces of `text` without special tokens. */
  tokenize(text: string): string[] {
    return this.inner.tokenize(text);
  }

  private postProcess(a: string[], b: string[] | null): { tokens: string[]; tokenTypeIds: number[] } {
    const pp = this.inner.post_processor;
    if (!pp) return { tokens: [...a, ...(b ?? [])], tokenTypeIds: [...a.map(() => 0), ...(b ?? []).map(() => 1)] };
    const out = pp(a, b, true);
    const tokens = out.tokens;
    return { tokens, tokenTypeIds: out.token_type_ids ?? tokens.map(() => 0) };
  }

  /** Encode one text (or pair) with special tokens, truncated to maxLength (longest first for pairs). */
  encode(text: string, opts: { pair?: string; maxLength?: number; truncation?: boolean } = {}): Encoded {
    const maxLength = opts.maxLength ?? 128;
    let a = this.tokenize(text);
    let b = opts.pair === undefined ? null : this.tokenize(opts.pair);
    const budget = maxLength - (b === null ? this.specialsSingle : this.specialsPair);
    const total = a.length + (b?.length ?? 0);
    if (total > budget) {
      if (opts.truncation === false) {
        throw new Error(
          `encodeBatch: text of ${total + (b === null ? this.specialsSingle : this.specialsPair)} tokens exceeds ` +
            `'maxLength' ${maxLength} and 'truncation' is false: ${JSON.stringify(text.slice(0, 60))}.`,
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

  /** Encode a batch into row-major int32 arrays padded to the longest sequence (or maxLength). */
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
    const seqLength = padding === 'max_length' ? maxLength : Math.max(1, ...rows.map((r) => r.ids.length));
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

/** Load `<dir>/tokenizer.json` (+ `<dir>/tokenizer_config.json` when present). */
export async function loadTokenizer(dir: string): Promise<TextTokenizer> {
  const path = join(dir, 'tokenizer.json');
  if (!existsSync(path)) {
    throw new Error(
      `loadTokenizer: 'dir' must hold tokenizer.json (Hugging Face fast-tokenizer format); '${path}' does not exist.`,
    );
  }
  const json = JSON.parse(await readFile(path, 'utf8')) as object;
  const cfgPath = join(dir, 'tokenizer_config.json');
  const config = existsSync(cfgPath) ? (JSON.parse(await readFile(cfgPath, 'utf8')) as Record<string, unknown>) : {};
  return new TextTokenizer(new Tokenizer(json, config), config, dir);
}
