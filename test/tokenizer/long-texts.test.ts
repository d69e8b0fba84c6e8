/**
 * Input size (issue 13, case 4): long texts are cut before tokenizing, with exactly the pieces the whole
 * text would give, and the work per text is bounded. Array-size limits (case 5): encodeBatch on 1,000,000
 * texts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tokenizer } from '@huggingface/tokenizers';
import {
  loadTokenizer,
  MAX_PREFIX_CHARS_PER_TOKEN,
  splitsAtWhitespace,
  TextTokenizer,
} from '../../lib/tokenizer/tokenizer';
import { makeRandom, randomInt } from '../../lib/data/rng';
import { sharedPath } from '../helpers/shared';

const WORDPIECE = join(import.meta.dirname, 'fixtures', 'tiny-wordpiece');
const albert = sharedPath('models/albert-base-v2-tokenizer');
const headlines = sharedPath('data/huffpost/News_Category_Dataset_v2.prefix4782.json');
const MINILM = process.env.MINILM_DIR;

/** Texts that stress the normalizers at a cut: accents, combining marks after spaces, CJK, control characters,
 * runs of spaces, `` and '' (ALBERT rewrites them), added tokens, punctuation, tabs and line breaks. */
const TRICKY = [
  "Café  déjà vu\tnaïve\n“quotes” ``so'' and ''that'' — dashes… 2018",
  'a \u0301b  c\u0308 \u00e9t\u00e9 Ünïcödé   spaces\r\nline',
  '中文字符 mixed with english 日本語 text and ## hashes',
  'control\u0001chars\u0007 and zero\u200bwidth and [MASK] tokens [CLS] here',
  'word, word. word! (word) "word" word-word word\'s 100% $5.00 #tag @user',
];

function corpus(): string[] {
  const texts = [...TRICKY];
  if ('path' in headlines) {
    for (const line of readFileSync(headlines.path, 'utf8').split('\n').slice(0, 300)) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as { headline: string; short_description: string };
      texts.push(`${r.headline}. ${r.short_description}`);
    }
  }
  return texts;
}

/** Every cut just before an ASCII space, tab or line break gives exactly the first pieces of the whole text. */
function checkPrefixProperty(tok: TextTokenizer, texts: readonly string[]): number {
  const random = makeRandom('cuts');
  let checked = 0;
  for (const text of texts) {
    const whole = tok.tokenize(text);
    const spaces = [...text.matchAll(/[ \t\n\r]/g)].map((m) => m.index!);
    for (let k = 0; k < Math.min(4, spaces.length); k++) {
      const cut = spaces[randomInt(random, spaces.length)];
      const pieces = tok.tokenize(text.slice(0, cut));
      assert.deepEqual(pieces, whole.slice(0, pieces.length), `cut at ${cut} of ${JSON.stringify(text)}`);
      checked++;
    }
  }
  return checked;
}

/** Count the characters handed to the tokenizer's model. */
function spy(tok: TextTokenizer): { chars: number } {
  const seen = { chars: 0 };
  const inner = tok.tokenize.bind(tok);
  tok.tokenize = (t: string) => {
    seen.chars += t.length;
    return inner(t);
  };
  return seen;
}

