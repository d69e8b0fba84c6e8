/** Files: safetensors read/write, tensors to arrays, hashing, HTML escaping, the package's own files. */
export * from './safetensors';
export * from './tensors';
export * from './hash';
export * from './html';
export * from './package-root';
export * from './process';
