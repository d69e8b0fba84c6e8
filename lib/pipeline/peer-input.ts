/**
 * What the Python peer of `npm run compare-peer` (scripts/peer/pipeline.py) needs to repeat a finished run of ours
 * on the same data, split, batches and settings: the data file and our `split.json`, the settings of the run's
 * report, and every training stage's batches exactly as our stages drew them (the stages' own batch functions,
 * for the epochs each stage ran), as positions into the train and validation rows.
 */
import { resolveModelDir } from '../model/hub';
import type { RunConfig } from './config';
import type { PreparedData } from './prepare';
import { runPaths } from './prepare';
import type { Report } from './report';
import { headBatches, siameseBatches, trainedBatches, type StageBatches } from './stages';
import { runTokens } from './tokens';
import type { TextTokenizer } from '../tokenizer/tokenizer';
import { resolveDataPath } from '../data/sample';

/** The input file's `format`. */
export const PEER_INPUT_FORMAT = 'siamese-albert-ts/peer-input';

/** One training stage for the peer: batches per epoch and the fixed validation batches. */
export interface PeerStage {
  epochs: number;
  /** `[epoch][batch][row]`: positions into split.train. */
  train_batches: number[][][];
  /** `[batch][row]`: positions into split.val. */
  validation_batches: number[][];
}

/** `<out>/input.json` of the peer (snake_case, as written). */
export interface PeerInput {
  format: typeof PEER_INPUT_FORMAT;
  version: 1;
  /** Our run folder and its split file. */
  run: string;
  split: string;
  data: { path: string; format: string | null; text: string };
  /**
   * The settings the peer follows. The study's recipe (Adam, fixed learning rates, Dense softmax heads); a run
   * whose report states another recipe must be mapped here first (compare-peer refuses what it cannot map).
   */
  settings: {
    model: string;
    tokenizer: string;
    pooling: string;
    max_length: number;
    seed: number;
    embedding_size: number;
    margin: number;
    siamese_lr: number;
    classifier_lr: number;
    trained_lr: number;
    class_weights: number[] | null;
    bucketing: string;
  };
  stages: Record<'siamese' | 'frozen' | 'trained' | 'siamese-classifier', PeerStage>;
}

function stageOf(b: StageBatches, epochs: number): PeerStage {
  const train_batches: number[][][] = [];
  for (let e = 0; e < epochs; e++) train_batches.push(b.sampler.epochBatches(e).map((x) => Array.from(x)));
  return { epochs, train_batches, validation_batches: b.validation.map((x) => Array.from(x)) };
}

/**
 * The peer's input for a finished run: `cfg` is the run's config (report.json), `data` its prepared data (must
 * equal the run's split: the caller checks), `report` gives each stage's epochs. Throws when a stage did not run.
 */
export async function peerInput(
  cfg: RunConfig,
  data: PreparedData,
  tokenizer: TextTokenizer,
  report: Report,
): Promise<PeerInput> {
  const epochs = (stage: 'siamese' | 'frozen' | 'trained' | 'siamese-classifier') => {
    const t = report.training[stage];
    if (!t) throw new Error(`peerInput: the run in '${cfg.out}' has no finished ${stage} stage; run every stage.`);
    return t.epochs_run;
  };
  const tokens = await runTokens({ cfg, data, tokenizer });
  const modelDir = await resolveModelDir(cfg.model);
  const head = headBatches(cfg, data);
  return {
    format: PEER_INPUT_FORMAT,
    version: 1,
    run: cfg.out,
    split: runPaths(cfg.out).split,
    data: { path: resolveDataPath(cfg.data), format: cfg.format ?? null, text: cfg.text },
    settings: {
      model: modelDir,
      tokenizer: cfg.tokenizer ?? modelDir,
      pooling: cfg.pooling,
      max_length: cfg.maxLength,
      seed: cfg.seed,
      embedding_size: cfg.embeddingSize,
      margin: cfg.margin,
      siamese_lr: cfg.siameseLr,
      classifier_lr: cfg.classifierLr,
      trained_lr: cfg.trainedLr,
      class_weights: cfg.classWeights === 'on' ? Array.from(data.classWeights) : null,
      bucketing: cfg.bucketing,
    },
    stages: {
      siamese: stageOf(siameseBatches(cfg, data, tokens), epochs('siamese')),
      frozen: stageOf(head, epochs('frozen')),
      trained: stageOf(trainedBatches(cfg, data, tokens), epochs('trained')),
      'siamese-classifier': stageOf(head, epochs('siamese-classifier')),
    },
  };
}
