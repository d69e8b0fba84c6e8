/**
 * UndefinedMetricWarning, as scikit-learn's: an ill-defined metric (0/0) is not
 * an error; its value comes from `zeroDivision` and a warning names that option.
 *
 * By default each distinct message is emitted once per process through
 * `process.emitWarning` (like Python's default warning filter). Tests and
 * notebooks can capture warnings with `setUndefinedMetricWarningHandler`.
 */

/** Receives each UndefinedMetricWarning's message (see `setUndefinedMetricWarningHandler`). */
export type MetricWarningHandler = (message: string) => void;

const seen = new Set<string>();

const defaultHandler: MetricWarningHandler = (message) => {
  if (seen.has(message)) return;
  seen.add(message);
  process.emitWarning(message, 'UndefinedMetricWarning');
};

let handler: MetricWarningHandler = defaultHandler;

/** Emit an UndefinedMetricWarning through the current handler. */
export function warnUndefinedMetric(message: string): void {
  handler(message);
}

/**
 * Replace the warning handler (pass nothing to restore the default, which emits
 * each distinct message once). Returns the previous handler.
 */
export function setUndefinedMetricWarningHandler(next?: MetricWarningHandler): MetricWarningHandler {
  const previous = handler;
  handler = next ?? defaultHandler;
  return previous;
}

/** Run `fn` and return its result with every warning it emitted (in order). */
export function captureMetricWarnings<T>(fn: () => T): { result: T; warnings: string[] } {
  const warnings: string[] = [];
  const previous = setUndefinedMetricWarningHandler((m) => warnings.push(m));
  try {
    return { result: fn(), warnings };
  } finally {
    setUndefinedMetricWarningHandler(previous);
  }
}
