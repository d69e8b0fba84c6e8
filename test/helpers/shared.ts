/**
 * Paths into ../shared (real HuffPost data, the ALBERT tokenizer), which the
 * project never commits. Tests read SHARED_DIR (scripts/test.sh sets it when
 * ../shared exists) and skip, visibly, when it is absent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const SHARED_DIR = process.env.SHARED_DIR;

/** Absolute path of `rel` under SHARED_DIR, or a skip reason. */
export function sharedPath(rel: string): { path: string } | { skip: string } {
  if (!SHARED_DIR) return { skip: `SHARED_DIR is not set: skipping (needs shared/${rel})` };
  const p = join(SHARED_DIR, rel);
  return existsSync(p) ? { path: p } : { skip: `missing ${p}: skipping` };
}
