/**
 * Matching checkpoint tensors to an encoder's layout, with one error naming every problem.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedArray } from '../io/safetensors';
import type { EncoderConfig } from './config';
import { encoderLayout, normaliseCheckpointKey } from './layout';

/**
 * How a checkpoint's tensors line up with an encoder layout (see {@link matchCheckpoint}); the load succeeds only
 * when `missing`, `unexpected` and `misShaped` are all empty.
 */
export interface CheckpointMatch {
  /** Our parameter name -> the checkpoint tensor for it. */
  matched: Map<string, NamedArray>;
  /** Layout names absent from the checkpoint. */
  missing: string[];
  /** Checkpoint keys that are not part of the layout (nor a known buffer or task head). */
  unexpected: string[];
  /** Parameters present with the wrong shape or a non-float dtype. */
  misShaped: { name: string; expected: number[]; got: number[]; dtype: string }[];
  /** Checkpoint keys deliberately skipped (buffers such as position_ids, task heads such as predictions.*). */
  ignored: string[];
}

/** Compare a checkpoint's tensors with the layout of `config` (no allocation). */
export function matchCheckpoint(arrays: Map<string, NamedArray>, config: EncoderConfig): CheckpointMatch {
  const layout = encoderLayout(config);
  const result: CheckpointMatch = { matched: new Map(), missing: [], unexpected: [], misShaped: [], ignored: [] };
  for (const [key, arr] of arrays) {
    const n = normaliseCheckpointKey(key, config.modelType);
    if ('ignored' in n) {
      result.ignored.push(n.ignored);
      continue;
    }
    const expected = layout.get(n.name);
    if (!expected) {
      result.unexpected.push(key);
      continue;
    }
    const sameShape = expected.length === arr.shape.length && expected.every((d, i) => d === arr.shape[i]);
    if (!sameShape || !(arr.data instanceof Float32Array)) {
      result.misShaped.push({ name: key, expected, got: arr.shape, dtype: arr.dtype });
      continue;
    }
    result.matched.set(n.name, arr);
  }
  const shaped = new Set(result.misShaped.map((m) => normaliseName(m.name, config)));
  for (const name of layout.keys()) if (!result.matched.has(name) && !shaped.has(name)) result.missing.push(name);
  return result;
}

function normaliseName(key: string, config: EncoderConfig): string {
  const n = normaliseCheckpointKey(key, config.modelType);
  return 'name' in n ? n.name : key;
}

/** One message listing every missing, unexpected and mis-shaped tensor, or undefined when the match is exact. */
export function describeMismatch(m: CheckpointMatch, source: string, config: EncoderConfig): string | undefined {
  if (m.missing.length === 0 && m.unexpected.length === 0 && m.misShaped.length === 0) return undefined;
  const parts: string[] = [];
  if (m.missing.length) parts.push(`missing (${m.missing.length}): ${m.missing.join(', ')}`);
  if (m.unexpected.length) parts.push(`unexpected (${m.unexpected.length}): ${m.unexpected.join(', ')}`);
  if (m.misShaped.length) {
    parts.push(
      `mis-shaped (${m.misShaped.length}): ${m.misShaped
        .map((s) => `${s.name} expected F32 [${s.expected}] got ${s.dtype} [${s.got}]`)
        .join(', ')}`,
    );
  }
  return (
    `checkpoint '${source}' does not match the ${config.modelType} config (hidden ${config.hiddenSize}, ` +
    `${config.numHiddenLayers} layers): ${parts.join('; ')}.`
  );
}

/**
 * Variables for every layout parameter, filled from `arrays`; throws one error naming every
 * missing, unexpected and mis-shaped tensor. Nothing is allocated when the check fails.
 */
export function variablesFromCheckpoint(
  arrays: Map<string, NamedArray>,
  config: EncoderConfig,
  source: string,
  trainable = true,
): Map<string, tf.Variable> {
  const m = matchCheckpoint(arrays, config);
  const problem = describeMismatch(m, source, config);
  if (problem) throw new Error(`loadEncoder: ${problem}`);
  const out = new Map<string, tf.Variable>();
  for (const name of encoderLayout(config).keys()) {
    const a = m.matched.get(name)!;
    const t = tf.tensor(a.data, a.shape, 'float32');
    out.set(name, tf.variable(t, trainable));
    t.dispose();
  }
  return out;
}
