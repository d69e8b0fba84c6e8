/**
 * The training loop, generic over a model exposing `trainableVariables()` and
 * `lossFn(batch, training)`: epochs of sampler batches, Adam, validation each
 * epoch, history, best checkpoint by validation loss (training loss without a
 * validation set), resume from that checkpoint, early stopping, and a clear
 * error on a non-finite loss.
 *
 * Memory: every batch, loss and gradient is disposed inside the step; only the
 * model's and Adam's variables persist, so `tf.memory().numTensors` is the same
 * after every epoch.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../io/safetensors';
import { makeAdam } from './optimizer';
import { readManifest, restoreOptimizer, restoreWeights, saveCheckpoint, type CheckpointManifest } from './checkpoint';
import { recordFromJson, recordToJson, type EpochRecord } from './history';
import { silentReporter, type ProgressReporter } from './progress';
import type { BatchSampler } from './sampler';
import type { StepOutputs, TrainableModel } from './types';

export const RESULT_FILE = 'result.json';

/** A loss that is NaN or ±Inf. Training stops; the last good checkpoint is kept. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly phase: 'train' | 'validation',
    readonly epoch: number,
    readonly globalStep: number,
    readonly value: number,
    checkpoint?: string,
  ) {
    super(
      `train: the ${phase} loss is ${value} at epoch ${epoch}, step ${globalStep}; training stopped. ` +
        (checkpoint ? `The last good checkpoint is kept in '${checkpoint}'.` : 'No checkpoint was written yet.') +
        ' Try a lower learning rate.',
    );
    this.name = 'NonFiniteLossError';
  }
}

export interface StepInfo {
  epoch: number;
  step: number;
  globalStep: number;
  loss: number;
}

export interface TrainOptions<B extends { size: number }> {
  model: TrainableModel<B>;
  /** Training batches (row indices) of each epoch. */
  sampler: BatchSampler;
  /** Turn row indices into a device batch (the trainer disposes it with `disposeBatch`). */
  loadBatch: (indices: Int32Array, phase: 'train' | 'validation') => B;
  disposeBatch: (batch: B) => void;
  /** Fixed validation batches (row indices into the validation data; `loadBatch` gets phase 'validation'). */
  validationBatches?: Int32Array[];
  epochs: number;
  /** Adam learning rate (see TRAINING_DEFAULTS for the study's). */
  learningRate: number;
  /** Checkpoint folder: the best checkpoint is written here, and a run restarts from it. No checkpoints when absent. */
  outDir?: string;
  /** Resume from `outDir`'s checkpoint when there is one (default true). */
  resume?: boolean;
  /** Stop after this many epochs without improvement of the monitored loss. */
  patience?: number;
  /** Improvement smaller than this does not count (default 0). */
  minDelta?: number;
  /** Stop (without error, no result file, resumable) once this many optimizer steps are done in total. */
  maxSteps?: number;
  /** Load the best checkpoint's weights into the model at the end (default true; needs `outDir`). */
  restoreBest?: boolean;
  /** Settings stored in the checkpoint; resuming with different settings is refused. */
  config?: Record<string, unknown>;
  reporter?: ProgressReporter;
  /** Called after every step; throwing aborts the run (the checkpoint stays). */
  onStep?: (info: StepInfo) => void | Promise<void>;
  /** Called after every epoch, after the checkpoint. */
  onEpochEnd?: (record: EpochRecord) => void | Promise<void>;
}

export type StopReason = 'completed' | 'early-stopping' | 'max-steps';

export interface TrainResult {
  history: EpochRecord[];
  monitor: 'val_loss' | 'loss';
  bestEpoch: number;
  bestValue: number;
  stopReason: StopReason;
  globalStep: number;
  /** Where the run started from, when it resumed a checkpoint. */
  resumedFrom?: { epoch: number; step: number };
  /** The best checkpoint's manifest path (with `outDir`). */
  checkpoint?: string;
}

function checkOptions<B extends { size: number }>(o: TrainOptions<B>): void {
  if (!(Number.isInteger(o.epochs) && o.epochs > 0))
    throw new Error(`train: 'epochs' must be a positive integer; got ${o.epochs}.`);
  if (o.patience !== undefined && !(Number.isInteger(o.patience) && o.patience > 0))
    throw new Error(`train: 'patience' must be a positive integer; got ${o.patience}.`);
  if (o.maxSteps !== undefined && !(Number.isInteger(o.maxSteps) && o.maxSteps >= 0))
    throw new Error(`train: 'maxSteps' must be a non-negative integer; got ${o.maxSteps}.`);
  if (o.validationBatches && o.validationBatches.length === 0)
    throw new Error("train: 'validationBatches' must hold at least one batch when given; got none.");
}

