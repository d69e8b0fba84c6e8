/** Notebook 02's training display: a logistic head's fit in words, one summary table with recorded times. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headFitMarkdown, trainingSummaryTable } from '../../lib/notebook/training';
import type { TrainedClassifier } from '../../lib/pipeline/stages';

const fit = {
  C: 0.3,
  folds: 5,
  cvLoss: [
    { C: 0.1, loss: 1.5 },
    { C: 0.3, loss: 1.25 },
  ],
  fit: {} as never,
  description: 'L-BFGS, 40 iterations, converged, C=0.3 by 5-fold CV',
};
const record = (epoch: number, valAccuracy: number) => ({
  epoch,
  loss: 1,
  valLoss: 2 - valAccuracy,
  valAccuracy,
  seconds: 30,
});
const clf = (name: 'frozen' | 'trained', head: boolean, epochs: number) =>
  ({
    name,
    head: head ? fit : undefined,
    result: { history: Array.from({ length: epochs }, (_, i) => record(i + 1, 0.4 + i / 100)), bestEpoch: epochs },
  }) as unknown as TrainedClassifier;

test('headFitMarkdown states the fit and each candidate C’s held-out loss; a model without a head is refused', () => {
  assert.equal(
    headFitMarkdown(clf('frozen', true, 1)),
    '**frozen classifier, logistic-regression head:** L-BFGS, 40 iterations, converged, C=0.3 by 5-fold CV. ' +
      'Held-out log loss by C: 0.1: 1.5000, 0.3: 1.2500 (lowest wins).',
  );
  assert.throws(
    () => headFitMarkdown(clf('trained', false, 2)),
    /the trained classifier has no logistic-regression head/,
  );
});

test('trainingSummaryTable: one row per classifier, the chosen epoch’s validation figures and the recorded time', () => {
  const html = trainingSummaryTable(
    [clf('frozen', true, 1), clf('trained', false, 3)],
    [{ stage: 'trained', seconds: 185, epochs: 3 }],
  );
  assert.match(
    html,
    /<td>frozen<\/td><td>logistic regression \(L-BFGS\)<\/td><td>–<\/td><td>1\.6000<\/td><td>0\.4000<\/td><td>not recorded<\/td>/,
  );
  assert.match(html, /<td>trained<\/td><td>3 epochs<\/td><td>3<\/td><td>1\.5800<\/td><td>0\.4200<\/td><td>3m05s<\/td>/);
  const withStages = trainingSummaryTable([clf('trained', false, 3)], [], { trained: 200 });
  assert.match(withStages, /<th>stage \(CLI run\)<\/th>/);
  assert.match(withStages, /<td>not recorded<\/td><td>3m20s<\/td>/);
});
