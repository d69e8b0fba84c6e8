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
import { resolveRecipe, type ClassWeightKind, type OptimizerSpec, type Recipe } from './recipe';
import { bucketingOn, runTokens } from './tokens';
import type { TextTokenizer } from '../tokenizer/tokenizer';
import { resolveDataPath } from '../data/sample';
import { balancedClassWeights } from '../data/labels';

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
   * The settings the peer follows, from the run's resolved recipe: Adam at fixed learning rates and Adam softmax
   * heads (`--recipe study`, or auto with those overrides); `peerInput` refuses a recipe the peer does not write.
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
    bucketing: 'on' | 'off';
  };
  stages: Record<'siamese' | 'frozen' | 'trained' | 'siamese-classifier', PeerStage>;
}

function stageOf(b: StageBatches, epochs: number): PeerStage {
  const train_batches: number[][][] = [];
  for (let e = 0; e < epochs; e++) train_batches.push(b.sampler.epochBatches(e).map((x) => Array.from(x)));
  return { epochs, train_batches, validation_batches: b.validation.map((x) => Array.from(x)) };
}

/** Why the peer cannot follow `recipe` (it writes Adam at a constant rate and Adam heads), or undefined. */
function unsupported(recipe: Recipe): string | undefined {
  const constantAdam = (o: OptimizerSpec) =>
    o.name === 'adam' && o.schedule.name === 'constant' && o.headLearningRate === o.learningRate && o.epsilon === 1e-7;
  if (!constantAdam(recipe.siamese.optimizer) || !constantAdam(recipe.trained.optimizer))
    return 'its encoder trainings use AdamW with a schedule';
  if (recipe.head.kind !== 'adam') return 'its heads are logistic regression';
  if (recipe.head.classWeights !== recipe.trained.classWeights) return 'its heads and fine-tuning weigh classes apart';
  return undefined;
}

function weightsOf(kind: ClassWeightKind, data: PreparedData): number[] | null {
  if (kind === 'none') return null;
  if (kind === 'study') return Array.from(data.classWeights);
  return Array.from(balancedClassWeights(data.trainLabels, data.dataset.categories.length));
}

/**
 * The peer's input for a finished run: `cfg` is the run's config (report.json), `data` its prepared data (must
 * equal the run's split: the caller checks), `report` gives each stage's epochs. The settings are the run's
 * resolved recipe (lib/pipeline/recipe.ts). Throws when a stage did not run, or when the recipe is one the peer
 * does not write (AdamW schedules, logistic heads: run with --recipe study).
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
  const recipe = resolveRecipe(cfg, data);
  const why = unsupported(recipe);
  if (why || recipe.head.kind !== 'adam')
    throw new Error(
      `peerInput: the Python peer writes the study's recipe (Adam at fixed rates, Adam softmax heads); the run in ` +
        `'${cfg.out}' used --recipe ${recipe.name}, and ${why}. Run it with --recipe study.`,
    );
  const tokens = await runTokens({ cfg, data, tokenizer });
  const modelDir = await resolveModelDir(cfg.model);
  const head = headBatches(cfg, data, recipe.head.batchSize);
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
      siamese_lr: recipe.siamese.optimizer.learningRate,
      classifier_lr: recipe.head.learningRate,
      trained_lr: recipe.trained.optimizer.learningRate,
      class_weights: weightsOf(recipe.trained.classWeights, data),
      bucketing: bucketingOn(cfg) ? 'on' : 'off',
    },
    stages: {
      siamese: stageOf(siameseBatches(cfg, data, recipe.siamese, tokens), epochs('siamese')),
      frozen: stageOf(head, epochs('frozen')),
      trained: stageOf(trainedBatches(cfg, data, recipe.trained.batchSize, tokens), epochs('trained')),
      'siamese-classifier': stageOf(head, epochs('siamese-classifier')),
    },
  };
}
