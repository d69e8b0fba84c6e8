/** Category ids and class weights. */

/**
 * Integer codes in order of first appearance, as pandas `factorize`:
 * the first label seen gets 0, the next new one 1, and so on.
 */
export function factorize(labels: readonly string[]): { codes: Int32Array; categories: string[] } {
  const index = new Map<string, number>();
  const codes = new Int32Array(labels.length);
  labels.forEach((l, i) => {
    let c = index.get(l);
    if (c === undefined) {
      c = index.size;
      index.set(l, c);
    }
    codes[i] = c;
  });
  return { codes, categories: [...index.keys()] };
}

/** Examples per class, for classes 0..numClasses-1. */
export function classCounts(labels: ArrayLike<number>, numClasses: number): Int32Array {
  const counts = new Int32Array(numClasses);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/**
 * The study's class weights: 1 / class frequency, normalised to sum to 1.
 * A class with no examples gets weight 0 (it never contributes to a loss).
 */
export function classWeights(labels: ArrayLike<number>, numClasses: number): Float64Array {
  const counts = classCounts(labels, numClasses);
  const inv = Float64Array.from(counts, (c) => (c > 0 ? 1 / c : 0));
  const total = inv.reduce((a, b) => a + b, 0);
  if (total === 0) throw new Error('classWeights: no examples: cannot weight classes of an empty label set.');
  return inv.map((w) => w / total);
}

/**
 * scikit-learn's `compute_class_weight('balanced')`: n / (classes present × count of the class), mean 1 over the
 * classes present. A class with no examples gets weight 0 (it never contributes to a loss).
 */
export function balancedClassWeights(labels: ArrayLike<number>, numClasses: number): Float64Array {
  const counts = classCounts(labels, numClasses);
  const present = counts.filter((c) => c > 0).length;
  if (present === 0) throw new Error('balancedClassWeights: no examples: cannot weight classes of an empty label set.');
  return Float64Array.from(counts, (c) => (c > 0 ? labels.length / (present * c) : 0));
}
