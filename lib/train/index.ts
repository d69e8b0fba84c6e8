/** Training: samplers, batch loaders, the trainer, checkpoints and progress output. */
export {
  pkSampler,
  randomSampler,
  limitSteps,
  BUCKET_WINDOW_BATCHES,
  PK_BUCKET_WINDOW_BATCHES,
  type BatchSampler,
  type PkSampler,
  type PkSamplerOptions,
  type RandomSamplerOptions,
} from './sampler';
export { bucketPkWindows, type ClassSlot } from './pk-buckets';
export {
  textBatchLoader,
  tokenBatchLoader,
  featureBatchLoader,
  featureRows,
  type BatchLoader,
  type FeatureMatrix,
} from './batches';
export {
  Adam,
  makeAdam,
  type AdamOptions,
  type AdamState,
  type AdamMoments,
  type LearningRate,
  type ParamGroup,
} from './optimizer';
export { KILL_ENV, KILL_POINTS, killPoint, type KillPoint } from './kill-points';
export {
  linearScheduleWithWarmup,
  constantSchedule,
  makeSchedule,
  warmupStepsFor,
  SCHEDULE_NAMES,
  type LearningRateSchedule,
  type ScheduleName,
  type ScheduleOptions,
} from './schedule';
export { minimizeLbfgs, type Objective, type LbfgsOptions, type LbfgsResult, type LbfgsStop } from './lbfgs';
export {
  train,
  NonFiniteLossError,
  RESULT_FILE,
  type TrainOptions,
  type TrainResult,
  type StepInfo,
  type StopReason,
} from './trainer';
export {
  saveCheckpoint,
  readManifest,
  readCheckpointJson,
  restoreWeights,
  restoreOptimizer,
  cleanCheckpointDir,
  removeStaleTempFiles,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  MANIFEST_FILE,
  type CheckpointManifest,
  type SaveCheckpointArgs,
} from './checkpoint';
export {
  terminalReporter,
  notebookReporter,
  silentReporter,
  formatStep,
  formatEpoch,
  formatDuration,
  type ProgressReporter,
  type StepProgress,
  type LineReporterOptions,
  type TerminalReporterOptions,
} from './progress';
export { recordToJson, recordFromJson, type EpochRecord, type EpochRecordJson } from './history';
export type { TrainableModel, LabeledBatch, StepOutputs } from './types';
