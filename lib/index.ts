/**
 * siamese-albert-ts: the front door. Everything the command line and the notebooks use, importable
 * from one place (`import { loadDataset, runPipeline } from 'siamese-albert-ts'`); each folder is
 * also a subpath (`siamese-albert-ts/data`, `siamese-albert-ts/model`, …). Inside this repository,
 * and in tslab notebooks, import files instead (`./lib/data/index`). The benchmarks are only a
 * subpath (`siamese-albert-ts/bench`): a tool, not part of the study's API.
 */
export * from './io/index';
export * from './data/index';
export * from './backend/index';
export * from './metrics/index';
export * from './losses/index';
export * from './model/index';
export * from './embeddings/index';
export * from './viz/index';
export * from './tokenizer/index';
export * from './train/index';
export * from './heads/index';
export * from './onnx/index';
export * from './pipeline/index';
export * from './notebook/index';
