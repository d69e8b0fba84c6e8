/**
 * Progress output of the trainer through a pluggable reporter: a terminal
 * reporter (one `\r`-updated line on a TTY, else a line every N steps), a
 * notebook reporter (plain lines), and a silent one.
 */
import type { EpochRecord } from './history';

/** Where training is after one optimizer step, as a reporter's `onStep` gets it. */
export interface StepProgress {
  /** 1-based epoch. */
  epoch: number;
  /** Epochs of the run. */
  epochs: number;
  /** 1-based step within the epoch. */
  step: number;
  /** Steps (batches) of this epoch. */
  steps: number;
  /** Optimizer steps done since the run began (resumed sessions included). */
  globalStep: number;
  /** Mean training loss of the epoch so far. */
  loss: number;
  /** Training rows per second of wall time in this epoch so far. */
  samplesPerSecond: number;
  /** Estimated seconds left in the epoch. */
  etaSeconds: number;
}

/** Receives the trainer's progress (Keras' callbacks, reduced to what is printed); every hook is optional. */
export interface ProgressReporter {
  /** After each optimizer step. */
  onStep?(p: StepProgress): void;
  /** After each epoch's validation and checkpoint; `improved` marks a new best, `checkpoint` its manifest. */
  onEpochEnd?(record: EpochRecord, info: { epochs: number; improved: boolean; checkpoint?: string }): void;
  /** A sentence about the run: resumed, reloaded, stopped early, leftover files removed. */
  onMessage?(text: string): void;
}

/** `1h02m`, `3m05s`, `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    r = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(r).padStart(2, '0')}s`;
  return `${r}s`;
}

/** `epoch 2/5 step 40/120 loss 0.8123 | 42.1 samples/s | ETA 1m55s` */
export function formatStep(p: StepProgress): string {
  return (
    `epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} | ` +
    `${p.samplesPerSecond.toFixed(1)} samples/s | ETA ${formatDuration(p.etaSeconds)}`
  );
}

/** `epoch 2/5 loss 0.8123 accuracy 0.5210 val_loss 0.7900 val_accuracy 0.5000 (63s) *best*` */
export function formatEpoch(r: EpochRecord, info: { epochs: number; improved: boolean }): string {
  const parts = [`epoch ${r.epoch}/${info.epochs}`, `loss ${r.loss.toFixed(4)}`];
  if (r.accuracy !== undefined) parts.push(`accuracy ${r.accuracy.toFixed(4)}`);
  if (r.valLoss !== undefined) parts.push(`val_loss ${r.valLoss.toFixed(4)}`);
  if (r.valAccuracy !== undefined) parts.push(`val_accuracy ${r.valAccuracy.toFixed(4)}`);
  return `${parts.join(' ')} (${formatDuration(r.seconds)})${info.improved ? ' *best*' : ''}`;
}

/** How often {@link notebookReporter} prints, and where. */
export interface LineReporterOptions {
  /** Print a step line every N steps. Default 20. */
  everySteps?: number;
  /** Print the epoch line of the first, the last and every N-th epoch (long runs of fast epochs). Default 1. */
  everyEpochs?: number;
  /** Where lines go. Default console.log. */
  write?: (line: string) => void;
}

/** Plain lines, suitable for notebooks and logs. */
export function notebookReporter(opts: LineReporterOptions = {}): ProgressReporter {
  const every = opts.everySteps ?? 20;
  const write = opts.write ?? ((line: string) => console.log(line));
  const everyEpochs = opts.everyEpochs ?? 1;
  return {
    // The last step of an epoch is left to the epoch line that follows it.
    onStep: (p) => {
      if (p.step % every === 0 && p.step < p.steps) write(formatStep(p));
    },
    onEpochEnd: (r, info) => {
      if (r.epoch === 1 || r.epoch === info.epochs || r.epoch % everyEpochs === 0) write(formatEpoch(r, info));
    },
    onMessage: write,
  };
}

/**
 * Options of {@link terminalReporter}: `everySteps` and `write` apply when the stream is not a TTY (a TTY shows
 * every step on one `\r`-updated line); `everyEpochs` applies to both.
 */
export interface TerminalReporterOptions extends LineReporterOptions {
  /** Where progress goes; default process.stderr. */
  stream?: NodeJS.WriteStream;
}

/** A `\r`-updated line on a TTY; otherwise plain lines every N steps (to `stream`, default stderr). */
export function terminalReporter(opts: TerminalReporterOptions = {}): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  if (!stream.isTTY)
    return notebookReporter({
      everySteps: opts.everySteps,
      everyEpochs: opts.everyEpochs,
      write: opts.write ?? ((l) => stream.write(`${l}\n`)),
    });
  const everyEpochs = opts.everyEpochs ?? 1;
  let open = false;
  const line = (text: string) => {
    stream.write(`${open ? '\n' : ''}${text}\n`);
    open = false;
  };
  return {
    onStep: (p) => {
      const cols = stream.columns ?? 120;
      stream.write(
        `\r${formatStep(p)
          .slice(0, cols - 1)
          .padEnd(Math.min(cols - 1, 100))}`,
      );
      open = true;
    },
    onEpochEnd: (r, info) => {
      if (open) stream.write('\r');
      open = false;
      if (r.epoch === 1 || r.epoch === info.epochs || r.epoch % everyEpochs === 0) line(formatEpoch(r, info));
    },
    onMessage: line,
  };
}

/** Reports nothing. */
export const silentReporter: ProgressReporter = {};
