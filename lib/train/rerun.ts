/**
 * What a training run does in a folder that already holds a checkpoint, and the
 * finished run's result file (`result.json`). The rules (see lib/train/trainer.ts):
 * other settings are refused; fewer epochs than done are refused; `epochs` done:
 * reload; stopped early with the same patience: reload and say so; else resume
 * from the last epoch (training on, when the run had finished with fewer epochs).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/safetensors';
import { readCheckpointJson, type CheckpointManifest } from './checkpoint';
import type { EpochRecordJson } from './history';

/** The file a finished run writes into its checkpoint folder (see {@link ResultJson}). */
export const RESULT_FILE = 'result.json';

/** Why a run ended: all its epochs ('completed'), no improvement for `patience` epochs, or its `maxSteps`. */
export type StopReason = 'completed' | 'early-stopping' | 'max-steps';

/** `result.json`: written when a run finishes (completed or stopped early); its presence marks a finished run. */
export interface ResultJson {
  stop_reason: StopReason;
  monitor: 'val_loss' | 'loss';
  best_epoch: number;
  best_value: number;
  global_step: number;
  history: EpochRecordJson[];
}

/** The settings of the new run that decide what happens to the folder's checkpoint. */
export interface RerunRequest {
  epochs: number;
  patience?: number;
  config: Record<string, unknown>;
  monitor: 'val_loss' | 'loss';
}

/** Train on from the last epoch, or only reload the finished run; `message` says which (for the reporter). */
export type RerunPlan =
  { kind: 'resume'; message: string } | { kind: 'reload'; stopReason: StopReason; message: string };

function configMismatch(saved: Record<string, unknown>, now: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(saved), ...Object.keys(now)]);
  return [...keys]
    .filter((k) => JSON.stringify(saved[k]) !== JSON.stringify(now[k]))
    .map((k) => `${k}: checkpoint ${JSON.stringify(saved[k])}, now ${JSON.stringify(now[k])}`);
}

/** Decide how a run continues from `manifest` (the checkpoint in `dir`); throws when it must not reuse it. */
export async function planRerun(dir: string, manifest: CheckpointManifest, req: RerunRequest): Promise<RerunPlan> {
  const diff = configMismatch(manifest.config, req.config);
  if (diff.length > 0)
    throw new Error(
      `train: the checkpoint in '${dir}' was made with other settings (${diff.join('; ')}). Use another ` +
        `output folder or resume: false.`,
    );
  if (manifest.epoch > req.epochs)
    throw new Error(
      `train: '${dir}' holds a run of ${manifest.epoch} epochs; 'epochs' is ${req.epochs}. Its best epoch may lie ` +
        `beyond ${req.epochs}: ask for at least ${manifest.epoch} epochs to reuse it, or use another output folder.`,
    );
  const resultPath = join(dir, RESULT_FILE);
  const saved = existsSync(resultPath)
    ? ((await readCheckpointJson(resultPath, dir, "a finished training's result")) as unknown as ResultJson)
    : undefined;
  const best = `best ${req.monitor} ${manifest.best.value.toFixed(4)} at epoch ${manifest.best.epoch}`;
  if (manifest.epoch === req.epochs)
    return {
      kind: 'reload',
      stopReason: 'completed',
      message: `train: '${dir}' holds a finished run (${manifest.epoch} epochs, ${best}); loaded its best weights.`,
    };
  if (req.patience !== undefined && manifest.since_improvement >= req.patience)
    return {
      kind: 'reload',
      stopReason: 'early-stopping',
      message:
        `train: '${dir}' holds a run that stopped early after epoch ${manifest.epoch} of ${req.epochs} (no ` +
        `${req.monitor} improvement for ${manifest.since_improvement} epochs, ${best}); not training further, ` +
        `loaded its best weights. A patience above ${manifest.since_improvement} lets it train on.`,
    };
  const at = `from its epoch ${manifest.epoch} (step ${manifest.step}, ${best})`;
  return {
    kind: 'resume',
    message: saved
      ? `train: '${dir}' holds a finished run of ${manifest.epoch} epochs (${saved.stop_reason}); training on to ` +
        `${req.epochs} epochs ${at}.`
      : `train: resuming '${dir}' at epoch ${manifest.epoch + 1} of ${req.epochs} ${at}.`,
  };
}

/** Write `dir`/result.json atomically. */
export async function writeResult(dir: string, result: ResultJson): Promise<void> {
  await writeFileAtomic(join(dir, RESULT_FILE), `${JSON.stringify(result, null, 2)}\n`);
}
