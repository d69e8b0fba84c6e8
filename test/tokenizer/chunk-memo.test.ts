/**
 * Tokenizing chunk by chunk through a memo (TextTokenizer.chunkMemo, lib/tokenizer/tokenizer.ts) gives exactly the
 * ids of tokenizing every text whole, for the ALBERT tokenizer (Unigram) and MiniLM's (WordPiece), on real
 * HuffPost headlines and descriptions and on texts that stress the normalizers at whitespace.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadTokenizer, piecesPerChunk, type TextTokenizer } from '../../lib/tokenizer/tokenizer';
import { sharedPath } from '../helpers/shared';

const albert = sharedPath('models/albert-base-v2-tokenizer');
const headlines = sharedPath('data/huffpost/News_Category_Dataset_v2.first900-per-category.json');
const descriptions = sharedPath('data/huffpost/News_Category_Dataset_v3.prefix10000.json');
const MINILM = process.env.MINILM_DIR;

const TRICKY = [
  '',
  '   ',
  ' leading and trailing\t',
  "Café  déjà vu\tnaïve\n“quotes” ``so'' and ''that'' — dashes… 2018 `` ''",
  'a \u0301b  c\u0308 \u00e9t\u00e9 Ünïcödé   spaces\r\nline',
  'no\u00a0break\u00a0spaces and\u2003em\u2003spaces \u3000ideographic',
  'ΟΔΥΣΣΕΥΣ ΣΊΣΥΦΟΣ Σ final sigma ΑΣ. ΑΣ\tΑΣ',
  '中文字符 mixed with english 日本語 text and ## hashes',
  'control\u0001chars\u0007 and zero\u200bwidth and [MASK] tokens x[CLS]y here',
  'word, word. word! (word) "word" word-word word\'s 100% $5.00 #tag @user',
  'repeated repeated repeated words words',
];

function texts(): string[] {
  const out = [...TRICKY];
  for (const [f, field, every] of [
    [headlines, 'headline', 40],
    [descriptions, 'short_description', 20],
  ] as const) {
    if (!('path' in f)) continue;
    readFileSync(f.path, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (i % every === 0 && line.trim()) out.push((JSON.parse(line) as Record<string, string>)[field]);
      });
  }
  return out;
}

function sameAsWhole(tok: TextTokenizer, all: readonly string[]): void {
  assert.equal(tok.chunkMemo, true);
  // 8 tokens: texts cut after a few chunks; 64: whole headlines and descriptions.
  for (const maxLength of [8, 64]) {
    const memo = all.map((t) => tok.encode(t, { maxLength }).ids);
    tok.chunkMemo = false;
    try {
      all.forEach((t, i) =>
        assert.deepEqual(memo[i], tok.encode(t, { maxLength }).ids, `maxLength ${maxLength}: ${JSON.stringify(t)}`),
      );
    } finally {
      tok.chunkMemo = true;
    }
  }
}

describe('chunk memo: the same ids as tokenizing whole texts', () => {
  test('ALBERT (Unigram, WhitespaceSplit + Metaspace always)', { skip: 'skip' in albert && albert.skip }, async () => {
    const tok = await loadTokenizer((albert as { path: string }).path);
    const all = texts();
    sameAsWhole(tok, all);
  });
  test('MiniLM (WordPiece, BertPreTokenizer)', { skip: !MINILM && 'MINILM_DIR is not set' }, async () => {
    sameAsWhole(await loadTokenizer(MINILM!), texts());
  });
  test('which pre-tokenizers qualify', () => {
    assert.equal(piecesPerChunk({ type: 'BertPreTokenizer' }), true);
    const seq = (prepend: string) => ({
      type: 'Sequence',
      pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Metaspace', prepend_scheme: prepend, split: true }],
    });
    assert.equal(piecesPerChunk(seq('always')), true);
    assert.equal(piecesPerChunk(seq('first')), false);
    assert.equal(piecesPerChunk({ type: 'Metaspace', split: false }), false);
    assert.equal(piecesPerChunk({ type: 'ByteLevel' }), false);
    assert.equal(piecesPerChunk({ type: 'Sequence', pretokenizers: [{ type: 'ByteLevel' }] }), false);
    assert.equal(piecesPerChunk(undefined), false);
  });
});
