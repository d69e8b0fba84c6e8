/**
 * Training checkpoints: one folder holding a manifest (`checkpoint.json`) and
 * safetensors files, written at the end of every epoch so that a crash at any
 * moment leaves a consistent checkpoint to resume from exactly:
 *   1. `weights-<step>.safetensors` (the model after the epoch) and
 *      `optimizer-<step>.safetensors` (Adam's full state) are written
 *      atomically (temp file + rename) under new names;
 *   2. `checkpoint.json` is replaced atomically and points to them (the "last"
 *      state, which a resume continues from) and to the best epoch's weights
 *      file (the same file when the epoch improved, else an earlier one);
 *   3. files no longer referenced are deleted.
 * The manifest also keeps the history, the best value and the early-stopping
 * counter, so a resumed run continues exactly as if it had not stopped
 * (as nanoGPT's checkpoint dict: model, optimizer, iter_num, best_val_loss, config).
 * Adam's moments are stored under the checkpoint names of their variables
 * (`<name>/m`, `<name>/v`), with `step`, `beta1_power` and `beta2_power`.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '../io/process';
import type * as tf from '@tensorflow/tfjs';
import { readJsonFile } from '../io/json';
import {
  ATOMIC_TEMP_FILE,
  atomicTempPath,
  encodeSafetensors,
  readSafetensors,
  writeFileAtomic,
  type NamedArray,
} from '../io/safetensors';
import { arrayToTensor, tensorToArray } from '../io/tensors';
import type { EpochRecordJson } from './history';
import { killPoint } from './kill-points';
import type { Adam, AdamMoments } from './optimizer';

/** The manifest's `format`: marks a folder as this project's training checkpoint. */
export const CHECKPOINT_FORMAT = 'siamese-albert-ts/checkpoint';
/** The manifest's `version` (2: Adam's full state and exact resume); other versions are refused when read. */
export const CHECKPOINT_VERSION = 2;
/** The manifest's file name inside a checkpoint folder; it is written last, so it names only complete files. */
export const MANIFEST_FILE = 'checkpoint.json';
/** Weights and optimizer files of a checkpoint folder (the step is part of the name). */
const STATE_FILE = /^(weights|optimizer)-\d+\.safetensors$/;

/**
 * A checkpoint folder's `checkpoint.json` (snake_case, as written): progress, early-stopping state, history, the
 * run's settings, and the weights and optimizer files of the last and the best epoch (nanoGPT's checkpoint dict
 * as one manifest).
 */
export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  /** Optimizer steps done (at the end of `epoch`). */
  step: number;
  /** Epochs completed (training resumes at this 0-based epoch). */
  epoch: number;
  best: { metric: 'val_loss' | 'loss'; value: number; epoch: number };
  /** Epochs since the monitored value last improved (early stopping's counter). */
  since_improvement: number;
  /** Every completed epoch. */
  history: EpochRecordJson[];
  /** The run's settings (resuming with other settings is refused). */
  config: Record<string, unknown>;
  /** What the sampler needs to continue: its seed and the next epoch (batches are a function of both). */
  sampler: { description: string; next_epoch: number };
  files: {
    /** The model and optimizer after `epoch`: a resume continues from here. */
    last: { weights: string; optimizer: string };
    /** The model at `best.epoch`: restored at the end of training. */
    best: { weights: string };
  };
  created_at: string;
}

/** What to do about a damaged file of checkpoint folder `dir`. */
const FIX = (dir: string) =>
  `Delete the folder '${dir}' to train this stage again from the start, or use another output folder.`;

function damaged(path: string, dir: string, detail: string): Error {
  return new Error(`checkpoint: '${path}' is damaged (${detail}). ${FIX(dir)}`);
}

/**
 * The JSON object in `path` of checkpoint folder `dir` (`what` it should be, e.g. "a training result"); a file
 * that does not parse is an error naming it (lib/io/json) and saying what to do.
 */
export async function readCheckpointJson(path: string, dir: string, what: string): Promise<Record<string, unknown>> {
  try {
    return await readJsonFile(path, what);
  } catch (e) {
    throw new Error(`checkpoint: ${(e as Error).message} ${FIX(dir)}`);
  }
}

/** Variable name -> checkpoint name, for every trainable variable (they must all be in `weights`). */
function checkpointNames(weights: Map<string, tf.Variable>, trainable: tf.Variable[]): string[] {
  const byVariable = new Map<tf.Variable, string>();
  for (const [name, v] of weights) byVariable.set(v, name);
  return trainable.map((v, i) => {
    const name = byVariable.get(v);
    if (name === undefined)
      throw new Error(
        `saveCheckpoint: trainable variable #${i} ('${v.name}', shape [${v.shape}]) is not among the model's ` +
          `checkpoint weights.`,
      );
    return name;
  });
}

