/**
 * Export a run's tuned encoder to a transformers.js folder (`npm run export`): the siamese stage's encoder with its
 * head (outputs sentence_embedding and siamese_embedding), or the trained classifier's fine-tuned encoder (its best
 * checkpoint's `encoder.<HF name>` weights). Reads only the run's files; the settings it needs (pooling, model,
 * tokenizer) come from `<run>/report.json` `config`, else from the stage's checkpoint manifest, else options.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readSafetensors, type NamedArray } from '../io/safetensors';
import { SiameseModel } from '../heads/siamese';
import { checkPooling, TransformerEncoder } from '../model/encoder';
import { resolveModelDir } from '../model/hub';
import { loadConfig, loadEncoder } from '../model/load';
import type { Pooling } from '../model/types';
import { variablesFromCheckpoint } from '../model/weights';
import { writeOnnxFolder, type OnnxFolder } from '../onnx/folder';
import { readManifest } from '../train/checkpoint';
import { readStageRecord } from './identity';
import { runPaths } from './prepare';

/** The stages whose tuned encoder `npm run export` can write (`--stage`'s choices). */
export const EXPORT_STAGES = ['siamese', 'trained'] as const;
/** 'siamese' (the triplet-tuned encoder and its head) or 'trained' (the fine-tuned classifier's encoder). */
export type ExportStage = (typeof EXPORT_STAGES)[number];

/** Which run, which stage, where to write, and the settings to override in {@link exportRun}. */
export interface ExportRunOptions {
  /** The run folder (`--out` of the pipeline). */
  run: string;
  /** 'siamese' (default): the triplet-tuned encoder and its head; 'trained': the fine-tuned classifier's encoder. */
  stage?: ExportStage;
  /** Destination folder. */
  to: string;
  /** Overrides the run's pooling (needed when the run folder states none). */
  pooling?: Pooling;
  /** Tokenizer folder (default the run's --tokenizer, else the model's own folder). */
  tokenizer?: string;
}

/** What {@link exportRun} wrote: the folder's files, and which stage, pooling, weights and tokenizer it used. */
export interface ExportRunResult extends OnnxFolder {
  /** The exported stage. */
  stage: ExportStage;
  /** The sentence-vector pooling baked into the graph. */
  pooling: Pooling;
  /** Where the weights came from. */
  weights: string;
  /** The folder the tokenizer files were copied from. */
  tokenizerDir: string;
  /** The ONNX outputs written. */
  outputs: string[];
}

/**
 * The run's settings as recorded: report.json's `config`, else the stage's record (`<stage>/stage.json`,
 * which the notebooks' runs have without a report), else the stage checkpoint's `config`.
 */
async function runSettings(run: string, stage: ExportStage, checkpointDir: string): Promise<Record<string, unknown>> {
  const report = runPaths(run).report;
  if (existsSync(report)) {
    try {
      const config = (JSON.parse(await readFile(report, 'utf8')) as { config?: Record<string, unknown> }).config;
      if (config && typeof config === 'object') return config;
    } catch (e) {
      throw new Error(`exportRun: '${report}' is not valid JSON (${(e as Error).message}).`);
    }
  }
  const { record } = await readStageRecord(join(run, stage), stage);
  if (record) return record.settings;
  return (await readManifest(checkpointDir))?.config ?? {};
}

function need(fn: string, path: string, what: string, command: string): void {
  if (!existsSync(path)) throw new Error(`${fn}: no ${what} at '${path}'; make it with: ${command}`);
}

/** The trained classifier's checkpoint folder (the trainer writes it in `<run>/trained`, or a checkpoint/ in it). */
function trainedCheckpointDir(run: string): string {
  const folder = runPaths(run).classifier('trained');
  const nested = join(folder, 'checkpoint');
  return existsSync(join(nested, 'checkpoint.json')) ? nested : folder;
}

/** A run's fine-tuned classifier encoder (frozen, with `pooling`) from its best checkpoint, and that file's path. */
export async function loadRunTrainedEncoder(
  run: string,
  settings: Record<string, unknown>,
  pooling: Pooling,
): Promise<{ encoder: TransformerEncoder; weights: string }> {
  const dir = trainedCheckpointDir(run);
  const rerun = `npm run pipeline -- --stages trained --out ${run} (with the run's other options)`;
  need('loadRunTrainedEncoder', join(dir, 'checkpoint.json'), 'trained-classifier checkpoint', rerun);
  const manifest = (await readManifest(dir))!;
  const model = settings.model;
  if (typeof model !== 'string')
    throw new Error(
      `loadRunTrainedEncoder: the run's settings name no 'model' (report.json config.model), so its architecture is ` +
        `unknown; rerun the pipeline into this folder to write report.json.`,
    );
  const config = await loadConfig(await resolveModelDir(model));
  // The best epoch's weights (what the pipeline evaluates): `files.weights`, or `files.best.weights` in manifests
  // that also keep the last state for resuming.
  const files = manifest.files as { weights?: string; best?: { weights: string } };
  const path = join(dir, files.best?.weights ?? files.weights!);
  const encoderArrays = new Map<string, NamedArray>();
  for (const [name, a] of await readSafetensors(path))
    if (name.startsWith('encoder.')) encoderArrays.set(name.slice('encoder.'.length), a);
  if (encoderArrays.size === 0)
    throw new Error(
      `loadRunTrainedEncoder: '${path}' holds no 'encoder.*' weights (was the encoder trained?); ${rerun}.`,
    );
  const weights = variablesFromCheckpoint(encoderArrays, config, path, false);
  return { encoder: new TransformerEncoder(config, weights, { pooling, trainable: false }), weights: path };
}

