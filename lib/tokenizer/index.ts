/** Public API of the tokenizer. */
export { loadTokenizer, TextTokenizer } from './tokenizer';
export type { Encoded } from './tokenizer';
export { toTokenBatch, disposeTokenBatch } from './types';
export type { BatchEncoder, EncodedBatch, EncodeOptions, Padding } from './types';
export {
  TokenTable,
  tokenizeTexts,
  tokenTableKey,
  tokenizerIdentity,
  type TokenArrays,
  type TokenSource,
} from './token-table';
export {
  cachedTokenTable,
  readTokenTable,
  writeTokenTable,
  tokenCacheFile,
  type CachedTokenTable,
} from './token-cache';
export { forwardBatches, forwardRows, type ForwardRowsOptions, type ForwardRowsResult } from './forward';
