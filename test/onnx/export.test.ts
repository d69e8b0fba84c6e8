/**
 * `npm run export` on a run folder made by the pipeline (the tiny BERT fine-tuned as a siamese network and as a
 * trained classifier, mean pooling): the exported folder's ONNX outputs equal the TF.js model's within 1e-5, the
 * folder loads offline in transformers.js (feature-extraction pipeline and AutoModel, the README's snippet as
 * written), and missing inputs give errors naming the file and the command that makes it. Also tiny ALBERT with
 * its `pooler` pooling and `cls` through transformers.js.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/index';
import { tfjsEmbedder } from '../../lib/heads/embedder';
import type { SiameseModel } from '../../lib/heads/siamese';
import { loadEncoder } from '../../lib/model/load';
import { readSafetensors } from '../../lib/io/safetensors';
import { writeOnnxFolder } from '../../lib/onnx/folder';
import { decodeModel } from '../../lib/onnx/proto';
import { loadOnnxModel } from '../../lib/onnx/runtime';
import { exportRun, loadRunSiamese, loadRunTrainedEncoder } from '../../lib/pipeline/export';
import { loadTokenizer, type TextTokenizer } from '../../lib/tokenizer/tokenizer';
import { disposeTokenBatch, toTokenBatch, type EncodedBatch } from '../../lib/tokenizer/types';
import { sharedPath } from '../helpers/shared';
import { TEST_BACKENDS } from '../helpers/backends';
import { maxAbsDiff, TINY_ALBERT, TINY_BERT, TINY_TEXTS, TINY_TOKENIZER, tinyPipelineRun } from './helpers';

const TOL = 1e-5;
const run = promisify(execFile);
type Transformers = typeof import('@huggingface/transformers');

/** transformers.js, reading models from `dir`'s parent only. */
async function transformersFor(dir: string): Promise<Transformers> {
  const t: Transformers = await import('@huggingface/transformers');
  t.env.allowRemoteModels = false;
  t.env.allowLocalModels = true;
  t.env.localModelPath = `${dirname(dir)}/`;
  return t;
}

