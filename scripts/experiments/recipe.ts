/**
 * Experiments behind the auto recipe (issue 14, step 1; results in docs/recipe-evidence.md).
 *
 * Composes lib/ functions, without touching the pipeline's stages or the trainer: the same data preparation
 * (prepareData), encoder, heads and samplers as `npm run pipeline`, and a small training loop of its own because
 * today's trainer has one fixed Adam learning rate (its per-step schedules and AdamW land with the trainer rework;
 * step 2 moves these settings into `--recipe auto`).
 *
 *   npx tsx scripts/experiments/recipe.ts heads     [pipeline options]            frozen features: LR vs Adam head
 *   npx tsx scripts/experiments/recipe.ts finetune  [pipeline options] [--x v]    trained classifier, AdamW + schedule
 *   npx tsx scripts/experiments/recipe.ts siamese   [pipeline options] [--x v]    siamese stage + LR head
 *   npx tsx scripts/experiments/recipe.ts head-cv   [pipeline options] --features <out>/<name>
 *                                                   LR head with C by 5-fold CV on dumped features
 *
 * Pipeline options are `npm run pipeline`'s (--data, --text, --min-words, --max-per-class, --model, --pooling,
 * --seed, --out). Experiment options: --lr (encoder), --head-lr, --epochs, --warmup (ratio of all steps),
 * --weight-decay, --batch-size, --tag, --head-at (siamese: epochs at which to also fit the LR head, e.g. 3,6). Each run appends one JSON line (settings, per-epoch validation loss,
 * accuracy, macro F1, wall time) to <out>/experiments.jsonl and writes the validation predictions of its
 * best epoch to <out>/preds-<tag>.json (for paired bootstrap intervals). Validation loss is always the mean
 * unweighted cross-entropy of the validation rows (scikit-learn's log_loss), whatever the training loss.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/index';
import { makeBatches } from '../../lib/data/batches';
import { ClassifierHead, EncoderClassifier } from '../../lib/heads/classifier';
import { cachedFeatures, computeFeatures, encodeInBatches } from '../../lib/heads/features';
import { fitLogisticRegression } from '../../lib/heads/logistic';
import { fitLogisticRegressionCV } from '../../lib/heads/logistic-cv';
import { SiameseModel } from '../../lib/heads/siamese';
import { accuracyScore, f1Score } from '../../lib/metrics/classification';
import { loadEncoder } from '../../lib/model/load';
import type { Encoder, TokenBatch } from '../../lib/model/types';
import { configFromArgs, type RunConfig } from '../../lib/pipeline/config';
import { prepareData, prepareTokenizer, type PreparedData } from '../../lib/pipeline/prepare';
import { textBatchLoader, featureBatchLoader, type BatchLoader, type FeatureMatrix } from '../../lib/train/batches';
import { pkSampler, randomSampler, type BatchSampler } from '../../lib/train/sampler';
import { linearScheduleWithWarmup, warmupStepsFor, type LearningRateSchedule } from '../../lib/train/schedule';
import { train } from '../../lib/train/trainer';
import type { LabeledBatch, TrainableModel } from '../../lib/train/types';
import type { TextTokenizer } from '../../lib/tokenizer/tokenizer';
import { disposeTokenBatch, toTokenBatch } from '../../lib/tokenizer/types';
import { dumpFeatures } from './features-io';

interface Scores {
  valLoss: number;
  accuracy: number;
  f1Macro: number;
}

/** Mean cross-entropy, accuracy and macro F1 of probabilities `[n][C]` against labels. */
function score(yTrue: ArrayLike<number>, proba: number[][]): Scores {
  const t = Array.from(yTrue);
  const pred = proba.map((p) => p.indexOf(Math.max(...p)));
  let ce = 0;
  t.forEach((y, i) => (ce -= Math.log(Math.max(proba[i][y], 1e-15))));
  return {
    valLoss: ce / t.length,
    accuracy: accuracyScore(t, pred),
    f1Macro: f1Score(t, pred, { average: 'macro', zeroDivision: 0 }),
  };
}

