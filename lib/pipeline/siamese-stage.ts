/**
 * The siamese stage: the encoder fine-tuned with a batch semi-hard triplet loss on P×K (or the study's
 * random) batches, by the run's recipe (optimizer, schedule, epochs, P×K shape: lib/pipeline/recipe.ts), then
 * exported: the tuned encoder in Hugging Face layout (`siamese/encoder`) and the
 * embedding head (`siamese/head.safetensors`). `loadSiamese` reads them back for the siamese classifier
 * and for embeddings.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readSafetensors, writeSafetensors } from '../io/safetensors';
import { variablesToArrays } from '../io/tensors';
import { loadEncoder, saveEncoder } from '../model/load';
import { SiameseModel } from '../heads/siamese';
import { textBatchLoader } from '../train/batches';
import { removeStaleTempFiles } from '../train/checkpoint';
import { train, type TrainResult } from '../train/trainer';
import type { RunConfig } from './config';
import type { StageState } from './identity';
import { yieldToEventLoop } from './lock';
import { checkFinishedStage, finishStage } from './run-folder';
import { runPaths } from './prepare';
import { siameseSamplers, trainerOptimizer } from './recipe';
import { epochsFor, inStage, recipeOf, splitLoader, stateAfter, type StageContext } from './stage-common';

/** Train (or reload, or continue) the siamese model; exports the tuned encoder (HF layout) and the head. */
export async function siameseStage(
  ctx: StageContext,
): Promise<{ model: SiameseModel; result: TrainResult; state: StageState; fingerprint: string }> {
  const { cfg, data, tokenizer } = ctx;
  const recipe = recipeOf(ctx).siamese;
  return inStage(ctx, 'siamese', {}, async (entry) => {
    const epochs = epochsFor(ctx, entry, 'siameseEpochs', recipe.epochs.epochs, {});
    const paths = runPaths(cfg.out);
    const encoder = await loadEncoder(cfg.model, { pooling: cfg.pooling, trainable: true });
    const model = new SiameseModel(encoder, { embeddingSize: cfg.embeddingSize, margin: cfg.margin, seed: cfg.seed });
    try {
      const loader = textBatchLoader(data.dataset.texts, data.dataset.labels, tokenizer, { maxLength: cfg.maxLength });
      const { sampler, validation } = siameseSamplers(cfg, data, recipe);
      const rows = validation.reduce((n, b) => n + b.length, 0);
      ctx.log?.(
        `siamese: ${sampler.description}, batches of ${sampler.batchSize} rows; ${data.split.train.length} train / ` +
          `${data.split.val.length} validation texts (${validation.length} validation batches of ${rows} rows)`,
      );
      for (const dir of [paths.siamese, paths.siameseEncoder]) await removeStaleTempFiles(dir);
      const result = await train({
        model,
        sampler,
        validationBatches: validation,
        loadBatch: splitLoader(data, loader.loadBatch),
        disposeBatch: loader.disposeBatch,
        epochs,
        ...trainerOptimizer(recipe.optimizer, encoder.trainableVariables(), [...model.headWeights().values()]),
        seed: cfg.seed,
        patience: cfg.patience,
        outDir: paths.siameseCheckpoint,
        reporter: ctx.reporter,
        config: { stage: 'siamese' },
        onStep: yieldToEventLoop,
      });
      const state = stateAfter(result, entry);
      // A reload of weights already exported leaves the files as they are; a run that trained writes them.
      const exported =
        result.reloaded &&
        entry.previous?.exported_epoch === state.best_epoch &&
        existsSync(join(paths.siameseEncoder, 'model.safetensors')) &&
        existsSync(paths.siameseHead);
      if (!exported) {
        await saveEncoder(encoder, paths.siameseEncoder, { tokenizerDir: cfg.tokenizer });
        await writeSafetensors(paths.siameseHead, await variablesToArrays(model.headWeights()));
      }
      const finished = { ...state, exported_epoch: state.best_epoch };
      await finishStage(cfg, entry, finished);
      return { model, result, state: finished, fingerprint: entry.fingerprint };
    } catch (e) {
      model.dispose();
      throw e;
    }
  });
}

/** The saved siamese model (tuned encoder, frozen, and its head), for embeddings and the siamese classifier. */
export async function loadSiamese(cfg: RunConfig): Promise<SiameseModel> {
  await checkFinishedStage(cfg, 'siamese');
  const paths = runPaths(cfg.out);
  let encoder;
  try {
    encoder = await loadEncoder(paths.siameseEncoder, { pooling: cfg.pooling, trainable: false });
  } catch (e) {
    throw new Error(
      `loadSiamese: no trained siamese encoder in '${paths.siameseEncoder}': run the siamese stage first (notebook ` +
        `01 or --stages siamese). (${(e as Error).message})`,
    );
  }
  const model = new SiameseModel(encoder, { embeddingSize: cfg.embeddingSize, margin: cfg.margin, seed: cfg.seed });
  const saved = await readSafetensors(paths.siameseHead);
  for (const [name, v] of model.headWeights()) {
    const a = saved.get(name);
    if (!a || a.shape.join('x') !== v.shape.join('x')) {
      model.dispose();
      throw new Error(`loadSiamese: '${paths.siameseHead}' lacks '${name}' of shape [${v.shape}].`);
    }
    const t = tf.tensor(a.data, a.shape);
    v.assign(t);
    t.dispose();
  }
  return model;
}
