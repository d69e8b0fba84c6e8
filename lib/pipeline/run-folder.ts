/**
 * The run folder's rules, applied before any work: it must be writable; every stage in it must have been
 * made with the current settings (epoch counts excepted), or the run stops naming each differing
 * setting, unless --overwrite discards the stale stages and what is built on them; a stage's upstream must
 * exist. `planRun` checks the whole folder for the command line (before data or models load);
 * `enterStage` checks one stage where the notebooks call the stage functions directly (before it trains).
 */
import { constants, existsSync, statSync } from 'node:fs';
import { access, mkdir, readdir, rm, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  STAGES,
  TRAINING_STAGES,
  epochsOptionOf,
  flagOf,
  type RunConfig,
  type Stage,
  type TrainingStage,
} from '../config/options';
import { continuedEpochs } from '../config/recipes';
import { validateConfig } from '../config/parse';
import {
  CLASSIFIERS,
  STAGE_OF_CLASSIFIER,
  UPSTREAM,
  dataFileIdentity,
  describeDiff,
  diffSettings,
  fingerprintOf,
  legacySettings,
  readStageRecord,
  stageSettings,
  withDownstream,
  writeStageRecord,
  type DataFileIdentity,
  type RecordRead,
  type StageRecord,
  type StageSettings,
  type StageState,
} from './identity';
import { runPaths } from './prepare';
import { pruneReport, readReport, writeReport, type Report } from './report';

/** A stage of the run folder, compared with the current settings. */
export interface StageCheck {
  stage: Stage;
  settings: StageSettings;
  fingerprint: string;
  record?: StageRecord;
  /** The folder holds something of this stage (for evaluate: results in report.json). */
  present: boolean;
  /** A training finished (the siamese stage: and its encoder is exported). */
  finished: boolean;
  /** Why the folder's stage cannot be used with the current settings (empty: it can). */
  problems: string[];
}

/** Create `dir` and its missing parents one level at a time (recursive mkdir spins on some special file systems). */
async function makeFolder(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.unshift(d);
  for (const m of missing)
    await mkdir(m).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? 0 : Promise.reject(e)));
}

/**
 * Make sure `--out` is a folder this process can write, with writable stage folders and report: created
 * when missing. Found here rather than when the first checkpoint is written, an epoch later.
 */
export async function prepareRunFolder(out: string): Promise<void> {
  const unusable = (path: string, e: unknown) =>
    new Error(
      `--out '${out}' cannot be used as a run folder: '${path}' is not writable ` +
        `(${(e as NodeJS.ErrnoException).code ?? 'error'}: ${(e as Error).message}). Choose another --out ` +
        `(SIAMESE_OUT), or make it writable.`,
    );
  try {
    await makeFolder(out);
  } catch (e) {
    throw unusable(out, e);
  }
  if (!statSync(out).isDirectory())
    throw new Error(`--out '${out}' is a file, not a folder: choose another --out (SIAMESE_OUT) for the run folder.`);
  const p = runPaths(out);
  const items = [out, p.report, p.features, p.evaluation, p.embeddings, p.siameseCheckpoint, p.siameseEncoder];
  for (const s of TRAINING_STAGES) items.push(join(out, s));
  items.push(p.tokens);
  for (const item of items) {
    if (!existsSync(item)) continue;
    try {
      await access(item, constants.W_OK);
    } catch (e) {
      throw unusable(item, e);
    }
  }
}

/** Records of the training stages in the run folder. */
async function readRecords(out: string): Promise<Record<TrainingStage, RecordRead>> {
  const entries = await Promise.all(TRAINING_STAGES.map(async (s) => [s, await readStageRecord(join(out, s), s)]));
  return Object.fromEntries(entries) as Record<TrainingStage, RecordRead>;
}

function isFinished(out: string, stage: Stage, record: StageRecord | undefined): boolean {
  const state = record?.state;
  if (!state) return false;
  if (stage !== 'siamese') return true;
  const p = runPaths(out);
  return (
    state.exported_epoch === state.best_epoch &&
    existsSync(join(p.siameseEncoder, 'model.safetensors')) &&
    existsSync(p.siameseHead)
  );
}

/**
 * Compare one stage of the folder with `cfg`. `willTrain`: the stage is to train now, so a finished
 * training longer than its epoch count asks for is a problem too (a finished training is not shortened).
 */