const fmt = (s: Scores) => `val_loss ${s.valLoss.toFixed(4)} acc ${s.accuracy.toFixed(4)} f1 ${s.f1Macro.toFixed(4)}`;

interface Ctx {
  cfg: RunConfig;
  data: PreparedData;
  tokenizer: TextTokenizer;
  x: Record<string, string>;
}

function num(ctx: Ctx, key: string, fallback: number): number {
  const v = ctx.x[key];
  return v === undefined ? fallback : Number(v);
}

function record(ctx: Ctx, entry: Record<string, unknown>, preds?: { tag: string; proba: number[][] }): void {
  mkdirSync(ctx.cfg.out, { recursive: true });
  const line = { date: new Date().toISOString(), maxPerClass: ctx.cfg.maxPerClass, seed: ctx.cfg.seed, ...entry };
  appendFileSync(join(ctx.cfg.out, 'experiments.jsonl'), JSON.stringify(line) + '\n');
  if (preds) {
    const yPred = preds.proba.map((p) => p.indexOf(Math.max(...p)));
    writeFileSync(
      join(ctx.cfg.out, `preds-${preds.tag}.json`),
      JSON.stringify({ valRows: Array.from(ctx.data.split.val), yTrue: Array.from(ctx.data.valLabels), yPred }),
    );
  }
  console.log(JSON.stringify(line));
}

async function features(ctx: Ctx, encoder: Encoder, label: string): Promise<FeatureMatrix> {
  const t0 = performance.now();
  const { features: f, cacheHit } = await cachedFeatures(encoder, ctx.tokenizer, ctx.data.dataset.texts, {
    maxLength: ctx.cfg.maxLength,
    batchSize: 64,
    cacheDir: join(ctx.cfg.out, 'features'),
    settings: { tokenizer: ctx.cfg.tokenizer ?? ctx.cfg.model },
  });
  console.error(`${label}: features ${cacheHit ? 'from cache' : 'computed'} in ${sec(t0)} s`);
  return f;
}

const sec = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

/** LR head (scikit-learn semantics) on features: fit on train rows, score validation rows. */
async function logisticHead(ctx: Ctx, f: FeatureMatrix, opts: { C: number; classWeight?: 'balanced' }) {
  const t0 = performance.now();
  const m = await fitLogisticRegression(f, ctx.data.trainLabels, {
    rows: ctx.data.split.train,
    C: opts.C,
    classWeight: opts.classWeight,
    numClasses: ctx.data.dataset.categories.length,
  });
  const proba = m.predictProba(f, ctx.data.split.val);
  return { scores: score(ctx.data.valLabels, proba), proba, report: m.describe(), seconds: Number(sec(t0)) };
}