/** What `saveCheckpoint` writes: the manifest's content, the model's weights, and Adam's state. */
export interface SaveCheckpointArgs {
  manifest: Omit<CheckpointManifest, 'format' | 'version' | 'files' | 'created_at'>;
  weights: Map<string, tf.Variable>;
  trainable: tf.Variable[];
  optimizer: Adam;
  /** The best epoch's weights file when it is an earlier one; omitted: this epoch is the best. */
  bestWeights?: string;
}

/** Write a checkpoint into `dir` (created if needed); returns the manifest and its path. */
export async function saveCheckpoint(
  dir: string,
  args: SaveCheckpointArgs,
): Promise<{ path: string; manifest: CheckpointManifest }> {
  await mkdir(dir, { recursive: true });
  const names = checkpointNames(args.weights, args.trainable);
  const last = {
    weights: `weights-${args.manifest.step}.safetensors`,
    optimizer: `optimizer-${args.manifest.step}.safetensors`,
  };
  const weightArrays: NamedArray[] = [];
  for (const [name, v] of args.weights) weightArrays.push(await tensorToArray(name, v));
  const weightBytes = encodeSafetensors(weightArrays, { format: 'pt' });
  killPoint('checkpoint-partial', () => {
    // What a kill in the middle of writeFileAtomic leaves: a torn temporary file.
    writeFileSync(atomicTempPath(join(dir, last.weights)), weightBytes.subarray(0, weightBytes.length >> 1));
  });
  await writeFileAtomic(join(dir, last.weights), weightBytes);
  killPoint('checkpoint-weights');

  const state = await args.optimizer.getState();
  const optimizerArrays: NamedArray[] = [
    { name: 'step', dtype: 'I32', shape: [], data: Int32Array.of(state.step) },
    { name: 'beta1_power', dtype: 'F32', shape: [], data: Float32Array.of(state.beta1Power) },
    { name: 'beta2_power', dtype: 'F32', shape: [], data: Float32Array.of(state.beta2Power) },
  ];
  const known = new Set(args.trainable.map((v) => v.name));
  for (const name of state.moments.keys()) {
    if (!known.has(name))
      throw new Error(`saveCheckpoint: the optimizer holds moments of '${name}', which is not a trainable variable.`);
  }
  args.trainable.forEach((v, i) => {
    const mo = state.moments.get(v.name);
    if (!mo) return;
    optimizerArrays.push({ name: `${names[i]}/m`, dtype: 'F32', shape: mo.shape, data: mo.m });
    optimizerArrays.push({ name: `${names[i]}/v`, dtype: 'F32', shape: mo.shape, data: mo.v });
  });
  await writeFileAtomic(join(dir, last.optimizer), encodeSafetensors(optimizerArrays));
  killPoint('checkpoint-optimizer');

  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    ...args.manifest,
    files: { last, best: { weights: args.bestWeights ?? last.weights } },
    created_at: new Date().toISOString(),
  };
  const path = join(dir, MANIFEST_FILE);
  await writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
  killPoint('checkpoint-manifest');
  await removeUnreferenced(dir, manifest);
  return { path, manifest };
}

function checkManifest(m: Record<string, unknown>, path: string, dir: string): CheckpointManifest {
  if (m.format !== CHECKPOINT_FORMAT)
    throw new Error(
      `checkpoint: '${path}' is not a ${CHECKPOINT_FORMAT} manifest (format ${JSON.stringify(m.format)}). Use ` +
        `another output folder.`,
    );
  if (m.version !== CHECKPOINT_VERSION)
    throw new Error(
      `checkpoint: '${path}' has version ${JSON.stringify(m.version)}; this version reads ${CHECKPOINT_VERSION} ` +
        `(version 1, from before exact resume, kept only the best epoch). Delete the folder '${dir}' to train this ` +
        `stage again, or use another output folder.`,
    );
  const int = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  const files = m.files as CheckpointManifest['files'] | undefined;
  const best = m.best as CheckpointManifest['best'] | undefined;
  const problems = [
    !int(m.step) && "'step'",
    !int(m.epoch) && "'epoch'",
    !int(m.since_improvement) && "'since_improvement'",
    !(best && typeof best.value === 'number' && int(best.epoch)) && "'best'",
    !Array.isArray(m.history) && "'history'",
    !(m.config && typeof m.config === 'object') && "'config'",
    !(
      files &&
      [files.last?.weights, files.last?.optimizer, files.best?.weights].every(
        (f) => typeof f === 'string' && STATE_FILE.test(f),
      )
    ) && "'files'",
  ].filter(Boolean);
  if (problems.length > 0) throw damaged(path, dir, `missing or invalid ${problems.join(', ')}`);
  return m as unknown as CheckpointManifest;
}

/** The manifest in `dir`, or undefined when there is none; a damaged or foreign one is an error naming the file. */
export async function readManifest(dir: string): Promise<CheckpointManifest | undefined> {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  return checkManifest(await readCheckpointJson(path, dir, `a ${CHECKPOINT_FORMAT} manifest`), path, dir);
}

