/**
 * The training loop, generic over a model exposing `trainableVariables()` and
 * `lossFn(batch, training, outputs, seed)`: epochs of sampler batches, Adam,
 * validation each epoch, history, a checkpoint after every epoch (the last state
 * for resuming, the best epoch's weights for restoring), exact resume, early
 * stopping, and a clear error on a non-finite loss.
 *
 * Reproducibility: batches are a function of (sampler seed, epoch), dropout masks
 * of (seed, step, call) and the checkpoint holds Adam's full state, so a run
 * killed at any point and started again ends bit-identical to one that was not.
 *
 * Rerunning in a folder that holds a checkpoint (same `config`; messages go to the reporter):
 * - unfinished (killed, or stopped by `maxSteps`): resumes from the last epoch's state;
 * - `epochs` epochs done: reloads the best weights and trains nothing (`reloaded`);
 * - finished with fewer epochs than `epochs` now asks: trains on from its last epoch, as a resume;
 * - stopped by early stopping (no improvement for `patience` epochs): reloads and says it stopped early;
 *   a larger `patience` lets it train on;
 * - more epochs done than `epochs` asks: an error (its best epoch may lie beyond `epochs`).
 *
 * Memory: every batch, loss and gradient is disposed inside the step; only the
 * model's and Adam's variables persist, so `tf.memory().numTensors` is the same
 * after every epoch.
 */
import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  cleanCheckpointDir,
  MANIFEST_FILE,
  readManifest,
  restoreOptimizer,
  restoreWeights,
  saveCheckpoint,
} from './checkpoint';
import { recordFromJson, recordToJson, type EpochRecord } from './history';
import { killPoint } from './kill-points';
import { makeAdam, type LearningRate, type ParamGroup } from './optimizer';
import { silentReporter, type ProgressReporter } from './progress';
import { planRerun, RESULT_FILE, writeResult, type StopReason } from './rerun';
import type { BatchSampler } from './sampler';
import type { StepOutputs, TrainableModel } from './types';

export { RESULT_FILE, type StopReason };