/** Frozen encoder: LR head (several C, with/without balanced weights) and today's Adam head (40 epochs, 1e-4). */
async function heads(ctx: Ctx): Promise<void> {
  const encoder = await loadEncoder(ctx.cfg.model, { pooling: ctx.cfg.pooling, trainable: false });
  const f = await features(ctx, encoder, 'frozen');
  encoder.dispose();
  dumpFeatures(join(ctx.cfg.out, 'frozen-features'), f, ctx.data);
  for (const C of [0.1, 1, 10]) {
    for (const classWeight of [undefined, 'balanced'] as const) {
      const r = await logisticHead(ctx, f, { C, classWeight });
      const tag = `frozen-lr-C${C}${classWeight ? '-balanced' : ''}`;
      record(
        ctx,
        {
          experiment: 'heads',
          head: 'logistic',
          C,
          classWeight: classWeight ?? 'none',
          ...r.scores,
          fit: r.report,
          seconds: r.seconds,
        },
        C === 1 && !classWeight ? { tag, proba: r.proba } : undefined,
      );
    }
  }
  // Today's head: the pipeline's headStage settings (Adam 1e-4, batch 128, 40 epochs, the study's class weights).
  const t0 = performance.now();
  const head = new ClassifierHead(f.cols, {
    numClasses: ctx.data.dataset.categories.length,
    seed: ctx.cfg.seed,
    classWeights: ctx.data.classWeights,
  });
  const loader = featureBatchLoader(f, ctx.data.dataset.labels);
  const map = (rows: Int32Array, pos: Int32Array) => Int32Array.from(pos, (p) => rows[p]);
  const result = await train({
    model: head,
    sampler: randomSampler(ctx.data.split.train.length, { batchSize: 128, seed: ctx.cfg.seed }),
    validationBatches: makeBatches(Int32Array.from(ctx.data.split.val.keys()), { batchSize: 128 }),
    loadBatch: (pos, phase) =>
      loader.loadBatch(map(phase === 'train' ? ctx.data.split.train : ctx.data.split.val, pos)),
    disposeBatch: loader.disposeBatch,
    epochs: 40,
    learningRate: 1e-4,
  });
  const proba = tf
    .tidy(() =>
      tf.softmax(head.logits(tf.tensor2d(rowsOf(f, ctx.data.split.val), [ctx.data.split.val.length, f.cols]))),
    )
    .arraySync() as number[][];
  record(
    ctx,
    {
      experiment: 'heads',
      head: 'adam-study',
      epochs: 40,
      lr: 1e-4,
      steps: result.globalStep,
      ...score(ctx.data.valLabels, proba),
      seconds: Number(sec(t0)),
    },
    { tag: 'frozen-adam', proba },
  );
  head.dispose();
}

function rowsOf(f: FeatureMatrix, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * f.cols);
  rows.forEach((r, i) => out.set(f.data.subarray(r * f.cols, (r + 1) * f.cols), i * f.cols));
  return out;
}

interface Group {
  vars: tf.Variable[];
  schedule: LearningRateSchedule;
  /** Variables with decoupled weight decay (AdamW: not biases, not LayerNorm). */
  decay: Set<tf.Variable>;
}

/**
 * AdamW (PyTorch's: beta 0.9/0.999, eps 1e-8, decoupled decay p -= lr·wd·p) with one learning-rate schedule
 * per variable group; an epoch loop that scores validation after every epoch with `evaluate`.
 */
async function trainGroups<B extends { size: number }>(o: {
  model: TrainableModel<B>;
  groups: Group[];
  weightDecay: number;
  sampler: BatchSampler;
  epochs: number;
  loadBatch: (pos: Int32Array) => B;
  disposeBatch: (b: B) => void;
  evaluate: (epoch: number) => Promise<void>;
}): Promise<number> {
  const optimizers = o.groups.map(() => tf.train.adam(1, 0.9, 0.999, 1e-8));
  const all = o.groups.flatMap((g) => g.vars);
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const t0 = performance.now();
    let lossSum = 0,
      n = 0;
    for (const pos of o.sampler.epochBatches(epoch)) {
      const batch = o.loadBatch(pos);
      const { value, grads } = tf.variableGrads(() => o.model.lossFn(batch, true), all);
      lossSum += (await value.data())[0] * batch.size;
      n += batch.size;
      o.groups.forEach((g, gi) => {
        const lr = g.schedule(step);
        (optimizers[gi] as unknown as { learningRate: number }).learningRate = lr;
        tf.tidy(() => {
          for (const v of g.decay) if (lr > 0 && o.weightDecay > 0) v.assign(v.mul(1 - lr * o.weightDecay));
        });
        optimizers[gi].applyGradients(g.vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
      });
      tf.dispose([value, ...Object.values(grads)]);
      o.disposeBatch(batch);
      step++;
    }
    console.error(
      `epoch ${epoch + 1}/${o.epochs}: train loss ${(lossSum / n).toFixed(4)}, ${step} steps, ${sec(t0)} s`,
    );
    await o.evaluate(epoch + 1);
  }
  optimizers.forEach((opt) => opt.dispose());
  return step;
}

function decaySet(encoder: Encoder, vars: tf.Variable[]): Set<tf.Variable> {
  const noDecay = new Set([...encoder.weights].filter(([k]) => /bias|LayerNorm|layer_norm/i.test(k)).map(([, v]) => v));
  return new Set(vars.filter((v) => !noDecay.has(v) && v.rank > 1));
}

