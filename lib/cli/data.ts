/**
 * `npm run data -- [options]`: put the HuffPost News Category dataset in data/downloads.
 */
import { exitWithUsage, parseArgsOrExit } from './args';
import { acquireDataset, KAGGLE_DATASET, KNOWN_VERSIONS, MAX_DATASET_BYTES } from '../data/acquire';

const HELP = `Usage: npm run data -- [--from FILE | --url URL | (default) Kaggle] [--sha256 HEX] [--out DIR]

Gets the HuffPost News Category dataset (Misra, CC BY 4.0) and checks it.
  (default)      download ${KAGGLE_DATASET} from Kaggle; needs KAGGLE_USERNAME and
                 KAGGLE_KEY (or ~/.kaggle/kaggle.json): kaggle.com → Settings → API
  --url URL      download from any mirror (a .json/.jsonl file or a .zip holding one);
                 plain http without --sha256 is warned about
  --from FILE    copy a local file or .zip instead of downloading
  --sha256 HEX   expected SHA-256 (64 hex digits) of the dataset file or of the .zip holding it;
                 the run fails on a mismatch
  --out DIR      destination folder (default data/downloads)
The file must be HuffPost JSON lines (records with 'category' and 'headline'); a .zip must hold
exactly one .json/.jsonl file; nothing above ${MAX_DATASET_BYTES / 2 ** 20} MB is downloaded or unpacked.
Files named ${Object.values(KNOWN_VERSIONS)
  .map((v) => v.file)
  .join(' / ')} are also checked against
their published record counts (${Object.values(KNOWN_VERSIONS)
  .map((v) => v.records)
  .join(' / ')}).
Then train with: npm run pipeline -- --data data/downloads/${KNOWN_VERSIONS.v2.file}`;

const usage = (problem: string): never => exitWithUsage('npm run data', problem, HELP);
const { values } = parseArgsOrExit(
  {
    options: {
      from: { type: 'string' },
      url: { type: 'string' },
      sha256: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  },
  'npm run data',
  HELP,
);
if (values.help) {
  console.log(HELP);
} else {
  if (values.from !== undefined && values.url !== undefined) usage('pass either --from or --url, not both.');
  if (values.sha256 !== undefined && !/^[0-9a-f]{64}$/i.test(values.sha256))
    usage(`--sha256 must be 64 hexadecimal digits; got '${values.sha256}'.`);
  acquireDataset({ from: values.from, url: values.url, sha256: values.sha256, outDir: values.out }).catch(
    (e: Error) => {
      console.error(`npm run data: ${e.message}`);
      process.exit(1);
    },
  );
}
