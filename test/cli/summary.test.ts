/** What `npm run pipeline` prints on stdout at the end (task U, item 5): a few lines, not the report's JSON. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSummary, seedsSummary } from '../../lib/cli/summary';
import type { Report } from '../../lib/pipeline/report';
import type { SeedsReport } from '../../lib/pipeline/seeds';

const scores = (accuracy: number, f1: number, samples: number) => ({ accuracy, f1_macro: f1, samples });

test('a run: one line per evaluated classifier in the study order, test scores beside validation, the path', () => {
  const report = {
    results: {
      siamese: { ...scores(0.415, 0.4012, 410), test: scores(0.4, 0.39, 205) },
      frozen: { ...scores(0.38293, 0.35, 410), test: scores(0.37, 0.36, 205) },
    },
  } as unknown as Report;
  assert.deepEqual(runSummary(report, 'runs/x/report.json'), [
    'frozen: validation accuracy 0.3829, macro F1 0.3500 (410 texts); test accuracy 0.3700, macro F1 0.3600 (205 texts)',
    'siamese: validation accuracy 0.4150, macro F1 0.4012 (410 texts); test accuracy 0.4000, macro F1 0.3900 (205 texts)',
    'report: runs/x/report.json',
  ]);
});

test('a run without scores says the evaluate stage has not run', () => {
  assert.deepEqual(runSummary({ results: {} } as unknown as Report, 'r.json'), [
    'no scores yet: the evaluate stage has not run in this folder (--stages evaluate)',
    'report: r.json',
  ]);
});

test('seeds: mean ± sample standard deviation per classifier', () => {
  const ms = (mean: number, std: number) => ({ mean, std, values: [] });
  const report = {
    seeds: [3, 4],
    summary: { results: { trained: { accuracy: ms(0.5, 0.01), f1_macro: ms(0.45, 0.02) } }, paired: {} },
  } as unknown as SeedsReport;
  assert.deepEqual(seedsSummary(report, 'o/report.json'), [
    'trained: validation accuracy 0.5000 ± 0.0100, macro F1 0.4500 ± 0.0200 (2 seeds)',
    'report: o/report.json',
  ]);
});
