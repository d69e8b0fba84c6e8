/**
 * A pipeline run's frozen features, for scikit-learn's peer fit (scripts/experiments/sklearn_heads.py): reads them
 * from the run's feature cache (the same encoder, texts and settings give the same cache file; computed if absent)
 * and writes `<out>/frozen-features.f32` + `.json` (rows, cols, labels, train and validation rows) in the format
 * scripts/experiments/recipe.ts dumps.
 *
 *   npx tsx scripts/experiments/run-features.ts [the run's pipeline options, with its --out]
 *   python scripts/experiments/sklearn_heads.py <out>/frozen-features 1
 */
import { join } from 'node:path';
import { initBackend } from '../../lib/backend/index';
import { loadEncoder } from '../../lib/model/load';
import { configFromArgs } from '../../lib/pipeline/config';
import { prepareData, prepareTokenizer } from '../../lib/pipeline/prepare';
import { datasetFeatures } from '../../lib/pipeline/stages';
import { dumpFeatures } from './features-io';

async function main(argv: string[]): Promise<void> {
  const cfg = configFromArgs(argv);
  await initBackend(cfg.backend);
  const data = prepareData(cfg);
  const tokenizer = await prepareTokenizer(cfg);
  const encoder = await loadEncoder(cfg.model, { pooling: cfg.pooling, trainable: false });
  const f = await datasetFeatures({ cfg, data, tokenizer, log: (l) => console.error(l) }, encoder, 'frozen');
  encoder.dispose();
  const base = join(cfg.out, 'frozen-features');
  dumpFeatures(base, f, data);
  console.error(`wrote ${base}.f32 and .json (${f.rows} × ${f.cols})`);
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exit(1);
});
