/**
 * The first cell of every notebook in one typed call: the run settings from the notebook's parameters
 * cell with SIAMESE_* environment variables on top, the backend, the prepared data, the tokenizer and
 * the start time. When the data, the model or an earlier notebook's output is missing it fails with
 * what to run instead of a stack trace.
 */
import { resolveDataPath } from '../data/sample';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeBackend, initBackend, type BackendInfo } from '../backend/index';
import { configFromEnv, type RunConfig } from '../pipeline/config';
import { OPTIONS, envOf } from '../pipeline/options';
import { prepareData, prepareTokenizer, runPaths, type PreparedData } from '../pipeline/prepare';
import { CLASSIFIERS, classifierFolder, STAGE_OF_CLASSIFIER } from '../pipeline/stages';
import { resolveRecipe } from '../pipeline/recipe';
import { describeRecipe } from '../pipeline/recipe-report';
import type { TextTokenizer } from '../tokenizer/tokenizer';
import { RESULT_FILE } from '../train/trainer';
import { describeScale, displayPathsIn, formatDuration, runStatement } from './run-info';
import { readRunReport, runScale, stageTrainingTimes, trainingTimesPhrase } from './run-records';
import { showMarkdown } from './show';

/** A notebook's parameters cell: any run setting (the names of `npm run pipeline -- --help`, camelCase). */
export type NotebookParams = Partial<RunConfig>;

/** What an earlier notebook leaves in the run folder: 01 the siamese encoder, 02 the three classifiers. */
export type NotebookOutput = 'siamese' | 'classifiers';

/** Options of {@link setupNotebook}. */
export interface SetupOptions {
  /** Outputs of earlier notebooks this one reads (checked before anything loads). */
  needs?: readonly NotebookOutput[];
  /** Environment to read SIAMESE_* overrides from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Show the run statement (default true). */
  show?: boolean;
}

/** What {@link setupNotebook} returns: everything the notebook's later cells use. */
export interface NotebookSetup {
  cfg: RunConfig;
  backend: BackendInfo;
  /** The cleaned dataset, its seeded split, class weights and the balanced sample (lib/pipeline/prepare). */
  prepared: PreparedData;
  tokenizer: TextTokenizer;
  /** `Date.now()` at the start of the setup, for the notebook's wall time. */
  startedAt: number;
  /** SIAMESE_* variables that overrode the parameters cell or a default. */
  fromEnv: string[];
  /** `console.log` with the machine's paths shown relative to the project (displayPathsIn): the stages' log. */
  log: (line: string) => void;
}

/**
 * A missing input of a notebook, with what to run. Its `stack` is the message alone: tslab prints a
 * cell's error with `console.error`, and a stack into the library would bury what to do.
 */
export class NotebookSetupError extends Error {
  /** `message` says what is missing and what to run (e.g. "run notebook 01 first with the same parameters"). */
  constructor(message: string) {
    super(message);
    Object.defineProperty(this, 'name', { value: 'NotebookSetupError' });
    this.stack = `NotebookSetupError: ${message}`;
  }
}

/**
 * The run settings: the run options' defaults, then `params` (the parameters cell), then every
 * non-empty SIAMESE_* variable of `env`, which wins. Unknown parameter names are errors.
 */
export function notebookConfig(
  params: NotebookParams,
  env: Record<string, string | undefined> = process.env,
): { cfg: RunConfig; fromEnv: string[] } {
  const known = new Set<string>(Object.keys(OPTIONS));
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (!known.has(key))
      throw new NotebookSetupError(
        `the parameters cell sets '${key}', which is not a run setting; the settings are ` +
          `${[...known].join(', ')} (documented by \`npm run pipeline -- --help\`).`,
      );
    if (value !== undefined) merged[envOf(key)] = Array.isArray(value) ? value.join(',') : String(value);
  }
  const fromEnv = Object.keys(OPTIONS)
    .map(envOf)
    .filter((name) => (env[name] ?? '') !== '');
  for (const name of fromEnv) merged[name] = env[name]!;
  try {
    return { cfg: configFromEnv(merged), fromEnv };
  } catch (e) {
    throw new NotebookSetupError(`${(e as Error).message} (a SIAMESE_* variable or the parameters cell)`);
  }
}

/** Looks like a path rather than a hub id ('albert-base-v2', 'sentence-transformers/all-MiniLM-L6-v2'). */
function isPathLike(source: string): boolean {
  return source.startsWith('.') || source.startsWith('/') || source.split('/').length > 2;
}

