/**
 * A JS `UnsortedSegmentSum` kernel for the wasm backend, which lacks one.
 * TF.js needs it for the gradient of `tf.gather` (embedding lookups), so
 * without it no encoder with trainable embeddings can train on wasm.
 */
import * as tf from '@tensorflow/tfjs';

interface WasmBackendLike {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.backend_util.TypedArray;
}

/** out[segmentIds[i], ...] += x[i, ...]; ids outside [0, numSegments) are dropped, as in TF. */
export function unsortedSegmentSumValues(
  x: ArrayLike<number>, segmentIds: ArrayLike<number>, numSegments: number, out: { [i: number]: number },
): void {
  const rows = segmentIds.length;
  const inner = rows === 0 ? 0 : x.length / rows;
  for (let i = 0; i < rows; i++) {
    const s = segmentIds[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += x[src + j];
  }
}

let registered = false;

export function registerWasmUnsortedSegmentSum(): void {
  if (registered || tf.getKernel('UnsortedSegmentSum', 'wasm') !== undefined) { registered = true; return; }
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const { numSegments } = attrs as unknown as { numSegments: number };
      const wasm = backend as unknown as WasmBackendLike;
      if (segmentIds.shape.length !== 1) {
        throw new Error(`UnsortedSegmentSum (wasm): 'segmentIds' must be 1-D; got shape [${segmentIds.shape}].`);
      }
      const xv = wasm.readSync(x.dataId) as ArrayLike<number>;
      const ids = wasm.readSync(segmentIds.dataId) as ArrayLike<number>;
      const outShape = [numSegments, ...x.shape.slice(1)];
      const out = wasm.makeOutput(outShape, x.dtype);
      const view = wasm.typedArrayFromHeap(out);
      view.fill(0);
      unsortedSegmentSumValues(xv, ids, numSegments, view as unknown as { [i: number]: number });
      return out;
    },
  });
  registered = true;
}
