/**
 * Static figures (SVG strings via Vega-Lite, PNG via sharp) and notebook display.
 * In tslab notebooks import `./lib/viz/index` (tslab does not resolve folders).
 */
export {
  renderSvg,
  svgToPng,
  saveFigure,
  showFigure,
  showFigureAsPng,
  esmImport,
  type PngOptions,
  type VegaLiteSpec,
} from './render';
export { FIGURE_CONFIG, NOTEBOOK_WIDTH, categoricalPalette, estimateTextWidth, type FigureOptions } from './theme';
export {
  histogramSpec,
  histogramFigure,
  categoryBarSpec,
  categoryBarFigure,
  trainingCurvesSpec,
  trainingCurvesFigure,
  type HistogramOptions,
  type CategoryBarOptions,
  type TrainingHistory,
  type TrainingCurvesOptions,
} from './charts-data';
export {
  modelComparisonSpec,
  modelComparisonFigure,
  type ModelScore,
  type ModelComparisonOptions,
} from './model-comparison';
export {
  confusionMatrixSpec,
  confusionMatrixFigure,
  rocCurvesSpec,
  rocCurvesFigure,
  type ConfusionMatrixOptions,
  type CurveWithAuc,
  type RocCurvesInput,
  type RocCurvesOptions,
} from './charts-eval';
export {
  embeddingScatterSpec,
  embeddingScatterFigure,
  categoryMedians,
  type EmbeddingScatterOptions,
} from './embedding-map';
export {
  layoutLabels,
  nearestBoxPoint,
  type LabelRequest,
  type PlacedLabel,
  type LabelLayoutOptions,
} from './label-layout';
export { sceneItems, boxesOverlap, overlaps, type SceneItem, type Point } from './scene';
