/**
 * Stage identity: the settings that make a stage's results (from the options table's `stages`), a
 * fingerprint of them, and the record each training stage keeps in its folder (`stage.json`), so that a
 * rerun can tell "same stage: resume or reload" from "other settings: refuse", and say which settings
 * differ.
 *
 * A stage's identity holds every option whose `stages` name it (except those that only `continue` it,
 * the epoch counts), every setting of the stages it builds on (the siamese classifier: the siamese
 * stage's, so a change there changes both), and the data file by content: the sha256 of its bytes. A hash
 * rather than size + modification time, because a copy or a `touch` changes the time but not the data,
 * and a refused run would cost a retraining; hashing 80 MB took 1.0 s on the busy 2-core development
 * machine, less than the loader's own read of it as text (4.5 s in the same run).
 */
import { resolveDataPath } from '../data/sample';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  OPTIONS,
  OPTION_ROWS,
  UPSTREAM,
  epochsOptionOf,
  flagOf,
  type OptionKey,
  type RunConfig,
  type Stage,
} from '../config/options';
import { legacyIdentity, recipeIdentity, recipeOptions } from '../config/recipes';
import { readJsonFile } from '../io/json';
import { writeFileAtomic } from '../io/safetensors';

/** The stage graph lives with the options table (lib/config/options.ts). */
export { UPSTREAM, withDownstream } from '../config/options';

/** The record's file name in each training stage's folder. */
export const STAGE_RECORD_FILE = 'stage.json';
/** The record's `format` field. */
export const STAGE_RECORD_FORMAT = 'siamese-albert-ts/stage';

/** The study's three classifiers, by the name results use. */
export const CLASSIFIERS = ['frozen', 'trained', 'siamese'] as const;
/** `frozen`, `trained` or `siamese` (the siamese classifier). */
export type ClassifierName = (typeof CLASSIFIERS)[number];

/** The pipeline stage (`--stages`) that trains each classifier; also its folder in the run. */
export const STAGE_OF_CLASSIFIER = {
  frozen: 'frozen',
  trained: 'trained',
  siamese: 'siamese-classifier',
} as const satisfies Record<ClassifierName, Stage>;

/** The option keys in a stage's identity (its own, minus epoch counts that continue it, plus its upstream's). */
export function identityKeys(stage: Stage): OptionKey[] {
  const keys = new Set<OptionKey>();
  for (const up of UPSTREAM[stage]) for (const k of identityKeys(up)) keys.add(k);
  for (const [key, spec] of OPTION_ROWS) {
    if (spec.kind === 'alias') continue;
    const stages: readonly Stage[] = spec.stages;
    const continues: readonly Stage[] = spec.continues ?? [];
    if (stages.includes(stage) && !continues.includes(stage)) keys.add(key);
  }
  return OPTION_ROWS.map(([k]) => k).filter((k) => keys.has(k));
}

/** A data file's identity: sha256 of its bytes, and its size. */
export interface DataFileIdentity {
  sha256: string;
  bytes: number;
}

const hashes = new Map<string, { key: string; identity: DataFileIdentity }>();

/**
 * sha256 and size of the file at `path`, cached in this process while its size and modification time stay
 * the same (notebooks call several stages). Errors name the file and the --data option.
 */
export async function dataFileIdentity(given: string): Promise<DataFileIdentity> {
  const path = resolveDataPath(given);
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new Error(
      `--data '${path}' cannot be read (${(e as Error).message}). Pass an existing labelled-text file, or get ` +
        `HuffPost with \`npm run data\`.`,
    );
  }
  if (!st.isFile()) throw new Error(`--data '${path}' must be a file; got a folder or device.`);
  const abs = resolve(path);
  const key = `${st.size}:${st.mtimeMs}`;
  const cached = hashes.get(abs);
  if (cached?.key === key) return cached.identity;
  const hash = createHash('sha256');
  await new Promise<void>((ok, fail) =>
    createReadStream(path)
      .on('data', (b) => hash.update(b))
      .on('end', ok)
      .on('error', fail),
  );
  const identity = { sha256: hash.digest('hex'), bytes: st.size };
  hashes.set(abs, { key, identity });
  return identity;
}

