/** Plain-text (markdown) tables of benchmark reports. */
import { formatEngines } from './engines';
import type { BenchReport, Skip } from './run';

const f = (x: number | undefined, digits = 1): string =>
  x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);

function skipLine(s: Skip): string {
  return `- ${s.model} ${s.workload}${s.case ? ` ${s.case.seqLength}x${s.case.batchSize}` : ''}: ${s.reason}`;
}

/** One markdown document for one or more reports (one per backend). */
export function formatReports(reports: BenchReport[]): string {
  const out: string[] = [];
  const r0 = reports[0];
  out.push(
    `Machine: ${r0.machine.cpus} x ${r0.machine.cpuModel}, ${r0.machine.memoryGb} GB, Node ${r0.machine.node}; load ` +
      `average at the end ${r0.machine.loadAverage1m.map((x) => x.toFixed(1)).join(' ')}.`,
  );
  for (const r of reports)
    out.push(
      `Backend ${r.backend.name} (${r.backend.provider}): matMul ${r.matMulPeak.shape} ${f(r.matMulPeak.gflops)} ` +
        `GFLOP/s (the peak below); run took ${f(r.totalSeconds, 0)} s.`,
    );
  out.push('', '### Encoder inference (texts/s, median; pooled output read back)', '');
  out.push(
    '| model | tokens x batch | backend | texts/s | GFLOP/s | % of matMul peak | peer texts/s | peer GFLOP/s | ' +
      'ours/peer | max abs diff vs peer |',
  );
  out.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of reports) {
    for (const m of r.models) {
      for (const c of m.inference) {
        out.push(
          `| ${m.name} | ${c.seqLength} x ${c.batchSize} | ${r.backend.name} | ${f(c.perSecond)} | ${f(c.gflops)} | ` +
            `${f((100 * c.gflops) / r.matMulPeak.gflops, 0)}% | ${f(c.peer?.perSecond)} | ${f(c.peer?.gflops)} | ` +
            `${f(c.ratio, 2)} | ` +
            `${Number.isFinite(c.peer?.maxAbsDiffPooled) ? c.peer!.maxAbsDiffPooled.toExponential(1) : '–'} |`,
        );
      }
    }
  }
  out.push('', '### Siamese training step (forward + backward + Adam, batch semi-hard loss; samples/s, median)', '');
  out.push(
    '| model | tokens x batch | backend | samples/s | ms/step | GFLOP/s | % of matMul peak | process peak RSS MB | ' +
      'wasm heap MB | tensors after 1st / last step | losses |',
  );
  out.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of reports) {
    for (const m of r.models) {
      for (const c of m.training) {
        out.push(
          `| ${m.name} | ${c.seqLength} x ${c.batchSize} | ${r.backend.name} | ${f(c.perSecond, 2)} | ` +
            `${f(c.medianMs, 0)} | ${f(c.gflops)} | ${f((100 * c.gflops) / r.matMulPeak.gflops, 0)}% | ` +
            `${f(c.memory.peakRssMb, 0)} | ${f(c.memory.wasmHeapMb, 0)} | ${c.tensorsAfterFirstStep} / ` +
            `${c.tensorsAfterLastStep} | ${c.losses.map((l) => l.toFixed(6)).join(', ')} |`,
        );
      }
    }
  }
  const engines = reports.flatMap((r) =>
    r.models.flatMap((m) =>
      m.inference.flatMap((c) => (c.engines ? [{ model: m.name, backend: r.backend.name, c: c.engines }] : [])),
    ),
  );
  if (engines.length) out.push(formatEngines(engines));
  const skips = reports.flatMap((r) => r.skipped.map((s) => ({ ...s, model: `${s.model} (${r.backend.name})` })));
  if (skips.length) out.push('', 'Skipped:', ...skips.map(skipLine));
  return out.join('\n');
}

/** Largest |difference| of the common prefix of two loss sequences (the same seed on two backends). */
export function lossAgreement(a: readonly number[], b: readonly number[]): { steps: number; maxAbsDiff: number } {
  const n = Math.min(a.length, b.length);
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return { steps: n, maxAbsDiff: m };
}
