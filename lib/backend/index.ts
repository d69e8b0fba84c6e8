/**
 * Backend selection: the fastest TF.js backend that loads here, always reported.
 *
 * Order for `auto`: `tensorflow` (native libtensorflow via @tensorflow/tfjs-node-gpu
 * or @tensorflow/tfjs-node, optional: they cannot install without libtensorflow;
 * or the build `npm run setup:native` makes from the TensorFlow wheel, found at
 * `.cache/native/node_modules/@tensorflow/tfjs-node` above the library's own code, else
 * above the working directory, or at SIAMESE_TFJS_NODE), then `wasm` (SIMD, one thread
 * in Node), then `cpu` (pure JS, ~40x slower).
 * Override with the `backend` option or the SIAMESE_BACKEND environment variable.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { findUpward, searchStarts } from '../io/package-root';
import { registerUnsortedSegmentSum } from './unsorted-segment-sum';

/** A TF.js backend this project runs on: native libtensorflow, WebAssembly or pure JavaScript. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
/** A backend to ask {@link initBackend} for; 'auto' takes the fastest that loads. */
export type BackendChoice = BackendName | 'auto';
/** The accepted {@link BackendChoice} values (`--backend`'s choices). */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

/** The backend {@link initBackend} activated, what provides it and why faster ones were skipped. */
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

/** Where `npm run setup:native` installs its tfjs-node build, relative to the project root. */
export const LOCAL_NATIVE_DIR = '.cache/native/node_modules/@tensorflow/tfjs-node';

/**
 * The folder of the local tfjs-node build: SIAMESE_TFJS_NODE when set, else the first
 * `<dir>/.cache/native/node_modules/@tensorflow/tfjs-node` walking up from `start`, or by
 * default from the library's own code (so a program in another folder that imports the
 * package finds the build beside it), then from the working directory.
 */
export function findLocalNative(start?: string): string | undefined {
  const env = process.env.SIAMESE_TFJS_NODE;
  if (env) return resolve(env);
  const dir = findUpward(
    (d) => existsSync(join(d, LOCAL_NATIVE_DIR, 'package.json')),
    start === undefined ? searchStarts() : [start],
  );
  return dir === undefined ? undefined : join(dir, LOCAL_NATIVE_DIR);
}

/** The build's path for reports: relative to the working directory when inside it, else absolute. */
function displayNative(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.startsWith('..') ? dir : rel;
}

/** The candidate that registered 'tensorflow' in this process (a module loads once). */
let nativeLoaded: string | undefined;

async function tryNative(skipped: string[]): Promise<string | undefined> {
  if (nativeLoaded && tf.findBackend('tensorflow') != null) return nativeLoaded;
  const local = findLocalNative();
  const candidates = NATIVE_PACKAGES.map((pkg) => ({ label: pkg, specifier: pkg }));
  // An absolute path works for import() under tsx and for require() under tslab.
  if (local)
    candidates.push({
      label: `@tensorflow/tfjs-node (local build: ${displayNative(local)})`,
      specifier: join(local, 'dist', 'index.js'),
    });
  else skipped.push(`local build: none (run 'npm run setup:native')`);
  for (const { label, specifier } of candidates) {
    try {
      await import(specifier);
      if (tf.findBackend('tensorflow') != null) return (nativeLoaded = label);
      skipped.push(`${label}: loaded but registered no 'tensorflow' backend`);
    } catch (e) {
      skipped.push(`${label}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return undefined;
}

async function tryWasm(skipped: string[]): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    registerUnsortedSegmentSum('wasm');
    return true;
  } catch (e) {
    skipped.push(`@tensorflow/tfjs-backend-wasm: ${(e as Error).message.split('\n')[0]}`);
    return false;
  }
}

let current: BackendInfo | undefined;

/**
 * Activate a TF.js backend for the whole process and report it (log `describeBackend(info)` and `info.skipped`).
 * `choice` defaults to SIAMESE_BACKEND, else `auto`: native `tensorflow` if a build loads (found relative to the
 * library, so also from other folders), else `wasm`, else `cpu`. Calling again with `auto` or the active backend
 * returns the same info without reloading. The golden tests (test/model) run on wasm and cpu by default and on
 * tensorflow with TEST_BACKENDS=tensorflow.
 *
 * Throws on a choice (or SIAMESE_BACKEND) outside auto, tensorflow, wasm, cpu, and when an explicit choice cannot
 * load (naming why, e.g. "run 'npm run setup:native'"): never a silent fallback.
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
    else if (wanted === 'tensorflow')
      throw new Error(
        `initBackend: backend 'tensorflow' is not available: ${skipped.join('; ')}. Run 'npm run setup:native' or ` +
          `choose 'wasm'.`,
      );
  }
  if (!info && (wanted === 'wasm' || wanted === 'auto')) {
    if (await tryWasm(skipped)) info = { name: 'wasm', provider: '@tensorflow/tfjs-backend-wasm', skipped };
    else if (wanted === 'wasm') throw new Error(`initBackend: backend 'wasm' is not available: ${skipped.join('; ')}.`);
  }
  if (!info) info = { name: 'cpu', provider: '@tensorflow/tfjs (pure JS)', skipped };
  if (info.name === 'cpu') registerUnsortedSegmentSum('cpu');
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
