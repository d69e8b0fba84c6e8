/** Learning-rate schedules against transformers' schedulers (test/fixtures/lr_schedules.json). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  constantSchedule,
  linearScheduleWithWarmup,
  makeSchedule,
  warmupStepsFor,
  type ScheduleName,
} from '../../lib/train/schedule';

interface Case {
  name: string;
  schedule: ScheduleName;
  learning_rate: number;
  warmup_steps: number;
  total_steps: number;
  rates: number[];
}
const golden = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'lr_schedules.json'), 'utf8')) as {
  cases: Case[];
  warmup_ratio: { total_steps: number; ratio: number; warmup_steps: number }[];
};
// PyTorch's LambdaLR computes base_lr * factor in float64, as we do; the only difference is the order of the
// operations in the factor, so 1e-15 relative is ample.
const REL = 1e-12;

describe('learning-rate schedules vs transformers.get_scheduler', () => {
  for (const c of golden.cases) {
    test(`${c.name}: the rate of every update (0..${c.rates.length - 1}) within ${REL} relative`, () => {
      const s = makeSchedule(c.schedule, c.learning_rate, { warmupSteps: c.warmup_steps, totalSteps: c.total_steps });
      c.rates.forEach((want, step) => {
        const got = s(step);
        assert.ok(Math.abs(got - want) <= REL * Math.abs(want) + 1e-300, `step ${step}: got ${got}, want ${want}`);
      });
    });
  }

  test('warmupStepsFor = ceil(total × ratio), as TrainingArguments.get_warmup_steps', () => {
    for (const w of golden.warmup_ratio) assert.equal(warmupStepsFor(w.total_steps, w.ratio), w.warmup_steps);
  });

  test('shapes: warmup starts at 0 and peaks at warmupSteps; linear ends at 0; constant stays', () => {
    const lin = linearScheduleWithWarmup(1e-3, { warmupSteps: 4, totalSteps: 12 });
    assert.equal(lin(0), 0);
    assert.equal(lin(4), 1e-3);
    assert.equal(lin(12), 0);
    assert.equal(lin(50), 0);
    assert.ok(lin(8) > lin(9));
    assert.equal(constantSchedule(3e-5)(0), 3e-5);
    assert.equal(constantSchedule(3e-5, { warmupSteps: 2 })(1), 1.5e-5);
  });

  test('errors name the bad parameter and the allowed values', () => {
    assert.throws(
      () => linearScheduleWithWarmup(0, { totalSteps: 10 }),
      /'learningRate' must be a positive number; got 0/,
    );
    assert.throws(
      () => linearScheduleWithWarmup(1e-3, { warmupSteps: 11, totalSteps: 10 }),
      /'warmupSteps' must be at most 'totalSteps' \(10\); got 11/,
    );
    assert.throws(() => makeSchedule('linear', 1e-3), /needs 'totalSteps'/);
    assert.throws(() => makeSchedule('cosine' as ScheduleName, 1e-3), /must be one of linear, constant/);
    assert.throws(() => makeSchedule('constant', 1e-3, { warmupSteps: 3 }), /Use 'constant_with_warmup'/);
    assert.throws(() => constantSchedule(1e-3)(-1), /'step' must be a non-negative integer; got -1/);
    assert.throws(() => warmupStepsFor(10, 1.5), /'ratio' must be in \[0, 1\]; got 1.5/);
  });
});