/** Missing inputs of the run `cfg` for a notebook that reads `needs`, as sentences saying what to run. */
export function missingInputs(cfg: RunConfig, needs: readonly NotebookOutput[] = []): string[] {
  const out: string[] = [];
  if (!existsSync(resolveDataPath(cfg.data)))
    out.push(
      `The data file '${cfg.data}' (parameter 'data', SIAMESE_DATA) does not exist. The embedded sample is ` +
        `'data/huffpost-sample/News_Category_Dataset_v2.sample50.jsonl'; for the full HuffPost dataset run ` +
        `\`npm run data\` (it writes data/downloads/News_Category_Dataset_v2.json).`,
    );
  if ((existsSync(cfg.model) || isPathLike(cfg.model)) && !existsSync(join(cfg.model, 'config.json')))
    out.push(
      `The model folder '${cfg.model}' (parameter 'model', SIAMESE_MODEL) has no config.json. For MiniLM run ` +
        `\`npm run setup\` (or \`bash scripts/get-minilm.sh\`), which unpacks it into .cache/minilm; or name ` +
        `another folder in Hugging Face layout, or a hub id such as 'albert-base-v2'.`,
    );
  const paths = runPaths(cfg.out);
  if (needs.includes('siamese') && !existsSync(join(paths.siameseEncoder, 'model.safetensors')))
    out.push(
      `The run folder '${cfg.out}' has no siamese encoder ('${paths.siameseEncoder}'). Run notebook 01 first ` +
        `with the same parameters (or \`npm run pipeline -- --stages siamese\` with the same settings).`,
    );
  if (needs.includes('classifiers')) {
    const absent = CLASSIFIERS.filter((name) => !existsSync(join(classifierFolder(cfg, name), RESULT_FILE)));
    if (absent.length > 0)
      out.push(
        `The run folder '${cfg.out}' has no finished training of the ${absent.join(', ')} classifier` +
          `${absent.length > 1 ? 's' : ''}. Run notebook 02 first with the same parameters (or \`npm run ` +
          `pipeline -- --stages ${absent.map((n) => STAGE_OF_CLASSIFIER[n]).join(',')}\`).`,
      );
  }
  return out;
}

/**
 * A notebook's setup in one call: settings (`notebookConfig`), a check of its inputs (`missingInputs`,
 * one NotebookSetupError listing all), the backend, the prepared data and the tokenizer, then the run
 * statement. Errors of loading itself (a malformed file, a model that does not load) pass through.
 */
export async function setupNotebook(params: NotebookParams, opts: SetupOptions = {}): Promise<NotebookSetup> {
  const startedAt = Date.now();
  const { cfg, fromEnv } = notebookConfig(params, opts.env ?? process.env);
  if (cfg.seeds)
    throw new NotebookSetupError(
      `the notebooks run one seed, and SIAMESE_SEEDS (or the parameter 'seeds') asks for ${cfg.seeds.join(', ')}: ` +
        'set SIAMESE_SEED instead, or run `npm run pipeline -- --seeds …` for several.',
    );
  const missing = missingInputs(cfg, opts.needs);
  if (missing.length > 0) throw new NotebookSetupError(missing.join('\n'));
  const backend = await initBackend(cfg.backend);
  const prepared = prepareData(cfg);
  const tokenizer = await prepareTokenizer(cfg);
  // The resolved recipe, one row per stage ('  siamese: AdamW …' → 'siamese training'), as the pipeline logs it.
  const recipeRows = describeRecipe(resolveRecipe(cfg, prepared))
    .slice(1)
    .map((line) => line.trim().split(/: (.*)/s))
    .map(([stage, text]) => [`${stage} training`, text]);
  if (opts.show ?? true)
    showMarkdown(
      runStatement(cfg, {
        recipe: cfg.recipe,
        scale: describeScale(runScale(prepared)),
        backend: describeBackend(backend),
        engine: inferenceEngine(cfg, backend.name),
        wallTime:
          `training, from the run folder's records: ${trainingTimesPhrase(stageTrainingTimes(cfg))}; ` +
          "this notebook's own: see its last cell",
        ...Object.fromEntries(recipeRows),
        'set by environment': fromEnv.length > 0 ? fromEnv.join(', ') : 'nothing',
      }),
    );
  if (opts.show ?? true) for (const w of prepared.warnings) console.log(`data: ${w}`);
  const log = (line: string) => console.log(displayPathsIn(line));
  return { cfg, backend, prepared, tokenizer, startedAt, fromEnv, log };
}

/**
 * What computes the vectors that do not train (features, predictions, embeddings): the engines report.json names
 * for the CLI run's jobs (`inference`, lib/pipeline/inference.ts), e.g. 'tfjs (tensorflow) (--inference auto)',
 * else the run's --inference setting on `backend`.
 */
export function inferenceEngine(cfg: RunConfig, backend: string): string {
  const report = readRunReport(cfg);
  const engines = [...new Set(Object.values(report?.inference ?? {}).map((r) => r.engine))];
  if (engines.length > 0) return `${engines.join(', ')} (--inference ${cfg.inference})`;
  return cfg.inference === 'onnx'
    ? 'ONNX Runtime (--inference onnx)'
    : `TF.js on the ${backend} backend (--inference ${cfg.inference})`;
}

/**
 * A notebook's last line: its own wall time since `setupNotebook` started (`1h02m`), as a sentence. With the
 * stages already trained by the CLI, this is the time to reload them and draw the figures, not to train.
 */
export function notebookWallTime(setup: Pick<NotebookSetup, 'startedAt'>, now = Date.now()): string {
  return `Wall time of this notebook: ${formatDuration((now - setup.startedAt) / 1000)}.`;
}
