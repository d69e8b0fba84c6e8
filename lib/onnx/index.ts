/** ONNX export of encoders and the siamese head, transformers.js folders, and ONNX Runtime inference. */
export { toOnnx, PRODUCER_NAME, type OnnxExportOptions } from './writer';
export {
  encoderGraph,
  transpose2d,
  OPSET,
  IR_VERSION,
  INPUT_NAMES,
  OUTPUT_NAMES,
  type OutputName,
  type EncoderGraphOptions,
  type DenseWeights,
  type WeightArray,
} from './encoder-graph';
export { writeOnnxFolder, TOKENIZER_FILES, ONNX_FILE, type OnnxFolder, type OnnxFolderOptions } from './folder';
export { loadOnnxModel, loadOrt, onnxEmbedder, OnnxModel, type OnnxSessionOptions, type OutputArray } from './runtime';
export {
  createEmbedder,
  withEmbedder,
  INFERENCE_CHOICES,
  type InferenceChoice,
  type ChosenEmbedder,
  type CreateEmbedderOptions,
  type EngineUsed,
} from './engine';
export { encodeModel, decodeModel, type ModelProto } from './proto';