const positionsToRows = (rows: Int32Array, pos: Int32Array) => Int32Array.from(pos, (p) => rows[p]);

/** An encoder run's settings: --lr, --head-lr, --epochs, --warmup, --weight-decay, --batch-size. */
interface RunSettings {
  lr: number;
  headLr: number;
  epochs: number;
  warmup: number;
  weightDecay: number;
  batchSize: number;
}

function runSettings(ctx: Ctx, batchSize: number): RunSettings {
  return {
    lr: num(ctx, 'lr', 5e-5),
    headLr: num(ctx, 'head-lr', 1e-3),
    epochs: num(ctx, 'epochs', 4),
    warmup: num(ctx, 'warmup', 0.1),
    weightDecay: num(ctx, 'weight-decay', 0.01),
    batchSize: num(ctx, 'batch-size', batchSize),
  };
}

function textLoader(ctx: Ctx): BatchLoader<TokenBatch> {
  return textBatchLoader(ctx.data.dataset.texts, ctx.data.dataset.labels, ctx.tokenizer, {
    maxLength: ctx.cfg.maxLength,
  });
}

/**
 * The stage run finetune and siamese share: encoder and head trained by AdamW on the training rows, each group on
 * its own linear warmup + decay schedule (the encoder's peak `s.lr`, the head's `s.headLr`); returns the steps run
 * and the warmup steps.
 */
async function trainEncoderAndHead(
  ctx: Ctx,
  s: RunSettings,
  o: {
    model: TrainableModel<LabeledBatch<TokenBatch>>;
    encoder: Encoder;
    head: { vars: tf.Variable[]; decay: tf.Variable[] };
    sampler: BatchSampler;
    loader: BatchLoader<TokenBatch>;
    evaluate: (epoch: number) => Promise<void>;
  },
): Promise<{ steps: number; warmupSteps: number }> {
  const totalSteps = o.sampler.epochBatches(0).length * s.epochs;
  const warmupSteps = warmupStepsFor(totalSteps, s.warmup);
  const encVars = o.encoder.trainableVariables();
  const steps = await trainGroups({
    model: o.model,
    groups: [
      {
        vars: encVars,
        schedule: linearScheduleWithWarmup(s.lr, { warmupSteps, totalSteps }),
        decay: decaySet(o.encoder, encVars),
      },
      {
        vars: o.head.vars,
        schedule: linearScheduleWithWarmup(s.headLr, { warmupSteps, totalSteps }),
        decay: new Set(o.head.decay),
      },
    ],
    weightDecay: s.weightDecay,
    sampler: o.sampler,
    epochs: s.epochs,
    loadBatch: (pos) => o.loader.loadBatch(positionsToRows(ctx.data.split.train, pos)),
    disposeBatch: o.loader.disposeBatch,
    evaluate: o.evaluate,
  });
  return { steps, warmupSteps };
}

/** Fully trained classifier: AdamW, linear warmup + decay, head lr above the encoder's, best epoch by val loss. */
async function finetune(ctx: Ctx): Promise<void> {
  const t0 = performance.now();
  const s = runSettings(ctx, 32);
  const encoder = await loadEncoder(ctx.cfg.model, { pooling: ctx.cfg.pooling, trainable: true });
  const head = new ClassifierHead(encoder.hiddenSize, {
    numClasses: ctx.data.dataset.categories.length,
    seed: ctx.cfg.seed,
  });
  const model = new EncoderClassifier(encoder, head);
  const history: (Scores & { epoch: number })[] = [];
  let best: { epoch: number; proba: number[][]; scores: Scores } | undefined;
  const { steps, warmupSteps } = await trainEncoderAndHead(ctx, s, {
    model,
    encoder,
    head: { vars: head.trainableVariables(), decay: [head.dense.kernel] },
    sampler: randomSampler(ctx.data.split.train.length, { batchSize: s.batchSize, seed: ctx.cfg.seed }),
    loader: textLoader(ctx),
    evaluate: async (epoch) => {
      const proba = await textProba(ctx, model, ctx.data.split.val);
      const sc = score(ctx.data.valLabels, proba);
      history.push({ epoch, ...sc });
      console.error(`  epoch ${epoch}: ${fmt(sc)}`);
      if (!best || sc.valLoss < best.scores.valLoss) best = { epoch, proba, scores: sc };
    },
  });
  const tag = ctx.x.tag ?? `finetune-lr${s.lr}-h${s.headLr}-e${s.epochs}`;
  record(
    ctx,
    {
      experiment: 'finetune',
      tag,
      ...s,
      warmupSteps,
      steps,
      bestEpoch: best!.epoch,
      ...best!.scores,
      history,
      seconds: Number(sec(t0)),
    },
    { tag, proba: best!.proba },
  );
  model.dispose();
}

