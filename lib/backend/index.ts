/**
 * Backend selection: the fastest TF.js backend that loads here, always reported.
 *
 * Order for `auto`: `tensorflow` (native libtensorflow via @tensorflow/tfjs-node-gpu
 * or @tensorflow/tfjs-node, optional: they cannot install without libtensorflow),
 * then `wasm` (SIMD, one thread in Node), then `cpu` (pure JS, ~40x slower).
 * Override with the `backend` option or the SIAMESE_BACKEND environment variable.
 */
import * as tf from '@tensorflow/tfjs';
import { registerWasmUnsortedSegmentSum } from './unsorted-segment-sum';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  /** The TF.js backend now active. */
  name: BackendName;
  /** Which package provides it, e.g. `@tensorflow/tfjs-backend-wasm`. */
  provider: string;
  /** Why earlier candidates were skipped (empty when the first choice loaded). */
  skipped: string[];
}

const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

function parseChoice(value: string, source: string): BackendChoice {
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new Error(`initBackend: ${source} must be one of ${BACKEND_CHOICES.join(', ')}; got '${value}'.`);
}

async function tryNative(skipped: string[]): Promise<string | undefined> {
  for (const pkg of NATIVE_PACKAGES) {
    try {
      await import(pkg);
      if (tf.findBackend('tensorflow') !== undefined) return pkg;
      skipped.push(`${pkg}: loaded but registered no 'tensorflow' backend`);
    } catch (e) {
      skipped.push(`${pkg}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return undefined;
}

async function tryWasm(skipped: string[]): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmUnsortedSegmentSum();
    return true;
  } catch (e) {
    skipped.push(`@tensorflow/tfjs-backend-wasm: ${(e as Error).message.split('\n')[0]}`);
    return false;
  }
}

let current: BackendInfo | undefined;

/**
 * Activate a backend. `choice` defaults to SIAMESE_BACKEND, else `auto`.
 * An explicit choice that cannot load is an error, never a silent fallback.
 */
export async function initBackend(choice?: BackendChoice): Promise<BackendInfo> {
  const env = process.env.SIAMESE_BACKEND;
  const wanted = choice ?? (env ? parseChoice(env, 'SIAMESE_BACKEND') : 'auto');
  parseChoice(wanted, "'backend'");
  if (current && (wanted === 'auto' || wanted === current.name) && tf.getBackend() === current.name) return current;
  tf.enableProdMode();
  const skipped: string[] = [];
  let info: BackendInfo | undefined;
  if (wanted === 'tensorflow' || wanted === 'auto') {
    const pkg = await tryNative(skipped);
    if (pkg) info = { name: 'tensorflow', provider: pkg, skipped };
    else if (wanted === 'tensorflow') throw new Error(`initBackend: backend 'tensorflow' is not available: ${skipped.join('; ')}. Run 'npm run setup:native' or choose 'wasm'.`);
  }
  if (!info && (wanted === 'wasm' || wanted === 'auto')) {
    if (await tryWasm(skipped)) info = { name: 'wasm', provider: '@tensorflow/tfjs-backend-wasm', skipped };
    else if (wanted === 'wasm') throw new Error(`initBackend: backend 'wasm' is not available: ${skipped.join('; ')}.`);
  }
  if (!info) info = { name: 'cpu', provider: '@tensorflow/tfjs (pure JS)', skipped };
  const ok = await tf.setBackend(info.name);
  if (!ok) throw new Error(`initBackend: tf.setBackend('${info.name}') failed.`);
  await tf.ready();
  current = info;
  return info;
}

/** A one-line description for logs and reports, e.g. `wasm (@tensorflow/tfjs-backend-wasm)`. */
export function describeBackend(info: BackendInfo): string {
  return `${info.name} (${info.provider})`;
}