/** Option key → value (JSON: an unset option is null; the data file is `sha256:<hex>`). */
export type StageSettings = Record<string, unknown>;

/**
 * The settings in `stage`'s identity under `cfg`, the data file identified by `data`: its options (those that
 * follow --recipe as the recipe resolves them: lib/config/recipes.ts `recipeOptions`), and the recipe's own
 * settings of the stage and of the stages it builds on (`recipe.<stage>.<setting>`, `recipeIdentity`).
 */
export function stageSettings(cfg: RunConfig, stage: Stage, data: DataFileIdentity): StageSettings {
  const values: Record<string, unknown> = { ...cfg, ...recipeOptions(cfg) };
  const out: StageSettings = {};
  for (const key of identityKeys(stage)) {
    const spec = OPTIONS[key] as { identity?: 'content' };
    out[key] = spec.identity === 'content' ? `sha256:${data.sha256}` : (values[key] ?? null);
  }
  if (stage !== 'evaluate') Object.assign(out, recipeIdentity(cfg, stage));
  return out;
}

/** What a stage record made before `--recipe` existed was made with, for the keys it lacks (`legacyIdentity`). */
export function legacySettings(cfg: RunConfig, stage: Stage): StageSettings {
  return stage === 'evaluate' ? {} : legacyIdentity(cfg, stage);
}

/** sha256 of the stage name and its settings (keys sorted), as lower-case hex. */
export function fingerprintOf(stage: Stage, settings: StageSettings): string {
  const sorted = Object.fromEntries(
    Object.keys(settings)
      .sort()
      .map((k) => [k, settings[k] ?? null]),
  );
  return createHash('sha256')
    .update(JSON.stringify({ stage, settings: sorted }))
    .digest('hex');
}

/** What a finished training stage leaves in its record. */
export interface StageState {
  finished_at: string;
  epochs_run: number;
  /** The epoch whose weights the stage keeps (restored after training, exported, reloaded): they identify them. */
  best_epoch: number;
  best_value: number;
  monitor: string;
  stop_reason: string;
  /** Optimizer steps of a training; for a logistic-regression head, its final fit's L-BFGS iterations. */
  global_step: number;
  /** A logistic-regression head: the final fit's L-BFGS iterations (the same number as `global_step`). */
  lbfgs_iterations?: number;
  /** The best epoch of each upstream stage this stage was built on (the siamese classifier: the siamese stage's). */
  built_on?: Partial<Record<Stage, number>>;
  /** The siamese stage: the best epoch whose weights are exported to encoder/ and head.safetensors. */
  exported_epoch?: number;
}

/** `<stage folder>/stage.json`: the identity a stage was made with (written before it trains), and its state. */
export interface StageRecord {
  format: typeof STAGE_RECORD_FORMAT;
  version: 1;
  stage: Stage;
  fingerprint: string;
  settings: StageSettings;
  /** For people: where the data file was (its identity is `settings.data`). */
  data_file: { path: string; bytes: number };
  created_at: string;
  state?: StageState;
}

/** A stage folder's record, or why it cannot be used. */
export interface RecordRead {
  record?: StageRecord;
  /** The folder holds files (a checkpoint) but no usable record. */
  problem?: string;
  /** The folder exists and holds anything. */
  present: boolean;
}

