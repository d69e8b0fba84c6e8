/**
 * The study's training settings (reference-workflow.md), as the library's defaults: the 'study' recipe of the
 * options table (lib/config/recipes.ts), which `--recipe study` runs.
 */
import { OPTIONS } from '../config/options';
import { ADAM_HEAD, STUDY_RECIPE } from '../config/recipes';

export const TRAINING_DEFAULTS = {
  siamese: {
    /** Adam learning rate of the siamese fine-tuning (notebook 1). */
    learningRate: STUDY_RECIPE.siamese.learningRate,
    batchSize: OPTIONS.siameseBatchSize.default,
    epochs: STUDY_RECIPE.siamese.epochs as number,
    /** Dense(64, relu) hidden layer, then Dense(64) embedding. */
    hiddenUnits: 64,
    embeddingSize: OPTIONS.embeddingSize.default,
    margin: OPTIONS.margin.default,
  },
  classifier: {
    /** Adam learning rate of the softmax head (notebook 2). */
    learningRate: ADAM_HEAD.learningRate,
    batchSize: ADAM_HEAD.batchSize,
    epochs: ADAM_HEAD.epochs,
  },
} as const;
