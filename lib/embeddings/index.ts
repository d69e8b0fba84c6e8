/**
 * Embedding maps and tools: UMAP to 2-D, TensorBoard projector export,
 * cosine nearest neighbours, and cluster quality (silhouette, k-NN accuracy).
 * In tslab notebooks import `./lib/embeddings/index`.
 */
export { umap, type UmapOptions } from './umap';
export { projectorTsv, writeProjectorFiles, tsvCell, type MetadataRow } from './projector';
export { nearestNeighbours, CosineIndex, type Neighbour } from './neighbours';
export {
  silhouetteSamples,
  silhouetteScore,
  knnAccuracy,
  majorityLabel,
  type ClusterLabel,
  type DistanceMetric,
  type KnnAccuracyOptions,
} from './cluster';
export { type Vectors } from './vectors';
export { knnPredictBlocked, knnAccuracyBlocked, type KnnBlockedOptions } from './knn-blocked';
