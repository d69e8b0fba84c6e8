/** FLOP counts of the encoder (multiply-adds count 2), for effective GFLOP/s figures. */
import type { EncoderConfig } from '../model/config';

/**
 * Forward FLOPs of one text of `seqLength` tokens: the matMuls only (elementwise ops are a few %):
 * per layer Q/K/V/output projections (4 T H^2), the FFN (2 T H F), scores and context (2 T^2 H);
 * ALBERT's embedding projection (T E H) and the pooler (H^2).
 */
export function encoderForwardFlops(c: EncoderConfig, seqLength: number): number {
  const t = seqLength;
  const h = c.hiddenSize;
  const perLayer = 4 * t * h * h + 2 * t * h * c.intermediateSize + 2 * t * t * h;
  const mapping = c.modelType === 'albert' ? t * c.embeddingSize * h : 0;
  return 2 * (c.numHiddenLayers * perLayer + mapping + h * h);
}

/** A training step costs about 3 forwards (the backward pass computes two products per forward product). */
export const TRAIN_FLOPS_FACTOR = 3;
