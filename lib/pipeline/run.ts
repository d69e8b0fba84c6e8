/**
 * The headless pipeline: data → siamese training → the three classifiers → evaluation, writing
 * `<out>/report.json`. Before any work it checks the run folder (writable, not in use, every stage made
 * with these settings: lib/pipeline/run-folder.ts); each stage then resumes, reloads or continues from its
 * folder, so an interrupted run goes on where it stopped, and a partial rerun merges into the report.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, describeBackend, type BackendInfo } from '../backend/index';
import type { Stage, TrainingStage } from '../config/options';
import { validateConfig } from '../config/parse';
import type { PaddingOverhead } from '../data/buckets';
import { describeRecords } from '../data/dataset';
import type { ProgressReporter } from '../train/progress';
import type { RunConfig } from './config';
import { exportSiameseEmbeddings, type Subset } from './evaluate';
import { CLASSIFIERS, STAGE_OF_CLASSIFIER, readStageRecord, type StageState } from './identity';
import { describeIntervals } from './intervals';
import { evaluateClassifiers } from './evaluation';
import { acquireRunLock, type RunLock } from './lock';
import { prepareData, prepareTokenizer, runPaths } from './prepare';
import { resolveRecipe } from './recipe';
import { describeRecipe, fitJson, recipeJson, type HeadFitJson } from './recipe-report';
import { readReport, refreshStaleNotes, writeReport, type Report, type StageTraining } from './report';
import { applyPlan, planRun, prepareRunFolder, type RunPlan } from './run-folder';
import { writeSplitFile } from './split-file';
import { CLASSIFIER_STAGES, loadSiamese, siameseStage, type StageContext, type TrainedClassifier } from './stages';
import { bucketingOn, notePadding, runTokens, type RunStats } from './tokens';

/** The report's types (lib/pipeline/report.ts). */
export type { Report, StageTraining } from './report';

/** Where `runPipeline` logs and reports progress. */
export interface PipelineOptions {
  /** One line per event (stage start, data summary, scores); default: stderr. */
  log?: (line: string) => void;
  /** Training progress: steps, epoch ends and trainer messages (lib/train/progress.ts); default: silent. */
  reporter?: ProgressReporter;
  /**
   * Release the run folder's lock on SIGINT/SIGTERM and re-raise the signal (the command line does; a
   * notebook kernel should not, as Jupyter interrupts it with SIGINT).
   */
  handleSignals?: boolean;
  /**
   * Called when a timed step (`report.timings`: backend, data, tokenizer, tokens, each stage, embeddings) starts
   * and ends, e.g. to measure each stage's peak memory (scripts/scale-check.ts).
   */
  onPhase?: (name: string, event: 'start' | 'end') => void;
}

function trainingOf(s: StageState): StageTraining {
  return {
    best_epoch: s.best_epoch,
    best_value: s.best_value,
    monitor: s.monitor,
    epochs_run: s.epochs_run,
    stop_reason: s.stop_reason,
    global_step: s.global_step,
    ...(s.lbfgs_iterations !== undefined ? { lbfgs_iterations: s.lbfgs_iterations } : {}),
  };
}

/** Lock the run folder, naming a busy or unusable one as a user error. */
function lockRunFolder(cfg: RunConfig, opts: PipelineOptions, log: (line: string) => void): RunLock {
  let lock: RunLock;
  try {
    lock = acquireRunLock(cfg.out, { handleSignals: opts.handleSignals });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!code) throw e;
    throw new Error(`--out '${cfg.out}' cannot be used as a run folder: cannot create its lock file (${code}).`);
  }
  const t = lock.tookOver;
  if (t)
    log(
      `run folder: took over the lock of PID ${t.pid} on ${t.host} (started ${t.started_at}), which is no longer ` +
        `running: an interrupted run`,
    );
  return lock;
}

