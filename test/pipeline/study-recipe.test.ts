/**
 * `--recipe study` reproduces the project's results from before recipes existed, exactly: the command stored in
 * test/fixtures/study_recipe_tiny_albert.json (made on main at 3202467 by scripts/goldens/study_recipe_report.sh,
 * every training setting at its default: the study's), run again with `--recipe study`, gives the same results
 * and training summaries to the last bit. The tiny ALBERT of test/fixtures (random weights) and the shared ALBERT
 * tokenizer, 4 headlines per category of the embedded sample, wasm.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { configFromArgs } from '../../lib/pipeline/config';
import { runPipeline } from '../../lib/pipeline/run';
import { sharedPath } from '../helpers/shared';
import { quiet, tempDir } from './helpers';

const tok = sharedPath('models/albert-base-v2-tokenizer');
const golden = JSON.parse(readFileSync(new URL('../fixtures/study_recipe_tiny_albert.json', import.meta.url), 'utf8'));

/** The stored command's options, with the shared folder and a fresh run folder filled in. */
function goldenArgs(out: string): string[] {
  const argv = (golden.command as string).replace(/^npm run pipeline -- /, '').split(' ');
  return argv.map((a) => a.replace(/^SHARED\//, `${process.env.SHARED_DIR}/`).replace('<tmp>', out));
}

/**
 * Results without the stage fingerprints (identity records, not numbers: they gained the recipe's settings) and
 * without the per-class F1 added after the golden (the golden's numbers are all still there, unchanged).
 */
function numbers(results: Record<string, { evaluated: Record<string, unknown>; f1_per_class?: unknown }>) {
  return Object.fromEntries(
    Object.entries(results).map(([name, { f1_per_class: _, ...r }]) => [
      name,
      { ...r, evaluated: { ...r.evaluated, fingerprint: null } },
    ]),
  );
}

test(
  "--recipe study reproduces the stored pre-recipe run's results and training exactly",
  { skip: 'skip' in tok ? tok.skip : false },
  async () => {
    const out = join(tempDir('study-recipe-'), 'run');
    assert.match(golden.command, /--seed 3 --out <tmp>$/);
    const cfg = configFromArgs([...goldenArgs(out), '--recipe', 'study']);
    const before = tf.memory().numTensors;
    const q = quiet();
    const report = await runPipeline(cfg, q);
    assert.equal(tf.memory().numTensors, before);
    // The golden predates the test split (none by default) and the balanced sample's distinct count.
    const { test: held, balanced_distinct: distinct, ...data } = report.data;
    assert.deepEqual(data, golden.data);
    assert.deepEqual([held, distinct], [0, 31]);
    assert.deepEqual(report.training, golden.training);
    assert.deepEqual(numbers(report.results as never), numbers(golden.results));
    // The study's settings, stated: Adam at fixed rates, fixed epochs, P×K with K = 4, the study's class weights.
    assert.ok(
      q.lines.includes("recipe study (the study's settings); options given explicitly win"),
      q.lines.join('\n'),
    );
    assert.equal(report.recipe?.name, 'study');
    assert.deepEqual(report.recipe?.siamese.learning_rates, { encoder: 1e-5, head: 1e-5 });
    assert.deepEqual(report.recipe?.siamese.pk, { p: 16, k: 4, validation: { p: 9, k: 4 }, rule: 'fixed' });
    assert.equal(report.recipe?.frozen.head, 'adam');
    assert.equal(report.recipe?.frozen.class_weights, 'study');
    assert.deepEqual([report.recipe?.trained.epochs, report.recipe?.trained.optimizer], [3, 'adam']);
  },
);
