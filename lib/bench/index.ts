/** Benchmarks of encoder inference and siamese training (`npm run bench`): workloads, timing, peers, reports. */
export * from './run';
export * from './workloads';
export * from './stats';
export * from './memory';
export * from './flops';
export * from './peer';
export * from './headlines';
export * from './headlines-train';
export * from './format';
export * from './model-bench';
export * from './python-peer';
export * from './interleave';
export * from './engines';
