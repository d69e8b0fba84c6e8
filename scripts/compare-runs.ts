/**
 * Compare two finished run folders on the same validation rows, classifier by classifier, with paired 95%
 * bootstrap intervals of the differences (lib/pipeline/compare-runs.ts):
 *
 *   npx tsx scripts/compare-runs.ts runs/auto-200 runs/study-200 --labels auto,study
 *   npx tsx scripts/compare-runs.ts A B --json          # the comparison as JSON
 * Options: --labels A,B (column names; default A,B), --seed N (default 3), --resamples N (default 1000), --json.
 */
import { compareRuns, formatRunComparison } from '../lib/pipeline/compare-runs';
import { parseArgsOrExit } from '../lib/cli/args';

const HELP = `Usage: npx tsx scripts/compare-runs.ts <run A> <run B> [--labels A,B] [--seed N] [--resamples N] [--json]`;
const { values, positionals } = parseArgsOrExit(
  {
    allowPositionals: true,
    options: {
      labels: { type: 'string', default: 'A,B' },
      seed: { type: 'string', default: '3' },
      resamples: { type: 'string', default: '1000' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  },
  'compare-runs',
  HELP,
);
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
if (positionals.length !== 2) {
  console.error(`compare-runs: give two run folders; got ${positionals.length}.\n${HELP}`);
  process.exit(2);
}
const labels = values.labels.split(',');
if (labels.length !== 2) {
  console.error(`compare-runs: --labels must be two names separated by a comma; got '${values.labels}'.`);
  process.exit(2);
}
const int = (name: string, v: string): number => {
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= 0)) {
    console.error(`compare-runs: --${name} must be a non-negative integer; got '${v}'.`);
    process.exit(2);
  }
  return n;
};
compareRuns(positionals[0], positionals[1], {
  seed: int('seed', values.seed),
  nResamples: int('resamples', values.resamples),
})
  .then((c) =>
    console.log(values.json ? JSON.stringify(c, null, 2) : formatRunComparison(c, labels as [string, string])),
  )
  .catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
