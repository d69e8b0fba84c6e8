/**
 * Run folders you can trust (issue 12, cases 1–3): a rerun with other settings is refused before any
 * work and names each differing setting; --overwrite discards the stale stages and what is built on them;
 * the report keeps the triplet stage apart from the siamese classifier and merges partial reruns; the
 * notebooks' direct calls of the stage functions are checked the same way. Small generated data and the
 * tiny BERT: no ../shared needed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendFileSync,
  cpSync,
  existsSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/index';
import { configFromArgs } from '../../lib/config/parse';
import type { RunConfig } from '../../lib/config/options';
import { prepareData, prepareTokenizer } from '../../lib/pipeline/prepare';
import { runPipeline, type Report } from '../../lib/pipeline/run';
import { StageMismatchError } from '../../lib/pipeline/run-folder';
import {
  frozenStage,
  loadSiamese,
  reloadClassifier,
  siameseClassifierStage,
  siameseStage,
} from '../../lib/pipeline/stages';
import { refreshStaleNotes } from '../../lib/pipeline/report';
import { TINY_TOKENIZER, quiet, smallRunArgs, tempDir, writeNewsCsv } from './helpers';
import { exportRun } from '../../lib/pipeline/export';

const readReport = (out: string) => JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
const readRecord = (out: string, stage: string) =>
  JSON.parse(readFileSync(join(out, stage, 'stage.json'), 'utf8')) as {
    fingerprint: string;
    state: { best_value: number };
  };

/** Every file under `dir` with its size and modification time: equal snapshots mean nothing was touched. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out[relative(dir, p)] = `${st.size}:${st.mtimeMs}`;
    }
  };
  walk(dir);
  return out;
}

describe('run folders (issue 12 cases 1–3)', () => {
  const root = tempDir('run-folder-');
  const csv = writeNewsCsv(root);
  const base = join(root, 'base');
  const args = (out: string, ...more: string[]) => configFromArgs([...smallRunArgs(csv, out), ...more]);
  let baseReport: Report;
  let n = 0;
  /** A copy of the finished base run to change. */
  const copyOfBase = () => {
    const out = join(root, `copy-${++n}`);
    cpSync(base, out, { recursive: true });
    return out;
  };

  before(async () => {
    await initBackend('wasm');
    baseReport = await runPipeline(args(base), quiet());
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('case 1: other data, split or model settings are refused before any work, naming each with both values', async () => {
    const cases: [string[], string][] = [
      [['--val-fraction', '0.5'], '--val-fraction: 0.2 in the run folder, 0.5 now'],
      [['--max-per-class', '10'], '--max-per-class: not set in the run folder, 10 now'],
      [['--min-words', '2'], '--min-words: 0 in the run folder, 2 now'],
      [['--split', 'stratified'], '--split: "random" in the run folder, "stratified" now'],
      [['--label-field', 'topic'], '--label-field: "label" in the run folder, "topic" now'],
      [['--format', 'csv'], '--format: not set in the run folder, "csv" now'],
      [['--pooling', 'mean'], '--pooling: "pooler" in the run folder, "mean" now'],
      [['--seed', '4'], '--seed: 3 in the run folder, 4 now'],
    ];
    const before = snapshot(base);
    for (const [more, line] of cases) {
      const q = quiet();
      await assert.rejects(runPipeline(args(base, ...more), q), (e: Error) => {
        assert.ok(e instanceof StageMismatchError, e.message);
        assert.ok(e.message.includes(line), `${more.join(' ')}:\n${e.message}`);
        assert.match(e.message, /nothing was done/);
        assert.match(e.message, /a new --out \(SIAMESE_OUT\); or add --overwrite \(SIAMESE_OVERWRITE=1\)/);
        return true;
      });
      assert.deepEqual(q.lines, [], 'refused before the backend, data or models load');
    }
    assert.deepEqual(snapshot(base), before, 'nothing in the run folder changed');

    // Several differences at once: every one is named, with the stages it concerns.
    await assert.rejects(
      runPipeline(args(base, '--pooling', 'mean', '--classifier-lr', '0.01'), quiet()),
      (e: Error) => {
        assert.match(
          e.message,
          /--pooling: "pooler" in the run folder, "mean" now \(siamese, frozen, trained, siamese-classifier\)/,
        );
        assert.match(e.message, /--classifier-lr: 0\.0001 in the run folder, 0\.01 now \(frozen, siamese-classifier\)/);
        return true;
      },
    );
  });

  test('case 1: the data file is identified by its bytes (sha256), not its path', async () => {
    const other = join(root, 'other.csv');
    writeFileSync(other, readFileSync(csv, 'utf8').replace('the team won', 'the team lost'));
    await assert.rejects(
      runPipeline({ ...args(base), data: other }, quiet()),
      /--data: a file with other content \(sha256 [0-9a-f]{12}… in the run folder, from '.*news\.csv'; [0-9a-f]{12}… now, '.*other\.csv'\)/,
    );
    const moved = join(root, 'moved.csv');
    cpSync(csv, moved);
    const out = copyOfBase();
    const start = tf.memory().numTensors;
    const report = await runPipeline({ ...args(out), data: moved }, quiet());
    assert.deepEqual(report.results, baseReport.results, 'the same bytes elsewhere reuse every stage');
    assert.equal(tf.memory().numTensors, start);
  });

  test('--overwrite discards the stale stages and what is built on them; the rerun equals a fresh run', async () => {
    const out = copyOfBase();
    const q = quiet();
    const start = tf.memory().numTensors;
    const report = await runPipeline(args(out, '--pooling', 'mean', '--overwrite'), q);
    assert.equal(tf.memory().numTensors, start);
    assert.ok(
      q.lines.some((l) => /^--overwrite: discarding siamese \(--pooling: "pooler" in the run folder/.test(l)),
      q.lines.join('\n'),
    );
    assert.ok(q.lines.includes('discarded: siamese, frozen, trained and siamese-classifier'), q.lines.join('\n'));
    for (const s of ['siamese', 'frozen', 'trained', 'siamese-classifier'])
      assert.equal((readRecord(out, s) as unknown as { settings: RunConfig }).settings.pooling, 'mean', s);
    const fresh = await runPipeline(args(join(root, 'fresh-mean'), '--pooling', 'mean'), quiet());
    assert.deepEqual(stripEvaluated(report.results), stripEvaluated(fresh.results));
    assert.deepEqual(trainingOf(report), trainingOf(fresh));
    assert.notDeepEqual(stripEvaluated(report.results), stripEvaluated(baseReport.results));
  });

  test('--overwrite of one stale stage keeps the others and their results', async () => {
    const out = copyOfBase();
    const report = await runPipeline(
      args(out, '--classifier-lr', '0.01', '--stages', 'frozen', '--overwrite'),
      quiet(),
    );
    assert.ok(
      !existsSync(join(out, 'siamese-classifier')),
      'the siamese classifier (same --classifier-lr) is discarded',
    );
    assert.deepEqual(
      Object.keys(report.results),
      ['trained'],
      'the discarded stages lose their results; trained keeps its',
    );
    assert.deepEqual(report.results.trained, baseReport.results.trained);
    assert.deepEqual(Object.keys(report.training).sort(), ['frozen', 'siamese', 'trained']);
    assert.deepEqual(report.training.siamese, baseReport.training.siamese);
    assert.notEqual(report.stages.frozen?.fingerprint, baseReport.stages.frozen?.fingerprint);
  });

  test('case 2: the report keeps the triplet stage and the siamese classifier apart, with each fingerprint', () => {
    const t = baseReport.training;
    assert.deepEqual(Object.keys(t), ['siamese', 'frozen', 'trained', 'siamese-classifier']);
    assert.equal(
      t.siamese!.best_value,
      readRecord(base, 'siamese').state.best_value,
      'the triplet loss of the siamese stage',
    );
    assert.equal(t['siamese-classifier']!.best_value, readRecord(base, 'siamese-classifier').state.best_value);
    assert.notEqual(t.siamese!.best_value, t['siamese-classifier']!.best_value);
    for (const s of ['siamese', 'frozen', 'trained', 'siamese-classifier'] as const)
      assert.equal(baseReport.stages[s]!.fingerprint, readRecord(base, s).fingerprint, s);
    assert.match(baseReport.stages.evaluate!.fingerprint, /^[0-9a-f]{64}$/);
    assert.equal(baseReport.results.siamese!.evaluated.stage, 'siamese-classifier');
    assert.deepEqual(readReport(base), JSON.parse(JSON.stringify(baseReport)));
  });

  test('case 3: a partial rerun merges into report.json; nothing computed earlier is dropped', async () => {
    const out = copyOfBase();
    const start = tf.memory().numTensors;
    const siameseOnly = await runPipeline(args(out, '--stages', 'siamese'), quiet());
    assert.deepEqual(siameseOnly.results, baseReport.results);
    assert.deepEqual(siameseOnly.training, baseReport.training);
    assert.deepEqual(siameseOnly.embeddings, baseReport.embeddings);
    const evaluateOnly = await runPipeline(args(out, '--stages', 'evaluate'), quiet());
    assert.deepEqual(evaluateOnly.results, baseReport.results, 'evaluate alone reloads the finished classifiers');
    assert.equal(tf.memory().numTensors, start);

    // Building a report up stage by stage gives the same numbers as the full run.
    const step = join(root, 'stepwise');
    await runPipeline(args(step, '--stages', 'frozen,evaluate'), quiet());
    assert.deepEqual(Object.keys(readReport(step).results), ['frozen']);
    const more = await runPipeline(args(step, '--stages', 'trained,evaluate'), quiet());
    assert.deepEqual(Object.keys(more.results), ['frozen', 'trained']);
    assert.deepEqual(
      stripEvaluated(more.results),
      stripEvaluated({ frozen: baseReport.results.frozen, trained: baseReport.results.trained }),
    );
  });

  test('case 3: evaluate (or the siamese classifier) with nothing to build on is an error naming the missing stages', async () => {
    const empty = join(root, 'empty');
    await assert.rejects(runPipeline(args(empty, '--stages', 'evaluate'), quiet()), {
      message:
        `--stages evaluate needs a trained classifier, and run folder '${empty}' has none: the frozen, trained and ` +
        `siamese-classifier stages are missing or unfinished. Make them first: npm run pipeline -- --stages ` +
        `siamese,frozen,trained,siamese-classifier --out ${empty} (with this run's other options), or run every ` +
        `stage at once.`,
    });
    assert.ok(!existsSync(join(empty, 'report.json')));
    await assert.rejects(
      runPipeline(args(empty, '--stages', 'siamese-classifier'), quiet()),
      /--stages siamese-classifier needs the siamese stage's trained encoder, and run folder '.*' has no finished one: add siamese to --stages/,
    );
    assert.ok(!existsSync(join(empty, 'run.lock')), 'the lock is released after an error');
  });

  test('an interrupted stage is unfinished: evaluation leaves it out, the same command resumes it', async () => {
    const out = join(root, 'interrupted');
    const interrupted = {
      ...quiet(),
      reporter: {
        onEpochEnd: () => {
          throw new Error('interrupted after epoch 1');
        },
      },
    };
    await assert.rejects(
      runPipeline(args(out, '--stages', 'frozen,trained'), interrupted),
      /interrupted after epoch 1/,
    );
    assert.equal(JSON.parse(readFileSync(join(out, 'frozen', 'stage.json'), 'utf8')).state, undefined);
    assert.ok(!existsSync(join(out, 'run.lock')));
    await assert.rejects(
      runPipeline(args(out, '--stages', 'evaluate'), quiet()),
      /--stages evaluate needs a trained classifier/,
    );
    const q = quiet();
    const report = await runPipeline(args(out, '--stages', 'frozen,evaluate'), q);
    assert.ok(
      q.lines.includes(
        'evaluate: the trained stage has no finished training in the run folder; its results are left out',
      ),
    );
    assert.deepEqual(stripEvaluated(report.results), stripEvaluated({ frozen: baseReport.results.frozen }));
  });

  test('evaluate settings: recomputed when evaluate runs, refused when it does not', async () => {
    const out = copyOfBase();
    await assert.rejects(
      runPipeline(args(out, '--stages', 'frozen', '--balanced-per-class', '2'), quiet()),
      (e: Error) => {
        assert.match(e.message, /--balanced-per-class: 4 in the run folder, 2 now \(evaluate\)/);
        assert.match(e.message, /add evaluate to --stages to compute the results again/);
        return true;
      },
    );
    const q = quiet();
    const report = await runPipeline(args(out, '--stages', 'evaluate', '--balanced-per-class', '2'), q);
    assert.ok(
      q.lines.some((l) => l.startsWith('evaluate: the results were computed with other settings')),
      q.lines.join('\n'),
    );
    assert.equal(report.stages.evaluate!.settings.balancedPerClass, 2);
    assert.equal(report.results.frozen!.balanced.samples, 6);
    assert.deepEqual(report.training, baseReport.training);
  });

  test('more epochs continue a finished stage; the stages built on it must be made again', async () => {
    const out = copyOfBase();
    await assert.rejects(
      runPipeline(args(out, '--stages', 'siamese', '--siamese-epochs', '2'), quiet()),
      (e: Error) => {
        assert.match(
          e.message,
          /--siamese-epochs: 1 in the run folder, 2 now; with a constant learning rate \(--recipe study\) more epochs continue the siamese stage, and the stages built on it must be made again \(siamese-classifier\)/,
        );
        assert.doesNotMatch(
          e.message,
          /\(siamese\)|siamese, siamese-classifier/,
          'the siamese stage itself is not refused',
        );
        return true;
      },
    );
    const q = quiet();
    const report = await runPipeline(args(out, '--stages', 'siamese', '--siamese-epochs', '2', '--overwrite'), q);
    assert.ok(
      q.lines.includes(
        'siamese: the run folder holds a finished 1-epoch siamese training; --siamese-epochs 2 continues it to epoch 2',
      ),
      q.lines.join('\n'),
    );
    assert.ok(!existsSync(join(out, 'siamese-classifier')));
    assert.deepEqual(Object.keys(report.results), ['frozen', 'trained']);
    await assert.rejects(
      runPipeline(args(out, '--stages', 'frozen', '--siamese-epochs', '2', '--classifier-epochs', '1'), quiet()),
      {
        message:
          `run folder '${out}' holds stages made with other settings; nothing was done.\n` +
          "  --classifier-epochs: the run folder's frozen training ran 2 epochs, 1 now: a finished training is not " +
          'shortened (ask for at least 2) (frozen)\n' +
          'To go on: run again with the settings the folder was made with; or use a new --out (SIAMESE_OUT); or add ' +
          '--overwrite (SIAMESE_OVERWRITE=1) to discard frozen (checkpoints, exports and report entries) and make them ' +
          'again.',
      },
    );
    const q2 = quiet();
    await runPipeline(args(out, '--stages', 'frozen', '--siamese-epochs', '2', '--classifier-epochs', '3'), q2);
    assert.ok(
      q2.lines.includes(
        'frozen: the run folder holds a finished 2-epoch frozen training; --classifier-epochs 3 continues it to epoch 3',
      ),
      q2.lines.join('\n'),
    );
  });

  test('a siamese classifier built on another siamese training than the folder now holds is refused', async () => {
    const out = copyOfBase();
    const path = join(out, 'siamese-classifier', 'stage.json');
    const record = JSON.parse(readFileSync(path, 'utf8'));
    record.state.built_on.siamese = 7;
    writeFileSync(path, JSON.stringify(record));
    await assert.rejects(
      runPipeline(args(out, '--stages', 'evaluate'), quiet()),
      /it was trained on the siamese stage's model of epoch 7; the siamese stage's best epoch is 1 now \(it trained further\) \(siamese-classifier\)/,
    );
  });

  test('corrupt or missing records are named, and --overwrite replaces them', async () => {
    const out = copyOfBase();
    writeFileSync(join(out, 'report.json'), '{"results": {');
    await assert.rejects(
      runPipeline(args(out), quiet()),
      new RegExp(
        `^Error: run folder: ${join(out, 'report.json')}: not valid JSON \\(.*\\); expected the pipeline report\\. Move it away \\(a run with --stages evaluate writes the results again\\), use another --out, or add --overwrite to replace it\\.$`,
      ),
    );
    const q = quiet();
    const report = await runPipeline(args(out, '--overwrite'), q);
    assert.ok(q.lines.some((l) => l.startsWith('--overwrite: replacing an unreadable report.json')));
    assert.deepEqual(report.results, baseReport.results);

    writeFileSync(join(out, 'frozen', 'stage.json'), 'not json');
    rmSync(join(out, 'trained', 'stage.json'));
    await assert.rejects(runPipeline(args(out), quiet()), (e: Error) => {
      assert.match(
        e.message,
        new RegExp(
          `${join(out, 'frozen', 'stage.json')}: not valid JSON \\(.*\\); expected the frozen stage's record\\. \\(frozen\\)`,
        ),
      );
      assert.match(
        e.message,
        /no stage record \('.*trained\/stage\.json' is missing: the folder was made by an older version or by hand\), so its settings are unknown \(trained\)/,
      );
      return true;
    });
    const again = await runPipeline(args(out, '--overwrite'), quiet());
    assert.deepEqual(again.results, baseReport.results);
  });

  test('the notebooks: stage functions called directly refuse a stage made with other settings before training', async () => {
    const cfg: RunConfig = { ...args(base), classifierLr: 0.01 };
    const data = prepareData(cfg);
    const tokenizer = await prepareTokenizer(cfg);
    const before = snapshot(base);
    const start = tf.memory().numTensors;
    const ctx = { cfg, data, tokenizer, log: () => undefined };
    await assert.rejects(
      frozenStage(ctx),
      (e: Error) =>
        e instanceof StageMismatchError &&
        /--classifier-lr: 0\.0001 in the run folder, 0\.01 now \(frozen\)/.test(e.message),
    );
    await assert.rejects(
      reloadClassifier(ctx, 'siamese'),
      /--classifier-lr: 0\.0001 in the run folder, 0\.01 now \(siamese-classifier\)/,
    );
    const marginCfg: RunConfig = { ...args(base), margin: 0.5 };
    await assert.rejects(loadSiamese(marginCfg), /--margin: 1 in the run folder, 0\.5 now \(siamese\)/);
    await assert.rejects(
      siameseClassifierStage({ ...ctx, cfg: marginCfg }),
      /--margin: 1 in the run folder, 0\.5 now \(siamese\)/,
    );
    assert.equal(tf.memory().numTensors, start);
    assert.deepEqual(snapshot(base), before);
    // With the same settings, the notebook path reloads what the command line trained.
    const same = await reloadClassifier({ ...ctx, cfg: args(base) }, 'frozen');
    assert.equal(same.state.best_epoch, baseReport.training.frozen!.best_epoch);
    same.dispose();
    assert.equal(tf.memory().numTensors, start);
  });

  test('the notebooks: stage functions on a new run folder create it, record each stage and release the lock', async () => {
    const out = join(root, 'notebook');
    const cfg = args(out);
    const ctx = { cfg, data: prepareData(cfg), tokenizer: await prepareTokenizer(cfg), log: () => undefined };
    const start = tf.memory().numTensors;
    const siamese = await siameseStage(ctx);
    siamese.model.dispose();
    const clf = await siameseClassifierStage(ctx);
    clf.dispose();
    assert.equal(tf.memory().numTensors, start);
    assert.equal(
      readRecord(out, 'siamese').fingerprint,
      baseReport.stages.siamese!.fingerprint,
      'same settings, same fingerprint',
    );
    assert.deepEqual(siamese.state.best_value, baseReport.training.siamese!.best_value, 'the same training as the CLI');
    assert.equal(clf.state.built_on?.siamese, siamese.state.best_epoch);
    assert.ok(!existsSync(join(out, 'run.lock')));
  });

  test("a run folder without report.json (the notebooks write none) exports with its stage record's settings", async () => {
    const out = copyOfBase();
    rmSync(join(out, 'report.json'));
    const exported = await exportRun({ run: out, to: join(root, 'exported') });
    assert.equal(exported.pooling, 'pooler');
    assert.equal(exported.tokenizerDir, TINY_TOKENIZER);
  });

  test('settings out of range are refused before the run folder is touched', async () => {
    const out = join(root, 'never');
    await assert.rejects(runPipeline({ ...args(out), siameseBatchSize: 1 }, quiet()), {
      message: '--siamese-batch-size (SIAMESE_SIAMESE_BATCH_SIZE) must be an integer >= 2; got 1.',
    });
    assert.ok(!existsSync(out));
  });
});

test("the data checks' warnings go to the log and the report (issue 13 case 7)", async () => {
  const dir = tempDir('data-warnings-');
  const csv = writeNewsCsv(dir);
  appendFileSync(csv, 'weather,"rain again tomorrow"\n');
  const q = quiet();
  const out = join(dir, 'run');
  const report = await runPipeline(
    configFromArgs([...smallRunArgs(csv, out), '--split', 'stratified', '--stages', 'siamese']),
    q,
  );
  const warning =
    /^data: P×K batches leave out 1 class with a single row in the \d+ training texts .*: weather \(1\)\.$/;
  assert.ok(
    q.lines.some((l) => warning.test(l)),
    q.lines.join('\n'),
  );
  assert.equal(report.warnings.filter((w) => warning.test(w)).length, 1);
  const again = await runPipeline(
    configFromArgs([...smallRunArgs(csv, out), '--split', 'stratified', '--stages', 'siamese']),
    quiet(),
  );
  assert.equal(again.warnings.filter((w) => warning.test(w)).length, 1, 'replaced, not repeated, by a rerun');
  rmSync(dir, { recursive: true, force: true });
});

test('stale results are flagged when their model trained further without evaluate', () => {
  const report = {
    results: { frozen: { evaluated: { stage: 'frozen', fingerprint: 'f', best_epoch: 3 } } },
    training: { frozen: { best_epoch: 5 }, siamese: { best_epoch: 2 } },
    embeddings: { siamese_epoch: 2 },
    warnings: ['frozen: stale: an old note', 'trained/validation: a metric warning'],
  } as unknown as Report;
  assert.deepEqual(refreshStaleNotes(report), [
    'frozen: stale: results.frozen were computed with the weights of epoch 3; the frozen stage has trained ' +
      'further, to best epoch 5 (run --stages evaluate)',
  ]);
  assert.equal(report.warnings.length, 2, 'the old note is replaced, other warnings stay');
  (report.training.frozen as { best_epoch: number }).best_epoch = 3;
  assert.deepEqual(refreshStaleNotes(report), []);
});

function stripEvaluated(results: Report['results']) {
  return Object.fromEntries(
    Object.entries(results).map(([k, v]) => {
      const { evaluated: _e, ...rest } = v!;
      return [k, rest];
    }),
  );
}

function trainingOf(r: Report) {
  return Object.fromEntries(Object.entries(r.training).map(([k, v]) => [k, { ...v }]));
}