function configMismatch(saved: Record<string, unknown>, now: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(saved), ...Object.keys(now)]);
  return [...keys]
    .filter((k) => JSON.stringify(saved[k]) !== JSON.stringify(now[k]))
    .map((k) => `${k}: checkpoint ${JSON.stringify(saved[k])}, now ${JSON.stringify(now[k])}`);
}

interface Totals {
  loss: number;
  correct: number;
  rows: number;
  hasAccuracy: boolean;
}

/** Loss (and accuracy) of the model over batches, without gradients. */
async function evaluate<B extends { size: number }>(o: TrainOptions<B>, batches: Int32Array[]): Promise<Totals> {
  const t: Totals = { loss: 0, correct: 0, rows: 0, hasAccuracy: false };
  for (const idx of batches) {
    const batch = o.loadBatch(idx, 'validation');
    try {
      const outputs: StepOutputs = {};
      const loss = o.model.lossFn(batch, false, outputs);
      t.loss += (await loss.data())[0] * batch.size;
      loss.dispose();
      if (outputs.correct) {
        t.correct += (await outputs.correct.data())[0];
        t.hasAccuracy = true;
        outputs.correct.dispose();
      }
      t.rows += batch.size;
    } finally {
      o.disposeBatch(batch);
    }
  }
  return t;
}

