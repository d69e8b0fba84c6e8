/**
 * Shared validation of classification targets (scikit-learn's `_check_targets`
 * and `unique_labels`, for 1-D binary/multiclass labels).
 */

/** A class label: integers or strings (one kind per call, as scikit-learn). */
export type Label = number | string;

/** scikit-learn's `type_of_target` for 1-D labels: at most two distinct labels is 'binary'. */
export type TargetType = 'binary' | 'multiclass';

/** Sort labels as numpy does: numbers ascending, strings by code unit. */
export function sortLabels<L extends Label>(labels: Iterable<L>): L[] {
  return [...labels].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function checkLabelArray(fn: string, name: string, y: readonly Label[]): 'number' | 'string' | undefined {
  if (!Array.isArray(y)) throw new Error(`${fn}: '${name}' must be an array of labels; got ${typeof y}.`);
  let kind: 'number' | 'string' | undefined;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    const k = typeof v;
    if (k === 'number') {
      if (!Number.isInteger(v)) {
        throw new Error(
          `${fn}: '${name}' must hold discrete labels (integers or strings); got ${v} at index ${i} (continuous ` +
            `values are not classification targets).`,
        );
      }
    } else if (k !== 'string') {
      throw new Error(`${fn}: '${name}' must hold integers or strings; got ${k} at index ${i}.`);
    }
    if (kind === undefined) kind = k as 'number' | 'string';
    else if (kind !== k) throw new Error(`${fn}: '${name}' mixes label types (string and number); use one kind.`);
  }
  return kind;
}

/** Sorted union of the labels in the given arrays. */
export function uniqueLabels<L extends Label>(...ys: readonly (readonly L[])[]): L[] {
  const set = new Set<L>();
  for (const y of ys) for (const v of y) set.add(v);
  return sortLabels(set);
}

/** What `checkTargets` learns about a pair of label arrays. */
export interface CheckedTargets<L extends Label> {
  /** 'binary' or 'multiclass', from the union of yTrue and yPred. */
  type: TargetType;
  /** Sorted union of the labels in yTrue and yPred. */
  presentLabels: L[];
}

/** Check that yTrue and yPred are same-length, non-empty, discrete label arrays of one kind. */
export function checkTargets<L extends Label>(fn: string, yTrue: readonly L[], yPred: readonly L[]): CheckedTargets<L> {
  const kt = checkLabelArray(fn, 'yTrue', yTrue);
  const kp = checkLabelArray(fn, 'yPred', yPred);
  if (yTrue.length !== yPred.length) {
    throw new Error(`${fn}: 'yTrue' and 'yPred' must have the same length; got ${yTrue.length} and ${yPred.length}.`);
  }
  if (yTrue.length === 0) throw new Error(`${fn}: 'yTrue' must not be empty; got 0 samples.`);
  if (kt !== kp) throw new Error(`${fn}: 'yTrue' holds ${kt} labels but 'yPred' holds ${kp} labels; use one kind.`);
  const presentLabels = uniqueLabels(yTrue, yPred);
  return { type: presentLabels.length <= 2 ? 'binary' : 'multiclass', presentLabels };
}

/** Validate a user-given `labels` option: non-empty, unique, of the targets' kind. */
export function checkLabelsOption<L extends Label>(fn: string, labels: readonly L[]): void {
  if (!Array.isArray(labels) || labels.length === 0) {
    throw new Error(`${fn}: 'labels' must be a non-empty array of labels; got ${JSON.stringify(labels)}.`);
  }
  checkLabelArray(fn, 'labels', labels);
  if (new Set(labels).size !== labels.length)
    throw new Error(`${fn}: 'labels' must be unique; got ${JSON.stringify(labels)}.`);
}

/** Map from label to its position in `labels`. */
export function labelIndex<L extends Label>(labels: readonly L[]): Map<L, number> {
  return new Map(labels.map((l, i) => [l, i]));
}
