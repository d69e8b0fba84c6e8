/**
 * The recipe's resolution (lib/pipeline/recipe.ts, lib/config/recipes.ts): P×K shapes that fill the batch, epochs
 * from the step budgets at several data sizes (docs/recipe-evidence.md §4), explicit options winning over the
 * recipe, the logistic head's folds, the study recipe's exact Adam settings, AdamW's parameter groups and schedule,
 * and the recipe's part of a stage's identity (records from before recipes count as the study's).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { recipeIdentity } from '../../lib/config/recipes';
import { configFromArgs } from '../../lib/pipeline/config';
import { describeDiff, diffSettings, legacySettings, stageSettings } from '../../lib/pipeline/identity';
import { pkShape, resolveRecipe, trainerOptimizer, type RecipeData } from '../../lib/pipeline/recipe';
import { describeRecipe, recipeJson, reusedStages } from '../../lib/pipeline/recipe-report';

/** `perClass` training rows of each of `classes` classes (and a fifth as many validation rows). */
function data(classes: number, perClass: number | number[]): RecipeData {
  const sizes = typeof perClass === 'number' ? Array.from({ length: classes }, () => perClass) : perClass;
  const labels = (scale: number) =>
    Int32Array.from(sizes.flatMap((n, c) => Array.from({ length: Math.max(1, Math.round(n * scale)) }, () => c)));
  return {
    trainLabels: labels(1),
    valLabels: labels(0.25),
    dataset: { categories: Array.from({ length: classes }, (_, c) => `class ${c}`) },
  };
}

const resolve = (args: string[], d: RecipeData) => resolveRecipe(configFromArgs(args), d);

