/**
 * The bench's Python peer and interleaving: the skip message without the venv, interleaved turn order,
 * and (when `npm run setup:peer` has made .cache/peer/venv) PyTorch and ONNX Runtime on tiny-albert's
 * weights against TF.js: pooled outputs within 1e-5 and the siamese training losses of 3 steps within 1e-5.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { formatPythonPeers } from '../../lib/bench/format';
import { interleaved, wallTimed } from '../../lib/bench/interleave';
import { maxAbsDiff } from '../../lib/bench/peer';
import { pythonPeerProblem, PythonPeer } from '../../lib/bench/python-peer';
import type { BenchReport } from '../../lib/bench/run';
import { inferOnce, pkLabels, syntheticBatch, TrainingBench } from '../../lib/bench/workloads';
import { TRAINING_DEFAULTS } from '../../lib/heads/defaults';
import { writeSafetensors } from '../../lib/io/safetensors';
import { variablesToArrays } from '../../lib/io/tensors';
import { loadEncoder, saveEncoder } from '../../lib/model/load';
import { toTokenBatch, disposeTokenBatch } from '../../lib/tokenizer/types';

describe('interleaved', () => {
  test('one warm-up each, then rounds in turn (A, B, A, B), at most maxRounds; medians per engine', async () => {
    const calls: string[] = [];
    const run = (name: string, ms: number) => async () => {
      calls.push(name);
      return { ms, cpuMs: ms / 2 };
    };
    const t = await interleaved({ a: run('a', 5), b: run('b', 7) }, { budgetS: 10, maxRounds: 3 });
    assert.deepEqual(calls, ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
    assert.deepEqual(t.a.runsMs, [5, 5, 5]);
    assert.equal(t.b.medianMs, 7);
    assert.equal(t.b.cpuMedianMs, 3.5);
    await assert.rejects(interleaved({}, { budgetS: 1, maxRounds: 1 }), /'runs' must name at least one engine/);
    await assert.rejects(interleaved({ a: run('a', 1) }, { budgetS: 1, maxRounds: 0 }), /'maxRounds' must be an/);
  });

  test('wallTimed measures the wrapped call: wall time, and CPU time only while computing', async () => {
    const idle = await wallTimed(() => new Promise((r) => setTimeout(r, 50)))();
    assert.ok(idle.ms >= 45 && idle.cpuMs < idle.ms, JSON.stringify(idle));
    const busy = await wallTimed(async () => {
      const t0 = performance.now();
      while (performance.now() - t0 < 30);
    })();
    assert.ok(busy.cpuMs > 0, JSON.stringify(busy));
  });
});

describe('python peer: availability and report', () => {
  test('without the venv the reason names the setup command; start() refuses', () => {
    const empty = mkdtempSync(join(tmpdir(), 'peer-'));
    try {
      assert.match(
        pythonPeerProblem(empty)!,
        /no Python peer environment at \.cache\/peer\/venv; run 'npm run setup:peer'/,
      );
      assert.throws(() => PythonPeer.start(empty), /PythonPeer\.start: no Python peer environment/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('the peer table shows ours, the engine, the ratio and the difference', () => {
    const peer = { seqLength: 32, batchSize: 32, medianMs: 2000, runsMs: [2000], perSecond: 16, gflops: 1 };
    const report = {
      backend: { name: 'tensorflow', provider: 'x' },
      models: [
        {
          name: 'm',
          parameters: 1,
          pythonPeerVersions: { torch: '2.13.0' },
          inference: [],
          training: [
            {
              ...peer,
              perSecond: 8,
              losses: [1, 0.9],
              pythonPeers: [
                {
                  ...peer,
                  engine: 'pytorch',
                  ratio: 0.5,
                  cpuMs: { ours: 6000, peer: 3000 },
                  losses: [1, 0.9],
                  maxAbsDiffLoss: 2e-7,
                },
              ],
            },
          ],
        },
      ],
    } as unknown as BenchReport;
    const text = formatPythonPeers([report]).join('\n');
    assert.match(text, /Versions: torch 2\.13\.0\./);
    assert.match(
      text,
      /\| m \| training \| 32 x 32 \| tensorflow 8\.00 \| pytorch 16\.00 \| \*\*0\.50\*\* \| 6\.00 \/ 3\.00 \(0\.50\) \| losses 2\.0e-7 over 2 steps/,
    );
  });
});

const problem = pythonPeerProblem();
describe('python peer on tiny-albert (same weights and token ids as TF.js)', { skip: problem }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'peer-tiny-'));
  let peer: PythonPeer | undefined;
  after(async () => {
    await peer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('PyTorch and ONNX Runtime pooled outputs, and 3 training steps of losses, equal ours within 1e-5', async () => {
    await initBackend('cpu');
    const before = tf.memory().numTensors;
    const encoder = await loadEncoder('test/fixtures/tiny-albert');
    await saveEncoder(encoder, dir);
    peer = PythonPeer.start();
    await peer.load(dir, { threads: 1, onnx: true });
    assert.match(peer.versions.torch, /^2\.13\.0/);

    const encoded = syntheticBatch(8, 16, encoder.config.vocabSize, 1);
    const batch = toTokenBatch(encoded);
    const ours = await inferOnce(encoder, batch);
    disposeTokenBatch(batch);
    await peer.setBatch(encoded);
    for (const engine of ['pytorch', 'onnxruntime'] as const) {
      const theirs = await peer.infer(engine);
      assert.ok(theirs.ms > 0);
      assert.ok(maxAbsDiff(ours, theirs.pooled) < 1e-5, `${engine}: ${maxAbsDiff(ours, theirs.pooled)}`);
    }

    const bench = new TrainingBench(encoder, encoded);
    const headPath = join(dir, 'head.safetensors');
    await writeSafetensors(headPath, await variablesToArrays(bench.model.headWeights()));
    await peer.trainReset(headPath, TRAINING_DEFAULTS.siamese.learningRate, bench.model.options.margin);
    await peer.setBatch(encoded, pkLabels(8));
    for (let step = 0; step < 3; step++) {
      const a = await bench.step();
      const b = (await peer.trainStep()).loss;
      assert.ok(Math.abs(a - b) < 1e-5, `step ${step}: ours ${a}, PyTorch ${b}`);
    }
    bench.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});