/** A loss that is NaN or ±Inf. Training stops; the last good checkpoint is kept. */
export class NonFiniteLossError extends Error {
  /**
   * Where the loss went bad: `phase`, 1-based `epoch`, the 1-based optimizer step `globalStep` and the `value`;
   * `checkpoint` names the kept manifest, when one was written. The message suggests a lower learning rate.
   */
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

/** What {@link TrainOptions.onStep} gets after each optimizer step (1-based counts). */
export interface StepInfo {
  /** Epoch, from 1. */
  epoch: number;
  /** Step within the epoch, from 1. */
  step: number;
  /** Optimizer steps done since the run began (resumed sessions included). */
  globalStep: number;
  /** This step's training loss (the batch mean). */
  loss: number;
}

/**
 * Everything {@link train} needs: the model, the data as samplers and batch loaders, the optimizer settings, and
 * where checkpoints go. Epoch counts, batch sizes and learning rates of the study's stages come from the options
 * table (lib/config/options.ts); the trainer itself has no study defaults.
 */
export interface TrainOptions<B extends { size: number }> {
  /** What trains: its variables, loss and checkpoint weights. */
  model: TrainableModel<B>;
  /** Training batches (row indices) of each epoch. */
  sampler: BatchSampler;
  /** Turn row indices into a device batch (the trainer disposes it with `disposeBatch`). */
  loadBatch: (indices: Int32Array, phase: 'train' | 'validation') => B;
  /** Frees a batch made by `loadBatch`; called once per batch, also when a step throws. */
  disposeBatch: (batch: B) => void;
  /** Fixed validation batches (row indices into the validation data; `loadBatch` gets phase 'validation'). */
  validationBatches?: Int32Array[];
  /** Total epochs of the run (a resumed run counts the epochs already done). */
  epochs: number;
  /**
   * Adam learning rate, fixed or per step (0-based update index; lib/train/schedule.ts); the study's are the
   * options table's `siameseLr`, `classifierLr` and `trainedLr`.
   */
  learningRate: LearningRate;
  /** Decoupled weight decay (AdamW, `torch.optim.AdamW` semantics); default 0, plain Adam. */
  weightDecay?: number;
  /** Adam's epsilon (default Keras' 1e-7; PyTorch's AdamW uses 1e-8). */
  epsilon?: number;
  /** Variables with their own learning rate / weight decay (e.g. a head above its encoder). */
  paramGroups?: ParamGroup[];
  /**
   * The run's seed for dropout: step s draws its masks from `${seed}:${s}` (default 0). Sampler and head
   * initialisation have their own seeds.
   */
  seed?: number | string;
  /** Checkpoint folder: a checkpoint is written here after every epoch, and a run restarts from it. */
  outDir?: string;
  /** Resume from `outDir`'s checkpoint when there is one (default true). */
  resume?: boolean;
  /** Stop after this many epochs without improvement of the monitored loss. */
  patience?: number;
  /** Improvement smaller than this does not count (default 0). */
  minDelta?: number;
  /** Stop (without error, no result file, resumable) once this many optimizer steps are done in total. */
  maxSteps?: number;
  /** Load the best epoch's weights into the model at the end (default true; needs `outDir`). */
  restoreBest?: boolean;
  /** Settings stored in the checkpoint; resuming with different settings is refused. */
  config?: Record<string, unknown>;
  /** Progress of steps and epochs, and messages about resuming or stopping (default: silent). */
  reporter?: ProgressReporter;
  /** Called after every step; throwing aborts the run (the checkpoint stays). */
  onStep?: (info: StepInfo) => void | Promise<void>;
  /** Called after every epoch, after the checkpoint. */
  onEpochEnd?: (record: EpochRecord) => void | Promise<void>;
}

/** How a {@link train} call ended: the history, the best epoch of the monitored loss, and why it stopped. */
export interface TrainResult {
  /** Every epoch of the run, including those of earlier (resumed or reloaded) sessions. */
  history: EpochRecord[];
  /** The loss that picks the best epoch: 'val_loss' with validation batches, else the training 'loss'. */
  monitor: 'val_loss' | 'loss';
  /** 1-based epoch of the lowest monitored loss (0 when no epoch finished). */
  bestEpoch: number;
  /** That lowest monitored loss. */
  bestValue: number;
  /** 'completed', 'early-stopping' or 'max-steps'. */
  stopReason: StopReason;
  /** Optimizer steps done in total. */
  globalStep: number;
  /** Where the run started from, when it resumed (or reloaded) a checkpoint. */
  resumedFrom?: { epoch: number; step: number };
  /** True when `outDir` held a finished run that was only reloaded: no step was trained. */
  reloaded: boolean;
  /** The checkpoint's manifest path (with `outDir`). */
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

/**
 * Train `o.model` with Adam (or AdamW with `weightDecay`) for `o.epochs` epochs of `o.sampler`'s batches,
 * validating after each epoch, checkpointing to `o.outDir`, stopping early after `o.patience` epochs without
 * improvement, and loading the best epoch's weights at the end (Keras' `fit` with `EarlyStopping(
 * restore_best_weights=True)` and a `ModelCheckpoint`, with exact resume). See the module comment for what a
 * rerun in `outDir` does. Leaves `tf.memory().numTensors` as it found it.
 *
 * Throws on a bad option (non-positive `epochs` or `patience`, negative `maxSteps`, empty `validationBatches`),
 * a model with no trainable variables, a checkpoint made with another `config` or more epochs, and a NaN or
 * infinite loss ({@link NonFiniteLossError}); the last good checkpoint stays.
 */
export async function train<B extends { size: number }>(o: TrainOptions<B>): Promise<TrainResult> {
  checkOptions(o);
  const reporter = o.reporter ?? silentReporter;
  const config = o.config ?? {};
  const seed = o.seed ?? 0;
  const monitor: 'val_loss' | 'loss' = o.validationBatches ? 'val_loss' : 'loss';
  const vars = o.model.trainableVariables();
  if (vars.length === 0) throw new Error('train: the model has no trainable variables (is everything frozen?).');
  const optimizer = makeAdam(o.learningRate, {
    weightDecay: o.weightDecay,
    paramGroups: o.paramGroups,
    epsilon: o.epsilon,
  });
  const weights = o.model.checkpointWeights();

  let history: EpochRecord[] = [];
  let globalStep = 0;
  let startEpoch = 0;
  let best = { value: Infinity, epoch: 0 };
  let sinceImprovement = 0;
  let bestWeightsFile: string | undefined;
  let checkpointPath: string | undefined;
  let resumedFrom: TrainResult['resumedFrom'];
  let stopReason: StopReason = 'completed';
  let reloaded = false;

  try {
    const manifest = o.outDir && existsSync(o.outDir) ? await readManifest(o.outDir) : undefined;
    if (o.outDir) {
      const removed = await cleanCheckpointDir(o.outDir, manifest);
      if (removed.length > 0)
        reporter.onMessage?.(
          `train: removed ${removed.length} leftover file(s) of an interrupted run from '${o.outDir}': ` +
            `${removed.join(', ')}.`,
        );
    }
    if (manifest && o.outDir && (o.resume ?? true)) {
      const start = await planRerun(o.outDir, manifest, { epochs: o.epochs, patience: o.patience, config, monitor });
      history = manifest.history.map(recordFromJson);
      globalStep = manifest.step;
      startEpoch = manifest.epoch;
      best = { value: manifest.best.value, epoch: manifest.best.epoch };
      sinceImprovement = manifest.since_improvement;
      bestWeightsFile = manifest.files.best.weights;
      checkpointPath = join(o.outDir, MANIFEST_FILE);
      resumedFrom = { epoch: startEpoch, step: globalStep };
      reporter.onMessage?.(start.message);
      if (start.kind === 'reload') {
        reloaded = true;
        stopReason = start.stopReason;
      } else {
        await restoreWeights(o.outDir, manifest, weights, 'last');
        await restoreOptimizer(o.outDir, manifest, optimizer, weights, vars);
      }
    }
    // Training: the folder holds no finished run until this one finishes.
    if (o.outDir && !reloaded) await unlink(join(o.outDir, RESULT_FILE)).catch(() => undefined);

    for (let epoch = startEpoch; !reloaded && epoch < o.epochs && stopReason === 'completed'; epoch++) {
      const batches = o.sampler.epochBatches(epoch);
      const started = performance.now();
      const totals: Totals = { loss: 0, correct: 0, rows: 0, hasAccuracy: false };
      for (let i = 0; i < batches.length; i++) {
        if (o.maxSteps !== undefined && globalStep >= o.maxSteps) {
          stopReason = 'max-steps';
          break;
        }
        const batch = o.loadBatch(batches[i], 'train');
        const dropoutSeed = `${seed}:${globalStep}`;
        let loss: number;
        try {
          const outputs: StepOutputs = {};
          const { value, grads } = tf.variableGrads(() => o.model.lossFn(batch, true, outputs, dropoutSeed), vars);
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
        killPoint('step');
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
      if (improved) best = { value, epoch: epoch + 1 };
      sinceImprovement = improved ? 0 : sinceImprovement + 1;
      if (o.outDir) {
        const saved = await saveCheckpoint(o.outDir, {
          manifest: {
            step: globalStep,
            epoch: epoch + 1,
            best: { metric: monitor, value: best.value, epoch: best.epoch },
            since_improvement: sinceImprovement,
            history: history.map(recordToJson),
            config,
            sampler: { description: o.sampler.description, next_epoch: epoch + 1 },
          },
          weights,
          trainable: vars,
          optimizer,
          bestWeights: improved ? undefined : bestWeightsFile,
        });
        checkpointPath = saved.path;
        bestWeightsFile = saved.manifest.files.best.weights;
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
      const resultPath = join(o.outDir, RESULT_FILE);
      if (!reloaded || !existsSync(resultPath)) {
        await writeResult(o.outDir, {
          stop_reason: stopReason,
          monitor,
          best_epoch: best.epoch,
          best_value: best.value,
          global_step: globalStep,
          history: history.map(recordToJson),
        });
        killPoint('result');
      }
      const m = await readManifest(o.outDir);
      const restoreBest = o.restoreBest ?? true;
      // A reload has loaded nothing yet: it takes the best weights, or the last ones when restoreBest is false.
      if (m && (restoreBest || reloaded)) await restoreWeights(o.outDir, m, weights, restoreBest ? 'best' : 'last');
    }
    return {
      history,
      monitor,
      bestEpoch: best.epoch,
      bestValue: best.value,
      stopReason,
      globalStep,
      resumedFrom,
      reloaded,
      checkpoint: checkpointPath,
    };
  } finally {
    optimizer.dispose();
  }
}
