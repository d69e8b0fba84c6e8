/** The study's training settings (reference-workflow.md), as defaults: the options table's (lib/config). */
import { OPTIONS } from '../config/options';

export const TRAINING_DEFAULTS = {
  siamese: {
    /** Adam learning rate of the siamese fine-tuning (notebook 1). */
    learningRate: OPTIONS.siameseLr.default,
    batchSize: OPTIONS.siameseBatchSize.default,
    epochs: OPTIONS.siameseEpochs.default,
    /** Dense(64, relu) hidden layer, then Dense(64) embedding. */
    hiddenUnits: 64,
    embeddingSize: OPTIONS.embeddingSize.default,
    margin: OPTIONS.margin.default,
  },
  classifier: {
    /** Adam learning rate of the softmax head (notebook 2); also used for the trained classifier. */
    learningRate: OPTIONS.classifierLr.default,
    batchSize: OPTIONS.classifierBatchSize.default,
    epochs: OPTIONS.classifierEpochs.default,
  },
} as const;
