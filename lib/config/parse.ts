/**
 * RunConfig from command-line flags (`node:util` parseArgs), SIAMESE_* environment variables or a
 * hand-built object, every value checked against the options table's kinds, ranges, choices and
 * constraints before any work; and the `--help` text. Errors name the flag (or variable) as the user
 * wrote it: `--siamese-lr must be a number > 0; got '0'.`
 */
import { parseArgs } from 'node:util';
import {
  CONSTRAINTS,
  OPTION_ROWS,
  STAGES,
  envOf,
  withDownstream,
  flagOf,
  type NumberRange,
  type OptionGroup,
  type OptionKey,
  type OptionSpec,
  type RunConfig,
  type Stage,
} from './options';

/** `an integer >= 1`, `a number in (0, 1)`, `a number > 0`. */
export function describeRange(kind: 'int' | 'float', r: NumberRange): string {
  const what = kind === 'int' ? 'an integer' : 'a number';
  if (r.min !== undefined && r.max !== undefined)
    return `${what} in ${r.minOpen ? '(' : '['}${r.min}, ${r.max}${r.maxOpen ? ')' : ']'}`;
  if (r.min !== undefined) return `${what} ${r.minOpen ? '>' : '>='} ${r.min}`;
  if (r.max !== undefined) return `${what} ${r.maxOpen ? '<' : '<='} ${r.max}`;
  return what;
}

function inRange(x: number, r: NumberRange): boolean {
  if (r.min !== undefined && (r.minOpen ? x <= r.min : x < r.min)) return false;
  if (r.max !== undefined && (r.maxOpen ? x >= r.max : x > r.max)) return false;
  return true;
}

/** What the option accepts, as in "must be <allowed>". */
export function allowedValues(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'int':
    case 'float':
      return describeRange(spec.kind, spec.range);
    case 'choice':
      return `one of ${spec.choices.join(', ')}`;
    case 'list':
      return `a comma-separated list of ${spec.choices.join(', ')}`;
    case 'ints':
      return `a comma-separated list of ${describeRange('int', spec.range).replace(/^an integer/, 'integers')}`;
    case 'flag':
      return 'on or off (1/0, true/false, yes/no)';
    default:
      return 'a non-empty text';
  }
}

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off', ''];

/** Parse one raw value (a flag's or variable's text) for `spec`; `where` names it in errors. */
export function parseValue(spec: OptionSpec, raw: string, where: string): unknown {
  const bad = () => new Error(`${where} must be ${allowedValues(spec)}; got '${raw}'.`);
  switch (spec.kind) {
    case 'int': {
      if (!/^\s*[+-]?\d+\s*$/.test(raw) || !checkValue(spec, Number(raw))) throw bad();
      return Number(raw);
    }
    case 'float': {
      if (raw.trim() === '' || !checkValue(spec, Number(raw))) throw bad();
      return Number(raw);
    }
    case 'ints': {
      const items = raw.split(',').map((s) => s.trim());
      if (!items.every((s) => /^[+-]?\d+$/.test(s)) || !checkValue(spec, items.map(Number))) throw bad();
      return items.map(Number);
    }
    case 'list': {
      const items = [
        ...new Set(
          raw
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ];
      if (items.length === 0 || items.some((s) => !spec.choices.includes(s))) throw bad();
      return items;
    }
    case 'flag': {
      const v = raw.trim().toLowerCase();
      if (TRUE.includes(v)) return true;
      if (FALSE.includes(v)) return false;
      throw bad();
    }
    default:
      if (!checkValue(spec, raw)) throw bad();
      return raw;
  }
}

/** Whether `value` fits `spec` (after parsing, or in a hand-built config). */
function checkValue(spec: OptionSpec, value: unknown): boolean {
  switch (spec.kind) {
    case 'int':
      return Number.isSafeInteger(value) && inRange(value as number, spec.range);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) && inRange(value, spec.range);
    case 'choice':
      return typeof value === 'string' && spec.choices.includes(value);
    case 'list':
      return (
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((v) => typeof v === 'string' && spec.choices.includes(v))
      );
    case 'ints':
      return (
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((v) => Number.isSafeInteger(v) && inRange(v, spec.range))
      );
    case 'flag':
      return typeof value === 'boolean';
    default:
      return typeof value === 'string' && value.trim() !== '';
  }
}

