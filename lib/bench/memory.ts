/** Memory figures: the process's peak RSS, TF.js's own counters and (wasm) the heap's high-water mark. */
import * as tf from '@tensorflow/tfjs';

/** Memory of this process at one moment, in MB (2^20 bytes) and tensors. */
export interface MemorySnapshot {
  /** Peak resident set size of this process so far, MB (getrusage maxrss). */
  peakRssMb: number;
  /** Resident set size now, MB. */
  rssMb: number;
  /** tf.memory(): live tensors and their bytes (a buffer shared by several tensors counts once per tensor). */
  numTensors: number;
  /** tf.memory().numBytes, MB. */
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

/** The process's memory now, rounded to 0.1 MB (see {@link MemorySnapshot}). */
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
