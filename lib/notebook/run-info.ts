/** What a run used, stated the same way in notebooks, logs and reports. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, basename, dirname, join } from 'node:path';
import { recipeOptions, showValue } from '../config/recipes';
import type { RunConfig } from '../pipeline/config';
import type { Pooling } from '../model/types';
import { formatDuration } from '../train/progress';

/**
 * A path fit for checked-in output: relative to the project root when that is
 * shorter and stays close, else only the file name (no machine paths).
 */
export function displayPath(p: string, root = process.cwd()): string {
  if (!isAbsolute(p)) return p;
  const rel = relative(root, p);
  return rel.split('/').filter((s) => s === '..').length <= 2 ? rel : `…/${basename(p)}`;
}

/**
 * `line` with the machine's absolute paths of the project and its parent folder shown relative to `root`
 * (`/home/me/siamese-albert-ts/runs/x` → `runs/x`, `/home/me/shared/data` → `../shared/data`), so that log lines
 * in a notebook's checked-in outputs name no machine path. Other text is unchanged.
 */
export function displayPathsIn(line: string, root = process.cwd()): string {
  const parent = dirname(root);
  let out = line.split(`${root}/`).join('');
  if (parent !== '/') out = out.split(`${parent}/`).join('../');
  return out;
}

/** `1h02m`, `3m05s`, `42s` (the trainer's progress format). */
export { formatDuration };

/**
 * The id of an encoder, never a machine path. A hub id (`albert-base-v2`,
 * `org/name`) is returned as given. For a local folder: the model card's name (the
 * first `# ` heading of its README.md, with the organisation when the card's own
 * code names `org/<name>`, as sentence-transformers cards do), else the folder name.
 * `config.json`'s `_name_or_path` is not used: fine-tuned checkpoints keep their
 * base model's there (all-MiniLM-L6-v2 says `nreimers/MiniLM-L6-H384-uncased`).
 */