/** The README's "Serving with transformers.js" snippet, as written. */
function readmeSnippet(): string {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Serving with transformers.js'));
  const m = /```js\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'the README section has a js snippet');
  return m[1];
}

describe('a run folder fine-tuned by the pipeline, exported', () => {
  let runDir: string;
  let exportsDir: string;
  let tokenizer: TextTokenizer;
  let siamese: SiameseModel;
  let batch: EncodedBatch;
  let tensorsBefore: number;
  const texts = Object.values(TINY_TEXTS).flat();

  before(async () => {
    await initBackend(TEST_BACKENDS[0]);
    runDir = await tinyPipelineRun('mean');
    tensorsBefore = tf.memory().numTensors;
    exportsDir = mkdtempSync(join(tmpdir(), 'onnx-exports-'));
    tokenizer = await loadTokenizer(TINY_TOKENIZER);
    batch = tokenizer.encodeBatch(texts, { maxLength: 16 });
    siamese = await loadRunSiamese(runDir, 'mean');
  });

  after(async () => {
    siamese?.dispose();
    assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor leaks');
    await rm(dirname(runDir), { recursive: true, force: true });
    await rm(exportsDir, { recursive: true, force: true });
  });

  test(`--stage siamese: ONNX Runtime equals the tuned TF.js model within ${TOL}`, async (t) => {
    const to = join(exportsDir, 'siamese');
    const r = await exportRun({ run: runDir, to });
    assert.deepEqual(r.files.sort(), ['config.json', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    assert.equal(r.pooling, 'mean');
    assert.deepEqual(r.outputs, ['last_hidden_state', 'pooler_output', 'sentence_embedding', 'siamese_embedding']);
    assert.equal(JSON.parse(readFileSync(join(to, 'config.json'), 'utf8')).model_type, 'bert');
    // The encoder was really tuned: its weights left the pretrained ones.
    const pretrained = await readSafetensors(join(TINY_BERT, 'model.safetensors'));
    const name = 'encoder.layer.1.output.dense.weight';
    const tuned = (await siamese.encoder.weights.get(name)!.data()) as Float32Array;
    assert.ok(maxAbsDiff(tuned, pretrained.get(name)!.data) > 1e-4, 'fine-tuned weights');

    const onnx = await loadOnnxModel(join(to, 'onnx', 'model.onnx'));
    const theirs = await onnx.run(batch);
    await onnx.release();
    const tokens = toTokenBatch(batch);
    const f = siamese.encoder.forward(tokens);
    const sentence = siamese.encoder.embed(tokens);
    const embedded = siamese.embed(tokens);
    const h = siamese.encoder.hiddenSize;
    const diffs = {
      last_hidden_state: maxAbsDiff(
        (await f.lastHiddenState.data()) as Float32Array,
        theirs.last_hidden_state.data,
        (i) => batch.attentionMask[Math.floor(i / h)] === 1,
      ),
      pooler_output: maxAbsDiff((await f.pooledOutput.data()) as Float32Array, theirs.pooler_output.data),
      sentence_embedding: maxAbsDiff((await sentence.data()) as Float32Array, theirs.sentence_embedding.data),
      siamese_embedding: maxAbsDiff((await embedded.data()) as Float32Array, theirs.siamese_embedding.data),
    };
    tf.dispose([f.lastHiddenState, f.pooledOutput, sentence, embedded]);
    disposeTokenBatch(tokens);
    t.diagnostic(`max |diff| ${JSON.stringify(diffs)}`);
    for (const [name, d] of Object.entries(diffs)) assert.ok(d <= TOL, `${name}: max |diff| ${d}`);
  });

  test(`transformers.js loads the siamese export offline: pipeline mean pooling and AutoModel (${TOL})`, async () => {
    const to = join(exportsDir, 'siamese');
    const { AutoModel, AutoTokenizer, pipeline } = await transformersFor(to);
    const extractor = await pipeline('feature-extraction', basename(to), { dtype: 'fp32' });
    const pooled = await extractor(texts, { pooling: 'mean' });
    await extractor.dispose();
    const ours = await tfjsEmbedder(siamese.encoder).embed(batch);
    assert.ok(maxAbsDiff(ours, pooled.data as Float32Array) <= TOL, 'feature-extraction mean pooling');

    const tok = await AutoTokenizer.from_pretrained(basename(to));
    const model = await AutoModel.from_pretrained(basename(to), { dtype: 'fp32' });
    const out = await model(tok(texts, { padding: true, truncation: true }));
    await model.dispose();
    const oursSiamese = await tfjsEmbedder(siamese).embed(batch);
    assert.deepEqual(out.siamese_embedding.dims, [texts.length, 64]);
    assert.ok(maxAbsDiff(oursSiamese, out.siamese_embedding.data as Float32Array) <= TOL, 'siamese_embedding');
  });

  test("the README's transformers.js snippet runs on the export and gives our siamese embedding", async () => {
    const code = readmeSnippet();
    assert.match(code, /env\.localModelPath = 'exports\/';/);
    const sentence = /tokenizer\(\['([^']+)'\]/.exec(code)![1];
    const script = `${code.replace("'exports/'", JSON.stringify(`${exportsDir}/`))}\nconsole.log(JSON.stringify(Array.from(vector)));\n`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd() });
    const vector = JSON.parse(stdout.trim().split('\n').at(-1)!) as number[];
    const ours = await tfjsEmbedder(siamese).embed(tokenizer.encodeBatch([sentence], { maxLength: 512 }));
    assert.equal(vector.length, 64);
    assert.ok(maxAbsDiff(ours, vector) <= TOL, `max |diff| ${maxAbsDiff(ours, vector)}`);
  });

  test(`--stage trained: the classifier's tuned encoder from its best checkpoint (${TOL})`, async () => {
    const to = join(exportsDir, 'trained');
    const r = await exportRun({ run: runDir, stage: 'trained', to });
    assert.match(r.weights, /trained.*weights-\d+\.safetensors$/);
    assert.deepEqual(r.outputs, ['last_hidden_state', 'pooler_output', 'sentence_embedding']);
    const { encoder } = await loadRunTrainedEncoder(runDir, { model: TINY_BERT }, 'mean');
    try {
      // The file holds the checkpoint's encoder weights (linear weights transposed), not the pretrained ones.
      const checkpoint = await readSafetensors(r.weights);
      const m = decodeModel(readFileSync(join(to, 'onnx', 'model.onnx')));
      const init = m.graph.initializer.find((i) => i.name === 'embeddings.word_embeddings.weight')!;
      const stored = new Float32Array(Uint8Array.from(init.rawData).buffer);
      assert.deepEqual(stored, checkpoint.get('encoder.embeddings.word_embeddings.weight')!.data);
      const onnx = await loadOnnxModel(join(to, 'onnx', 'model.onnx'));
      const theirs = await onnx.embedder('sentence_embedding', 32, { owner: true });
      const d = maxAbsDiff(await tfjsEmbedder(encoder).embed(batch), await theirs.embed(batch));
      await theirs.dispose();
      assert.ok(d <= TOL, `max |diff| ${d}`);
    } finally {
      encoder.dispose();
    }
  });

  test('npm run export (the CLI) writes the folder, and says what is missing without internal names', async () => {
    const cli = ['--import', 'tsx', 'lib/cli/export.ts'];
    const to = join(exportsDir, 'cli');
    await run(process.execPath, [...cli, '--run', runDir, '--to', to]);
    assert.ok(existsSync(join(to, 'onnx', 'model.onnx')));
    const empty = mkdtempSync(join(exportsDir, 'empty-run-'));
    const failed = await run(process.execPath, [...cli, '--run', empty, '--to', to, '--pooling', 'mean']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal((failed as { code: number }).code, 1);
    const stderr = (failed as { stderr: string }).stderr.trim();
    assert.equal(
      stderr,
      `export: no tuned siamese encoder at '${join(empty, 'siamese', 'encoder', 'model.safetensors')}'; make it ` +
        `with: npm run pipeline -- --stages siamese --out ${empty} (with the run's other options)`,
    );
    const help = await run(process.execPath, [...cli, '--help']);
    assert.match(help.stdout, /^Usage: npm run export -- --run <out> \[--stage siamese\|trained\] --to <folder>/);
  });

  test('missing pieces: the run folder, the trained checkpoint, the pooling, the tokenizer files', async () => {
    const to = join(exportsDir, 'never');
    await assert.rejects(exportRun({ run: join(exportsDir, 'nope'), to }), /the run folder '.*nope' does not exist/);
    const empty = mkdtempSync(join(exportsDir, 'bare-'));
    await assert.rejects(exportRun({ run: empty, to }), /states no pooling .*; pass --pooling/);
    await assert.rejects(
      exportRun({ run: empty, to, stage: 'trained', pooling: 'cls' }),
      /no trained-classifier checkpoint at '.*bare-.*checkpoint\.json'; make it with: npm run pipeline -- --stages trained/,
    );
    await assert.rejects(
      exportRun({ run: runDir, to, tokenizer: TINY_BERT }),
      /the tokenizer folder '.*tiny-bert' lacks tokenizer\.json and tokenizer_config\.json/,
    );
    assert.ok(!existsSync(to), 'nothing written on failure');
    assert.ok(readdirSync(exportsDir).length > 0);
  });
});

