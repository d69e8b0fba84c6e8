/** Loaders for the scikit-learn metric goldens in test/fixtures/. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/**
 * metrics.json (from ../shared/golden): Python's json writes +inf as the bare
 * token `Infinity` (or, per the README, 1e308); both decode to +Infinity.
 */
export function loadMetricsGolden(): any {
  const text = readFileSync(join(FIXTURES, 'metrics.json'), 'utf8').replace(/\bInfinity\b/g, '1e308');
  return JSON.parse(text, (_k, v) => (v === 1e308 ? Infinity : v));
}

/** metrics_edge_cases.json: "nan", "inf", "-inf" strings decode to numbers. */
export function loadEdgeCases(): any {
  const text = readFileSync(join(FIXTURES, 'metrics_edge_cases.json'), 'utf8');
  const special: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };
  return JSON.parse(text, (_k, v) => (typeof v === 'string' && v in special ? special[v] : v));
}

/** |a - b| <= tol (NaN equals NaN, infinities must match exactly). */
export function assertClose(actual: number, expected: number, tol: number, what: string): void {
  if (Number.isNaN(expected) || !Number.isFinite(expected)) {
    assert.ok(Object.is(actual, expected), `${what}: expected ${expected}, got ${actual}`);
    return;
  }
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: expected ${expected}, got ${actual} (|diff| ${Math.abs(actual - expected)} > ${tol})`,
  );
}

/** Same length and element-wise within tol; returns the max abs difference over finite entries. */
export function assertArrayClose(
  actual: readonly number[],
  expected: readonly number[],
  tol: number,
  what: string,
): number {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} != ${expected.length}`);
  let max = 0;
  actual.forEach((a, i) => {
    assertClose(a, expected[i], tol, `${what}[${i}]`);
    if (Number.isFinite(expected[i])) max = Math.max(max, Math.abs(a - expected[i]));
  });
  return max;
}