async function textProba(ctx: Ctx, model: EncoderClassifier, rows: Int32Array): Promise<number[][]> {
  const out: number[][] = [];
  for (const b of makeBatches(rows, { batchSize: 64 })) {
    const tokens = toTokenBatch(
      ctx.tokenizer.encodeBatch(
        Array.from(b, (i) => ctx.data.dataset.texts[i]),
        { maxLength: ctx.cfg.maxLength },
      ),
    );
    const p = tf.tidy(() => tf.softmax(model.logits(tokens, { training: false })));
    out.push(...((await p.array()) as number[][]));
    p.dispose();
    disposeTokenBatch(tokens);
  }
  return out;
}

/** P×K that fills the batch: K = max(4, ceil(batch / classes)), P = min(classes, floor(batch / K)). */
function pkShape(batchSize: number, labels: Int32Array): { p: number; k: number } {
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const classes = [...counts.values()].filter((c) => c >= 2).length;
  const k = Math.max(4, Math.ceil(batchSize / classes));
  return { p: Math.max(1, Math.min(classes, Math.floor(batchSize / k))), k };
}

/** Siamese stage (AdamW, warmup + decay, head lr above the encoder's), then the LR head on its features. */
async function siamese(ctx: Ctx): Promise<void> {
  const t0 = performance.now();
  const s = runSettings(ctx, 64);
  const encoder = await loadEncoder(ctx.cfg.model, { pooling: ctx.cfg.pooling, trainable: true });
  const model = new SiameseModel(encoder, { seed: ctx.cfg.seed });
  const t = pkShape(s.batchSize, ctx.data.trainLabels),
    v = pkShape(s.batchSize, ctx.data.valLabels);
  const sampler = pkSampler(ctx.data.trainLabels, { classesPerBatch: t.p, examplesPerClass: t.k, seed: ctx.cfg.seed });
  const valBatches = pkSampler(ctx.data.valLabels, {
    classesPerBatch: v.p,
    examplesPerClass: v.k,
    seed: ctx.cfg.seed + 1,
  }).epochBatches(0);
  const loader = textLoader(ctx);
  const tripletHistory: { epoch: number; valTriplet: number }[] = [];
  const headAt = new Set((ctx.x['head-at'] ?? '').split(',').filter(Boolean).map(Number));
  const headHistory: (Scores & { epoch: number })[] = [];
  const tripletLoss = async () => {
    let sum = 0,
      n = 0;
    for (const pos of valBatches) {
      const b = loader.loadBatch(positionsToRows(ctx.data.split.val, pos));
      const l = model.lossFn(b, false);
      sum += (await l.data())[0] * b.size;
      n += b.size;
      l.dispose();
      loader.disposeBatch(b);
    }
    return sum / n;
  };
  tripletHistory.push({ epoch: 0, valTriplet: await tripletLoss() });
  const { steps, warmupSteps } = await trainEncoderAndHead(ctx, s, {
    model,
    encoder,
    head: { vars: [...model.headWeights().values()], decay: [model.dense1.kernel, model.dense2.kernel] },
    sampler,
    loader,
    evaluate: async (epoch) => {
      const valTriplet = await tripletLoss();
      tripletHistory.push({ epoch, valTriplet });
      console.error(`  epoch ${epoch}: val triplet loss ${valTriplet.toFixed(4)}`);
      if (headAt.has(epoch) && epoch < s.epochs) {
        // A look at the downstream head mid-run (features of every text with the encoder as it is now).
        encoder.trainable = false;
        const mid = await computeFeatures(
          encoder,
          encodeInBatches(ctx.tokenizer, ctx.data.dataset.texts, { batchSize: 64, maxLength: ctx.cfg.maxLength }),
        );
        encoder.trainable = true;
        const r = await logisticHead(ctx, mid, { C: 1 });
        headHistory.push({ epoch, ...r.scores });
        console.error(`  epoch ${epoch}: LR head ${fmt(r.scores)}`);
      }
    },
  });
  const trainSeconds = Number(sec(t0));
  encoder.trainable = false;
  const f = await features(ctx, encoder, 'siamese');
  const tag = ctx.x.tag ?? `siamese-lr${s.lr}-h${s.headLr}-e${s.epochs}`;
  dumpFeatures(join(ctx.cfg.out, `${tag}-features`), f, ctx.data);
  const r = await logisticHead(ctx, f, { C: 1 });
  record(
    ctx,
    {
      experiment: 'siamese',
      tag,
      ...s,
      warmupSteps,
      pk: `${t.p}x${t.k}`,
      steps,
      tripletHistory,
      ...(headHistory.length > 0 ? { headHistory } : {}),
      head: 'logistic C=1',
      ...r.scores,
      fit: r.report,
      trainSeconds,
      seconds: Number(sec(t0)),
    },
    { tag, proba: r.proba },
  );
  model.dispose();
}

