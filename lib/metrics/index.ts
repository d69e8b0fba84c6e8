/** Classification and ranking metrics with scikit-learn's semantics. */
export {
  accuracyScore,
  balancedAccuracyScore,
  confusionMatrix,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  fbetaScore,
  f1Score,
  matthewsCorrcoef,
  type Average,
  type Normalize,
  type ZeroDivision,
  type PrfOptions,
  type PrfPerClass,
  type PrfAveraged,
  type ScoreOptions,
} from './classification';
export {
  rocCurve,
  auc,
  interp,
  rocAucScore,
  multiclassRocCurves,
  type RocCurve,
  type RocCurveOptions,
  type RocAverage,
  type RocAucOptions,
  type ClassRoc,
  type MulticlassRoc,
  type MulticlassRocOptions,
} from './ranking';
export {
  classificationReport,
  classificationReportData,
  type ClassificationReportOptions,
  type ClassificationReportData,
  type ReportRow,
} from './report';
export { setUndefinedMetricWarningHandler, captureMetricWarnings, type MetricWarningHandler } from './warnings';
export { formatFixed } from './pyformat';
export {
  bootstrapResamples,
  bootstrapDistribution,
  bootstrapInterval,
  pairedBootstrapDifference,
  percentile,
  type BootstrapMetric,
  type BootstrapOptions,
  type BootstrapInterval,
} from './bootstrap';
export { type Label } from './targets';
