/** The study's training settings (reference-workflow.md), as defaults. */

export const TRAINING_DEFAULTS = {
  siamese: {
    /** Adam learning rate of the siamese fine-tuning (notebook 1). */
    learningRate: 1e-5,
    batchSize: 64,
    epochs: 25,
    /** Dense(64, relu) hidden layer, then Dense(64) embedding. */
    hiddenUnits: 64,
    embeddingSize: 64,
    margin: 1.0,
  },
  classifier: {
    /** Adam learning rate of the softmax head (notebook 2); also used for the trained classifier. */
    learningRate: 1e-4,
    batchSize: 128,
    epochs: 40,
  },
} as const;
