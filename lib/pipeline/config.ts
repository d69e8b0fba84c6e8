/**
 * RunConfig: the typed settings of a run, parsed from command-line flags or
 * environment variables through the one OPTIONS table.
 */
import { OPTIONS, flagOf, envOf, type OptionSpec, type Stage } from './options';
import type { BackendChoice } from '../backend/index';
import type { FileFormat } from '../data/read';
import type { InvalidPolicy } from '../data/errors';
import type { SplitMode } from '../data/split';
import type { Pooling } from '../model/types';

export interface RunConfig {
  data: string;
  format?: FileFormat;
  text: string;
  labelField: string;
  minWords: number;
  maxPerClass?: number;
  valFraction: number;
  split: SplitMode;
  balancedPerClass: number;
  onInvalid: InvalidPolicy;
  model: string;
  tokenizer?: string;
  pooling: Pooling;
  maxLength: number;
  embeddingSize: number;
  margin: number;
  sampler: 'pk' | 'random';
  siameseEpochs: number;
  siameseBatchSize: number;
  siameseLr: number;
  classifierEpochs: number;
  classifierBatchSize: number;
  classifierLr: number;
  trainedEpochs: number;
  trainedBatchSize: number;
  trainedLr: number;
  classWeights: 'on' | 'off';
  patience?: number;
  seed: number;
  backend: BackendChoice;
  out: string;
  stages: Stage[];
}

function parseValue(spec: OptionSpec, raw: string, where: string): string | number | string[] {
  const bad = (allowed: string) => new Error(`${where} must be ${allowed}; got '${raw}'.`);
  switch (spec.kind) {
    case 'int': {
      const n = Number(raw);
      if (!Number.isInteger(n) || raw.trim() === '') throw bad('an integer');
      if (n < 0) throw bad('a non-negative integer');
      return n;
    }
    case 'float': {
      const n = Number(raw);
      if (!Number.isFinite(n) || raw.trim() === '') throw bad('a number');
      return n;
    }
    case 'list': {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = items.filter((s) => spec.choices && !spec.choices.includes(s));
      if (unknown.length > 0 || items.length === 0) throw bad(`a comma-separated list of ${spec.choices?.join(', ')}`);
      return items;
    }
    default:
      if (spec.choices && !spec.choices.includes(raw)) throw bad(`one of ${spec.choices.join(', ')}`);
      return raw;
  }
}

function finish(values: Record<string, unknown>): RunConfig {
  const cfg: Record<string, unknown> = {};
  for (const spec of OPTIONS)
    cfg[spec.key] = values[spec.key] ?? (Array.isArray(spec.default) ? [...spec.default] : spec.default);
  if (typeof cfg.textField === 'string') cfg.text = cfg.textField;
  delete cfg.textField;
  const c = cfg as unknown as RunConfig;
  if (!(c.valFraction > 0 && c.valFraction < 1))
    throw new Error(`--val-fraction must be in (0, 1); got ${c.valFraction}.`);
  if (c.maxPerClass === 0) throw new Error('--max-per-class must be a positive integer; got 0.');
  return c;
}

/** Parse command-line flags (`--max-per-class 50`, `--max-per-class=50`). Unknown flags are errors. */
export function configFromArgs(argv: readonly string[]): RunConfig {
  const byFlag = new Map(OPTIONS.map((s) => [flagOf(s.key), s]));
  const values: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const spec = byFlag.get(flag);
    if (!spec) throw new Error(`unknown option '${flag}'. Run with --help to list the options.`);
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined) throw new Error(`${flag} needs a value.`);
    values[spec.key] = parseValue(spec, raw, flag);
  }
  return finish(values);
}

/** Read SIAMESE_* environment variables (the notebooks' parameters); unset or empty ones keep their defaults. */
export function configFromEnv(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<RunConfig> = {},
): RunConfig {
  const values: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    const raw = env[envOf(spec.key)];
    if (raw !== undefined && raw !== '') values[spec.key] = parseValue(spec, raw, envOf(spec.key));
  }
  return { ...finish(values), ...overrides };
}

/** The --help text, grouped, with defaults, choices and environment names. */
export function helpText(command = 'npm run pipeline --'): string {
  const groups: Record<OptionSpec['group'], string> = {
    data: 'Data',
    model: 'Model',
    training: 'Training',
    run: 'Run',
  };
  const lines = [
    `Usage: ${command} [options]`,
    '',
    'Runs data → siamese training → frozen, trained and siamese classifiers → evaluation,',
    'and writes <out>/report.json. Every option can also be set as an environment variable.',
    '',
  ];
  for (const [g, title] of Object.entries(groups)) {
    lines.push(`${title}:`);
    for (const s of OPTIONS.filter((o) => o.group === g)) {
      const def =
        s.default === undefined ? '' : ` (default ${Array.isArray(s.default) ? s.default.join(',') : s.default})`;
      const choices = s.choices && s.kind !== 'list' ? ` [${s.choices.join('|')}]` : '';
      lines.push(`  ${flagOf(s.key)}${choices}${def}`, `      ${s.help}; env ${envOf(s.key)}`);
    }
    lines.push('');
  }
  lines.push('  --help  this text');
  return lines.join('\n');
}