/**
 * The study end to end, as `npm run pipeline`: activate the backend, prepare data and tokenizer, then run the
 * stages of `cfg.stages` (siamese triplet training; frozen, trained and siamese classifiers; evaluation on the
 * validation set and the balanced sample) in the run folder `cfg.out`, and write the merged `<out>/report.json`,
 * which it also returns. Each stage resumes, reloads or continues from its checkpoints (see the README's "Run
 * folders"). Build `cfg` with `configFromArgs`/`configFromEnv` (lib/config/parse.ts); defaults are the options
 * table's. Progress goes to `opts.log` (default stderr) and `opts.reporter`.
 *
 * Throws before any work when a setting is out of range, the folder is not writable or in use (run.lock), a
 * stage in it was made with other settings (unless `cfg.overwrite`), or a requested stage lacks the stage it
 * builds on; then, before training, on unusable data or split (`prepareData`) or a tokenizer that does not fit
 * the model (`prepareTokenizer`). The lock is released whatever happens.
 */
export async function runPipeline(cfg: RunConfig, opts: PipelineOptions = {}): Promise<Report> {
  const log = opts.log ?? ((l: string) => console.error(l));
  validateConfig(cfg);
  if (cfg.seeds)
    throw new Error(`runPipeline runs one seed (--seed); for --seeds ${cfg.seeds.join(',')} use runSeeds (./seeds).`);
  await prepareRunFolder(cfg.out);
  const lock = lockRunFolder(cfg, opts, log);
  try {
    const plan = await planRun(cfg);
    await applyPlan(cfg, plan, log);
    return await runPlanned(cfg, plan, opts, log);
  } finally {
    lock.release();
  }
}

