/**
 * `npm run scale-check`: the study's scale on this machine. Writes a 200,000-record file in the HuffPost schema
 * made from the shared real headlines and descriptions (lib/bench/synthetic-huffpost.ts; seeded; under
 * .cache/scale-check, not committed), then runs the WHOLE pipeline on it with the tiny golden ALBERT
 * (test/fixtures/tiny-albert) and the real ALBERT tokenizer: data, tokenization, every stage with at most
 * --max-steps-per-epoch steps per epoch, features of every row, evaluation, the projector export. Prints the wall
 * time and the peak RSS of each step (the kernel's VmHWM, reset at every step) and checks the targets: under
 * 15 minutes and under 6 GB.
 *
 * --recipe picks the training recipe (default auto, the pipeline's default: logistic-regression heads with C by
 * cross-validation on at most 30,000 training rows, a stratified subsample above that, and the final fit on every
 * row; study: the Adam heads, 2 epochs).
 *
 *   npm run scale-check                                   # 200,000 records
 *   npm run scale-check -- --records 20000 --max-steps-per-epoch 5 --backend wasm --recipe study
 * Needs SHARED_DIR (or ../shared): the headlines, descriptions and the ALBERT tokenizer.
 */
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configFromArgs } from '../lib/config/parse';
import { readTextPools, writeSyntheticHuffPost } from '../lib/bench/synthetic-huffpost';
import { readSafetensorsHeader } from '../lib/io/safetensors';
import { runPipeline } from '../lib/pipeline/run';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    'max-steps-per-epoch': { type: 'string', default: '20' },
    backend: { type: 'string', default: 'auto' },
    recipe: { type: 'string', default: 'auto' },
    out: { type: 'string', default: '.cache/scale-check' },
    seed: { type: 'string', default: '3' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(
    readFileSync(new URL(import.meta.url), 'utf8')
      .split('*/')[0]
      .replace(/^\/\*\*|^ \* ?/gm, ''),
  );
  process.exit(0);
}
const records = Number(values.records);
if (!(Number.isInteger(records) && records >= 1000))
  throw new Error(`scale-check: --records must be an integer >= 1000; got '${values.records}'.`);

const shared = resolve(process.env.SHARED_DIR ?? '../shared');
const huffpost = join(shared, 'data/huffpost');
const files = {
  headlines: join(huffpost, 'News_Category_Dataset_v2.first900-per-category.json'),
  descriptions: [
    join(huffpost, 'News_Category_Dataset_v2.prefix4782.json'),
    join(huffpost, 'News_Category_Dataset_v3.prefix10000.json'),
  ],
  tokenizer: join(shared, 'models/albert-base-v2-tokenizer'),
};
for (const f of [files.headlines, ...files.descriptions, files.tokenizer])
  if (!existsSync(f)) throw new Error(`scale-check: '${f}' does not exist; set SHARED_DIR to the shared folder.`);

// --- peak RSS per step: the kernel's high-water mark, reset when a step starts -----------------------------------
const hwmMb = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
const resetHwm = () => {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
};
const phases = new Map<string, { seconds: number; peakMb: number; t0: number }>();
const open: string[] = [];
const canReset = resetHwm();
/** Attribute the peak since the last reset to every open step, then reset. */
const settle = () => {
  const peak = hwmMb();
  for (const name of open) phases.get(name)!.peakMb = Math.max(phases.get(name)!.peakMb, peak);
  if (canReset) resetHwm();
};
const onPhase = (name: string, event: 'start' | 'end') => {
  settle();
  if (event === 'start') {
    phases.set(name, { seconds: 0, peakMb: 0, t0: performance.now() });
    open.push(name);
  } else {
    const p = phases.get(name)!;
    p.seconds = (performance.now() - p.t0) / 1000;
    open.splice(open.lastIndexOf(name), 1);
  }
};

const out = resolve(values.out!);
mkdirSync(out, { recursive: true });
const dataFile = join(out, `huffpost-synthetic-${records}-seed${values.seed}.jsonl`);
const started = performance.now();
const load0 = loadavg();
onPhase('generate', 'start');
if (!existsSync(dataFile)) {
  const sizes = await writeSyntheticHuffPost(`${dataFile}.tmp`, readTextPools([files.headlines], files.descriptions), {
    total: records,
    seed: values.seed!,
  });
  renameSync(`${dataFile}.tmp`, dataFile);
  const s = [...sizes.values()];
  console.error(`scale-check: wrote ${dataFile}: ${records} records, classes of ${s[s.length - 1]}..${s[0]} records`);
} else console.error(`scale-check: using ${dataFile}`);
onPhase('generate', 'end');