/** LR heads on dumped features (--features <out>/<name>): C = 1, and C by 5-fold CV on the training rows. */
async function headCv(ctx: Ctx): Promise<void> {
  const base = ctx.x.features;
  const meta = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { rows: number; cols: number };
  const buf = readFileSync(`${base}.f32`);
  const f: FeatureMatrix = {
    data: new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4),
    rows: meta.rows,
    cols: meta.cols,
  };
  const t0 = performance.now();
  const cv = await fitLogisticRegressionCV(f, ctx.data.trainLabels, {
    rows: ctx.data.split.train,
    numClasses: ctx.data.dataset.categories.length,
    seed: ctx.cfg.seed,
  });
  const proba = cv.model.predictProba(f, ctx.data.split.val);
  const tag = `${base.split('/').pop()}-cv`;
  record(
    ctx,
    {
      experiment: 'head-cv',
      features: base,
      head: 'logistic CV',
      C: cv.C,
      cvLoss: cv.cvLoss,
      ...score(ctx.data.valLabels, proba),
      fit: cv.model.describe(),
      seconds: Number(sec(t0)),
    },
    { tag, proba },
  );
}

async function main(argv: string[]): Promise<void> {
  const [experiment, ...rest] = argv;
  const own = new Set([
    '--lr',
    '--head-lr',
    '--epochs',
    '--warmup',
    '--weight-decay',
    '--batch-size',
    '--tag',
    '--head-at',
    '--features',
  ]);
  const x: Record<string, string> = {};
  const pipelineArgs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (own.has(rest[i])) x[rest[i].slice(2)] = rest[++i];
    else pipelineArgs.push(rest[i]);
  }
  const cfg = configFromArgs(pipelineArgs);
  const backend = await initBackend(cfg.backend);
  console.error(`backend ${backend.name}`);
  const ctx: Ctx = { cfg, data: prepareData(cfg), tokenizer: await prepareTokenizer(cfg), x };
  console.error(`data: ${ctx.data.split.train.length} train / ${ctx.data.split.val.length} validation texts`);
  const run = { heads, finetune, siamese, 'head-cv': headCv }[experiment as 'heads'];
  if (!run) throw new Error(`unknown experiment '${experiment}': heads, finetune, siamese or head-cv.`);
  await run(ctx);
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exit(1);
});
