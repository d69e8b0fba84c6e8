/**
 * The headless pipeline: data → siamese training → the three classifiers →
 * evaluation, writing `<out>/report.json`. Each stage resumes from its folder in
 * the run, so an interrupted run continues where it stopped.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend, describeBackend, type BackendInfo } from '../backend/index';
import { summarizeSkips } from '../data/errors';
import { writeFileAtomic } from '../io/safetensors';
import { RESULT_FILE } from '../train/trainer';
import type { ProgressReporter } from '../train/progress';
import type { RunConfig } from './config';
import { predictSubset, summarize, exportSiameseEmbeddings, SUBSETS, type ScoreSummary, type Subset } from './evaluate';
import { prepareData, prepareTokenizer, runPaths } from './prepare';
import {
  CLASSIFIERS,
  CLASSIFIER_STAGES,
  STAGE_OF_CLASSIFIER,
  classifierFolder,
  loadSiamese,
  siameseStage,
  type ClassifierName,
  type StageContext,
  type TrainedClassifier,
} from './stages';

export interface StageTraining {
  best_epoch: number;
  best_value: number;
  monitor: string;
  epochs_run: number;
  stop_reason: string;
}

export interface Report {
  model: string;
  backend: string;
  seed: number;
  data: {
    path: string;
    records: number;
    classes: number;
    train: number;
    val: number;
    balanced: number;
    skipped: number;
    dropped_short: number;
    dropped_by_cap: number;
  };
  results: Partial<Record<ClassifierName, ScoreSummary & { balanced: ScoreSummary }>>;
  training: Partial<Record<'siamese' | ClassifierName, StageTraining>>;
  embeddings?: { dir: string; rows: number; knn_accuracy: number };
  timings: Record<string, number>;
  config: RunConfig;
  warnings: string[];
}

export interface PipelineOptions {
  log?: (line: string) => void;
  reporter?: ProgressReporter;
}

function trainingSummary(r: TrainedClassifier['result']): StageTraining {
  return {
    best_epoch: r.bestEpoch,
    best_value: r.bestValue,
    monitor: r.monitor,
    epochs_run: r.history.length,
    stop_reason: r.stopReason,
  };
}

export async function runPipeline(cfg: RunConfig, opts: PipelineOptions = {}): Promise<Report> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      timings[name] = Math.round((performance.now() - t0) / 100) / 10;
    }
  };
  const paths = runPaths(cfg.out);
  await mkdir(paths.root, { recursive: true });

  const backend: BackendInfo = await timed('backend', () => initBackend(cfg.backend));
  log(`backend: ${describeBackend(backend)}`);
  const data = await timed('data', () => prepareData(cfg));
  const ds = data.dataset;
  log(
    `data: ${ds.texts.length} texts in ${ds.categories.length} classes (${ds.recordsRead} records read; ` +
      `${summarizeSkips(ds.skipped)}; ${ds.droppedShort} shorter than ${cfg.minWords} words; ${ds.droppedByCap} ` +
      `over the per-class cap); train ${data.split.train.length}, validation ${data.split.val.length}, balanced ` +
      `sample ${data.balanced.length}`,
  );
  const tokenizer = await timed('tokenizer', () => prepareTokenizer(cfg));
  const ctx: StageContext = { cfg, data, tokenizer, reporter: opts.reporter, log };

  const report: Report = {
    model: cfg.model,
    backend: backend.name,
    seed: cfg.seed,
    data: {
      path: cfg.data,
      records: ds.recordsRead,
      classes: ds.categories.length,
      train: data.split.train.length,
      val: data.split.val.length,
      balanced: data.balanced.length,
      skipped: ds.skipped.length,
      dropped_short: ds.droppedShort,
      dropped_by_cap: ds.droppedByCap,
    },
    results: {},
    training: {},
    timings,
    config: cfg,
    warnings: [],
  };

  if (cfg.stages.includes('siamese')) {
    log('stage siamese: triplet training of the encoder');
    const { model, result } = await timed('siamese', () => siameseStage(ctx));
    report.training.siamese = trainingSummary(result);
    model.dispose();
  }

  const trained: TrainedClassifier[] = [];
  try {
    for (const name of CLASSIFIERS) {
      const stage = STAGE_OF_CLASSIFIER[name];
      const finished = existsSync(join(classifierFolder(cfg, name), RESULT_FILE));
      if (!cfg.stages.includes(stage) && !(cfg.stages.includes('evaluate') && finished)) continue;
      log(`stage ${stage}: ${cfg.stages.includes(stage) ? 'training' : 'reloading the finished run for evaluation'}`);
      const clf = await timed(stage, () => CLASSIFIER_STAGES[name](ctx));
      report.training[name] = trainingSummary(clf.result);
      trained.push(clf);
    }

    if (cfg.stages.includes('evaluate')) {
      await timed('evaluate', async () => {
        for (const clf of trained) {
          const scores: Partial<Record<Subset, ScoreSummary>> = {};
          for (const subset of SUBSETS) {
            const s = summarize(await predictSubset(cfg, data, clf, subset));
            scores[subset] = s.scores;
            report.warnings.push(...s.warnings.map((w) => `${clf.name}/${subset}: ${w}`));
          }
          report.results[clf.name] = { ...scores.validation!, balanced: scores.balanced! };
          log(
            `evaluate ${clf.name}: validation accuracy ${scores.validation!.accuracy.toFixed(4)}, macro F1 ` +
              `${scores.validation!.f1_macro.toFixed(4)}, weighted F1 ${scores.validation!.f1_weighted.toFixed(4)}, ` +
              `AUC micro ${scores.validation!.auc_micro.toFixed(4)} / macro ` +
              `${scores.validation!.auc_macro.toFixed(4)}; balanced accuracy ` +
              `${scores.balanced!.accuracy.toFixed(4)}`,
          );
        }
        if (existsSync(join(paths.siameseEncoder, 'model.safetensors'))) {
          const siamese = await loadSiamese(cfg);
          try {
            const e = await exportSiameseEmbeddings(cfg, data, siamese, tokenizer);
            report.embeddings = { dir: e.dir, rows: e.rows, knn_accuracy: e.knnAccuracy };
            log(
              `embeddings: ${e.rows} validation vectors written to ${e.dir} (projector TSV); 10-NN accuracy ` +
                `${e.knnAccuracy.toFixed(4)}`,
            );
          } finally {
            siamese.dispose();
          }
        }
      });
    }
  } finally {
    for (const c of trained) c.dispose();
  }

  await writeFileAtomic(
    paths.report,
    `${JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  );
  log(`report: ${paths.report}`);
  return report;
}