const ROWS = new Map<string, OptionSpec>(OPTION_ROWS);

/**
 * Check every setting of `cfg` against the table (kind, range, choices) and the cross-option
 * constraints. `name` says how to call a setting in errors (`--seed` on the command line, `SIAMESE_SEED`
 * in the environment); by default both. Throws on the first problem.
 */
export function validateConfig(cfg: RunConfig, name: (key: OptionKey) => string = settingName): RunConfig {
  assertConfig(cfg, name);
  return cfg;
}

/** validateConfig for settings of unknown type: afterwards TypeScript knows them as a RunConfig. */
function assertConfig(values: Record<string, unknown>, name: (key: OptionKey) => string): asserts values is RunConfig {
  for (const key of Object.keys(values)) {
    const spec = ROWS.get(key);
    if (!spec || spec.kind === 'alias')
      throw new Error(`RunConfig: unknown setting '${key}'. The settings are listed by npm run pipeline -- --help.`);
  }
  for (const [key, spec] of OPTION_ROWS) {
    if (spec.kind === 'alias') continue;
    const v = values[key];
    if (v === undefined && !('default' in spec)) continue;
    if (!checkValue(spec, v)) throw new Error(`${name(key)} must be ${allowedValues(spec)}; got ${show(v)}.`);
  }
  for (const c of CONSTRAINTS) {
    const problem = c.check(values as RunConfig, name); // every value was checked above
    if (problem) throw new Error(problem);
  }
}

/** `--seed (SIAMESE_SEED)`: how a setting is named when it may have come from either. */
export function settingName(key: string): string {
  return `${flagOf(key)} (${envOf(key)})`;
}

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `'${v.join(',')}'` : String(v);
}

/** Defaults, then `values` (aliases resolved), validated; `name` names settings in errors. */
function finish(values: Map<OptionKey, unknown>, name: (key: OptionKey) => string): RunConfig {
  const cfg: Record<string, unknown> = {};
  for (const [key, spec] of OPTION_ROWS) {
    if (spec.kind === 'alias' || !('default' in spec)) continue;
    cfg[key] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
  }
  for (const [key, spec] of OPTION_ROWS) {
    if (!values.has(key)) continue;
    if (spec.kind !== 'alias') {
      cfg[key] = values.get(key);
      continue;
    }
    if (values.has(spec.of as OptionKey))
      throw new Error(`${name(key)} is a shorthand for ${name(spec.of as OptionKey)}: give one of them; got both.`);
    cfg[spec.of] = values.get(key);
  }
  assertConfig(cfg, name);
  return cfg;
}

/**
 * A complete RunConfig from command-line flags (`argv` without node and the script, e.g.
 * `process.argv.slice(2)`): `--max-per-class 50`, `--max-per-class=50`, `--overwrite`, parsed with
 * `node:util` parseArgs fed by the options table; every option not given takes the table's default. Unknown
 * flags (`--help` included: the caller answers it with {@link helpText}), missing values, positional arguments,
 * an alias given with the option it stands for, and out-of-range values or broken cross-option constraints are
 * errors naming the flag: `--siamese-lr must be a number > 0; got '0'.` With `env` (the command line passes
 * `process.env`), a SIAMESE_* variable sets an option that no flag gives (a flag wins); its errors name the variable.
 */
