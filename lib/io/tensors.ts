/** Conversions between TF.js tensors/variables and the NamedArray records of lib/io/safetensors. */
import * as tf from '@tensorflow/tfjs';
import type { NamedArray } from './safetensors';

/** Copy a tensor's values into a NamedArray (float32 -> F32, int32/bool -> I32). */
export async function tensorToArray(name: string, t: tf.Tensor): Promise<NamedArray> {
  const values = await t.data();
  if (t.dtype === 'float32')
    return { name, dtype: 'F32', shape: [...t.shape], data: Float32Array.from(values as Float32Array) };
  if (t.dtype === 'int32' || t.dtype === 'bool')
    return { name, dtype: 'I32', shape: [...t.shape], data: Int32Array.from(values as Int32Array) };
  throw new Error(`tensorToArray: tensor '${name}' must be float32, int32 or bool; got ${t.dtype}.`);
}

/** Copy every variable (or tensor) of a named map into NamedArrays, in map order. */
export async function variablesToArrays(vars: Map<string, tf.Tensor>): Promise<NamedArray[]> {
  const out: NamedArray[] = [];
  for (const [name, v] of vars) out.push(await tensorToArray(name, v));
  return out;
}

/** A new tensor holding a NamedArray's values (caller owns it). */
export function arrayToTensor(a: NamedArray): tf.Tensor {
  return a.data instanceof Float32Array ? tf.tensor(a.data, a.shape, 'float32') : tf.tensor(a.data, a.shape, 'int32');
}