function checkStage(
  cfg: RunConfig,
  stage: Stage,
  data: DataFileIdentity,
  records: Record<TrainingStage, RecordRead>,
  report: Report | undefined,
  willTrain = false,
): StageCheck {
  const settings = stageSettings(cfg, stage, data);
  const fingerprint = fingerprintOf(stage, settings);
  const check: StageCheck = { stage, settings, fingerprint, present: false, finished: false, problems: [] };
  let saved: StageSettings | undefined;
  let savedPath: string | undefined;
  if (stage === 'evaluate') {
    const e = report?.stages?.evaluate;
    check.present = Boolean(e || (report && (Object.keys(report.results).length > 0 || report.embeddings)));
    if (e) saved = e.settings;
    else if (check.present) check.problems.push('report.json holds results without the settings they were made with');
  } else {
    const read = records[stage];
    check.present = read.present || read.record !== undefined;
    if (read.problem) check.problems.push(read.problem);
    check.record = read.record;
    saved = read.record?.settings;
    savedPath = read.record?.data_file.path;
    check.finished = isFinished(cfg.out, stage, read.record);
  }
  if (saved)
    for (const d of diffSettings(saved, settings, legacySettings(cfg, stage)))
      check.problems.push(describeDiff(d, stage, savedPath, cfg.data));
  const ran = check.record?.state?.epochs_run;
  const asked = stage === 'evaluate' ? undefined : continuedEpochs(cfg, stage);
  if (willTrain && stage !== 'evaluate' && ran !== undefined && asked !== undefined) {
    const key = epochsOptionOf(stage);
    if (asked < ran)
      check.problems.push(
        `${flagOf(key)}: the run folder's ${stage} training ran ${ran} epochs, ${asked} now: a finished training ` +
          `is not shortened (ask for at least ${ran})`,
      );
  }
  for (const up of UPSTREAM[stage]) {
    const built = check.record?.state?.built_on?.[up];
    const now = records[up as TrainingStage]?.record?.state?.best_epoch;
    if (built !== undefined && now !== undefined && built !== now)
      check.problems.push(
        `it was trained on the ${up} stage's model of epoch ${built}; the ${up} stage's best epoch is ${now} now ` +
          `(it trained further)`,
      );
  }
  return check;
}

const list = (stages: readonly string[]) =>
  stages.length <= 1 ? stages.join('') : `${stages.slice(0, -1).join(', ')} and ${stages[stages.length - 1]}`;

/** The error for stages made with other settings: each stage with each differing setting, and the ways on. */
export class StageMismatchError extends Error {
  /**
   * `out` is the run folder, `stale` the stages whose recorded settings differ (each with its differences),
   * `discard` what `--overwrite` would delete; the message lists each difference and the ways on.
   */
  constructor(
    readonly out: string,
    readonly stale: readonly StageCheck[],
    readonly discard: readonly Stage[],
  ) {
    const lines = [`run folder '${out}' holds stages made with other settings; nothing was done.`];
    // One line per difference, naming the stages it concerns (most differences concern several).
    const stagesOf = new Map<string, Stage[]>();
    for (const c of stale) for (const p of c.problems) stagesOf.set(p, [...(stagesOf.get(p) ?? []), c.stage]);
    for (const [p, stages] of stagesOf) lines.push(`  ${p} (${stages.join(', ')})`);
    const evaluateOnly = stale.length === 1 && stale[0].stage === 'evaluate';
    lines.push(
      'To go on: run again with the settings the folder was made with; or use a new --out (SIAMESE_OUT); or ' +
        (evaluateOnly ? 'add evaluate to --stages to compute the results again with these settings; or ' : '') +
        `add --overwrite (SIAMESE_OVERWRITE=1) to discard ${list(discard)} (checkpoints, exports and report ` +
        'entries) and make them again.',
    );
    super(lines.join('\n'));
    this.name = 'StageMismatchError';
  }
}

/** What a run will do to the folder, decided before any work. */
export interface RunPlan {
  data: DataFileIdentity;
  checks: Record<Stage, StageCheck>;
  /** Stages to discard first: stale ones (with --overwrite) and what is built on them. */
  discard: Stage[];
  /** The stale stages and why (for the log). */
  stale: StageCheck[];
  /** report.json could not be read and --overwrite replaces it. */
  reportProblem?: string;
}

/**
 * Check the whole run folder against `cfg` before any work: every stage present must match the current
 * settings (evaluate, when it runs, is simply recomputed), requested stages must find their upstream, and
 * `--stages evaluate` needs a trained classifier. Throws StageMismatchError, or an error naming the
 * missing stages and the command that makes them. Reads only; `applyPlan` discards.
 */
