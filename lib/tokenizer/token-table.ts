/**
 * Every text of a run tokenized once, kept compact: the ids of all texts in one flat array (Uint16 when the
 * vocabulary fits, else Int32), an offset per text, and the lengths (special tokens included, after truncation to
 * `maxLength`). Any batch of rows is then a copy into padded arrays, identical to what the tokenizer's
 * `encodeBatch` gives for the same texts (padding 'longest' or 'max_length'); no text is tokenized twice.
 *
 * At 200,000 headlines of ~20 tokens this is 8 MB of ids, where a batch per text (the tokenizer's output)
 * would be ~100 bytes of object overhead each time it is asked for.
 */
import { createHash } from 'node:crypto';
import type { TextTokenizer } from './tokenizer';
import type { EncodedBatch, Padding } from './types';

/** The tokenizer behaviour a TokenTable needs (TextTokenizer has it; tests pass stubs). */
export interface TokenSource {
  encode(text: string, opts: { maxLength: number }): { ids: number[]; tokenTypeIds: number[] };
  readonly padId: number;
}

/** The flat arrays of a TokenTable (what the cache file holds). */
export interface TokenArrays {
  /** Token ids of every text, concatenated: text i is `ids[offsets[i] .. offsets[i + 1]]`. */
  ids: Uint16Array | Int32Array;
  /** `[N + 1]` start of each text in `ids`; `offsets[N]` is the total token count. */
  offsets: Int32Array;
  /** Token type ids in the layout of `ids`, or undefined when all are 0 (a single text: BERT, ALBERT). */
  typeIds?: Uint16Array | Int32Array;
  /** The tokenizer's padding id. */
  padId: number;
  /** The longest a text may be (special tokens included): texts were truncated to it. */
  maxLength: number;
}

/** Tokens of N texts, with batches of any rows built from them (see the module comment). */
export class TokenTable {
  readonly ids: Uint16Array | Int32Array;
  readonly offsets: Int32Array;
  readonly typeIds: Uint16Array | Int32Array | undefined;
  readonly padId: number;
  readonly maxLength: number;
  /** `[N]` tokens of each text, special tokens included (`offsets[i + 1] - offsets[i]`). */
  readonly lengths: Uint16Array;

  /**
   * Wrap flat token arrays; throws when `offsets` do not span the ids, `typeIds` differ in length from the ids,
   * or a text is longer than `maxLength`.
   */
  constructor(a: TokenArrays) {
    const n = a.offsets.length - 1;
    if (n < 0 || a.offsets[0] !== 0 || a.offsets[n] !== a.ids.length)
      throw new Error(
        `TokenTable: 'offsets' must start at 0 and end at the ${a.ids.length} ids; got ${a.offsets[0]} .. ` +
          `${a.offsets[n]}.`,
      );
    if (a.typeIds && a.typeIds.length !== a.ids.length)
      throw new Error(`TokenTable: 'typeIds' must have one entry per id (${a.ids.length}); got ${a.typeIds.length}.`);
    this.ids = a.ids;
    this.offsets = a.offsets;
    this.typeIds = a.typeIds;
    this.padId = a.padId;
    this.maxLength = a.maxLength;
    this.lengths = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const len = a.offsets[i + 1] - a.offsets[i];
      if (!(len >= 0 && len <= a.maxLength))
        throw new Error(`TokenTable: text ${i} has ${len} tokens; 'maxLength' is ${a.maxLength}.`);
      this.lengths[i] = len;
    }
  }

  /** Number of texts. */
  get size(): number {
    return this.lengths.length;
  }

  /** Bytes held by the arrays (ids, offsets, type ids, lengths). */
  get byteLength(): number {
    return this.ids.byteLength + this.offsets.byteLength + (this.typeIds?.byteLength ?? 0) + this.lengths.byteLength;
  }

  /**
   * Rows `rows` (indices into the table, in this order) as one `[rows.length, T]` batch: T is the longest row
   * ('longest', the default) or `maxLength` ('max_length'), ids padded with `padId`, attention mask 1 on real
   * tokens. The same arrays as `TextTokenizer.encodeBatch` of those texts with this table's `maxLength`.
   */
  batch(rows: ArrayLike<number>, padding: Padding = 'longest'): EncodedBatch {
    const n = rows.length;
    let seqLength = padding === 'max_length' ? this.maxLength : 1;
    for (let r = 0; r < n; r++) {
      const i = rows[r];
      if (!(Number.isInteger(i) && i >= 0 && i < this.size))
        throw new Error(`TokenTable.batch: 'rows' must be indices into the table (0..${this.size - 1}); got ${i}.`);
      if (padding === 'longest' && this.lengths[i] > seqLength) seqLength = this.lengths[i];
    }
    const inputIds = new Int32Array(n * seqLength).fill(this.padId);
    const attentionMask = new Int32Array(n * seqLength);
    const tokenTypeIds = new Int32Array(n * seqLength);
    for (let r = 0; r < n; r++) {
      const start = this.offsets[rows[r]];
      const len = this.lengths[rows[r]];
      const at = r * seqLength;
      inputIds.set(this.ids.subarray(start, start + len), at);
      attentionMask.fill(1, at, at + len);
      if (this.typeIds) tokenTypeIds.set(this.typeIds.subarray(start, start + len), at);
    }
    return { inputIds, attentionMask, tokenTypeIds, batchSize: n, seqLength };
  }

  /** The arrays (for the cache file). */
  arrays(): TokenArrays {
    return {
      ids: this.ids,
      offsets: this.offsets,
      typeIds: this.typeIds,
      padId: this.padId,
      maxLength: this.maxLength,
    };
  }
}

