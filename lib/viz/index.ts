/**
 * Static figures (SVG strings via Vega-Lite, PNG via sharp) and notebook display.
 * In tslab notebooks import `./lib/viz/index` (tslab does not resolve folders).
 */
export { renderSvg, svgToPng, saveFigure, showFigure, showFigureAsPng, esmImport, type VegaLiteSpec } from './render';
export { FIGURE_CONFIG, categoricalPalette, type FigureOptions } from './theme';
export {
  histogramSpec,
  histogramFigure,
  categoryBarSpec,
  categoryBarFigure,
  trainingCurvesSpec,
  trainingCurvesFigure,
  modelComparisonSpec,
  modelComparisonFigure,
  type HistogramOptions,
  type CategoryBarOptions,
  type TrainingHistory,
  type TrainingCurvesOptions,
  type ModelScore,
  type ModelComparisonOptions,
} from './charts-data';
export {
  confusionMatrixSpec,
  confusionMatrixFigure,
  rocCurvesSpec,
  rocCurvesFigure,
  embeddingScatterSpec,
  embeddingScatterFigure,
  type ConfusionMatrixOptions,
  type CurveWithAuc,
  type RocCurvesInput,
  type RocCurvesOptions,
  type EmbeddingScatterOptions,
} from './charts-eval';
