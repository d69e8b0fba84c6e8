/** Sentences follow the numbers: signs, intervals that include 0, ties, rounding, orderings. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  differenceSentence,
  formatInterval,
  orderingStatement,
  trainingSentence,
  type PairedDifference,
} from '../../lib/notebook/prose';

const pair = (a: string, b: string, estimate: number, low: number, high: number): PairedDifference => ({
  a,
  b,
  difference: { estimate, low, high },
});

describe('differenceSentence', () => {
  test('an interval above 0: a > b by the estimate, in points', () => {
    assert.equal(
      differenceSentence(pair('siamese', 'frozen', 0.029, 0.012, 0.046)),
      'siamese > frozen by 2.9 points (95% CI 1.2 to 4.6)',
    );
  });

  test('an interval below 0: stated the other way round, with the interval flipped', () => {
    assert.equal(
      differenceSentence(pair('trained', 'frozen', -0.019, -0.033, -0.005)),
      'frozen > trained by 1.9 points (95% CI 0.5 to 3.3)',
    );
  });

  test('an interval containing 0 (or touching it): no clear difference, signed estimate', () => {
    assert.equal(
      differenceSentence(pair('trained', 'frozen', -0.004, -0.021, 0.013)),
      'trained vs frozen: no clear difference (\u22120.4 points, 95% CI \u22122.1 to 1.3)',
    );
    assert.equal(
      differenceSentence(pair('a', 'b', 0.01, 0, 0.02)),
      'a vs b: no clear difference (+1.0 points, 95% CI 0.0 to 2.0)',
    );
  });

  test('a tie: identical predictions give a difference of 0 in every resample', () => {
    assert.equal(differenceSentence(pair('a', 'b', 0, 0, 0)), 'a = b (a difference of 0 in every resample)');
  });

  test('tiny differences get more decimals instead of printing 0.0; raw units and other levels', () => {
    assert.equal(
      differenceSentence(pair('a', 'b', 0.0004, 0.0001, 0.0007)),
      'a > b by 0.04 points (95% CI 0.01 to 0.07)',
    );
    assert.equal(
      differenceSentence(pair('a', 'b', 0.0123, 0.0051, 0.02), { unit: 'raw', level: 90 }),
      'a > b by 0.012 (90% CI 0.005 to 0.020)',
    );
  });

  test('a malformed interval is an error naming it', () => {
    assert.throws(
      () => differenceSentence(pair('a', 'b', 0.1, 0.2, 0.05)),
      /differenceSentence: 'difference' must be \{ estimate, low, high \} of finite numbers with low <= high/,
    );
    assert.throws(() => differenceSentence(pair('a', 'b', NaN, 0, 1)), /finite numbers/);
  });

  test('formatInterval', () => {
    assert.equal(formatInterval({ estimate: 0.493, low: 0.47, high: 0.516 }), '49.3 (95% CI 47.0 to 51.6)');
  });
});

describe('orderingStatement', () => {
  const scores = { frozen: 0.476, trained: 0.447, siamese: 0.487 };

  test("ordered by score; '>' where the neighbours' interval excludes 0, '≈' where it does not; every pair in words", () => {
    const pairs = [
      pair('siamese', 'frozen', 0.011, 0.002, 0.02),
      pair('siamese', 'trained', 0.04, 0.025, 0.055),
      pair('trained', 'frozen', -0.029, -0.045, 0.001),
    ];
    assert.equal(
      orderingStatement(scores, pairs, { metric: 'macro F1 (validation set)' }),
      'On macro F1 (validation set): siamese > frozen ≈ trained. siamese > frozen by 1.1 points (95% CI 0.2 to ' +
        '2.0); siamese > trained by 4.0 points (95% CI 2.5 to 5.5); trained vs frozen: no clear difference ' +
        '(\u22122.9 points, 95% CI \u22124.5 to 0.1).',
    );
  });

  test('a pair given the other way round is used negated; a clear gap between the last two shows as >', () => {
    const pairs = [pair('frozen', 'siamese', -0.011, -0.03, 0.008), pair('frozen', 'trained', 0.029, 0.01, 0.05)];
    assert.match(orderingStatement(scores, pairs, { metric: 'F1' }), /^On F1: siamese ≈ frozen > trained\. /);
  });

  test('equal scores keep the given order; identical models are joined with =', () => {
    const s = orderingStatement({ a: 0.5, b: 0.5 }, [pair('a', 'b', 0, 0, 0)], { metric: 'accuracy' });
    assert.equal(s, 'On accuracy: a = b. a = b (a difference of 0 in every resample).');
  });

  test('a missing neighbour pair and bad scores are errors', () => {
    assert.throws(
      () => orderingStatement(scores, [pair('siamese', 'frozen', 0.01, 0.0, 0.02)], { metric: 'F1' }),
      /orderingStatement: 'pairs' must include a paired difference of 'frozen' and 'trained' \(neighbours in the order\); got siamese−frozen/,
    );
    assert.throws(() => orderingStatement({ a: 1 }, [], { metric: 'F1' }), /'scores' must hold at least two models/);
    assert.throws(
      () => orderingStatement({ a: 1, b: NaN }, [], { metric: 'F1' }),
      /orderingStatement: 'scores.b' must be a finite number; got NaN/,
    );
  });
});

describe('trainingSentence', () => {
  const epochs = (vals: number[]) =>
    vals.map((v, i) => ({ epoch: i + 1, loss: 1, valLoss: v, valAccuracy: 1 - v, seconds: 1 }));

  test('best at the last epoch: still improving', () => {
    assert.equal(
      trainingSentence('Siamese training', epochs([0.912, 0.8, 0.701])),
      'Siamese training: validation loss 0.912 → 0.701 over 3 epochs, best at epoch 3, the last one: it was still ' +
        'improving, so more epochs may help.',
    );
  });

  test('best earlier: the later epochs did not improve; accuracy is maximised', () => {
    assert.equal(
      trainingSentence('Frozen classifier', epochs([0.9, 0.7, 0.75, 0.8])),
      'Frozen classifier: validation loss 0.900 → 0.800 over 4 epochs, best at epoch 2 (0.700); the 2 later epochs ' +
        'did not improve on it.',
    );
    assert.match(
      trainingSentence('Trained classifier', epochs([0.9, 0.7, 0.75]), 'valAccuracy'),
      /validation accuracy 0\.100 → 0\.250 over 3 epochs, best at epoch 2 \(0\.300\); the last epoch did not improve on it\.$/,
    );
  });

  test('one epoch; missing values are an error', () => {
    assert.match(trainingSentence('x', epochs([0.5])), /one epoch says nothing about convergence/);
    assert.throws(
      () => trainingSentence('x', [{ epoch: 1, loss: 1, seconds: 1 }]),
      /trainingSentence: 'history' must hold a finite 'valLoss' in every epoch/,
    );
  });
});
