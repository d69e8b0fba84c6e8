/** The study beside the run: its results file, its caveats, and how a run differs from its setup. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  conflictingAucs,
  loadStudyResults,
  studyCaveats,
  studyDifferences,
  studyDifferencesMarkdown,
} from '../../lib/notebook/study';
import { configFromArgs } from '../../lib/pipeline/config';

describe('study results and caveats', () => {
  const study = loadStudyResults();

  test('data/study-results.json loads; a missing number names the file and the field', () => {
    assert.equal(study.models.trained.auc_micro, 0.996);
    assert.equal(study.notes.length, 2);
    const dir = mkdtempSync(join(tmpdir(), 'study-'));
    try {
      const path = join(dir, 'study.json');
      const broken = JSON.parse(JSON.stringify(study));
      delete broken.models.siamese.f1_macro;
      writeFileSync(path, JSON.stringify(broken));
      assert.throws(
        () => loadStudyResults(path),
        new RegExp(`${path}: 'models.siamese.f1_macro' must be a number; got undefined`),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("caveats quote every note and flag the trained model's micro AUC, computed from the numbers", () => {
    assert.deepEqual(conflictingAucs(study), [{ model: 'trained', other: 'siamese' }]);
    const md = studyCaveats(study);
    for (const note of study.notes) assert.ok(md.includes(`> ${note}`), `quotes: ${note}`);
    assert.match(
      md,
      /the study's trained model has micro AUC 0\.996 at accuracy 0\.581, its siamese model a lower micro AUC \(0\.946\) at a higher accuracy \(0\.630\)\..* a gap of 0\.050 against the accuracy order/,
    );
    const consistent = { ...study, models: { ...study.models, trained: { ...study.models.trained, auc_micro: 0.93 } } };
    assert.deepEqual(conflictingAucs(consistent), []);
    assert.doesNotMatch(studyCaveats(consistent), /caution/);
  });
});

describe('studyDifferences', () => {
  test("the study's settings (random batches) differ in nothing; the checked-in run's settings are all listed", () => {
    const same = configFromArgs(['--sampler', 'random', '--recipe', 'study']);
    assert.deepEqual(studyDifferences(same, { trainTexts: 151_000 }), []);
    assert.equal(
      studyDifferencesMarkdown(same, { trainTexts: 151_000 }),
      "This run used the study's setup in every setting compared here.",
    );
    const cfg = configFromArgs(
      (
        '--recipe study --text headline --min-words 0 --max-per-class 200 --pooling mean --siamese-epochs 4 ' +
        '--siamese-lr 2e-5 --classifier-lr 1e-3 --trained-epochs 2'
      ).split(' '),
    );
    const rows = studyDifferences(cfg, { trainTexts: 6560, modelId: 'sentence-transformers/all-MiniLM-L6-v2' });
    assert.deepEqual(
      rows.map((r) => r.setting),
      [
        'encoder',
        'sentence vector',
        'text',
        'minimum words per text',
        'training texts',
        'siamese epochs',
        'siamese batches',
        'siamese learning rate',
        'head learning rate',
      ],
    );
    assert.deepEqual(rows[4], {
      setting: 'training texts',
      study: 'about 151,000 (80 % of 189,339)',
      run: "6,560 (4.3 % of the study's)",
    });
    const md = studyDifferencesMarkdown(cfg, { trainTexts: 6560, modelId: 'm' });
    assert.match(
      md,
      /^This run differs from the study in 9 settings:\n\n\| setting \| the study \| this run \|\n\|---\|---\|---\|/,
    );
    assert.match(md, /\| text \| headline \+ "\. " \+ short description \| headline only \|/);
  });

  test('under --recipe auto the step-budget epochs, the learning rate and the logistic head are differences', () => {
    const rows = studyDifferences(configFromArgs(['--sampler', 'random']), { trainTexts: 151_000 });
    assert.deepEqual(rows, [
      { setting: 'siamese epochs', study: '25', run: 'from a step budget (--recipe auto)' },
      { setting: 'siamese learning rate', study: '0.00001', run: '0.00005' },
      {
        setting: 'classifier head',
        study: 'Adam 1e-4, 40 epochs, batch 128',
        run: 'logistic regression (L-BFGS), C by cross-validation',
      },
    ]);
  });
});
