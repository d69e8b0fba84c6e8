/**
 * 95% percentile bootstrap intervals (lib/metrics/bootstrap, 1000 resamples, seed 3) of accuracy and macro F1
 * for prediction files written by recipe.ts, and paired differences between them (same validation rows).
 *   npx tsx scripts/experiments/intervals.ts runs/exp-50/preds-A.json runs/exp-50/preds-B.json ...
 * Prints one line per file, then one per ordered pair (first file minus each other file).
 */
import { readFileSync } from 'node:fs';
import { bootstrapInterval, pairedBootstrapDifference, type BootstrapInterval } from '../../lib/metrics/bootstrap';

const files = process.argv.slice(2);
const preds = files.map(
  (f) => JSON.parse(readFileSync(f, 'utf8')) as { valRows: number[]; yTrue: number[]; yPred: number[] },
);
for (const p of preds.slice(1))
  if (JSON.stringify(p.valRows) !== JSON.stringify(preds[0].valRows))
    throw new Error('intervals: the prediction files must cover the same validation rows.');
const opts = { seed: 3, nResamples: 1000 };
const show = (i: BootstrapInterval) => `${i.estimate.toFixed(4)} [${i.low.toFixed(4)}, ${i.high.toFixed(4)}]`;
const name = (f: string) =>
  f
    .split('/')
    .pop()!
    .replace(/^preds-|\.json$/g, '');
preds.forEach((p, i) =>
  console.log(
    `${name(files[i])}: accuracy ${show(bootstrapInterval(p.yTrue, p.yPred, 'accuracy', opts))}, macro F1 ` +
      show(bootstrapInterval(p.yTrue, p.yPred, 'f1_macro', opts)),
  ),
);
for (let j = 1; j < preds.length; j++) {
  const [a, b] = [preds[0], preds[j]];
  console.log(
    `${name(files[0])} − ${name(files[j])}: accuracy ` +
      show(pairedBootstrapDifference(a.yTrue, a.yPred, b.yPred, 'accuracy', opts)) +
      ', macro F1 ' +
      show(pairedBootstrapDifference(a.yTrue, a.yPred, b.yPred, 'f1_macro', opts)),
  );
}