/** Read `<folder>/stage.json`. A missing or corrupt record in a folder with files is a `problem`, not an error. */
export async function readStageRecord(folder: string, stage: Stage): Promise<RecordRead> {
  const present = existsSync(folder) && readdirSync(folder).length > 0;
  const path = join(folder, STAGE_RECORD_FILE);
  if (!existsSync(path)) {
    return present
      ? {
          present,
          problem:
            `no stage record ('${path}' is missing: the folder was made by an older version or by hand), so ` +
            `its settings are unknown`,
        }
      : { present };
  }
  try {
    const r = (await readJsonFile(path, `the ${stage} stage's record`)) as unknown as StageRecord;
    if (r.format !== STAGE_RECORD_FORMAT || r.version !== 1 || r.stage !== stage || typeof r.settings !== 'object')
      return { present, problem: `'${path}' is not a version-1 record of the ${stage} stage` };
    return { present, record: r };
  } catch (e) {
    return { present, problem: (e as Error).message };
  }
}

/** Write a stage record atomically (creating the folder). */
export async function writeStageRecord(folder: string, record: StageRecord): Promise<void> {
  await mkdir(folder, { recursive: true });
  await writeFileAtomic(join(folder, STAGE_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/** One setting that differs between a record and now. */
export interface SettingDiff {
  key: string;
  saved: unknown;
  now: unknown;
}

/**
 * The settings that differ between a record and now. A key the record lacks counts as its value in `legacy`
 * when given there (the recipe's keys: records made before --recipe are the study's), else as the option's
 * default (so adding an option whose default keeps today's behaviour does not invalidate run folders); a
 * key no longer in the table is ignored.
 */
export function diffSettings(saved: StageSettings, now: StageSettings, legacy: StageSettings = {}): SettingDiff[] {
  const out: SettingDiff[] = [];
  for (const key of Object.keys(now)) {
    const spec = OPTIONS[key as OptionKey] as { default?: unknown } | undefined;
    const had = key in saved ? saved[key] : key in legacy ? legacy[key] : (spec?.default ?? null);
    if (JSON.stringify(had ?? null) !== JSON.stringify(now[key] ?? null)) out.push({ key, saved: had, now: now[key] });
  }
  return out;
}

function show(v: unknown): string {
  return v === null || v === undefined ? 'not set' : JSON.stringify(v);
}

/**
 * `--pooling: "mean" in the run folder, "cls" now` (the data file by its content; for a stage built on
 * another, an epoch count of that other stage says why it matters).
 */
export function describeDiff(d: SettingDiff, stage?: Stage, savedDataPath?: string, dataPath?: string): string {
  const recipeKey = /^recipe\.([a-z-]+)\.(\w+)$/.exec(d.key);
  if (recipeKey) {
    const [, of, setting] = recipeKey;
    if (setting === 'epochs') {
      const flag = flagOf(epochsOptionOf(of as 'siamese' | 'trained'));
      return (
        `${flag}: ${show(d.saved)} in the run folder, ${show(d.now)} now; with a decaying learning rate the epochs ` +
        'fix the schedule, so a finished training is not continued (set --recipe study to continue one)'
      );
    }
    const name = setting.replace(/_/g, ' ');
    return `--recipe: the ${of} stage's ${name} is ${show(d.saved)} in the run folder, ${show(d.now)} now`;
  }
  if ((OPTIONS[d.key as OptionKey] as { identity?: string } | undefined)?.identity === 'content') {
    const short = (v: unknown) =>
      String(v)
        .replace(/^sha256:/, '')
        .slice(0, 12);
    return (
      `${flagOf(d.key)}: a file with other content (sha256 ${short(d.saved)}… in the run folder` +
      `${savedDataPath ? `, from '${savedDataPath}'` : ''}; ${short(d.now)}… now${dataPath ? `, '${dataPath}'` : ''})`
    );
  }
  const continues: readonly string[] =
    (OPTIONS[d.key as OptionKey] as { continues?: readonly string[] }).continues ?? [];
  const why =
    continues.length > 0 && stage !== undefined && !continues.includes(stage)
      ? `; with a constant learning rate (--recipe study) more epochs continue the ${continues.join(', ')} stage, ` +
        'and the stages built on it must be made again'
      : '';
  return `${flagOf(d.key)}: ${show(d.saved)} in the run folder, ${show(d.now)} now${why}`;
}