export function configFromArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): RunConfig {
  const options = Object.fromEntries(
    OPTION_ROWS.map(([key, spec]) => [flagOf(key).slice(2), { type: spec.kind === 'flag' ? 'boolean' : 'string' }]),
  ) as Record<string, { type: 'boolean' | 'string' }>;
  const byFlag = new Map(OPTION_ROWS.map(([key, spec]) => [flagOf(key), [key, spec] as const]));
  // Not strict: parseArgs' own errors name no fix, and in strict mode it refuses values such as '-5'.
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const values = new Map<OptionKey, unknown>();
  for (const [key, spec] of OPTION_ROWS) {
    const raw = env[envOf(key)];
    if (raw !== undefined && raw !== '') values.set(key, parseValue(spec, raw, envOf(key)));
  }
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional')
      throw new Error(`unexpected argument '${t.value}': options are written --name value. Run with --help.`);
    const row = byFlag.get(t.rawName);
    if (!row) throw new Error(`unknown option '${t.rawName}'. Run with --help to list the options.`);
    const [key, spec] = row;
    if (spec.kind === 'flag') {
      if (t.value !== undefined) throw new Error(`${t.rawName} takes no value; got '${t.rawName}=${t.value}'.`);
      values.set(key, true);
      continue;
    }
    if (t.value === undefined) throw new Error(`${t.rawName} needs a value.`);
    if (!t.inlineValue && /^--[a-z]/.test(t.value))
      throw new Error(`${t.rawName} needs a value; got the option '${t.value}' instead.`);
    values.set(key, parseValue(spec, t.value, t.rawName));
  }
  return finish(values, flagOf);
}

/**
 * A complete RunConfig from SIAMESE_* environment variables (`SIAMESE_MAX_PER_CLASS=50`, flags as
 * `SIAMESE_OVERWRITE=1`; the notebooks' parameters); unset or empty ones keep the options table's defaults.
 * `overrides` are applied last (they win over `env`) and checked like the rest. Errors name the variable
 * (`SIAMESE_SEED must be an integer >= 0; got 'x'.`), or both spellings for an override (`--seed (SIAMESE_SEED)`).
 */
export function configFromEnv(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<RunConfig> = {},
): RunConfig {
  const values = new Map<OptionKey, unknown>();
  for (const [key, spec] of OPTION_ROWS) {
    const raw = env[envOf(key)];
    if (raw !== undefined && raw !== '') values.set(key, parseValue(spec, raw, envOf(key)));
  }
  const cfg = finish(values, envOf);
  return validateConfig({ ...cfg, ...overrides }, settingName);
}

const GROUP_TITLES: Record<OptionGroup, string> = { data: 'Data', model: 'Model', training: 'Training', run: 'Run' };

/** `; affects siamese, siamese-classifier; more epochs continue siamese` (with the stages built on them). */
function stagesNote(spec: OptionSpec): string {
  if (spec.stages.length === 0) return '';
  const continues: readonly Stage[] = spec.continues ?? [];
  const identity = spec.stages.filter((s) => !continues.includes(s));
  const affected = STAGES.filter((s) => withDownstream(identity).includes(s) || continues.includes(s));
  const cont = continues.length > 0 ? `; more epochs continue ${continues.join(', ')}` : '';
  return `; affects ${affected.length === STAGES.length ? 'every stage' : affected.join(', ')}${cont}`;
}

/** The --help text: every option by group, with its value range or choices, default, environment name and stages. */
export function helpText(command = 'npm run pipeline --'): string {
  const lines = [
    `Usage: ${command} [options]`,
    '',
    'Runs data → siamese training → frozen, trained and siamese classifiers → evaluation,',
    'and writes <out>/report.json. Every option can also be set as an environment variable.',
    'A rerun on the same --out resumes or reloads each stage; a stage made with other settings is',
    'refused (use another --out, or --overwrite to discard it).',
    '',
  ];
  for (const [group, title] of Object.entries(GROUP_TITLES)) {
    lines.push(`${title}:`);
    for (const [key, spec] of OPTION_ROWS.filter(([, s]) => s.group === group)) {
      const value =
        spec.kind === 'flag'
          ? ''
          : spec.kind === 'choice'
            ? ` ${spec.choices.join('|')}`
            : spec.kind === 'alias'
              ? ' VALUE'
              : ` VALUE [${allowedValues(spec).replace(/^an? /, '')}]`;
      const def =
        'default' in spec && spec.kind !== 'flag'
          ? ` (default ${Array.isArray(spec.default) ? spec.default.join(',') : spec.default})`
          : '';
      lines.push(`  ${flagOf(key)}${value}${def}`, `      ${spec.help}; env ${envOf(key)}${stagesNote(spec)}`);
    }
    lines.push('');
  }
  lines.push('  --help, -h  this text');
  return lines.join('\n');
}