test('writeOnnxFolder exports again into the same folder when the tokenizer files are read-only', async () => {
  await initBackend(TEST_BACKENDS[0]);
  const root = mkdtempSync(join(tmpdir(), 'onnx-readonly-'));
  const tokenizerDir = join(root, 'tokenizer');
  mkdirSync(tokenizerDir);
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) {
    copyFileSync(join(TINY_TOKENIZER, f), join(tokenizerDir, f));
    chmodSync(join(tokenizerDir, f), 0o444);
  }
  const encoder = await loadEncoder(TINY_BERT, { trainable: false });
  try {
    await writeOnnxFolder(encoder, join(root, 'out'), { tokenizerDir });
    const again = await writeOnnxFolder(encoder, join(root, 'out'), { tokenizerDir });
    assert.deepEqual(again.files, ['config.json', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    assert.equal(statSync(join(root, 'out', 'tokenizer.json')).mode & 0o200, 0o200, 'the copy is writable');
  } finally {
    encoder.dispose();
    await rm(root, { recursive: true, force: true });
  }
});

for (const [label, tokenizerDir] of [
  ['a WordPiece test tokenizer', TINY_TOKENIZER],
  ['the ALBERT SentencePiece tokenizer', sharedPath('models/albert-base-v2-tokenizer')],
] as const) {
  const dir = typeof tokenizerDir === 'string' ? tokenizerDir : 'path' in tokenizerDir ? tokenizerDir.path : '';
  const skip = typeof tokenizerDir === 'string' || 'path' in tokenizerDir ? false : tokenizerDir.skip;
  test(`tiny ALBERT (pooler) with ${label} in transformers.js: pooler, sentence_embedding, cls`, { skip }, async () => {
    await initBackend(TEST_BACKENDS[0]);
    const before = tf.memory().numTensors;
    const out = join(mkdtempSync(join(tmpdir(), 'onnx-albert-')), 'tiny-albert');
    const encoder = await loadEncoder(TINY_ALBERT, { pooling: 'pooler', trainable: false });
    const cls = await loadEncoder(TINY_ALBERT, { pooling: 'cls', trainable: false });
    try {
      await writeOnnxFolder(encoder, out, { tokenizerDir: dir });
      const sentences = ['hello , my dog is cute', 'the cat sat on the mat .', 'playing'];
      const ours = (await loadTokenizer(dir)).encodeBatch(sentences, { maxLength: 64 });
      const { AutoModel, AutoTokenizer, pipeline } = await transformersFor(out);
      const tok = await AutoTokenizer.from_pretrained(basename(out));
      const inputs = tok(sentences, { padding: true, truncation: true });
      assert.deepEqual(Array.from(inputs.input_ids.data as BigInt64Array, Number), Array.from(ours.inputIds));
      const model = await AutoModel.from_pretrained(basename(out), { dtype: 'fp32' });
      const res = await model(inputs);
      await model.dispose();
      const pooled = await tfjsEmbedder(encoder).embed(ours);
      assert.ok(maxAbsDiff(pooled, res.pooler_output.data as Float32Array) <= TOL, 'pooler_output');
      assert.ok(maxAbsDiff(pooled, res.sentence_embedding.data as Float32Array) <= TOL, 'sentence_embedding');
      const extractor = await pipeline('feature-extraction', basename(out), { dtype: 'fp32' });
      const first = await extractor(sentences, { pooling: 'cls' });
      await extractor.dispose();
      assert.ok(maxAbsDiff(await tfjsEmbedder(cls).embed(ours), first.data as Float32Array) <= TOL, 'cls pooling');
    } finally {
      encoder.dispose();
      cls.dispose();
      await rm(dirname(out), { recursive: true, force: true });
    }
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  });
}
