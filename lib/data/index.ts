/** The data layer: reading, cleaning, labels, splits, batches, seeded randomness. */
export * from './errors';
export * from './read';
export * from './fields';
export * from './labels';
export * from './split';
export * from './batches';
export * from './rng';
export * from './dataset';
export * from './buckets';
export * from './sample';
