/** The study's training settings (reference-workflow.md), as defaults: the options table's (lib/config). */
import { OPTIONS } from '../config/options';

/**
 * The study's siamese and classifier-head settings, read from the options table (lib/config/options.ts) except
 * the head's hidden width (64, not an option): Adam learning rates, batch sizes in texts, epochs, the siamese head's
 * sizes and triplet margin. Used where no run settings are given (models, benchmarks).
 */
export const TRAINING_DEFAULTS = {
  siamese: {
    /** Adam learning rate of the siamese fine-tuning (notebook 1). */
    learningRate: OPTIONS.siameseLr.default,
    /** Texts per siamese batch. */
    batchSize: OPTIONS.siameseBatchSize.default,
    /** Siamese training epochs. */
    epochs: OPTIONS.siameseEpochs.default,
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
     * classifier has its own (the options table's `trainedLr`).
     */
    learningRate: OPTIONS.classifierLr.default,
    batchSize: OPTIONS.classifierBatchSize.default,
    epochs: OPTIONS.classifierEpochs.default,
  },
} as const;
