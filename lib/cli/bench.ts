/**
 * `npm run bench -- [options]`: encoder inference and siamese training throughput on TF.js backends,
 * against transformers.js (ONNX Runtime) on the same model. See docs/performance.md.
 */
import { spawn } from 'node:child_process';
import { parseArgsOrExit } from './args';
import { BACKEND_CHOICES, describeBackend, initBackend, type BackendChoice } from '../backend/index';
import { formatReports, lossAgreement } from '../bench/format';
import { encodeHeadlines, formatHeadlines } from '../bench/headlines';
import { formatHeadlinesTraining, trainOnHeadlines } from '../bench/headlines-train';
import { defaultModels, FULL_SETTINGS, QUICK_SETTINGS, runBench, type BenchReport } from '../bench/run';

const HELP = `Usage: npm run bench -- [--quick] [--json] [--backend LIST] [--models LIST] [--no-peer] [--no-train]
                              [--no-onnx]
       npm run bench -- --headlines [N] [--backend NAME] [--json]
       npm run bench -- --headlines-train [STEPS] [--backend NAME] [--json]

Measures, on the TF.js backend(s), for ALBERT-base (random weights) and the tiny golden models:
encoder inference texts/s and siamese training samples/s (forward + backward + Adam, batch
semi-hard loss) at 32 and 128 tokens x batch 32 and 64 (medians after a warm-up), peak memory,
effective GFLOP/s against a [2048, 2048] matMul on the same backend; and the peers on the same inputs
and weights: transformers.js (ONNX Runtime) where an ONNX export exists (scripts/export-onnx.py writes
.cache/onnx/<model>), and the Python peer (PyTorch training and inference, ONNX Runtime inference,
interleaved with ours; 'npm run setup:peer' installs it). A missing peer is skipped, with the reason.
  --quick          32 tokens x batch 32 only, fewer repeats (under 2 minutes on the native backend)
  --json           print one JSON document on stdout (progress goes to stderr)
  --backend LIST   comma-separated: ${BACKEND_CHOICES.join(', ')} (default auto = the fastest that loads);
                   several backends run one after the other, each in its own process, and their
                   training losses (same seed) are compared
  --models LIST    comma-separated subset of: ${defaultModels()
    .map((m) => m.name)
    .join(', ')}
  --no-peer        skip both peers;  --no-train  skip training
  --no-onnx        skip ONNX Runtime on our own TypeScript export (by default timed against TF.js,
                   interleaved, on every inference case)
  --headlines [N]  instead: embed N (default all 36,900) HuffPost headlines with the ALBERT-base
                   export (length-bucketed batches of 64) on the backend and with ONNX Runtime;
                   reads SHARED_DIR (default ../shared)
  --headlines-train [STEPS]
                   instead: siamese training steps (ALBERT-base, random weights) on the shared
                   headlines (160 per category, the pipeline's P×K 16×4 batches, seed 3) with
                   and without length bucketing, interleaved: samples/s of each and their ratio;
                   STEPS (default 8) evenly spaced batches of the epoch per variant, 3 rounds`;

const { values, positionals } = parseArgsOrExit(
  {
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'auto' },
      models: { type: 'string' },
      'no-peer': { type: 'boolean', default: false },
      'no-train': { type: 'boolean', default: false },
      'no-onnx': { type: 'boolean', default: false },
      headlines: { type: 'boolean', default: false },
      'headlines-train': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  },
  'npm run bench',
  HELP,
);

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

function parseBackends(list: string): BackendChoice[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(BACKEND_CHOICES as readonly string[]).includes(n))
      throw new Error(`bench: '--backend' must list names from ${BACKEND_CHOICES.join(', ')}; got '${n}'.`);
  }
  if (names.length === 0) throw new Error(`bench: '--backend' must name at least one backend; got '${list}'.`);
  return names as BackendChoice[];
}

/** Run one backend in this process. */
async function runOne(backend: BackendChoice, peer: boolean): Promise<BenchReport> {
  const info = await initBackend(backend);
  log(`bench: ${describeBackend(info)}`);
  const settings = { ...(values.quick ? QUICK_SETTINGS : FULL_SETTINGS) };
  settings.peer = peer && !values['no-peer'];
  settings.train = !values['no-train'];
  settings.onnxEngine = !values['no-onnx'];
  let models = defaultModels();
  if (values.models) {
    const wanted = values.models.split(',').map((s) => s.trim());
    const unknown = wanted.filter((w) => !models.some((m) => m.name === w));
    if (unknown.length)
      throw new Error(
        `bench: '--models' must list names from ${models.map((m) => m.name).join(', ')}; got '${unknown.join(', ')}'.`,
      );
    models = models.filter((m) => wanted.includes(m.name));
  }
  return runBench(info, settings, models, log);
}

