/** Public API of the encoder: types, config, building, loading and saving. */
export * from './types';
export { parseConfig, toHfConfig, DEFAULT_CONFIG, MODEL_TYPES, HIDDEN_ACTS } from './config';
export type { EncoderConfig, ModelType, HiddenAct } from './config';
export { TransformerEncoder, buildEncoder } from './encoder';
export type { BuildOptions } from './encoder';
export { encoderLayout, layoutSize, normaliseCheckpointKey } from './layout';
export type { Layout } from './layout';
export { matchCheckpoint, describeMismatch, variablesFromCheckpoint } from './weights';
export type { CheckpointMatch } from './weights';
export { loadEncoder, saveEncoder, loadConfig } from './load';
export type { LoadOptions } from './load';
export {
  resolveModelDir,
  defaultCacheDir,
  repoCacheDir,
  isHubId,
  gitBlobId,
  HUB_URL,
  DEFAULT_REVISION,
  PINNED_SHA256,
  ModelSourceError,
} from './hub';
export type { ResolveOptions } from './hub';
