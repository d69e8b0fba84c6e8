/**
 * Issue 13, case 6: a validation split holding one class. AUC is NaN with scikit-learn's warning; every other
 * metric is reported, equal to scikit-learn's (test/fixtures/one_class_validation.json, scripts/goldens/
 * one_class_validation.py; tolerance 1e-12).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { argmaxRows, ONE_CLASS_AUC_WARNING, summarize } from '../../lib/pipeline/evaluate';

interface Case {
  name: string;
  y_true: number[];
  y_score: number[][];
  y_pred: number[];
  accuracy: number;
  balanced_accuracy: number;
  balanced_accuracy_warnings: string[];
  f1_macro: number;
  f1_weighted: number;
  roc_auc: 'nan';
  roc_auc_warnings: string[];
}
const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'one_class_validation.json'), 'utf8'),
) as { cases: Case[] };

describe('degenerate splits: a validation split with one class is summarised, not fatal', () => {
  for (const c of golden.cases) {
    test(`${c.name}: AUCs NaN with scikit-learn's warning; accuracy, balanced accuracy and F1 as scikit-learn`, () => {
      assert.deepEqual(argmaxRows(c.y_score), c.y_pred);
      const { scores, warnings } = summarize({ yTrue: c.y_true, yScore: c.y_score });
      assert.deepEqual(c.roc_auc_warnings, [ONE_CLASS_AUC_WARNING]);
      assert.ok(warnings.includes(ONE_CLASS_AUC_WARNING), warnings.join('; '));
      for (const k of ['auc_micro', 'auc_macro', 'auc_macro_mean'] as const) assert.ok(Number.isNaN(scores[k]), k);
      for (const k of ['accuracy', 'balanced_accuracy', 'f1_macro', 'f1_weighted'] as const)
        assert.ok(Math.abs(scores[k] - c[k]) <= 1e-12, `${k}: ${scores[k]} vs scikit-learn ${c[k]}`);
      if (c.balanced_accuracy_warnings.includes('y_pred contains classes not in y_true'))
        assert.ok(warnings.includes('y_pred contains classes not in y_true'), warnings.join('; '));
      assert.equal(scores.samples, c.y_true.length);
      assert.equal(scores.classes_present, 1);
    });
  }

  test('variant: two classes present still get finite AUCs and no AUC warning', () => {
    const { scores, warnings } = summarize({
      yTrue: [0, 0, 1, 1],
      yScore: [
        [0.9, 0.1, 0],
        [0.6, 0.4, 0],
        [0.3, 0.7, 0],
        [0.5, 0.5, 0],
      ],
    });
    assert.equal(scores.auc_micro > 0 && scores.auc_macro > 0, true);
    assert.ok(!warnings.includes(ONE_CLASS_AUC_WARNING));
  });
});
