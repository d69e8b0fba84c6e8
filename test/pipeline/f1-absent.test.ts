/**
 * Macro F1 on a tiny validation set that misses most classes (task U, item 4): the report's f1_macro is
 * scikit-learn's f1_score(y_true, y_pred, average='macro'), averaged over the labels in y_true ∪ y_pred, not over
 * every category; f1_per_class is f1_score(labels=range(C), average=None, zero_division=0). Golden values:
 * test/fixtures/f1_absent_classes.json (scripts/goldens/f1_absent_classes.py, scikit-learn 1.9.1); tolerance 1e-12.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { f1Score } from '../../lib/metrics/classification';
import { argmaxRows, summarize } from '../../lib/pipeline/evaluate';
import { evaluatePredictions } from '../../lib/pipeline/evaluation';

interface Case {
  name: string;
  classes: number;
  y_true: number[];
  y_score: number[][];
  y_pred: number[];
  labels_present: number[];
  accuracy: number;
  f1_macro: number;
  f1_macro_warnings: string[];
  f1_macro_zero_division_0: number;
  f1_weighted: number;
  f1_macro_all_labels: number;
  f1_per_class: number[];
}
const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'f1_absent_classes.json'), 'utf8'),
) as { cases: Case[] };
const TOL = 1e-12;
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= TOL, `${what}: ${a} vs ${b}`);

describe('macro F1 with classes absent from the validation set, as scikit-learn', () => {
  for (const c of golden.cases) {
    test(c.name, () => {
      assert.deepEqual(argmaxRows(c.y_score), c.y_pred);
      // The two averages differ on these cases, so the checks below tell them apart.
      assert.ok(c.labels_present.length < c.classes && c.f1_macro - c.f1_macro_all_labels > 0.1);
      close(f1Score(c.y_true, c.y_pred, { average: 'macro' }), c.f1_macro, 'f1Score labels=None');
      close(f1Score(c.y_true, c.y_pred, { average: 'macro', zeroDivision: 0 }), c.f1_macro_zero_division_0, 'zd 0');
      const all = Array.from({ length: c.classes }, (_, i) => i);
      close(
        f1Score(c.y_true, c.y_pred, { labels: all, average: 'macro', zeroDivision: 0 }),
        c.f1_macro_all_labels,
        'labels=all',
      );

      const { scores } = summarize({ yTrue: c.y_true, yScore: c.y_score });
      close(scores.f1_macro, c.f1_macro, "report's f1_macro");
      close(scores.f1_weighted, c.f1_weighted, "report's f1_weighted");
      close(scores.accuracy, c.accuracy, 'accuracy');
      const perClass = evaluatePredictions({ yTrue: c.y_true, yScore: c.y_score }, c.classes).f1PerClass;
      assert.equal(perClass.length, c.classes);
      perClass.forEach((v, i) => close(v, c.f1_per_class[i], `f1_per_class[${i}]`));
    });
  }
});
