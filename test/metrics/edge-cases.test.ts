/**
 * Edge cases against scikit-learn 1.9.1 (test/fixtures/metrics_edge_cases.json,
 * made by scripts/goldens/metrics_edge_cases.py): a class never predicted, a
 * class absent from y_true, a single class, label subsets, string labels, 41
 * classes, round-half-even in the report, ties in ROC scores. Scalars and
 * arrays within 1e-12 (same inputs, same arithmetic), reports identical, and
 * the same ill-defined-metric warnings (message up to "Use").
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accuracyScore,
  balancedAccuracyScore,
  captureMetricWarnings,
  classificationReport,
  confusionMatrix,
  f1Score,
  matthewsCorrcoef,
  precisionRecallFscoreSupport,
  rocAucScore,
  rocCurve,
  type Average,
  type ZeroDivision,
} from '../../lib/metrics';
import { assertArrayClose, assertClose, loadEdgeCases } from './fixtures';

const TOL = 1e-12;
const g = loadEdgeCases();
const stem = (messages: string[]) => [...new Set(messages.map((m) => m.split(' Use ')[0]))].sort();
const zeroDivisions: Record<string, ZeroDivision> = { warn: 'warn', '0': 0, '1': 1, nan: NaN };

describe('classification edge cases vs scikit-learn', () => {
  for (const c of g.classification) {
    describe(c.name, () => {
      const { y_true: yTrue, y_pred: yPred, labels, target_names: targetNames } = c;
      test('accuracy, balanced accuracy (with the y_pred-only-class warning), MCC', () => {
        assertClose(accuracyScore(yTrue, yPred), c.accuracy, TOL, 'accuracy');
        const { result, warnings } = captureMetricWarnings(() => balancedAccuracyScore(yTrue, yPred));
        assertClose(result, c.balanced_accuracy, TOL, 'balanced accuracy');
        const expectsWarning = c.balanced_accuracy_warnings.includes('y_pred contains classes not in y_true');
        assert.equal(
          warnings.some((w) => w.includes('y_pred contains classes not in y_true')),
          expectsWarning,
        );
        assertClose(
          balancedAccuracyScore(yTrue, yPred, { adjusted: true }),
          c.balanced_accuracy_adjusted,
          TOL,
          'adjusted',
        );
        assertClose(matthewsCorrcoef(yTrue, yPred), c.mcc, TOL, 'mcc');
      });
      test('confusion matrix (counts exact, normalize true within 1e-12)', () => {
        assert.deepEqual(confusionMatrix(yTrue, yPred, { labels }), c.confusion_matrix);
        confusionMatrix(yTrue, yPred, { labels, normalize: 'true' }).forEach((row, i) =>
          assertArrayClose(row, c.confusion_matrix_true[i], TOL, `row ${i}`),
        );
      });
      for (const [zdKey, zd] of Object.entries(zeroDivisions)) {
        test(`precision/recall/F1 for every average, zeroDivision=${zdKey}, and the same warnings`, () => {
          for (const avgKey of ['None', 'micro', 'macro', 'weighted']) {
            const want = c.prf[zdKey][avgKey];
            const average = (avgKey === 'None' ? null : avgKey) as Average;
            const { result, warnings } = captureMetricWarnings(() =>
              precisionRecallFscoreSupport(yTrue, yPred, { labels, average, zeroDivision: zd }),
            );
            if (average === null) {
              const r = result as { precision: number[]; recall: number[]; fscore: number[]; support: number[] };
              assertArrayClose(r.precision, want.precision, TOL, `${avgKey} precision`);
              assertArrayClose(r.recall, want.recall, TOL, `${avgKey} recall`);
              assertArrayClose(r.fscore, want.f1, TOL, `${avgKey} f1`);
              assert.deepEqual(r.support, want.support);
            } else {
              const r = result as { precision: number; recall: number; fscore: number };
              assertClose(r.precision, want.precision, TOL, `${avgKey} precision`);
              assertClose(r.recall, want.recall, TOL, `${avgKey} recall`);
              assertClose(r.fscore, want.f1, TOL, `${avgKey} f1`);
            }
            assert.deepEqual(stem(warnings), stem(want.warnings), `${avgKey} warnings`);
            for (const w of warnings) assert.match(w, /zero_division/);
          }
          const { result, warnings } = captureMetricWarnings(() =>
            f1Score(yTrue, yPred, { labels, average: 'macro', zeroDivision: zd }),
          );
          assertClose(result, c.prf[zdKey].f1_macro.value, TOL, 'f1Score macro');
          assert.deepEqual(stem(warnings), stem(c.prf[zdKey].f1_macro.warnings), 'f1Score warnings');
        });
      }
      test('classification report identical (digits 2 and 4; zeroDivision warn, 1, NaN)', () => {
        for (const [key, want] of Object.entries<string>(c.reports)) {
          const [digits, zdKey] = key.split('_');
          const got = captureMetricWarnings(() =>
            classificationReport(yTrue, yPred, {
              labels,
              targetNames,
              digits: Number(digits),
              zeroDivision: zeroDivisions[zdKey],
            }),
          ).result;
          assert.equal(got, want, `report ${key}`);
        }
      });
    });
  }
});

describe('ROC edge cases vs scikit-learn', () => {
  for (const c of g.roc) {
    test(`${c.name}: curves with and without dropIntermediate, AUC, warnings`, () => {
      for (const drop of [true, false]) {
        const want = c[`drop_${drop ? 'True' : 'False'}`];
        const { result, warnings } = captureMetricWarnings(() =>
          rocCurve(c.y_true, c.y_score, { dropIntermediate: drop }),
        );
        assertArrayClose(result.fpr, want.fpr, TOL, 'fpr');
        assertArrayClose(result.tpr, want.tpr, TOL, 'tpr');
        assertArrayClose(result.thresholds, want.thresholds, 0, 'thresholds');
        assert.deepEqual(stem(warnings), stem(want.warnings));
      }
      const { result, warnings } = captureMetricWarnings(() => rocAucScore(c.y_true, c.y_score));
      assertClose(result, c.roc_auc, TOL, 'roc auc');
      assert.deepEqual(stem(warnings), stem(c.roc_auc_warnings));
    });
  }

  test('multiclass ovr with a class absent from y_true (labels given): NaN per class, warned', () => {
    const m = g.multiclass_roc;
    for (const avg of ['macro', 'weighted', 'micro'] as const) {
      const { result, warnings } = captureMetricWarnings(() =>
        rocAucScore(m.y_true, m.y_score, { labels: m.labels, average: avg }),
      );
      assertClose(result, m[`roc_auc_${avg}`], TOL, avg);
      assert.deepEqual(stem(warnings), stem(m[`roc_auc_${avg}_warnings`]), `${avg} warnings`);
    }
    const per = captureMetricWarnings(() =>
      rocAucScore(m.y_true, m.y_score, { labels: m.labels, average: null }),
    ).result;
    assertArrayClose(per, m.roc_auc_None, TOL, 'per class');
  });
});

describe('hand-derived edge cases and errors', () => {
  test('tied scores collapse to one ROC point: [0,1] vs [0.5,0.5] is the diagonal, AUC 0.5', () => {
    const r = rocCurve([0, 1], [0.5, 0.5]);
    assert.deepEqual(r, { fpr: [0, 1], tpr: [0, 1], thresholds: [Infinity, 0.5] });
  });
  test('binary f1 with posLabel; multiclass with average binary is an error naming the options', () => {
    // tp=2, fp=1, fn=1 for class 1 -> F1 = 4 / 6
    assertClose(f1Score([1, 1, 1, 0, 0], [1, 1, 0, 1, 0]), 4 / 6, 1e-15, 'f1 binary');
    assertClose(f1Score(['a', 'b', 'b'], ['a', 'a', 'b'], { posLabel: 'a' }), 2 / 3, 1e-15, 'f1 posLabel a');
    assert.throws(
      () => f1Score([0, 1, 2], [0, 1, 2]),
      /f1Score: target is multiclass but 'average' is 'binary'; choose one of null, 'micro', 'macro', 'weighted'/,
    );
  });
  test('input errors name the function and parameter', () => {
    assert.throws(
      () => accuracyScore([0, 1], [0]),
      /accuracyScore: 'yTrue' and 'yPred' must have the same length; got 2 and 1/,
    );
    assert.throws(() => accuracyScore([0.5], [1]), /accuracyScore: 'yTrue' must hold discrete labels/);
    assert.throws(
      () => precisionRecallFscoreSupport([0], [0], { zeroDivision: 2 }),
      /'zeroDivision' must be 'warn', 0, 1 or NaN; got 2/,
    );
    assert.throws(
      () => confusionMatrix([0, 1], [0, 1], { labels: [7] }),
      /confusionMatrix: at least one label in 'labels' must occur in 'yTrue'/,
    );
    assert.throws(
      () => rocCurve([0, 2], [0.1, 0.2]),
      /rocCurve: 'yTrue' takes values \[0,2\] and 'posLabel' is not given/,
    );
    assert.throws(
      () =>
        rocAucScore(
          [0, 1, 2],
          [
            [0.5, 0.5, 0.5],
            [0.2, 0.3, 0.5],
            [0.1, 0.1, 0.8],
          ],
        ),
      /rows must be probabilities that sum to 1.0/,
    );
    assert.throws(
      () => classificationReport([0, 1], [0, 1], { targetNames: ['a'] }),
      /classificationReport: 'targetNames' must have one name per class \(2\); got 1/,
    );
  });
});