describe('P×K shapes', () => {
  test("auto fills the batch: every class first, then K grows (41 classes 16×4; 4 classes 4×16, not today's 4×4)", () => {
    assert.deepEqual(pkShape(64, 41, 'fill'), { p: 16, k: 4 });
    assert.deepEqual(pkShape(64, 4, 'fill'), { p: 4, k: 16 });
    assert.deepEqual(pkShape(64, 3, 'fill'), { p: 3, k: 21 });
    assert.deepEqual(pkShape(64, 10, 'fill'), { p: 10, k: 6 });
    assert.deepEqual(pkShape(8, 41, 'fill'), { p: 2, k: 4 });
  });
  test('the study keeps K = 4 (few classes shrink the batch)', () => {
    assert.deepEqual(pkShape(64, 41, 'fixed'), { p: 16, k: 4 });
    assert.deepEqual(pkShape(64, 4, 'fixed'), { p: 4, k: 4 });
  });
  test('the resolved siamese recipe states the shape of training and validation batches', () => {
    const r = resolve([], data(4, 80));
    assert.deepEqual(r.siamese.pk, { train: { p: 4, k: 16 }, validation: { p: 4, k: 16 }, rule: 'fill' });
    assert.match(r.siamese.reasons.batch, /^P×K 4×16 = 64 of --siamese-batch-size 64: P = min\(4 classes/);
    const study = resolve(['--recipe', 'study'], data(4, 80));
    assert.deepEqual(study.siamese.pk?.train, { p: 4, k: 4 });
  });
});

describe('epochs from the step budgets (docs/recipe-evidence.md §4)', () => {
  test('trained: clamp(⌈300 / steps per epoch⌉, 2, 20) at 50 and 200 per class and at the study scale', () => {
    // 1,640 training texts in batches of 32: 52 steps an epoch, 6 epochs, 312 steps (§2's run).
    const small = resolve([], data(41, 40)).trained;
    assert.deepEqual(small.epochs, { epochs: 6, stepsPerEpoch: 52, totalSteps: 312, budget: small.epochs.budget });
    assert.equal(small.optimizer.schedule.warmupSteps, 32);
    // 6,560: 205 an epoch, 2 epochs, 410 steps, warmup 41 (§2's 200-per-class run).
    const mid = resolve([], data(41, 160)).trained;
    assert.deepEqual([mid.epochs.epochs, mid.epochs.totalSteps, mid.optimizer.schedule.warmupSteps], [2, 410, 41]);
    // 160,000: 5,000 an epoch; the budget asks for 1, the floor of 2 gives 10,000 steps.
    const large = resolve([], data(40, 4000)).trained;
    assert.deepEqual([large.epochs.epochs, large.epochs.totalSteps], [2, 10_000]);
    // A tiny set: 3 steps an epoch, capped at 20 epochs.
    const tiny = resolve([], data(3, 30)).trained;
    assert.deepEqual([tiny.epochs.epochs, tiny.epochs.stepsPerEpoch], [20, 3]);
    assert.match(tiny.reasons.epochs, /^20 = clamp\(⌈300 \/ 3 steps per epoch⌉, 2, 20\): the step budget 300/);
  });
  test('siamese: clamp(⌈220 / P×K steps per epoch⌉, 1, 25), the schedule ending at the exact last step', () => {
    // 41 classes × 160: P×K 16×4 gives 104, 103, 104 batches in epochs 1–3: 3 epochs, 311 steps.
    const mid = resolve([], data(41, 160)).siamese;
    assert.deepEqual([mid.epochs.epochs, mid.epochs.stepsPerEpoch, mid.epochs.totalSteps], [3, 104, 311]);
    assert.deepEqual(mid.optimizer.schedule, { name: 'linear', warmupSteps: 32, totalSteps: 311 });
    // 41 × 40: 27 an epoch, 9 epochs.
    assert.equal(resolve([], data(41, 40)).siamese.epochs.epochs, 9);
    // 4 × 80 in 4×16 batches: 5 an epoch; the budget asks for 44, capped at 25.
    assert.deepEqual(resolve([], data(4, 80)).siamese.epochs.epochs, 25);
    // 160,000 texts: one epoch of ~2,500 steps.
    const large = resolve([], data(41, 3900)).siamese;
    assert.equal(large.epochs.epochs, 1);
    assert.ok(large.epochs.totalSteps > 2400, String(large.epochs.totalSteps));
  });
});

describe('explicit options win over the recipe', () => {
  test('epochs, learning rates and class weights given are used, with "(given)" as the reason', () => {
    const r = resolve(
      ['--siamese-epochs', '4', '--trained-epochs', '3', '--trained-lr', '2e-5', '--class-weights', 'on'],
      data(41, 40),
    );
    assert.equal(r.siamese.epochs.epochs, 4);
    assert.equal(r.siamese.reasons.epochs, '--siamese-epochs 4 (given)');
    assert.equal(r.siamese.epochs.budget, undefined);
    assert.deepEqual([r.trained.epochs.epochs, r.trained.epochs.totalSteps], [3, 156]);
    assert.deepEqual([r.trained.optimizer.learningRate, r.trained.optimizer.headLearningRate], [2e-5, 1e-3]);
    assert.match(r.trained.reasons.learning_rate, /^encoder --trained-lr 2e-5 \(given\), head 1e-3/);
    assert.equal(r.trained.classWeights, 'balanced', "auto's class weights are scikit-learn's 'balanced'");
    assert.equal(r.head.classWeights, 'balanced');
  });
  test("--head adam under auto trains the study's Adam head; its options without it are an error naming the fix", () => {
    const r = resolve(['--head', 'adam', '--classifier-epochs', '5'], data(41, 40));
    assert.deepEqual(
      r.head.kind === 'adam' && [r.head.epochs, r.head.learningRate, r.head.batchSize, r.head.classWeights],
      [5, 1e-4, 128, 'none'],
    );
    assert.throws(() => configFromArgs(['--classifier-lr', '1e-3']), {
      message:
        '--classifier-lr sets the Adam head, and the heads are logistic regression (--recipe auto), which has no ' +
        "epochs, batches or learning rate: add --head adam to train the study's Adam head with it, or drop it.",
    });
    assert.throws(() => configFromArgs(['--recipe', 'study', '--head', 'logistic', '--classifier-epochs', '3']), {
      message: /^--classifier-epochs sets the Adam head, and the heads are logistic regression \(--head logistic\)/,
    });
    assert.equal(configFromArgs(['--recipe', 'study', '--classifier-lr', '1e-3']).classifierLr, 1e-3);
  });
});

describe("the logistic head's C search", () => {
  test('5 folds; 3 above 20,000 training rows; fewer when a class is small; none (C = 1) for a single row', () => {
    const head = (d: RecipeData) => {
      const h = resolve([], d).head;
      assert.equal(h.kind, 'logistic');
      return h.kind === 'logistic' ? h : undefined!;
    };
    assert.equal(head(data(41, 40)).folds, 5);
    assert.equal(head(data(41, 500)).folds, 3);
    assert.match(head(data(41, 500)).reasons.C, /3 folds above 20,000 training rows/);
    assert.equal(head(data(3, [10, 10, 4])).folds, 4);
    const single = head(data(3, [10, 10, 1]));
    assert.deepEqual([single.folds, single.fallbackC], [0, 1]);
    assert.match(single.reasons.C, /^C = 1 \(scikit-learn's default\): a class has 1 training row/);
  });

  test('above 30,000 training rows, C is searched on a stratified subsample of 30,000; the final fit on all', () => {
    const head = (d: RecipeData) => {
      const h = resolve(['--seed', '7'], d).head;
      return h.kind === 'logistic' ? h : assert.fail('a logistic head');
    };
    // runs/full's size (26,568 training rows) and below: every row, and the reason reads as before the threshold.
    const full = head(data(41, 648));
    assert.deepEqual([full.cvRows, full.trainRows, full.cvMaxRows], [26_568, 26_568, 30_000]);
    assert.match(full.reasons.C, /^by 3-fold stratified cross-validation on the training rows \(seed 7\) over 0\.01/);
    assert.doesNotMatch(full.reasons.C + describeRecipe(resolve([], data(41, 648))).join('\n'), /subsample/);
    const big = head(data(41, 3_898));
    assert.deepEqual([big.cvRows, big.trainRows, big.folds], [30_000, 159_818, 3]);
    assert.match(
      big.reasons.C,
      /^by 3-fold stratified cross-validation on a stratified subsample of 30,000 of the 159,818 training rows \(seed 7\)/,
    );
    assert.match(big.reasons.C, /the final fit at that C uses all 159,818 training rows; C = 1 overfits/);
    assert.match(
      describeRecipe(resolve([], data(41, 3_898))).join('\n'),
      /C by 3-fold stratified CV on a stratified subsample of 30,000 of 159,818 training rows \(final fit on all\)/,
    );
    const j = recipeJson(resolve([], data(41, 3_898)));
    assert.deepEqual([j.frozen.cv_max_rows, j.frozen.cv_rows], [30_000, 30_000]);
  });
});

describe("the study recipe is the project's settings before recipes", () => {
  test('Adam at fixed rates: a plain learning rate for the trainer, no groups, no decay, Keras epsilon', () => {
    const r = resolve(['--recipe', 'study'], data(41, 40));
    assert.deepEqual([r.siamese.epochs.epochs, r.trained.epochs.epochs], [25, 3]);
    assert.equal(r.head.kind === 'adam' && r.head.epochs, 40);
    assert.equal(r.head.classWeights, 'study');
    const v = tf.tidy(() => tf.variable(tf.zeros([2, 2])));
    assert.deepEqual(trainerOptimizer(r.siamese.optimizer, [v], []), { learningRate: 1e-5 });
    assert.deepEqual(trainerOptimizer(r.trained.optimizer, [v], []), { learningRate: 2e-5 });
    v.dispose();
    assert.deepEqual(describeRecipe(r).slice(0, 2), [
      "recipe study (the study's settings); options given explicitly win",
      '  siamese: Adam 1e-5 (constant); 25 epochs × 27 steps = 667 steps; P×K 16×4 = 64 (validation 16×4)',
    ]);
  });
});

describe("auto's AdamW", () => {
  test('four groups: encoder and head × weight matrices (decay 0.01) and the rest (none); linear schedules', () => {
    const before = tf.memory().numTensors;
    const r = resolve([], data(41, 40)).trained;
    const [w, b, hw, hb] = [[3, 2], [2], [2, 5], [5]].map((s) => tf.tidy(() => tf.variable(tf.zeros(s))));
    const o = trainerOptimizer(r.optimizer, [w, b], [hw, hb]);
    assert.equal(o.epsilon, 1e-8);
    const groups = o.paramGroups!.map((g) => ({ vars: g.variables.map((v) => v.shape.join('x')), wd: g.weightDecay }));
    assert.deepEqual(groups, [
      { vars: ['3x2'], wd: 0.01 },
      { vars: ['2'], wd: 0 },
      { vars: ['2x5'], wd: 0.01 },
      { vars: ['5'], wd: 0 },
    ]);
    const rate = (g: number, step: number) => (o.paramGroups![g].learningRate as (s: number) => number)(step);
    // Warmup 32 of 312 steps: 0 at step 0, the peak at step 32, half-way down at step 172, 0 at step 312.
    assert.deepEqual([rate(0, 0), rate(0, 32), rate(2, 32), rate(0, 312)], [0, 5e-5, 1e-3, 0]);
    assert.ok(Math.abs(rate(0, 172) - 2.5e-5) < 1e-18 && Math.abs(rate(3, 16) - 5e-4) < 1e-15);
    tf.dispose([w, b, hw, hb]);
    assert.equal(tf.memory().numTensors, before);
  });
});

describe("the recipe in a stage's identity", () => {
  const file = { sha256: 'ab'.repeat(32), bytes: 10 };
  test('auto and study differ in the recipe and its settings; a decaying schedule makes the epochs identity', () => {
    const auto = stageSettings(configFromArgs([]), 'trained', file);
    const study = stageSettings(configFromArgs(['--recipe', 'study']), 'trained', file);
    const keys = diffSettings(study, auto).map((d) => d.key);
    assert.deepEqual(keys, [
      'recipe',
      'trainedLr',
      'classWeights',
      'bucketing',
      'recipe.trained.optimizer',
      'recipe.trained.head_lr',
      'recipe.trained.weight_decay',
      'recipe.trained.epsilon',
      'recipe.trained.schedule',
      'recipe.trained.epochs',
      'recipe.trained.class_weights',
    ]);
    assert.equal(auto['recipe.trained.epochs'], 'step budget 300 (2–20 epochs)');
    assert.equal(recipeIdentity(configFromArgs(['--trained-epochs', '4']), 'trained')['recipe.trained.epochs'], 4);
    assert.equal('recipe.trained.epochs' in study, false, "the study's epochs continue a training");
  });
  test('a record from before recipes (no recipe keys) is the study: reused by --recipe study, refused by auto', () => {
    for (const stage of ['siamese', 'frozen', 'trained', 'siamese-classifier'] as const) {
      const study = configFromArgs(['--recipe', 'study']);
      const now = stageSettings(study, stage, file);
      const legacy = Object.fromEntries(
        Object.entries(now).filter(([k]) => k !== 'recipe' && k !== 'head' && !k.startsWith('recipe.')),
      );
      assert.deepEqual(diffSettings(legacy, now, legacySettings(study, stage)), [], stage);
      // A record from before --bucketing (no key) had none: reused by study (off), refused by --bucketing on.
      const noBucketing = Object.fromEntries(Object.entries(now).filter(([k]) => k !== 'bucketing'));
      assert.deepEqual(diffSettings(noBucketing, now, legacySettings(study, stage)), [], stage);
      const on = configFromArgs(['--recipe', 'study', '--bucketing', 'on']);
      const bucketed = diffSettings(noBucketing, stageSettings(on, stage, file), legacySettings(on, stage));
      if (stage !== 'frozen') assert.deepEqual(bucketed, [{ key: 'bucketing', saved: 'off', now: 'on' }], stage);
      const auto = configFromArgs([]);
      const refused = diffSettings(legacy, stageSettings(auto, stage, file), legacySettings(auto, stage));
      assert.ok(
        refused.some((d) => d.key === 'recipe' && d.saved === 'study' && d.now === 'auto'),
        stage,
      );
    }
  });
  test("the C search's row threshold is identity; records made before it (runs/full) count as today's 30,000", () => {
    const auto = configFromArgs([]);
    for (const stage of ['frozen', 'siamese-classifier'] as const) {
      const now = stageSettings(auto, stage, file);
      const key = `recipe.${stage}.cv_max_rows`;
      assert.equal(now[key], 30_000, stage);
      const before = Object.fromEntries(Object.entries(now).filter(([k]) => k !== key));
      assert.deepEqual(diffSettings(before, now, legacySettings(auto, stage)), [], stage);
      const changed = diffSettings({ ...now, [key]: 20_000 }, now, legacySettings(auto, stage));
      assert.deepEqual(changed, [{ key, saved: 20_000, now: 30_000 }], stage);
      assert.equal(
        describeDiff(changed[0], stage),
        `--recipe: the ${stage} stage's cv max rows is 20000 in the run folder, 30000 now`,
      );
    }
    const adam = stageSettings(configFromArgs(['--head', 'adam']), 'frozen', file);
    assert.equal('recipe.frozen.cv_max_rows' in adam, false, 'an Adam head has no C search');
  });
});

test("report.json's recipe states every stage's values and reasons", () => {
  const j = recipeJson(resolve([], data(41, 160)));
  assert.equal(j.name, 'auto');
  assert.deepEqual(j.siamese.learning_rates, { encoder: 5e-5, head: 1e-3 });
  assert.deepEqual(j.siamese.schedule, { name: 'linear', warmup_steps: 32, total_steps: 311 });
  assert.deepEqual(j.siamese.step_budget, { steps: 220, min_epochs: 1, max_epochs: 25 });
  assert.equal(j.frozen.head, 'logistic');
  assert.equal(j.frozen.folds, 5);
  assert.deepEqual(Object.keys(j.trained.reasons as object).sort(), [
    'batch',
    'class_weights',
    'epochs',
    'learning_rate',
    'optimizer',
    'schedule',
    'selection',
  ]);
});

describe('the recipe lines name only the stages that run (task U, item 6)', () => {
  const r = resolve([], data(41, 40));
  const all = describeRecipe(r);
  test('every stage: a line each, nothing reused', () => {
    assert.equal(all.length, 4);
    assert.match(all[2], /^ {2}frozen and siamese classifiers: logistic regression/);
    assert.deepEqual(describeRecipe(r, ['siamese', 'frozen', 'trained', 'siamese-classifier', 'evaluate']), all);
  });
  test('--stages frozen,evaluate: the frozen head only, and the stages evaluation reloads', () => {
    const lines = describeRecipe(r, ['frozen', 'evaluate']);
    assert.deepEqual(lines, [
      all[0],
      all[2].replace('frozen and siamese classifiers', 'frozen classifier'),
      '  reused from the run folder, not trained in this run: siamese, trained, siamese-classifier',
    ]);
  });
  test('--stages siamese-classifier: its head, on the siamese encoder from the folder', () => {
    assert.deepEqual(describeRecipe(r, ['siamese-classifier']).slice(1), [
      all[2].replace('frozen and siamese classifiers', 'siamese classifier'),
      '  reused from the run folder, not trained in this run: siamese',
    ]);
  });
  test('--stages trained or siamese: their line; nothing reused', () => {
    assert.deepEqual(describeRecipe(r, ['trained']), [all[0], all[3]]);
    assert.deepEqual(describeRecipe(r, ['siamese']), [all[0], all[1]]);
    assert.deepEqual(reusedStages(['siamese', 'frozen']), []);
    assert.deepEqual(reusedStages(['evaluate']), ['siamese', 'frozen', 'trained', 'siamese-classifier']);
  });
});
