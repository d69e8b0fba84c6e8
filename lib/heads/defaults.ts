/**
 * The study's training settings (reference-workflow.md), as the library's defaults: the 'study' recipe of the
 * options table (lib/config/recipes.ts), which `--recipe study` runs.
 */
import { OPTIONS } from '../config/options';
import { ADAM_HEAD, STUDY_RECIPE } from '../config/recipes';

/**
 * The study's siamese and classifier-head settings, read from the options table (lib/config/options.ts) except
 * the head's hidden width (64, not an option): Adam learning rates, batch sizes in texts, epochs, the siamese head's
 * sizes and triplet margin. Used where no run settings are given (models, benchmarks).
 */
export const TRAINING_DEFAULTS = {
  siamese: {
    /** Adam learning rate of the siamese fine-tuning (notebook 1). */
    learningRate: STUDY_RECIPE.siamese.learningRate,
    /** Texts per siamese batch. */
    batchSize: OPTIONS.siameseBatchSize.default,
    /** Siamese training epochs. */
    epochs: STUDY_RECIPE.siamese.epochs as number,
    /** Dense(64, relu) hidden layer, then Dense(64) embedding. */
    hiddenUnits: 64,
    /** Width of the L2-normalised embedding. */
    embeddingSize: OPTIONS.embeddingSize.default,
    /** Triplet margin, in the loss's distance (the study: 1.0 on Euclidean distances). */
    margin: OPTIONS.margin.default,
  },
  classifier: {
    /**
     * Adam learning rate of the frozen and siamese classifiers' softmax heads (notebook 2); the fully trained
     * classifier has its own (the study recipe's `trained`).
     */
    learningRate: ADAM_HEAD.learningRate,
    batchSize: ADAM_HEAD.batchSize,
    epochs: ADAM_HEAD.epochs,
  },
} as const;
