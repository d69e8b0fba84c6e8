/**
 * The study end to end: run options and their parsing, data preparation, the stages, evaluation and
 * `runPipeline`. Re-exports every module of the folder (`export *`, so that what the modules export
 * is the folder's public API without a second list to keep in step).
 */
export * from './options';
export * from './config';
export * from './prepare';
export * from './stages';
export * from './evaluate';
export * from './evaluation';
export * from './inference';
export * from './embedding-quality';
export * from './recipe';
export * from './recipe-report';
export * from './intervals';
export * from './run';
export * from './tokens';
export * from './split-file';
export * from './peer-input';
export * from './seeds';
export * from './compare-runs';