export async function planRun(cfg: RunConfig): Promise<RunPlan> {
  const data = await dataFileIdentity(cfg.data);
  const paths = runPaths(cfg.out);
  let report: Report | undefined;
  let reportProblem: string | undefined;
  try {
    report = await readReport(paths.report);
  } catch (e) {
    if (!cfg.overwrite) throw e;
    reportProblem = (e as Error).message;
  }
  const records = await readRecords(cfg.out);
  const checks = Object.fromEntries(
    STAGES.map((s) => [s, checkStage(cfg, s, data, records, report, cfg.stages.includes(s))]),
  ) as Record<Stage, StageCheck>;
  const runs = (s: Stage) => cfg.stages.includes(s);
  const stale = STAGES.map((s) => checks[s]).filter((c) => c.present && c.problems.length > 0);
  const refused = stale.filter((c) => !(c.stage === 'evaluate' && runs('evaluate')));
  const discard = withDownstream([
    ...refused.map((c) => c.stage),
    ...(runs('evaluate') && checks.evaluate.problems.length > 0 ? (['evaluate'] as const) : []),
  ]);
  if (refused.length > 0 && !cfg.overwrite)
    throw new StageMismatchError(cfg.out, refused, withDownstream(refused.map((c) => c.stage)));

  const usable = (s: Stage) => runs(s) || (checks[s].finished && !discard.includes(s));
  if (runs('siamese-classifier') && !usable('siamese'))
    throw new Error(
      `--stages siamese-classifier needs the siamese stage's trained encoder, and run folder '${cfg.out}' has no ` +
        `finished one${discard.includes('siamese') ? ' once --overwrite discards it' : ''}: add siamese to --stages ` +
        `(e.g. --stages siamese,siamese-classifier).`,
    );
  if (runs('evaluate')) {
    const missing = CLASSIFIERS.map((n) => STAGE_OF_CLASSIFIER[n]).filter((s) => !usable(s));
    if (missing.length === CLASSIFIERS.length)
      throw new Error(
        `--stages evaluate needs a trained classifier, and run folder '${cfg.out}' has none: the ${list(missing)} ` +
          `stages are missing or unfinished${discard.length > 0 ? ' (after --overwrite)' : ''}. Make them first: ` +
          `npm run pipeline -- --stages ${TRAINING_STAGES.join(',')} --out ${cfg.out} (with this run's other ` +
          `options), or run every stage at once.`,
      );
  }
  return { data, checks, discard, stale, reportProblem };
}

/** Delete what `stages` made (folders, evaluation files, embeddings) and their report entries. */
export async function discardStages(out: string, stages: readonly Stage[]): Promise<void> {
  const p = runPaths(out);
  for (const s of stages) if (s !== 'evaluate') await rm(join(out, s), { recursive: true, force: true });
  if (stages.includes('evaluate')) await rm(p.evaluation, { recursive: true, force: true });
  else if (existsSync(p.evaluation)) {
    for (const name of CLASSIFIERS) {
      if (!stages.includes(STAGE_OF_CLASSIFIER[name])) continue;
      for (const f of await readdir(p.evaluation))
        if (f.startsWith(`${name}-`)) await unlink(join(p.evaluation, f)).catch(() => undefined);
    }
  }
  if (stages.includes('siamese') || stages.includes('evaluate'))
    await rm(p.embeddings, { recursive: true, force: true });
  const report = await readReport(p.report).catch(() => undefined);
  if (report) {
    pruneReport(report, stages);
    await writeReport(p.report, report);
  }
}

/** Carry out a plan's discards (and replace an unreadable report), saying what was discarded and why. */
export async function applyPlan(cfg: RunConfig, plan: RunPlan, log: (line: string) => void): Promise<void> {
  if (plan.reportProblem) {
    await rm(runPaths(cfg.out).report, { force: true });
    log(`--overwrite: replacing an unreadable report.json (${plan.reportProblem})`);
  }
  if (plan.discard.length === 0) return;
  for (const c of plan.stale)
    log(
      c.stage === 'evaluate' && !cfg.overwrite
        ? `evaluate: the results were computed with other settings (${c.problems.join('; ')}); computing them again`
        : `--overwrite: discarding ${c.stage} (${c.problems.join('; ')})`,
    );
  await discardStages(cfg.out, plan.discard);
  log(`discarded: ${list(plan.discard)}`);
}

