/**
 * Step 1 of the bootstrap golden (test/fixtures/bootstrap.json): synthetic validation labels, two classifiers'
 * predictions and OUR seeded resamples (lib/metrics/bootstrap.ts). Step 2, scripts/goldens/bootstrap.py, reads
 * this file and adds numpy's percentiles computed on the same resamples.
 *   npx tsx scripts/goldens/bootstrap_resamples.ts > test/fixtures/bootstrap.json
 *   /tmp/sk/bin/python scripts/goldens/bootstrap.py test/fixtures/bootstrap.json
 */
import { makeRandom, randomInt } from '../../lib/data/rng';
import { bootstrapResamples } from '../../lib/metrics/bootstrap';

const N = 150,
  CLASSES = 5,
  SEED = 7,
  RESAMPLES = 400;
const random = makeRandom('bootstrap-golden');
const yTrue = Array.from({ length: N }, () => randomInt(random, CLASSES));
// A is right ~70% of the time, B ~60%, and they share most of their mistakes (a paired design's case).
const yPredA = yTrue.map((y) => (random() < 0.7 ? y : randomInt(random, CLASSES)));
const yPredB = yPredA.map((p, i) => (random() < 0.12 ? (yTrue[i] + 1) % CLASSES : p));
const resamples = bootstrapResamples(N, { seed: SEED, nResamples: RESAMPLES }).map((r) => Array.from(r));
process.stdout.write(
  JSON.stringify({
    generator: 'scripts/goldens/bootstrap_resamples.ts then scripts/goldens/bootstrap.py',
    seed: SEED,
    n_resamples: RESAMPLES,
    y_true: yTrue,
    y_pred_a: yPredA,
    y_pred_b: yPredB,
    resamples,
  }) + '\n',
);
