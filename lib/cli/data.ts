/**
 * `npm run data -- [options]`: put the HuffPost News Category dataset in data/downloads.
 */
import { parseArgs } from 'node:util';
import { acquireDataset, KAGGLE_DATASET, KNOWN_VERSIONS } from '../data/acquire';

const HELP = `Usage: npm run data -- [--from FILE | --url URL | (default) Kaggle] [--sha256 HEX] [--out DIR]

Gets the HuffPost News Category dataset (Misra, CC BY 4.0) and checks it.
  (default)      download ${KAGGLE_DATASET} from Kaggle; needs KAGGLE_USERNAME and
                 KAGGLE_KEY (or ~/.kaggle/kaggle.json): kaggle.com → Settings → API
  --url URL      download from any mirror (a .json/.jsonl file or a .zip holding one)
  --from FILE    copy a local file or .zip instead of downloading
  --sha256 HEX   expected SHA-256 of the dataset file; the run fails on a mismatch
  --out DIR      destination folder (default data/downloads)
Files named ${Object.values(KNOWN_VERSIONS)
  .map((v) => v.file)
  .join(' / ')} are also checked against
their published record counts (${Object.values(KNOWN_VERSIONS)
  .map((v) => v.records)
  .join(' / ')}).
Then train with: npm run pipeline -- --data data/downloads/${KNOWN_VERSIONS.v2.file}`;

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    url: { type: 'string' },
    sha256: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(HELP);
} else {
  acquireDataset({ from: values.from, url: values.url, sha256: values.sha256, outDir: values.out }).catch(
    (e: Error) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