/** A stage about to run: its identity, and what the folder held before. */
export interface StageEntry {
  stage: TrainingStage;
  settings: StageSettings;
  fingerprint: string;
  record: StageRecord;
  /** The state of a training that finished earlier. */
  previous?: StageState;
  /** The upstream stages' best epochs (the siamese classifier: the siamese stage's), for `built_on`. */
  upstreamEpochs: Partial<Record<Stage, number>>;
}

/**
 * Check one training stage against `cfg` where the stage functions start (the notebooks' path; after a
 * `planRun` this finds nothing to do): stale → StageMismatchError, or with --overwrite discard it and
 * what is built on it; a missing or stale upstream → an error naming what to run first. Writes the
 * stage's record before it trains, so that even an interrupted training knows its settings, and marks it
 * unfinished until `finishStage` (unless `reloadOnly`).
 */
export async function enterStage(
  cfg: RunConfig,
  stage: TrainingStage,
  log?: (line: string) => void,
  opts: { reloadOnly?: boolean } = {},
): Promise<StageEntry> {
  validateConfig(cfg);
  await prepareRunFolder(cfg.out);
  const data = await dataFileIdentity(cfg.data);
  const records = await readRecords(cfg.out);
  const upstreamEpochs: Partial<Record<Stage, number>> = {};
  for (const up of UPSTREAM[stage]) {
    const u = checkStage(cfg, up, data, records, undefined);
    if (u.problems.length > 0) throw new StageMismatchError(cfg.out, [u], withDownstream([up]));
    if (!u.finished)
      throw new Error(
        `the ${stage} stage needs the ${up} stage's trained model, and run folder '${cfg.out}' has no finished ` +
          `one: run the ${up} stage first with the same settings (notebook 01, or npm run pipeline -- --stages ` +
          `${up}).`,
      );
    upstreamEpochs[up] = u.record!.state!.best_epoch;
  }
  let check = checkStage(cfg, stage, data, records, undefined, !opts.reloadOnly);
  if (check.present && check.problems.length > 0) {
    const discard = withDownstream([stage]);
    if (!cfg.overwrite) throw new StageMismatchError(cfg.out, [check], discard);
    log?.(`--overwrite: discarding ${list(discard)} (${check.problems.join('; ')})`);
    await discardStages(cfg.out, discard);
    check = { ...check, record: undefined, present: false, problems: [] };
  }
  const folder = join(cfg.out, stage);
  let record = check.record;
  if (record && record.fingerprint !== check.fingerprint) {
    // Same identity, but options added since (at their defaults) change the fingerprint: record it anew.
    record = { ...record, fingerprint: check.fingerprint, settings: check.settings };
    await writeStageRecord(folder, record);
  }
  if (!record) {
    record = {
      format: 'siamese-albert-ts/stage',
      version: 1,
      stage,
      fingerprint: check.fingerprint,
      settings: check.settings,
      data_file: { path: cfg.data, bytes: data.bytes },
      created_at: new Date().toISOString(),
    };
    await writeStageRecord(folder, record);
  }
  const previous = record.state;
  if (previous && !opts.reloadOnly) {
    // Unfinished until the trainer returns: a run killed while training on must not pass for the earlier finish.
    record = { ...record, state: undefined };
    await writeStageRecord(folder, record);
  }
  return { stage, settings: check.settings, fingerprint: check.fingerprint, record, previous, upstreamEpochs };
}

/**
 * Check that a training stage in the folder is finished and made with `cfg`'s settings, without
 * changing anything (for readers of a stage's outputs, such as `loadSiamese`): throws
 * StageMismatchError, or an error saying what to run first.
 */
export async function checkFinishedStage(cfg: RunConfig, stage: TrainingStage): Promise<StageCheck> {
  validateConfig(cfg);
  const data = await dataFileIdentity(cfg.data);
  const check = checkStage(cfg, stage, data, await readRecords(cfg.out), undefined);
  if (check.problems.length > 0) throw new StageMismatchError(cfg.out, [check], withDownstream([stage]));
  if (!check.finished)
    throw new Error(
      `run folder '${cfg.out}' has no finished ${stage} stage: run it first with the same settings (notebook ` +
        `${stage === 'siamese' ? '01' : '02'}, or npm run pipeline -- --stages ${stage}).`,
    );
  return check;
}

/** Record that a stage's training finished (its state), in its stage.json. */
export async function finishStage(cfg: RunConfig, entry: StageEntry, state: StageState): Promise<void> {
  entry.record = { ...entry.record, state };
  await writeStageRecord(join(cfg.out, entry.stage), entry.record);
}