/** Train `model`; see {@link TrainOptions}. Resumes from `outDir` when it holds a checkpoint. */
export async function train<B extends { size: number }>(o: TrainOptions<B>): Promise<TrainResult> {
  checkOptions(o);
  const reporter = o.reporter ?? silentReporter;
  const config = o.config ?? {};
  const monitor: 'val_loss' | 'loss' = o.validationBatches ? 'val_loss' : 'loss';
  const vars = o.model.trainableVariables();
  if (vars.length === 0) throw new Error('train: the model has no trainable variables (is everything frozen?).');
  const optimizer = makeAdam(o.learningRate);

  let history: EpochRecord[] = [];
  let globalStep = 0;
  let startEpoch = 0;
  let best = { value: Infinity, epoch: 0 };
  let checkpointPath: string | undefined;
  let resumedFrom: TrainResult['resumedFrom'];

  try {
    const manifest: CheckpointManifest | undefined =
      o.outDir && (o.resume ?? true) ? await readManifest(o.outDir) : undefined;
    if (manifest && o.outDir) {
      const diff = configMismatch(manifest.config, config);
      if (diff.length > 0)
        throw new Error(
          `train: the checkpoint in '${o.outDir}' was made with other settings (${diff.join('; ')}). Use another ` +
            `output folder or resume: false.`,
        );
      await restoreWeights(o.outDir, manifest, o.model.checkpointWeights());
      await restoreOptimizer(o.outDir, manifest, optimizer, o.model.checkpointWeights(), vars);
      history = manifest.history.map(recordFromJson);
      globalStep = manifest.step;
      startEpoch = manifest.sampler.next_epoch;
      best = { value: manifest.best.value, epoch: manifest.best.epoch };
      checkpointPath = join(o.outDir, 'checkpoint.json');
      resumedFrom = { epoch: startEpoch, step: globalStep };
      const done = join(o.outDir, RESULT_FILE);
      if (existsSync(done)) {
        const saved = JSON.parse(await readFile(done, 'utf8')) as { stop_reason: StopReason };
        reporter.onMessage?.(
          `train: '${o.outDir}' holds a finished run (${saved.stop_reason}); loaded its best checkpoint (epoch ` +
            `${best.epoch}).`,
        );
        return {
          history,
          monitor,
          bestEpoch: best.epoch,
          bestValue: best.value,
          stopReason: saved.stop_reason,
          globalStep,
          resumedFrom,
          checkpoint: checkpointPath,
        };
      }
      reporter.onMessage?.(
        `train: resuming from '${o.outDir}' at epoch ${startEpoch + 1} (step ${globalStep}, best ${monitor} ` +
          `${best.value.toFixed(4)} at epoch ${best.epoch}).`,
      );
    }

    let sinceImprovement = 0;
    let stopReason: StopReason = 'completed';
    for (let epoch = startEpoch; epoch < o.epochs && stopReason === 'completed'; epoch++) {
      const batches = o.sampler.epochBatches(epoch);
      const started = performance.now();
      const totals: Totals = { loss: 0, correct: 0, rows: 0, hasAccuracy: false };
      for (let i = 0; i < batches.length; i++) {
        if (o.maxSteps !== undefined && globalStep >= o.maxSteps) {
          stopReason = 'max-steps';
          break;
        }
        const batch = o.loadBatch(batches[i], 'train');
        let loss: number;
        try {
          const outputs: StepOutputs = {};
          const { value, grads } = tf.variableGrads(() => o.model.lossFn(batch, true, outputs), vars);
          loss = (await value.data())[0];
          if (Number.isFinite(loss))
            optimizer.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
          tf.dispose([value, ...Object.values(grads)]);
          if (outputs.correct) {
            totals.correct += (await outputs.correct.data())[0];
            totals.hasAccuracy = true;
            outputs.correct.dispose();
          }
        } finally {
          o.disposeBatch(batch);
        }
        if (!Number.isFinite(loss))
          throw new NonFiniteLossError('train', epoch + 1, globalStep + 1, loss, checkpointPath);
        globalStep++;
        totals.loss += loss * batch.size;
        totals.rows += batch.size;
        const seconds = (performance.now() - started) / 1000;
        reporter.onStep?.({
          epoch: epoch + 1,
          epochs: o.epochs,
          step: i + 1,
          steps: batches.length,
          globalStep,
          loss: totals.loss / totals.rows,
          samplesPerSecond: totals.rows / seconds,
          etaSeconds: (seconds / (i + 1)) * (batches.length - i - 1),
        });
        await o.onStep?.({ epoch: epoch + 1, step: i + 1, globalStep, loss });
      }
      if (stopReason === 'max-steps') break;

      const record: EpochRecord = { epoch: epoch + 1, loss: totals.loss / Math.max(totals.rows, 1), seconds: 0 };
      if (totals.hasAccuracy) record.accuracy = totals.correct / totals.rows;
      if (o.validationBatches) {
        const v = await evaluate(o, o.validationBatches);
        record.valLoss = v.loss / v.rows;
        if (v.hasAccuracy) record.valAccuracy = v.correct / v.rows;
        if (!Number.isFinite(record.valLoss))
          throw new NonFiniteLossError('validation', epoch + 1, globalStep, record.valLoss, checkpointPath);
      }
      record.seconds = (performance.now() - started) / 1000;
      history.push(record);

      const value = monitor === 'val_loss' ? record.valLoss! : record.loss;
      const improved = value < best.value - (o.minDelta ?? 0);
      if (improved) {
        best = { value, epoch: epoch + 1 };
        sinceImprovement = 0;
        if (o.outDir) {
          checkpointPath = await saveCheckpoint(o.outDir, {
            manifest: {
              step: globalStep,
              epoch: epoch + 1,
              best: { metric: monitor, value, epoch: epoch + 1 },
              history: history.map(recordToJson),
              config,
              sampler: { description: o.sampler.description, next_epoch: epoch + 1 },
            },
            weights: o.model.checkpointWeights(),
            trainable: vars,
            optimizer,
          });
        }
      } else {
        sinceImprovement++;
      }
      reporter.onEpochEnd?.(record, { epochs: o.epochs, improved, checkpoint: improved ? checkpointPath : undefined });
      await o.onEpochEnd?.(record);
      if (o.patience !== undefined && sinceImprovement >= o.patience && epoch + 1 < o.epochs) {
        stopReason = 'early-stopping';
        reporter.onMessage?.(
          `train: early stopping after epoch ${epoch + 1}: no ${monitor} improvement for ${o.patience} epochs (best ` +
            `${best.value.toFixed(4)} at epoch ${best.epoch}).`,
        );
      }
    }

    if (o.outDir && checkpointPath && stopReason !== 'max-steps') {
      await writeFileAtomic(
        join(o.outDir, RESULT_FILE),
        `${JSON.stringify(
          {
            stop_reason: stopReason,
            monitor,
            best_epoch: best.epoch,
            best_value: best.value,
            global_step: globalStep,
            history: history.map(recordToJson),
          },
          null,
          2,
        )}\n`,
      );
      if (o.restoreBest ?? true) {
        const m = await readManifest(o.outDir);
        if (m) await restoreWeights(o.outDir, m, o.model.checkpointWeights());
      }
    }
    return {
      history,
      monitor,
      bestEpoch: best.epoch,
      bestValue: best.value,
      stopReason,
      globalStep,
      resumedFrom,
      checkpoint: checkpointPath,
    };
  } finally {
    optimizer.dispose();
  }
}
