/**
 * Timings of the evaluation's CPU-bound parts at the study's scale, on synthetic arrays (seeded): the bootstrap
 * intervals (lib/pipeline/intervals.ts) with the class-count path against the generic metric per resample, and
 * the exact k-NN (lib/embeddings/knn-blocked.ts); and tokenizing the shared HuffPost texts with the ALBERT
 * tokenizer, chunk memo on and off (lib/tokenizer/tokenizer.ts; needs SHARED_DIR or ../shared). A vs B run
 * interleaved in one process, so they share the load; CPU seconds (process.cpuUsage) are given beside wall seconds
 * where other processes share the cores.
 *
 *   npx tsx scripts/bench-evaluation.ts [--rows 39951] [--refs 159806] [--repeats 3] [--only bootstrap|knn|tokens]
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend } from '../lib/backend/index';
import { loadTokenizer } from '../lib/tokenizer/tokenizer';
import { tokenizeTexts } from '../lib/tokenizer/token-table';
import { makeRandom, randomInt } from '../lib/data/rng';
import { bootstrapDistribution, bootstrapResamples } from '../lib/metrics/bootstrap';
import { accuracyScore, f1Score } from '../lib/metrics/classification';
import { knnPredictBlocked } from '../lib/embeddings/knn-blocked';
import { subsetIntervals } from '../lib/pipeline/intervals';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '39951' },
    refs: { type: 'string', default: '159806' },
    dim: { type: 'string', default: '64' },
    classes: { type: 'string', default: '41' },
    repeats: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});
const rows = Number(values.rows),
  refs = Number(values.refs),
  dim = Number(values.dim),
  classes = Number(values.classes),
  repeats = Number(values.repeats);
const random = makeRandom('bench-evaluation');
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const time = async (f: () => unknown) => {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
};
console.log(
  `load average ${loadavg()[0].toFixed(1)}; rows ${rows}, references ${refs}, dim ${dim}, classes ${classes}`,
);

if (!values.only || values.only === 'bootstrap') {
  const yTrue = Array.from({ length: rows }, () => randomInt(random, classes));
  const preds = ['frozen', 'trained', 'siamese'].map(() =>
    yTrue.map((y) => (random() < 0.5 ? y : randomInt(random, classes))),
  );
  const proba = (p: number[]) => p.map((c) => Array.from({ length: classes }, (_, j) => (j === c ? 1 : 0)));
  const predictions = {
    frozen: { yTrue, yScore: proba(preds[0]) },
    trained: { yTrue, yScore: proba(preds[1]) },
    siamese: { yTrue, yScore: proba(preds[2]) },
  };
  // The generic path: the metric called on each resample's label arrays (what bootstrapDistribution always did).
  const generic = {
    accuracy: (t: readonly number[], p: readonly number[]) => accuracyScore(t, p),
    f1_macro: (t: readonly number[], p: readonly number[]) => f1Score(t, p, { average: 'macro', zeroDivision: 0 }),
  };
  const genericResamples = 100; // 1/10 of the intervals' 1000: the generic path is slow; scaled ×10 below
  const fast: number[] = [],
    slow: number[] = [];
  for (let r = 0; r < repeats; r++) {
    fast.push(await time(() => subsetIntervals(predictions, 3)));
    slow.push(
      await time(() => {
        const res = bootstrapResamples(rows, { seed: 3, nResamples: genericResamples });
        for (const p of preds)
          for (const m of ['accuracy', 'f1_macro'] as const) bootstrapDistribution(yTrue, p, generic[m], res);
      }),
    );
  }
  const s = (median(slow) * 1000) / genericResamples;
  console.log(
    `bootstrap intervals (3 classifiers × accuracy + macro F1, 1000 resamples of ${rows} rows): ` +
      `class counts median ${median(fast).toFixed(2)} s [${fast.map((v) => v.toFixed(2)).join(', ')}]; generic ` +
      `${s.toFixed(1)} s (${genericResamples} resamples ×10: [${slow.map((v) => v.toFixed(2)).join(', ')}] s); ` +
      `ratio ${(s / median(fast)).toFixed(0)}×`,
  );
}

if (!values.only || values.only === 'knn') {
  console.log(`backend: ${(await initBackend('auto')).name}`);
  const vec = (n: number) =>
    Array.from({ length: n }, () => Float32Array.from({ length: dim }, () => random() * 2 - 1));
  const reference = vec(refs),
    queries = vec(rows);
  const labels = Array.from({ length: refs }, () => randomInt(random, classes));
  const t: number[] = [];
  const before = tf.memory().numTensors;
  for (let r = 0; r < repeats; r++) t.push(await time(() => knnPredictBlocked(reference, labels, queries, { k: 10 })));
  console.log(
    `exact 10-NN (${rows} queries × ${refs} references, ${dim}-d): median ${median(t).toFixed(2)} s ` +
      `[${t.map((v) => v.toFixed(2)).join(', ')}]; tensors leaked ${tf.memory().numTensors - before}`,
  );
}

if (!values.only || values.only === 'tokens') {
  const shared = resolve(process.env.SHARED_DIR ?? '../shared');
  const h = join(shared, 'data/huffpost');
  const read = (f: string, field: string) =>
    readFileSync(join(h, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => (JSON.parse(l) as Record<string, string>)[field])
      .filter((t) => typeof t === 'string');
  const pool = [
    ...read('News_Category_Dataset_v2.first900-per-category.json', 'headline'),
    ...read('News_Category_Dataset_v3.prefix10000.json', 'headline'),
    ...read('News_Category_Dataset_v3.prefix10000.json', 'short_description'),
  ];
  // The study's text: a headline, ". ", a description (here: another text of the pool).
  const texts = pool.map((t, i) => `${t}. ${pool[(i * 7919) % pool.length]}`);
  const cpu: Record<string, number[]> = { on: [], off: [] },
    wall: Record<string, number[]> = { on: [], off: [] };
  let ids: Record<string, Uint16Array | Int32Array> = {};
  for (let r = 0; r < repeats; r++)
    for (const memo of [true, false]) {
      const tok = await loadTokenizer(join(shared, 'models/albert-base-v2-tokenizer')); // an empty memo each time
      tok.chunkMemo = memo;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      ids = { ...ids, [String(memo)]: tokenizeTexts(tok, texts, { maxLength: 128 }).ids };
      wall[memo ? 'on' : 'off'].push((performance.now() - t0) / 1000);
      const c = process.cpuUsage(c0);
      cpu[memo ? 'on' : 'off'].push((c.user + c.system) / 1e6);
    }
  const same = ids.true.length === ids.false.length && ids.true.every((v, i) => v === ids.false[i]);
  const f = (a: number[]) => `${median(a).toFixed(1)} s [${a.map((v) => v.toFixed(1)).join(', ')}]`;
  console.log(
    `tokenizing ${texts.length} texts (ALBERT, max length 128): chunk memo on: CPU ${f(cpu.on)}, wall ${f(wall.on)}; ` +
      `off: CPU ${f(cpu.off)}, wall ${f(wall.off)}; CPU ratio ${(median(cpu.off) / median(cpu.on)).toFixed(1)}×; ` +
      `texts/s (wall) ${(texts.length / median(wall.on)).toFixed(0)} vs ${(texts.length / median(wall.off)).toFixed(0)}; ` +
      `identical ids: ${same}`,
  );
}
