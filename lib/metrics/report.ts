/**
 * scikit-learn's `classification_report`, as the same text (character for
 * character) or as a structured object.
 */
import { precisionRecallFscoreSupport, type ZeroDivision } from './classification';
import { formatFixed, padLeft, pyLen } from './pyformat';
import { checkLabelsOption, checkTargets, uniqueLabels, type Label } from './targets';
import { warnUndefinedMetric } from './warnings';

/** Options of `classificationReport`, as scikit-learn's `labels`, `target_names`, `digits`, `zero_division`. */
export interface ClassificationReportOptions<L extends Label> {
  /** Labels to include, in this order (default: sorted union of yTrue and yPred). */
  labels?: readonly L[];
  /** Display names, one per label. */
  targetNames?: readonly string[];
  /** Digits after the decimal point (default 2). */
  digits?: number;
  /** Value of a 0/0 metric (default 'warn': 0 and an UndefinedMetricWarning). */
  zeroDivision?: ZeroDivision;
}

/** One row of the report: precision, recall and F1 in [0, 1], and the number of true samples. */
export interface ReportRow {
  /** Precision of the class (or the average). */
  precision: number;
  /** Recall of the class (or the average). */
  recall: number;
  /** F1 score of the class (or the average). */
  f1Score: number;
  /** True samples of the class (for the averages, the sum over the reported labels). */
  support: number;
}

/** The report's numbers, as scikit-learn's `classification_report(output_dict=True)` holds them. */
export interface ClassificationReportData {
  /** Per class, keyed by target name, in label order. */
  classes: { name: string; row: ReportRow }[];
  /** Present when micro average equals accuracy (all present labels reported). */
  accuracy?: number;
  /** Present otherwise. */
  microAvg?: ReportRow;
  /** Unweighted mean over the reported labels. */
  macroAvg: ReportRow;
  /** Mean weighted by support. */
  weightedAvg: ReportRow;
}

const HEADERS = ['precision', 'recall', 'f1-score', 'support'];

/** The numbers behind `classificationReport`. */
export function classificationReportData<L extends Label>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options: ClassificationReportOptions<L> = {},
): ClassificationReportData {
  const fn = 'classificationReport';
  const { presentLabels } = checkTargets(fn, yTrue, yPred);
  const labelsGiven = options.labels !== undefined;
  if (options.labels !== undefined) checkLabelsOption(fn, options.labels);
  const labels = options.labels ?? uniqueLabels(yTrue, yPred);
  const labelSet = new Set<L>(labels);
  const microIsAccuracy = !labelsGiven || presentLabels.every((l) => labelSet.has(l));
  let names = options.targetNames;
  if (names !== undefined && names.length !== labels.length) {
    if (labelsGiven)
      warnUndefinedMetric(`${fn}: labels size, ${labels.length}, does not match size of target_names, ${names.length}`);
    else
      throw new Error(
        `${fn}: 'targetNames' must have one name per class (${labels.length}); got ${names.length}. Pass 'labels' ` +
          `to choose the classes.`,
      );
  }
  if (names === undefined) names = labels.map((l) => String(l));
  const zeroDivision = options.zeroDivision ?? 'warn';
  const per = precisionRecallFscoreSupport(yTrue, yPred, { labels, average: null, zeroDivision });
  const total = per.support.reduce((a, v) => a + v, 0);
  // zip() in Python stops at the shorter of names and labels.
  const classes = per.labels.slice(0, Math.min(names.length, per.labels.length)).map((_, i) => ({
    name: names![i],
    row: { precision: per.precision[i], recall: per.recall[i], f1Score: per.fscore[i], support: per.support[i] },
  }));
  const avg = (average: 'micro' | 'macro' | 'weighted'): ReportRow => {
    const r = precisionRecallFscoreSupport(yTrue, yPred, { labels, average, zeroDivision });
    return { precision: r.precision, recall: r.recall, f1Score: r.fscore, support: total };
  };
  const micro = avg('micro');
  return {
    classes,
    ...(microIsAccuracy ? { accuracy: micro.f1Score } : { microAvg: micro }),
    macroAvg: avg('macro'),
    weightedAvg: avg('weighted'),
  };
}

/**
 * Text report of precision, recall, F1 and support per class, then accuracy
 * (or micro avg), macro avg and weighted avg: identical to scikit-learn's
 * `classification_report(y_true, y_pred, target_names=..., digits=...)`.
 */
export function classificationReport<L extends Label>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options: ClassificationReportOptions<L> = {},
): string {
  const digits = options.digits ?? 2;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new Error(`classificationReport: 'digits' must be an integer in [0, 20]; got ${digits}.`);
  }
  const data = classificationReportData(yTrue, yPred, options);
  const lastHeading = 'weighted avg';
  const names = options.targetNames ?? data.classes.map((c) => c.name);
  const nameWidth = names.reduce((m, s) => Math.max(m, pyLen(s)), -Infinity); // no spread: any number of classes
  const width = Math.max(nameWidth, lastHeading.length, digits);
  const f = (x: number) => ' ' + padLeft(formatFixed(x, digits), 9);
  const n = (x: number) => ' ' + padLeft(String(x), 9);
  const row = (name: string, r: ReportRow) =>
    `${padLeft(name, width)} ${f(r.precision)}${f(r.recall)}${f(r.f1Score)}${n(r.support)}\n`;

  let report = `${padLeft('', width)} ${HEADERS.map((h) => ' ' + padLeft(h, 9)).join('')}\n\n`;
  for (const c of data.classes) report += row(c.name, c.row);
  report += '\n';
  if (data.accuracy !== undefined) {
    const blank = ' ' + ' '.repeat(9);
    report += `${padLeft('accuracy', width)} ${blank}${blank}${f(data.accuracy)}${n(data.macroAvg.support)}\n`;
  } else if (data.microAvg) {
    report += row('micro avg', data.microAvg);
  }
  report += row('macro avg', data.macroAvg);
  report += row('weighted avg', data.weightedAvg);
  return report;
}