async function runPlanned(
  cfg: RunConfig,
  plan: RunPlan,
  opts: PipelineOptions,
  log: (line: string) => void,
): Promise<Report> {
  const paths = runPaths(cfg.out);
  const earlier = await readReport(paths.report);
  const timings: Record<string, number> = { ...earlier?.timings };
  const timed = async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
    opts.onPhase?.(name, 'start');
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      timings[name] = Math.round((performance.now() - t0) / 100) / 10;
      opts.onPhase?.(name, 'end');
    }
  };
  const runs = (s: Stage) => cfg.stages.includes(s);
  /** A stage that only reloaded its finished training keeps the time of the run that trained it. */
  const keepTrainingTime = (stage: Stage, reloaded: boolean) => {
    const before = earlier?.timings[stage];
    if (reloaded && before !== undefined) timings[stage] = before;
  };

  const backend: BackendInfo = await timed('backend', () => initBackend(cfg.backend));
  log(`backend: ${describeBackend(backend)}`);
  const data = await timed('data', () => prepareData(cfg));
  const ds = data.dataset;
  log(
    `data: ${ds.texts.length} texts in ${ds.categories.length} classes (${describeRecords(ds, cfg.minWords)}); ` +
      `${data.test.length > 0 ? `test ${data.test.length} (held out), ` : ''}train ${data.split.train.length}, ` +
      `validation ${data.split.val.length}, balanced sample ${data.balanced.length} draws of ` +
      `${data.balancedDistinct} distinct validation texts`,
  );
  for (const w of data.warnings) log(`data: ${w}`);
  await writeSplitFile(paths.split, cfg, data);
  const tokenizer = await timed('tokenizer', () => prepareTokenizer(cfg));
  const recipe = resolveRecipe(cfg, data);
  for (const line of describeRecipe(recipe, cfg.stages)) log(line);
  const stats: RunStats = { padding: {} };
  const ctx: StageContext = { cfg, data, tokenizer, reporter: opts.reporter, log, recipe, stats };
  // Logistic heads' fits: this run's, else the report's for a stage whose record it still holds.
  const fits: Partial<Record<TrainingStage, HeadFitJson>> = {};
  for (const stage of ['frozen', 'siamese-classifier'] as const) {
    const fit = (earlier?.recipe?.[stage] as { fit?: HeadFitJson } | undefined)?.fit;
    if (fit && earlier?.stages[stage]?.fingerprint === plan.checks[stage].fingerprint) fits[stage] = fit;
  }
  // Every text tokenized once for the whole run (cached in the run folder), before the stages use it.
  await timed('tokens', () => runTokens(ctx));

  const report: Report = {
    model: cfg.model,
    backend: backend.name,
    seed: cfg.seed,
    data: {
      path: cfg.data,
      records: ds.recordsRead + ds.skipped.length,
      classes: ds.categories.length,
      train: data.split.train.length,
      val: data.split.val.length,
      test: data.test.length,
      balanced: data.balanced.length,
      balanced_distinct: data.balancedDistinct,
      skipped: ds.skipped.length,
      dropped_short: ds.droppedShort,
      dropped_by_cap: ds.droppedByCap,
    },
    results: { ...earlier?.results },
    training: { ...earlier?.training },
    inference: { ...earlier?.inference },
    ...(earlier?.embeddings ? { embeddings: earlier.embeddings } : {}),
    stages: { ...earlier?.stages },
    // This run's batches (a stage that only reloads keeps its earlier figures).
    padding: { ...earlier?.padding, ...stats.padding },
    recipe: recipeJson(recipe, fits),
    ...(earlier?.intervals ? { intervals: earlier.intervals } : {}),
    timings,
    config: cfg,
    // The data checks' warnings are this run's (the same data for every stage); the rest are kept.
    warnings: [
      ...(earlier?.warnings ?? []).filter((w) => !w.startsWith('data: ')),
      ...data.warnings.map((w) => `data: ${w}`),
    ],
  };
  const stageDone = (stage: TrainingStage, state: StageState, fingerprint: string) => {
    report.training[stage] = trainingOf(state);
    report.stages[stage] = {
      fingerprint,
      settings: plan.checks[stage].settings,
      backend: backend.name,
      updated_at: new Date().toISOString(),
    };
  };

  if (runs('siamese')) {
    log('stage siamese: triplet training of the encoder');
    const s = await timed('siamese', () => siameseStage(ctx));
    keepTrainingTime('siamese', s.result.reloaded);
    stageDone('siamese', s.state, s.fingerprint);
    s.model.dispose();
  }

  const trained: TrainedClassifier[] = [];
  try {
    for (const name of CLASSIFIERS) {
      const stage = STAGE_OF_CLASSIFIER[name];
      const reload = !runs(stage) && runs('evaluate');
      if (reload && !(await readStageRecord(join(cfg.out, stage), stage)).record?.state) {
        log(`evaluate: the ${stage} stage has no finished training in the run folder; its results are left out`);
        continue;
      }
      if (!runs(stage) && !reload) continue;
      log(`stage ${stage}${reload ? ': reloading the finished training for evaluation' : ''}`);
      const clf = await timed(stage, () => CLASSIFIER_STAGES[name](ctx, { reloadOnly: reload }));
      keepTrainingTime(stage, clf.result.reloaded);
      trained.push(clf);
      stageDone(stage, clf.state, clf.fingerprint);
      for (const run of clf.inference) report.inference[`${stage} features`] = run;
      if (clf.head) fits[stage] = fitJson(clf.head);
    }
    report.recipe = recipeJson(recipe, fits);
    if (runs('evaluate')) await timed('evaluate', () => evaluateAll(ctx, plan, trained, report, backend.name, timed));
  } finally {
    for (const c of trained) c.dispose();
  }

  Object.assign(report.padding!, stats.padding);
  for (const note of refreshStaleNotes(report)) log(`report: ${note}`);
  await writeReport(paths.report, report);
  log(`report: ${paths.report}`);
  return report;
}

/**
 * Scores of every classifier on every subset (validation, test, balanced; one evaluateClassifiers call), their
 * intervals, the engines of the forward passes, and the siamese embeddings' projector files and k-NN accuracy.
 */