describe('input size: the cut at whitespace is exact for the supported tokenizers', () => {
  test('tiny WordPiece (BERT layout): the cut pieces are the first pieces of the whole text', async () => {
    const tok = await loadTokenizer(WORDPIECE);
    assert.equal(tok.cutsAtWhitespace, true);
    assert.ok(checkPrefixProperty(tok, corpus()) >= 20);
  });

  test('ALBERT SentencePiece (shared tokenizer.json)', { skip: 'skip' in albert ? albert.skip : false }, async () => {
    const tok = await loadTokenizer((albert as { path: string }).path);
    assert.equal(tok.cutsAtWhitespace, true);
    assert.ok(checkPrefixProperty(tok, corpus()) >= 20);
  });

  test('all-MiniLM-L6-v2 WordPiece (MINILM_DIR)', { skip: MINILM ? false : 'MINILM_DIR is not set' }, async () => {
    const tok = await loadTokenizer(MINILM!);
    assert.ok(checkPrefixProperty(tok, corpus()) >= 20);
  });

  test('which pre-tokenizers split at whitespace', () => {
    assert.equal(splitsAtWhitespace({ type: 'BertPreTokenizer' }), true);
    assert.equal(
      splitsAtWhitespace({ type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Metaspace' }] }),
      true,
    );
    assert.equal(splitsAtWhitespace({ type: 'Metaspace', split: false }), false);
    assert.equal(splitsAtWhitespace({ type: 'ByteLevel' }), false);
    assert.equal(splitsAtWhitespace(undefined), false);
  });
});

describe('input size: a 16 MB text costs what a short one does', () => {
  const maxLength = 128;
  const ceiling = maxLength * MAX_PREFIX_CHARS_PER_TOKEN;
  const sentence = 'the cat sat on the mat, my dog is playing. ';
  const big = sentence.repeat(Math.ceil(16_000_000 / sentence.length));

  test('the same ids as its first 10,000 characters, tokenizing at most a few thousand characters', async () => {
    const tok = await loadTokenizer(WORDPIECE);
    const expected = tok.encode(big.slice(0, 10_000), { maxLength });
    const seen = spy(tok);
    assert.deepEqual(tok.encode(big, { maxLength }), expected);
    assert.equal(expected.ids.length, maxLength);
    assert.ok(seen.chars <= 129 * 16, `tokenized ${seen.chars} characters`);
  });

  test('variant: mostly spaces, then words: bounded by maxLength × 1,024 characters', async () => {
    const tok = await loadTokenizer(WORDPIECE);
    const spaces = ' '.repeat(16_000_000) + 'dog cat';
    const seen = spy(tok);
    const e = tok.encode(spaces, { maxLength });
    assert.deepEqual(e.tokens, ['[CLS]', '[SEP]']);
    // The cuts grow ×4 up to the ceiling: at most about 2.3 × the ceiling in all.
    assert.ok(seen.chars <= 2.5 * ceiling, `tokenized ${seen.chars} characters`);
  });

  test('variant: one 16 MB word without spaces is [UNK], as the whole word would be', async () => {
    const tok = await loadTokenizer(WORDPIECE);
    const seen = spy(tok);
    assert.deepEqual(tok.encode('x'.repeat(16_000_000), { maxLength }).tokens, ['[CLS]', '[UNK]', '[SEP]']);
    assert.ok(seen.chars <= 2.5 * ceiling);
  });

  test('variant: a long pair truncates longest first exactly as its short prefixes do', async () => {
    const tok = await loadTokenizer(WORDPIECE);
    for (const [na, nb] of [
      [10_000, 30],
      [30, 10_000],
      [10_000, 10_000],
    ]) {
      const a = big.slice(0, na);
      const b = big.slice(0, nb);
      const bigA = na > 30 ? big : a;
      const bigB = nb > 30 ? big : b;
      assert.deepEqual(tok.encode(bigA, { pair: bigB, maxLength: 40 }), tok.encode(a, { pair: b, maxLength: 40 }));
    }
  });

  test('variant: with truncation off, a long text is refused without tokenizing all of it', async () => {
    const tok = await loadTokenizer(WORDPIECE);
    const seen = spy(tok);
    assert.throws(
      () => tok.encodeBatch([big], { maxLength, truncation: false }),
      /text of more than 128 tokens exceeds 'maxLength' 128 and 'truncation' is false/,
    );
    assert.ok(seen.chars <= 129 * 16);
  });

  test('variant: a tokenizer that does not split at whitespace is cut at the ceiling only', async () => {
    const loaded = await loadTokenizer(WORDPIECE);
    const tok = new TextTokenizer(loaded.inner, loaded.config, 'no-split', { type: 'ByteLevel' });
    assert.equal(tok.cutsAtWhitespace, false);
    const seen = spy(tok);
    const e = tok.encode(big, { maxLength });
    assert.deepEqual(e, loaded.encode(big.slice(0, 10_000), { maxLength }));
    assert.equal(seen.chars, ceiling);
  });
});

describe('array-size limits: encodeBatch on 1,000,000 texts', () => {
  test('pads to the longest of 1,000,000 rows (Math.max(...lengths) overflowed at ~125,000)', () => {
    // A one-piece-per-word model keeps the test about encodeBatch, not about the WordPiece model's speed.
    const inner = {
      model: { unk_token_id: 1 },
      post_processor: null,
      tokenize: (t: string) => t.split(' '),
      token_to_id: (t: string) => t.length,
      get_vocab: () => new Map(),
    } as unknown as Tokenizer;
    const tok = new TextTokenizer(inner, {}, 'words');
    const texts = Array.from({ length: 1_000_000 }, (_, i) => (i === 777_777 ? 'a bb ccc dddd' : 'a'));
    const e = tok.encodeBatch(texts, { maxLength: 16 });
    assert.equal(e.seqLength, 4);
    assert.equal(e.batchSize, 1_000_000);
    assert.deepEqual(Array.from(e.inputIds.subarray(777_777 * 4, 777_778 * 4)), [1, 2, 3, 4]);
    assert.deepEqual(Array.from(e.attentionMask.subarray(0, 4)), [1, 0, 0, 0]);
  });
});
