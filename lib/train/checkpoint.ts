/**
 * Training checkpoints: one folder holding a manifest (`checkpoint.json`) and
 * two safetensors files (model weights; Adam state), written so that a crash at
 * any moment leaves a consistent checkpoint:
 *   1. `weights-<step>.safetensors` and `optimizer-<step>.safetensors` are
 *      written atomically (temp file + rename) under new names;
 *   2. `checkpoint.json` is replaced atomically and points to them;
 *   3. files of older checkpoints are deleted.
 * Adam moments are stored under the checkpoint names of their variables
 * (`<name>/m`, `<name>/v`), in the order of the model's trainable variables.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readSafetensors, writeFileAtomic, writeSafetensors, type NamedArray } from '../io/safetensors';
import { arrayToTensor, tensorToArray } from '../io/tensors';
import type { EpochRecordJson } from './history';

export const CHECKPOINT_FORMAT = 'siamese-albert-ts/checkpoint';
export const MANIFEST_FILE = 'checkpoint.json';

export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: 1;
  /** Optimizer steps done. */
  step: number;
  /** Epochs completed (training resumes at this 0-based epoch). */
  epoch: number;
  best: { metric: 'val_loss' | 'loss'; value: number; epoch: number };
  history: EpochRecordJson[];
  /** The run's settings (resuming with other settings is refused). */
  config: Record<string, unknown>;
  /** What the sampler needs to continue: its seed and the next epoch (batches are a function of both). */
  sampler: { description: string; next_epoch: number };
  files: { weights: string; optimizer: string };
  created_at: string;
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

export interface SaveCheckpointArgs {
  manifest: Omit<CheckpointManifest, 'format' | 'version' | 'files' | 'created_at'>;
  weights: Map<string, tf.Variable>;
  trainable: tf.Variable[];
  optimizer: tf.AdamOptimizer;
}

/** Write a checkpoint into `dir` (created if needed); returns the manifest path. */
export async function saveCheckpoint(dir: string, args: SaveCheckpointArgs): Promise<string> {
  await mkdir(dir, { recursive: true });
  const names = checkpointNames(args.weights, args.trainable);
  const files = {
    weights: `weights-${args.manifest.step}.safetensors`,
    optimizer: `optimizer-${args.manifest.step}.safetensors`,
  };

  const weightArrays: NamedArray[] = [];
  for (const [name, v] of args.weights) weightArrays.push(await tensorToArray(name, v));
  await writeSafetensors(join(dir, files.weights), weightArrays, { format: 'pt' });

  const state = await args.optimizer.getWeights(); // [iter, m_0..m_n-1, v_0..v_n-1] (moments in first-update order)
  const moments = state.slice(1);
  if (moments.length !== 0 && moments.length !== 2 * names.length) {
    tf.dispose(state[0].tensor);
    throw new Error(
      `saveCheckpoint: the optimizer holds ${moments.length / 2} moment pairs but the model has ${names.length} ` +
        `trainable variables.`,
    );
  }
  const optimizerArrays: NamedArray[] = [await tensorToArray('iterations', state[0].tensor)];
  tf.dispose(state[0].tensor);
  for (let i = 0; i < moments.length; i++) {
    const suffix = i < names.length ? 'm' : 'v';
    optimizerArrays.push(await tensorToArray(`${names[i % names.length]}/${suffix}`, moments[i].tensor));
  }
  await writeSafetensors(join(dir, files.optimizer), optimizerArrays);

  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: 1,
    ...args.manifest,
    files,
    created_at: new Date().toISOString(),
  };
  const path = join(dir, MANIFEST_FILE);
  await writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
  for (const f of await readdir(dir)) {
    if (/^(weights|optimizer)-\d+\.safetensors$/.test(f) && f !== files.weights && f !== files.optimizer)
      await unlink(join(dir, f)).catch(() => undefined);
  }
  return path;
}

/** The manifest in `dir`, or undefined when there is none. */
export async function readManifest(dir: string): Promise<CheckpointManifest | undefined> {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  const m = JSON.parse(await readFile(path, 'utf8')) as CheckpointManifest;
  if (m.format !== CHECKPOINT_FORMAT || m.version !== 1) {
    throw new Error(
      `readManifest: '${path}' must be a ${CHECKPOINT_FORMAT} version 1 manifest; got format ` +
        `${JSON.stringify(m.format)} version ${JSON.stringify(m.version)}.`,
    );
  }
  return m;
}

/** Assign the checkpoint's weights to `weights` (every name must be present with the same shape). */
export async function restoreWeights(
  dir: string,
  manifest: CheckpointManifest,
  weights: Map<string, tf.Variable>,
): Promise<void> {
  const path = join(dir, manifest.files.weights);
  const arrays = await readSafetensors(path);
  const problems: string[] = [];
  for (const [name, v] of weights) {
    const a = arrays.get(name);
    if (!a) problems.push(`missing '${name}'`);
    else if (a.shape.join('x') !== v.shape.join('x'))
      problems.push(`'${name}' has shape [${a.shape}], the model [${v.shape}]`);
  }
  if (problems.length > 0)
    throw new Error(`restoreWeights: checkpoint '${path}' does not fit the model: ${problems.join('; ')}.`);
  for (const [name, v] of weights) {
    const t = arrayToTensor(arrays.get(name)!);
    v.assign(t);
    t.dispose();
  }
}

/** Load the Adam state of a checkpoint into a fresh `optimizer` (one that has not stepped yet). */
export async function restoreOptimizer(
  dir: string,
  manifest: CheckpointManifest,
  optimizer: tf.AdamOptimizer,
  weights: Map<string, tf.Variable>,
  trainable: tf.Variable[],
): Promise<void> {
  const path = join(dir, manifest.files.optimizer);
  const arrays = await readSafetensors(path);
  const names = checkpointNames(weights, trainable);
  const iterations = arrays.get('iterations');
  if (!iterations) throw new Error(`restoreOptimizer: '${path}' has no 'iterations' entry.`);
  const list: { name: string; tensor: tf.Tensor }[] = [{ name: 'iter', tensor: arrayToTensor(iterations) }];
  const hasMoments = arrays.size > 1;
  if (hasMoments) {
    for (const suffix of ['m', 'v']) {
      trainable.forEach((v, i) => {
        const a = arrays.get(`${names[i]}/${suffix}`);
        if (!a)
          throw new Error(
            `restoreOptimizer: '${path}' has no '${names[i]}/${suffix}' (the trainable variables differ from the ` +
              `checkpoint's).`,
          );
        list.push({ name: `${v.name}/${suffix}`, tensor: arrayToTensor(a) });
      });
    }
  }
  await optimizer.setWeights(list);
  tf.dispose(list.map((n) => n.tensor));
}