async function evaluateAll(
  ctx: StageContext,
  plan: RunPlan,
  classifiers: readonly TrainedClassifier[],
  report: Report,
  backend: string,
  timed: <T>(name: string, f: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const { cfg, data, tokenizer, log } = ctx;
  const ev = await evaluateClassifiers(ctx, { classifiers });
  const per = (f: number[]) => Object.fromEntries(ev.categories.map((c, i) => [c, f[i]]));
  for (const clf of classifiers) {
    const e = ev.classifiers[clf.name]!;
    report.warnings = report.warnings.filter((w) => !w.startsWith(`${clf.name}/`));
    for (const [subset, s] of Object.entries(e.subsets))
      report.warnings.push(...s.warnings.map((w) => `${clf.name}/${subset}: ${w}`));
    const v = e.subsets.validation!.scores;
    const t = e.subsets.test;
    report.results[clf.name] = {
      ...v,
      ...(t ? { test: t.scores } : {}),
      balanced: e.subsets.balanced!.scores,
      f1_per_class: {
        validation: per(e.subsets.validation!.f1PerClass),
        ...(t ? { test: per(t.f1PerClass) } : {}),
      },
      evaluated: {
        stage: STAGE_OF_CLASSIFIER[clf.name],
        fingerprint: clf.fingerprint,
        best_epoch: clf.state.best_epoch,
      },
    };
    for (const run of e.inference) report.inference[`${STAGE_OF_CLASSIFIER[clf.name]} predictions`] = run;
    log?.(
      `evaluate ${clf.name}: validation accuracy ${v.accuracy.toFixed(4)}, macro F1 ${v.f1_macro.toFixed(4)}, ` +
        `weighted F1 ${v.f1_weighted.toFixed(4)}, AUC micro ${v.auc_micro.toFixed(4)} / macro ` +
        `${v.auc_macro.toFixed(4)}` +
        (t ? `; test accuracy ${t.scores.accuracy.toFixed(4)}, macro F1 ${t.scores.f1_macro.toFixed(4)}` : '') +
        `; accuracy on the balanced sample ${e.subsets.balanced!.scores.accuracy.toFixed(4)} ` +
        `(${ev.balanced.draws} draws of ${ev.balanced.distinct} distinct validation texts)`,
    );
  }
  report.intervals = ev.intervals;
  for (const [subset, s] of Object.entries(ev.intervals))
    for (const line of describeIntervals(subset as Subset, s)) log?.(line);
  const paths = runPaths(cfg.out);
  const siameseState = (await readStageRecord(paths.siamese, 'siamese')).record?.state;
  if (siameseState?.exported_epoch !== undefined && existsSync(join(paths.siameseEncoder, 'model.safetensors'))) {
    const siamese = await loadSiamese(cfg);
    try {
      const tokens = await runTokens(ctx);
      const onPadding = (p: PaddingOverhead) => notePadding(ctx, 'embeddings', p, bucketingOn(cfg));
      const e = await timed('embeddings', () =>
        exportSiameseEmbeddings(cfg, data, siamese, tokenizer, log, { tokens, onPadding }),
      );
      report.inference['siamese embeddings'] = e.inference;
      report.embeddings = {
        dir: e.dir,
        rows: e.rows,
        knn_accuracy: e.knnAccuracy,
        siamese_epoch: siameseState.best_epoch,
      };
      log?.(
        `embeddings: ${e.rows} validation vectors written to ${e.dir} (projector TSV); 10-NN accuracy ` +
          `${e.knnAccuracy.toFixed(4)}`,
      );
    } finally {
      siamese.dispose();
    }
  }
  report.stages.evaluate = {
    fingerprint: plan.checks.evaluate.fingerprint,
    settings: plan.checks.evaluate.settings,
    backend,
    updated_at: new Date().toISOString(),
  };
}