/** Run one backend in a child process (clean memory figures; backends do not share a process). */
function runChild(backend: BackendChoice, peer: boolean): Promise<BenchReport> {
  const args = [...process.execArgv, process.argv[1], '--json', '--backend', backend];
  if (values.quick) args.push('--quick');
  if (values.models) args.push('--models', values.models);
  if (!peer || values['no-peer']) args.push('--no-peer');
  if (values['no-train']) args.push('--no-train');
  if (values['no-onnx']) args.push('--no-onnx');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`bench: the ${backend} run exited with code ${code}.`));
      try {
        resolve((JSON.parse(out) as { reports: BenchReport[] }).reports[0]);
      } catch (e) {
        reject(new Error(`bench: the ${backend} run printed no JSON report: ${(e as Error).message}.`));
      }
    });
  });
}

/** Copy the first report's peer figures into the others (the peer runs once) and compute their ratios. */
function sharePeer(reports: BenchReport[]): void {
  for (const r of reports.slice(1)) {
    for (const m of r.models) {
      const m0 = reports[0].models.find((x) => x.name === m.name);
      for (const c of m.inference) {
        const p = m0?.inference.find((x) => x.seqLength === c.seqLength && x.batchSize === c.batchSize)?.peer;
        if (p) {
          c.peer = { ...p, maxAbsDiffPooled: Number.NaN };
          c.ratio = c.perSecond / p.perSecond;
        }
      }
      if (m0?.peerProvider) m.peerProvider = m0.peerProvider;
    }
  }
}

function agreements(
  reports: BenchReport[],
): Array<{ model: string; case: string; backends: string; steps: number; maxAbsDiff: number }> {
  const out = [];
  for (const r of reports.slice(1)) {
    for (const m of r.models) {
      for (const c of m.training) {
        const c0 = reports[0].models
          .find((x) => x.name === m.name)
          ?.training.find((x) => x.seqLength === c.seqLength && x.batchSize === c.batchSize);
        if (c0)
          out.push({
            model: m.name,
            case: `${c.seqLength}x${c.batchSize}`,
            backends: `${reports[0].backend.name} vs ${r.backend.name}`,
            ...lossAgreement(c0.losses, c.losses),
          });
      }
    }
  }
  return out;
}

async function main(): Promise<void> {
  if (values.help) {
    console.log(HELP);
    return;
  }
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
  if (values['headlines-train']) {
    const steps = positionals[0] === undefined ? undefined : Number(positionals[0]);
    if (steps !== undefined && !(Number.isInteger(steps) && steps > 0))
      throw new Error(`bench: '--headlines-train' takes a positive integer step count; got '${positionals[0]}'.`);
    const [backend] = parseBackends(values.backend);
    const info = await initBackend(backend);
    const report = await trainOnHeadlines({ steps, backend: info, log });
    console.log(
      values.json ? JSON.stringify({ command, headlinesTraining: report }, null, 2) : formatHeadlinesTraining(report),
    );
    return;
  }
  if (values.headlines) {
    const limit = positionals[0] === undefined ? undefined : Number(positionals[0]);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
      throw new Error(`bench: '--headlines' takes a positive integer count; got '${positionals[0]}'.`);
    const [backend] = parseBackends(values.backend);
    const info = await initBackend(backend);
    const report = await encodeHeadlines({ limit, backend: info, log });
    console.log(values.json ? JSON.stringify({ command, headlines: report }, null, 2) : formatHeadlines(report));
    return;
  }
  const backends = parseBackends(values.backend);
  const reports: BenchReport[] = [];
  if (backends.length === 1) reports.push(await runOne(backends[0], true));
  else for (const [i, b] of backends.entries()) reports.push(await runChild(b, i === 0));
  sharePeer(reports);
  const lossChecks = agreements(reports);
  if (values.json) {
    console.log(JSON.stringify({ command, reports, lossAgreement: lossChecks }, null, 2));
    return;
  }
  console.log(`# ${command}\n\n${formatReports(reports)}`);
  if (lossChecks.length) {
    console.log('\nTraining losses, same seed, across backends (common steps):');
    for (const a of lossChecks)
      console.log(
        `- ${a.model} ${a.case} ${a.backends}: ${a.steps} steps, max |difference| ${a.maxAbsDiff.toExponential(2)}`,
      );
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
