/**
 * Python's `format(x, '.Nf')` and right-alignment, for report text identical to
 * scikit-learn's. JavaScript's `toFixed` rounds exact halves up (0.125 → "0.13")
 * where Python rounds them to even ("0.12"); both otherwise round the exact
 * binary value, so only exact ties need care.
 */

/** `format(x, f'.{digits}f')` as Python prints it (nan, inf, -inf, -0.00). */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const negative = x < 0 || Object.is(x, -0);
  const abs = Math.abs(x);
  // toFixed(100) is exact for the magnitudes that can tie at <= 20 digits.
  const exact = abs.toFixed(100);
  const [intPart, frac] = exact.split('.');
  const kept = frac.slice(0, digits);
  const rest = frac.slice(digits);
  const half = rest[0] === '5' && /^0*$/.test(rest.slice(1));
  let out = abs.toFixed(digits);
  if (half) {
    // Exact tie: round half to even.
    const lastDigit = Number((digits === 0 ? intPart : kept).slice(-1));
    if (lastDigit % 2 === 0) out = digits === 0 ? intPart : `${intPart}.${kept}`;
  }
  return negative ? `-${out}` : out;
}

/** Number of code points (Python's len for a str). */
export function pyLen(s: string): number {
  return [...s].length;
}

/** `format(s, f'>{width}')`. */
export function padLeft(s: string, width: number): string {
  const n = pyLen(s);
  return n >= width ? s : ' '.repeat(width - n) + s;
}
