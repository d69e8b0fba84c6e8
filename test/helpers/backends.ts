/** Backends every tensor test runs on. Override with TEST_BACKENDS=wasm,cpu,tensorflow. */
import type { BackendName } from '../../lib/backend';

export const TEST_BACKENDS: BackendName[] = (process.env.TEST_BACKENDS ?? 'wasm,cpu')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean) as BackendName[];
