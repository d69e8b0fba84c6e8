/** Public API of the tokenizer. */
export { loadTokenizer, TextTokenizer } from './tokenizer';
export type { Encoded } from './tokenizer';
export { toTokenBatch, disposeTokenBatch } from './types';
export type { BatchEncoder, EncodedBatch, EncodeOptions, Padding } from './types';