/** Grows a typed array by doubling; `view()` is the filled part. */
class Growable {
  data: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(values: readonly number[]): void {
    if (this.length + values.length > this.data.length) {
      const next = new Int32Array(Math.max(this.data.length * 2, this.length + values.length));
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    for (let k = 0; k < values.length; k++) this.data[this.length + k] = values[k];
    this.length += values.length;
  }
}

/** Int32 ids narrowed to Uint16 when every id fits (vocabularies below 65,536: ALBERT, BERT, MiniLM). */
function compact(a: Int32Array): Uint16Array | Int32Array {
  for (let i = 0; i < a.length; i++) if (a[i] < 0 || a[i] > 0xffff) return a.slice();
  return Uint16Array.from(a);
}

/**
 * Tokenize `texts` once (each with special tokens, truncated to `maxLength`) into a TokenTable. Texts are read
 * one at a time: only the table grows. `onProgress(done, total)` is called every 4,096 texts and at the end.
 */
export function tokenizeTexts(
  tokenizer: TokenSource,
  texts: readonly string[],
  opts: { maxLength: number; onProgress?: (done: number, total: number) => void },
): TokenTable {
  const { maxLength } = opts;
  if (!(Number.isInteger(maxLength) && maxLength >= 2 && maxLength <= 0xffff))
    throw new Error(`tokenizeTexts: 'maxLength' must be an integer in [2, 65535]; got ${maxLength}.`);
  const offsets = new Int32Array(texts.length + 1);
  const ids = new Growable(texts.length * 24);
  const types = new Growable(texts.length * 24);
  let anyType = false;
  for (let i = 0; i < texts.length; i++) {
    const e = tokenizer.encode(texts[i], { maxLength });
    if (ids.length + e.ids.length > 0x7fffffff)
      throw new Error(`tokenizeTexts: more than 2^31 tokens in ${texts.length} texts; lower --max-length.`);
    ids.push(e.ids);
    types.push(e.tokenTypeIds);
    if (!anyType) for (const t of e.tokenTypeIds) anyType ||= t !== 0;
    offsets[i + 1] = ids.length;
    if ((i + 1) % 4096 === 0 || i + 1 === texts.length) opts.onProgress?.(i + 1, texts.length);
  }
  return new TokenTable({
    ids: compact(ids.data.subarray(0, ids.length)),
    offsets,
    typeIds: anyType ? compact(types.data.subarray(0, types.length)) : undefined,
    padId: tokenizer.padId,
    maxLength,
  });
}

/**
 * What makes a token table: the tokenizer (its identity: a hash of its files, see {@link tokenizerIdentity}),
 * the texts (sha256 over each text's length and characters, in order) and `maxLength`. SHA-256 hex.
 */
export function tokenTableKey(tokenizer: string, texts: readonly string[], maxLength: number): string {
  const h = createHash('sha256');
  for (const t of texts) h.update(`${t.length}:${t}`);
  return createHash('sha256')
    .update(JSON.stringify({ version: 1, tokenizer, texts: h.digest('hex'), count: texts.length, maxLength }))
    .digest('hex');
}

/**
 * A tokenizer's identity for cache keys: the sha256 of its tokenizer.json and tokenizer_config.json bytes when
 * it was loaded from files (`TextTokenizer.identity`), else of its configuration and source name.
 */
export function tokenizerIdentity(tokenizer: TextTokenizer): string {
  if (tokenizer.identity) return tokenizer.identity;
  return createHash('sha256')
    .update(JSON.stringify({ source: tokenizer.source, config: tokenizer.config, vocab: tokenizer.vocabSize }))
    .digest('hex');
}
