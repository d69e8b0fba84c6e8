/**
 * Copy a finished run's report.json into the repository as notebook 03's reference run, with every machine path
 * reduced to its last component (lib/notebook/reference.ts publishableReport).
 *
 *   npx tsx scripts/reference-report.ts <run folder>/report.json notebooks/reference/study-recipe-50.json
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadReferenceRun, publishableReport } from '../lib/notebook/reference';
import type { Report } from '../lib/pipeline/report';

const [from, to] = process.argv.slice(2);
if (!from || !to) {
  console.error('usage: npx tsx scripts/reference-report.ts <run>/report.json notebooks/reference/<name>.json');
  process.exit(2);
}
const report = JSON.parse(readFileSync(from, 'utf8')) as Report;
mkdirSync(dirname(to), { recursive: true });
writeFileSync(to, `${JSON.stringify(publishableReport(report), null, 2)}\n`);
console.log(`${to}: ${loadReferenceRun(to).label}`);
