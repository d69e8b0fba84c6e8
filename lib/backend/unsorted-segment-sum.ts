/**
 * A linear-time JS `UnsortedSegmentSum` kernel. TF.js needs it for the gradient
 * of `tf.gather` (embedding lookups). The wasm backend lacks one (no encoder with
 * trainable embeddings could train), and the cpu backend's builds one mask per
 * segment: O(segments × rows) — seconds per step for a 30,000-word vocabulary.
 */
import * as tf from '@tensorflow/tfjs';

interface BackendLike {
  readSync(dataId: object): tf.backend_util.BackendValues;
  /** wasm: allocate on the heap, then fill the view. */
  makeOutput?(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap?(t: tf.TensorInfo): tf.backend_util.TypedArray;
  /** cpu: wrap computed values. */
  makeTensorInfo?(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}

/** out[segmentIds[i], ...] += x[i, ...]; ids outside [0, numSegments) are dropped, as in TF. */
export function unsortedSegmentSumValues(
  x: ArrayLike<number>,
  segmentIds: ArrayLike<number>,
  numSegments: number,
  out: { [i: number]: number },
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

const registered = new Set<string>();

/** Register the kernel for `backendName` ('wasm' or 'cpu'), replacing the cpu backend's quadratic one. */
export function registerUnsortedSegmentSum(backendName: 'wasm' | 'cpu'): void {
  if (registered.has(backendName)) return;
  if (tf.getKernel('UnsortedSegmentSum', backendName) !== undefined)
    tf.unregisterKernel('UnsortedSegmentSum', backendName);
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const { numSegments } = attrs as unknown as { numSegments: number };
      const b = backend as unknown as BackendLike;
      if (segmentIds.shape.length !== 1) {
        throw new Error(
          `UnsortedSegmentSum (${backendName}): 'segmentIds' must be 1-D; got shape [${segmentIds.shape}].`,
        );
      }
      const xv = b.readSync(x.dataId) as ArrayLike<number>;
      const ids = b.readSync(segmentIds.dataId) as ArrayLike<number>;
      const outShape = [numSegments, ...x.shape.slice(1)];
      if (b.makeOutput && b.typedArrayFromHeap) {
        const out = b.makeOutput(outShape, x.dtype);
        const view = b.typedArrayFromHeap(out);
        view.fill(0);
        unsortedSegmentSumValues(xv, ids, numSegments, view as unknown as { [i: number]: number });
        return out;
      }
      const values =
        x.dtype === 'int32'
          ? new Int32Array(tf.util.sizeFromShape(outShape))
          : new Float32Array(tf.util.sizeFromShape(outShape));
      unsortedSegmentSumValues(xv, ids, numSegments, values);
      return b.makeTensorInfo!(outShape, x.dtype, values);
    },
  });
  registered.add(backendName);
}