/** A run's saved siamese encoder (frozen, with `pooling`) and its head, sizes read from the head file. */
export async function loadRunSiamese(run: string, pooling: Pooling): Promise<SiameseModel> {
  const paths = runPaths(run);
  const rerun = `npm run pipeline -- --stages siamese --out ${run} (with the run's other options)`;
  need('loadRunSiamese', join(paths.siameseEncoder, 'model.safetensors'), 'tuned siamese encoder', rerun);
  need('loadRunSiamese', paths.siameseHead, 'siamese head', rerun);
  const head = await readSafetensors(paths.siameseHead);
  const k1 = head.get('head.dense1.kernel');
  const k2 = head.get('head.dense2.kernel');
  if (!k1 || !k2)
    throw new Error(`loadRunSiamese: '${paths.siameseHead}' lacks head.dense1.kernel or head.dense2.kernel; ${rerun}.`);
  const encoder = await loadEncoder(paths.siameseEncoder, { pooling, trainable: false });
  const model = new SiameseModel(encoder, { hiddenUnits: k1.shape[1], embeddingSize: k2.shape[1] });
  for (const [name, v] of model.headWeights()) {
    const a = head.get(name);
    if (!a || a.shape.join('x') !== v.shape.join('x')) {
      model.dispose();
      throw new Error(`loadRunSiamese: '${paths.siameseHead}' lacks '${name}' of shape [${v.shape}]; ${rerun}.`);
    }
    tf.tidy(() => v.assign(tf.tensor(a.data, a.shape, 'float32')));
  }
  return model;
}

/** Export a run folder's tuned encoder into `opts.to` (config.json, tokenizer files, onnx/model.onnx). */
export async function exportRun(opts: ExportRunOptions): Promise<ExportRunResult> {
  const stage = opts.stage ?? 'siamese';
  if (!EXPORT_STAGES.includes(stage))
    throw new Error(`exportRun: 'stage' must be one of ${EXPORT_STAGES.join(', ')}; got '${stage}'.`);
  if (!existsSync(opts.run)) throw new Error(`exportRun: the run folder '${opts.run}' does not exist.`);
  const paths = runPaths(opts.run);
  const settings = await runSettings(
    opts.run,
    stage,
    stage === 'siamese' ? paths.siameseCheckpoint : trainedCheckpointDir(opts.run),
  );
  const recorded = settings.pooling;
  if (opts.pooling === undefined && recorded === undefined)
    throw new Error(
      `exportRun: '${opts.run}' states no pooling (no report.json, stage record nor checkpoint config); pass ` +
        `--pooling.`,
    );
  const pooling = checkPooling('exportRun', opts.pooling ?? recorded);

  const model =
    stage === 'siamese'
      ? { model: await loadRunSiamese(opts.run, pooling), weights: paths.siameseEncoder }
      : await loadRunTrainedEncoder(opts.run, settings, pooling).then((t) => ({
          model: t.encoder,
          weights: t.weights,
        }));
  try {
    const tokenizerDir = await tokenizerFolder(opts, settings, stage === 'siamese' ? paths.siameseEncoder : undefined);
    const folder = await writeOnnxFolder(model.model, opts.to, {
      tokenizerDir,
      pooling,
      metadata: { stage, run: opts.run },
    });
    const outputs = ['last_hidden_state', 'pooler_output', 'sentence_embedding'];
    if (stage === 'siamese') outputs.push('siamese_embedding');
    return { ...folder, stage, pooling, weights: model.weights, tokenizerDir, outputs };
  } finally {
    model.model.dispose();
  }
}

/** --tokenizer, else the run's --tokenizer, else the exported encoder folder when it has one, else the model's. */
async function tokenizerFolder(
  opts: ExportRunOptions,
  settings: Record<string, unknown>,
  encoderDir: string | undefined,
): Promise<string> {
  if (opts.tokenizer) return opts.tokenizer;
  if (typeof settings.tokenizer === 'string') return settings.tokenizer;
  if (encoderDir && existsSync(join(encoderDir, 'tokenizer.json'))) return encoderDir;
  if (typeof settings.model === 'string') return resolveModelDir(settings.model);
  throw new Error(`exportRun: the run's settings name no model or tokenizer folder; pass --tokenizer.`);
}