const run = join(out, 'run');
rmSync(run, { recursive: true, force: true });
const args = [
  ...['--data', dataFile, '--model', 'test/fixtures/tiny-albert', '--tokenizer', files.tokenizer],
  ...['--max-length', '64', '--seed', values.seed!, '--backend', values.backend!, '--out', run],
  ...['--recipe', values.recipe!, '--siamese-epochs', '1', '--trained-epochs', '1'],
  // The study's Adam heads train for epochs; auto's logistic heads have none.
  ...(values.recipe === 'study' ? ['--classifier-epochs', '2'] : []),
  ...['--max-steps-per-epoch', values['max-steps-per-epoch']!],
];
console.error(`scale-check: npm run pipeline -- ${args.join(' ')}`);
const log = (line: string) => console.error(`  ${line}`);
const report = await runPipeline(configFromArgs(args), { log, reporter: {}, onPhase });
settle();
const seconds = (performance.now() - started) / 1000;
const load1 = loadavg();

// --- what must hold: every row featurized and embedded, every classifier evaluated --------------------------------
const problems: string[] = [];
for (const name of ['frozen', 'trained', 'siamese'] as const)
  if (!report.results[name]) problems.push(`no results for the ${name} classifier`);
const vectors = readFileSync(join(run, 'embeddings', 'vectors.tsv'), 'utf8')
  .split('\n')
  .filter(Boolean).length;
if (vectors !== report.data.val) problems.push(`vectors.tsv has ${vectors} rows; validation has ${report.data.val}`);
const texts = report.data.train + report.data.val;
for (const f of readdirSync(join(run, 'features'))) {
  const rowsDone = (await readSafetensorsHeader(join(run, 'features', f))).tensors.get('features')?.shape[0];
  if (rowsDone !== texts) problems.push(`features file ${f} has ${rowsDone} rows; the dataset has ${texts} texts`);
}
if (readdirSync(join(run, 'features')).length !== 2) problems.push('expected two feature files (frozen, siamese)');
let peak = 0;
for (const p of phases.values()) peak = Math.max(peak, p.peakMb);
if (seconds > 15 * 60) problems.push(`took ${(seconds / 60).toFixed(1)} min; the target is 15`);
if (peak > 6 * 1024) problems.push(`peak RSS ${(peak / 1024).toFixed(2)} GB; the target is 6`);

const rows = [...phases.entries()].map(([name, p]) => ({
  step: name,
  seconds: +p.seconds.toFixed(1),
  peak_rss_mb: Math.round(p.peakMb),
}));
console.log(
  `\nscale check: ${report.data.records} records read, ${report.data.train} train / ${report.data.val} validation`,
);
console.log(
  `backend ${report.backend}; load average ${load0[0].toFixed(1)} -> ${load1[0].toFixed(1)} (${cpus().length} CPUs)\n`,
);
console.log('| step | seconds | peak RSS (MB) |\n|---|---|---|');
for (const r of rows) console.log(`| ${r.step} | ${r.seconds} | ${r.peak_rss_mb} |`);
console.log(`| **total** | **${seconds.toFixed(1)}** | **${Math.round(peak)}** |`);
const padding = Object.entries(report.padding ?? {}).map(([k, v]) => `${k} ${v.ratio.toFixed(3)}`);
console.log(`\npadded slots per real token: ${padding.join(', ')}`);
const summary = {
  date: new Date().toISOString(),
  command:
    `npm run scale-check -- --records ${records} --max-steps-per-epoch ${values['max-steps-per-epoch']} ` +
    `--recipe ${values.recipe}`,
  pipeline: args,
  records,
  data: report.data,
  backend: report.backend,
  load_average: { start: load0, end: load1 },
  cpus: cpus().length,
  seconds,
  peak_rss_mb: Math.round(peak),
  peak_rss_reset_per_step: canReset,
  steps: rows,
  padding: report.padding,
  results: Object.fromEntries(Object.entries(report.results).map(([k, v]) => [k, v?.accuracy])),
  problems,
};
writeFileSync(join(out, 'scale-check.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(
  `\n${problems.length ? `FAILED: ${problems.join('; ')}` : 'passed: under 15 minutes and 6 GB'} (${join(out, 'scale-check.json')})`,
);
process.exit(problems.length ? 1 : 0);