async function readState(dir: string, file: string): Promise<Map<string, NamedArray>> {
  const path = join(dir, file);
  if (!existsSync(path)) throw damaged(join(dir, MANIFEST_FILE), dir, `it points to '${file}', which is missing`);
  return readSafetensors(path);
}

/** Assign the checkpoint's best (default) or last weights to `weights` (every name present, same shapes). */
export async function restoreWeights(
  dir: string,
  manifest: CheckpointManifest,
  weights: Map<string, tf.Variable>,
  which: 'best' | 'last' = 'best',
): Promise<void> {
  const file = which === 'best' ? manifest.files.best.weights : manifest.files.last.weights;
  const arrays = await readState(dir, file);
  const problems: string[] = [];
  for (const [name, v] of weights) {
    const a = arrays.get(name);
    if (!a) problems.push(`missing '${name}'`);
    else if (a.shape.join('x') !== v.shape.join('x'))
      problems.push(`'${name}' has shape [${a.shape}], the model [${v.shape}]`);
  }
  if (problems.length > 0)
    throw new Error(`restoreWeights: checkpoint '${join(dir, file)}' does not fit the model: ${problems.join('; ')}.`);
  for (const [name, v] of weights) {
    const t = arrayToTensor(arrays.get(name)!);
    v.assign(t);
    t.dispose();
  }
}

/** Load the last state's Adam state into `optimizer` exactly: step, beta powers, every trainable variable's moments. */
export async function restoreOptimizer(
  dir: string,
  manifest: CheckpointManifest,
  optimizer: Adam,
  weights: Map<string, tf.Variable>,
  trainable: tf.Variable[],
): Promise<void> {
  const file = manifest.files.last.optimizer;
  const path = join(dir, file);
  const arrays = await readState(dir, file);
  const names = checkpointNames(weights, trainable);
  const scalar = (name: string): number => {
    const a = arrays.get(name);
    if (!a || a.data.length !== 1) throw damaged(path, dir, `no scalar '${name}'`);
    return a.data[0];
  };
  const moments = new Map<string, AdamMoments>();
  const missing: string[] = [];
  trainable.forEach((v, i) => {
    const m = arrays.get(`${names[i]}/m`),
      s = arrays.get(`${names[i]}/v`);
    if (!m || !s || !(m.data instanceof Float32Array) || !(s.data instanceof Float32Array)) missing.push(names[i]);
    else moments.set(v.name, { shape: m.shape, m: m.data, v: s.data });
  });
  const stored = [...arrays.keys()].filter((k) => k.endsWith('/m')).length;
  if (missing.length > 0 || stored !== trainable.length)
    throw new Error(
      `restoreOptimizer: '${path}' holds moments of ${stored} variables, the model trains ${trainable.length}` +
        `${missing.length > 0 ? ` (none for ${missing.slice(0, 5).join(', ')})` : ''}: the trainable variables ` +
        `differ from the checkpoint's. Use another output folder.`,
    );
  const step = scalar('step');
  if (step !== manifest.step) throw damaged(path, dir, `its step ${step} is not the manifest's ${manifest.step}`);
  optimizer.setState({ step, beta1Power: scalar('beta1_power'), beta2Power: scalar('beta2_power'), moments });
}

function writerIsAlive(pid: number): boolean {
  // This process writes nothing here yet: a file with its PID is a leftover of an earlier process.
  return pid !== process.pid && processAlive(pid);
}

/** Remove temporary files (writeFileAtomic's) in `dir` whose writing process is gone; returns their names. */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const f of await readdir(dir)) {
    const m = ATOMIC_TEMP_FILE.exec(f);
    if (m && !writerIsAlive(Number(m[2]))) {
      await unlink(join(dir, f)).catch(() => undefined);
      removed.push(f);
    }
  }
  return removed;
}

async function removeUnreferenced(dir: string, manifest: CheckpointManifest | undefined): Promise<string[]> {
  const keep = new Set(
    manifest ? [manifest.files.last.weights, manifest.files.last.optimizer, manifest.files.best.weights] : [],
  );
  const removed: string[] = [];
  for (const f of await readdir(dir)) {
    if (STATE_FILE.test(f) && !keep.has(f)) {
      await unlink(join(dir, f)).catch(() => undefined);
      removed.push(f);
    }
  }
  return removed;
}

/**
 * Checkpoint hygiene before training in `dir`: removes leftover temporary files of dead writers and weights or
 * optimizer files that `manifest` (the folder's current one, or none) does not reference, i.e. what a killed run
 * leaves behind (about 140 MB per set at ALBERT-base size). Returns the removed names.
 */
export async function cleanCheckpointDir(dir: string, manifest: CheckpointManifest | undefined): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return [...(await removeStaleTempFiles(dir)), ...(await removeUnreferenced(dir, manifest))];
}
