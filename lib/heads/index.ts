/** Heads on an encoder (the study's models): siamese embedding model, classifiers, their loss, features and defaults.
 * */
export { Dense, glorotUniform, type Activation, type DenseOptions } from './dense';
export { SiameseModel, l2NormalizeRows, type SiameseOptions } from './siamese';
export {
  ClassifierHead,
  EncoderClassifier,
  frozenClassifier,
  trainedClassifier,
  siameseClassifier,
  type ClassifierOptions,
} from './classifier';
export {
  sparseCategoricalCrossentropy,
  correctCount,
  type CrossEntropyOptions,
  type CrossEntropyReduction,
} from './cross-entropy';
export {
  computeFeatures,
  computeFeaturesOfRows,
  cachedFeatures,
  encodeInBatches,
  encoderFingerprint,
  type CachedFeatureOptions,
  type CachedFeatures,
} from './features';
export { TRAINING_DEFAULTS } from './defaults';
export { tfjsEmbedder, isSentenceEmbedder, type SentenceEmbedder, type EngineKind } from './embedder';
export {
  LogisticRegression,
  fitLogisticRegression,
  type LogisticRegressionOptions,
  type LogisticFitReport,
} from './logistic';
export {
  fitLogisticRegressionCV,
  stratifiedFolds,
  DEFAULT_CS,
  type LogisticCVOptions,
  type LogisticCVResult,
} from './logistic-cv';
