/** The sourced model-comparison table (data/model-comparison.json), ranked by score per parameter. */
import { readFileSync } from 'node:fs';

/**
 * One row of the model-comparison table: a model, its size in millions of parameters (`parametersM`), a benchmark
 * `score` with the `metric` it is measured in and the `source` (paper or leaderboard) it comes from.
 */
export interface ModelScore {
  model: string;
  parametersM: number;
  score: number;
  metric: string;
  source: string;
  /** score / parameters (millions). */
  scorePerMParam: number;
}

/** Rows sorted by score per million parameters, best first. */
export function loadModelComparison(path = 'data/model-comparison.json'): ModelScore[] {
  const json = JSON.parse(readFileSync(path, 'utf8')) as {
    models: { model: string; parameters_m: number; score: number; metric: string; source: string }[];
  };
  return json.models
    .map((m) => ({
      model: m.model,
      parametersM: m.parameters_m,
      score: m.score,
      metric: m.metric,
      source: m.source,
      scorePerMParam: m.score / m.parameters_m,
    }))
    .sort((a, b) => b.scorePerMParam - a.scorePerMParam);
}
