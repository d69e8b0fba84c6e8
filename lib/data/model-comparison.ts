/** The sourced model-comparison table (data/model-comparison.json), ranked by score per parameter. */
import { readFileSync } from 'node:fs';

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
