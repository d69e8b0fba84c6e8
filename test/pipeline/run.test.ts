import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { configFromArgs } from '../../lib/pipeline/config';
import { runPipeline } from '../../lib/pipeline/run';
import { sharedPath } from '../helpers/shared';

const tok = sharedPath('models/albert-base-v2-tokenizer');

test(
  'pipeline on a CSV with other field names writes report.json with the documented schema, and a rerun resumes',
  { skip: 'skip' in tok ? tok.skip : false },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'siamese-pipeline-'));
    const topics: Record<string, string[]> = {
      sports: [
        'the team won the final match',
        'a late goal decides the derby',
        'the coach praises young players',
        'record crowd at the stadium',
      ],
      politics: [
        'the senate votes on the budget',
        'the president signs a new law',
        'election polls tighten in key states',
        'the minister resigns after scandal',
      ],
      food: [
        'a simple recipe for summer pasta',
        'the best bakeries in the city',
        'how to roast vegetables well',
        'chefs share their favourite soups',
      ],
    };
    const rows = ['label,title,description'];
    for (const [label, titles] of Object.entries(topics))
      for (let r = 0; r < 3; r++) for (const t of titles) rows.push(`${label},"${t} ${r}",extra words here`);
    const csv = join(dir, 'news.csv');
    writeFileSync(csv, rows.join('\n') + '\n');
    const out = join(dir, 'run');
    const args = [
      '--recipe',
      'study',
      '--data',
      csv,
      '--text-field',
      'title',
      '--label-field',
      'label',
      '--min-words',
      '3',
      '--model',
      'test/fixtures/tiny-albert',
      '--tokenizer',
      'path' in tok ? tok.path : '',
      '--max-length',
      '16',
      '--siamese-epochs',
      '1',
      '--siamese-batch-size',
      '8',
      '--classifier-epochs',
      '2',
      '--trained-epochs',
      '1',
      '--balanced-per-class',
      '4',
      '--backend',
      'wasm',
      '--out',
      out,
    ];
    const quiet = { log: () => {}, reporter: {} };
    const before = tf.memory().numTensors;
    const report = await runPipeline(configFromArgs(args), quiet);
    assert.equal(tf.memory().numTensors, before, 'the pipeline disposes every tensor it made');

    const saved = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.deepEqual(Object.keys(saved).slice(0, 6), ['model', 'backend', 'seed', 'data', 'results', 'training']);
    assert.equal(saved.backend, 'wasm');
    assert.equal(saved.seed, 3);
    assert.deepEqual(
      { records: saved.data.records, classes: saved.data.classes, skipped: saved.data.skipped },
      { records: 36, classes: 3, skipped: 0 },
    );
    assert.equal(saved.data.train + saved.data.val, 36);
    for (const name of ['frozen', 'trained', 'siamese']) {
      const r = saved.results[name];
      for (const k of ['accuracy', 'balanced_accuracy', 'f1_macro', 'f1_weighted', 'auc_micro', 'auc_macro']) {
        assert.equal(typeof r[k], 'number', `${name}.${k}`);
        assert.ok(r[k] >= 0 && r[k] <= 1, `${name}.${k} in [0, 1]`);
        assert.equal(typeof r.balanced[k], 'number', `${name}.balanced.${k}`);
      }
      assert.equal(r.balanced.samples, 12);
    }
    assert.ok(Object.keys(saved.timings).includes('siamese'));
    const meta = readFileSync(join(out, 'embeddings', 'metadata.tsv'), 'utf8').split('\n');
    assert.equal(meta[0], 'text\tcategory');
    assert.equal(
      readFileSync(join(out, 'embeddings', 'vectors.tsv'), 'utf8')
        .trim()
        .split('\n')[0]
        .split('\t').length,
      64,
    );
    assert.ok(existsSync(join(out, 'siamese', 'encoder', 'model.safetensors')));

    // A second run with the same folder resumes every finished stage and reproduces the results.
    const again = await runPipeline(configFromArgs(args), quiet);
    assert.deepEqual(again.results, report.results);
    // ...and keeps the training times of the run that trained them (the reloads take other times).
    for (const stage of ['siamese', 'frozen', 'trained', 'siamese-classifier'])
      assert.equal(again.timings[stage], report.timings[stage], `timings.${stage} after a rerun`);

    // A fresh run with the same seed in another folder trains again and gets the very same numbers.
    const fresh = await runPipeline(configFromArgs([...args, '--out', join(dir, 'run2')]), quiet);
    assert.deepEqual(fresh.results, report.results);
    assert.deepEqual(fresh.training, report.training);
  },
);