export function modelId(model: string): string {
  if (!existsSync(model) || !statSync(model).isDirectory()) return model;
  const readme = join(model, 'README.md');
  if (existsSync(readme)) {
    const text = readFileSync(readme, 'utf8');
    let inCode = false;
    for (const line of text.split('\n')) {
      if (line.startsWith('```')) inCode = !inCode;
      const m = !inCode && /^# (\S+)\s*$/.exec(line);
      if (!m) continue;
      const escaped = m[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const full = new RegExp(`['"]([\\w.-]+/${escaped})['"]`).exec(text);
      return full ? full[1] : m[1];
    }
  }
  return basename(model.replace(/\/+$/, ''));
}

const POOLING_PROSE: Record<Pooling, string> = {
  pooler: "the pooled output (a tanh dense layer over the first token's vector)",
  cls: "the first token's vector",
  mean: 'the mean of its token vectors (mean pooling)',
};

/** How the sentence vector is formed, as a phrase: 'the mean of its token vectors (mean pooling)'. */
export function poolingPhrase(pooling: Pooling): string {
  const p = POOLING_PROSE[pooling];
  if (!p) throw new Error(`poolingPhrase: 'pooling' must be one of pooler, cls, mean; got '${pooling}'.`);
  return p;
}

/** Counts behind a run's scale (texts after cleaning and caps, the split, the balanced sample). */
export interface RunScale {
  texts: number;
  classes: number;
  /** Texts per class when every class has the same number (a balanced file), else omitted. */
  perClass?: number;
  train: number;
  val: number;
  /** Held-out test texts, when the run carves a test split. */
  test?: number;
  /** Draws of the balanced evaluation sample, and the distinct texts behind them (drawn with replacement). */
  balanced?: number;
  balancedDistinct?: number;
}

const n = (v: number) => v.toLocaleString('en-US');

/**
 * A run's scale as a phrase: '36,900 texts in 41 categories (900 each); train 29,520, validation 7,380,
 * test 3,690; balanced sample 8,200 draws of 7,100 distinct texts'.
 */
export function describeScale(s: RunScale): string {
  const parts = [
    `${n(s.texts)} texts in ${n(s.classes)} categories${s.perClass ? ` (${n(s.perClass)} each)` : ''}`,
    `train ${n(s.train)}, validation ${n(s.val)}${s.test !== undefined ? `, test ${n(s.test)}` : ''}`,
  ];
  if (s.balanced !== undefined)
    parts.push(
      `balanced sample ${n(s.balanced)} draws` +
        (s.balancedDistinct !== undefined ? ` of ${n(s.balancedDistinct)} distinct texts` : ''),
    );
  return parts.join('; ');
}

/**
 * Facts about a run that its settings do not hold. Every key is optional; a missing
 * fact shows as 'not stated' in the run statement (never silently dropped). Further
 * keys are extra rows, shown as given.
 */
export interface RunFacts {
  /** The encoder's id; default `modelId(cfg.model)`. */
  modelId?: string;
  /** The training recipe's name; default the config's `recipe` when it has one. */
  recipe?: string;
  /** The run's scale, e.g. `describeScale(...)`. */
  scale?: string;
  /** The TF.js backend, e.g. `describeBackend(backend)`. */
  backend?: string;
  /**
   * What computes the embeddings at evaluation (report.json `inference` names it per pass): default from
   * --inference, 'ONNX Runtime (--inference onnx)' or 'TF.js on the <backend> backend (--inference tfjs|auto)'.
   */
  engine?: string;
  /** Wall time of the run (or notebook) in seconds. */
  wallTimeSeconds?: number;
  /** Wall time in words, when seconds do not say it (e.g. per stage); wins over `wallTimeSeconds`. */
  wallTime?: string;
  [row: string]: string | number | undefined;
}

const SAMPLER_PROSE: Record<string, string> = {
  pk: 'P×K batches (P categories × K texts, so every anchor has positives)',
  random: 'random batches (the study)',
};

/** The headline facts in statement order (label, value), with 'not stated' for missing ones. */
function headlineFacts(cfg: RunConfig, facts: RunFacts): [string, string][] {
  const recipe = facts.recipe ?? (cfg as Partial<Record<'recipe', string>>).recipe;
  const missing = 'not stated';
  return [
    ['model', facts.modelId ?? modelId(cfg.model)],
    ['pooling', `${cfg.pooling}: ${poolingPhrase(cfg.pooling)}`],
    ['siamese sampler', SAMPLER_PROSE[cfg.sampler] ?? cfg.sampler],
    ['recipe', recipe ?? missing],
    ['scale', facts.scale ?? missing],
    ['seed', String(cfg.seed)],
    ['backend', facts.backend ?? cfg.backend],
    [
      'inference engine',
      facts.engine ??
        (cfg.inference === 'onnx'
          ? 'ONNX Runtime (--inference onnx)'
          : `TF.js on the ${facts.backend ?? cfg.backend} backend (--inference ${cfg.inference ?? 'auto'})`),
    ],
    [
      'wall time',
      facts.wallTime ?? (facts.wallTimeSeconds !== undefined ? formatDuration(facts.wallTimeSeconds) : missing),
    ],
  ];
}

const HEADLINE_KEYS = new Set(['modelId', 'recipe', 'scale', 'backend', 'engine', 'wallTimeSeconds', 'wallTime']);

/**
 * The training settings as rows, as `--recipe` resolves them without the data: epochs a step budget decides read
 * 'step budget' (the resolved recipe, lib/pipeline/recipe.ts, states the number).
 */
function trainingRows(cfg: RunConfig): [string, string][] {
  const o = recipeOptions(cfg);
  const epochs = (e: number | null) => (e === null ? 'step budget' : String(e));
  return [
    ['siamese epochs / batch / lr', `${epochs(o.siameseEpochs)} / ${cfg.siameseBatchSize} / ${String(o.siameseLr)}`],
    [
      'classifier head',
      o.head === 'adam'
        ? `Adam: ${o.classifierEpochs} epochs / batch ${o.classifierBatchSize} / lr ${String(o.classifierLr)}`
        : 'logistic regression (L-BFGS), C by cross-validation',
    ],
    ['trained epochs / batch / lr', `${epochs(o.trainedEpochs)} / ${cfg.trainedBatchSize} / ${String(o.trainedLr)}`],
  ];
}

/**
 * The run statement as a markdown table: first model id (not a path), pooling, sampler,
 * recipe, scale, seed, backend, inference engine and wall time; then the data and training
 * settings; then any extra rows of `facts`.
 */
export function runStatement(cfg: RunConfig, facts: RunFacts = {}): string {
  const rows: [string, string | number][] = [
    ...headlineFacts(cfg, facts),
    ['data', displayPath(cfg.data)],
    ['text', cfg.text],
    ['tokenizer', cfg.tokenizer ? displayPath(cfg.tokenizer) : "the model's own"],
    ['min words', cfg.minWords],
    ['max per class', cfg.maxPerClass ?? 'no cap'],
    ['max tokens', cfg.maxLength],
    ...trainingRows(cfg),
    ['run folder', displayPath(cfg.out)],
    ...Object.entries(facts)
      .filter(([k, v]) => !HEADLINE_KEYS.has(k) && v !== undefined)
      .map(([k, v]) => [k, v!] as [string, string | number]),
  ];
  return [
    '| setting | value |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${String(v).replace(/\|/g, '\\|')} |`),
  ].join('\n');
}

/**
 * The run statement as one sentence, for prose: 'This run: sentence-transformers/all-MiniLM-L6-v2,
 * sentence vector the mean of its token vectors (mean pooling); P×K batches (…); recipe auto;
 * 36,900 texts …; seed 3; backend tensorflow (native); inference engine TF.js (…); wall time 1h02m.'
 */
export function runSentence(cfg: RunConfig, facts: RunFacts = {}): string {
  const [model, , sampler, ...rest] = headlineFacts(cfg, facts);
  return (
    `This run: ${model[1]}, sentence vector ${poolingPhrase(cfg.pooling)}; siamese training on ` +
    `${sampler[1]}; ${rest.map(([k, v]) => `${k} ${v}`).join('; ')}.`
  );
}
