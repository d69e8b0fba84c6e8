/** Memory figures: the process's peak RSS, TF.js's own counters and (wasm) the heap's high-water mark. */
import * as tf from '@tensorflow/tfjs';

export interface MemorySnapshot {
  /** Peak resident set size of this process so far, MB (getrusage maxrss). */
  peakRssMb: number;
  rssMb: number;
  /** tf.memory(): live tensors and their bytes (a buffer shared by several tensors counts once per tensor). */
  numTensors: number;
  tfBytesMb: number;
  /** wasm only: size of the WebAssembly heap, MB; it only grows, so it is the backend's peak. */
  wasmHeapMb?: number;
}

const MB = 1024 * 1024;

/** The wasm backend's heap size in bytes, or undefined on other backends. */
export function wasmHeapBytes(): number | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
  return wasm?.HEAPU8?.length;
}

export function memorySnapshot(): MemorySnapshot {
  const m = tf.memory();
  const heap = wasmHeapBytes();
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    peakRssMb: round((process.resourceUsage().maxRSS * 1024) / MB),
    rssMb: round(process.memoryUsage().rss / MB),
    numTensors: m.numTensors,
    tfBytesMb: round(m.numBytes / MB),
    ...(heap === undefined ? {} : { wasmHeapMb: round(heap / MB) }),
  };
}
