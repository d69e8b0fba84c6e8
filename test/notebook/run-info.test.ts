import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describeScale,
  displayPath,
  displayPathsIn,
  formatDuration,
  modelId,
  poolingPhrase,
  runSentence,
  runStatement,
} from '../../lib/notebook/run-info';
import { configFromArgs } from '../../lib/pipeline/config';

test('displayPath never shows a far-away absolute path', () => {
  assert.equal(displayPath('/work/main/runs/x', '/work/main'), 'runs/x');
  assert.equal(displayPath('/work/shared/data/a.json', '/work/main'), '../shared/data/a.json');
  assert.equal(displayPath('/tmp/abc/run/model', '/work/main/project/deep'), '…/model');
  assert.equal(displayPath('relative/p'), 'relative/p');
});

test('displayPathsIn shows the project and its parent folder relative in log lines', () => {
  const line = "tokens: read from /home/me/proj/runs/x/tokens/t.safetensors; train: '/home/me/proj/runs/x/ck' holds";
  assert.equal(
    displayPathsIn(line, '/home/me/proj'),
    "tokens: read from runs/x/tokens/t.safetensors; train: 'runs/x/ck' holds",
  );
  assert.equal(displayPathsIn('data /home/me/shared/d.json', '/home/me/proj'), 'data ../shared/d.json');
  assert.equal(displayPathsIn('no path here /tmp/x', '/home/me/proj'), 'no path here /tmp/x');
  assert.equal(displayPathsIn('at /proj/a', '/proj'), 'at a', 'a project at the root: no parent replaced');
});

test('formatDuration', () => {
  assert.equal(formatDuration(12.34), '12s');
  assert.equal(formatDuration(185), '3m05s');
  assert.equal(formatDuration(3720), '1h02m');
});

describe('modelId: an id, never a path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'model-id-'));
  const folder = (name: string, readme?: string) => {
    const p = join(dir, name, 'model');
    mkdirSync(p, { recursive: true });
    writeFileSync(join(p, 'config.json'), JSON.stringify({ _name_or_path: 'nreimers/MiniLM-L6-H384-uncased' }));
    if (readme !== undefined) writeFileSync(join(p, 'README.md'), readme);
    return p;
  };

  test("a sentence-transformers card: its heading with the organisation its code names; not config's base model", () => {
    const card = [
      '---',
      'library_name: sentence-transformers',
      '---',
      '',
      '# all-MiniLM-L6-v2',
      '```python',
      '# Load model from HuggingFace Hub',
      "model = SentenceTransformer('sentence-transformers/all-MiniLM-L6-v2')",
      '```',
    ].join('\n');
    assert.equal(modelId(folder('st', card)), 'sentence-transformers/all-MiniLM-L6-v2');
  });

  test('a heading alone; headings inside code are skipped; no card: the folder name; a hub id as given', () => {
    assert.equal(modelId(folder('plain', '```\n# not this\n```\n# my-encoder\n')), 'my-encoder');
    assert.equal(modelId(folder('nocard')), 'model');
    assert.equal(modelId('albert-base-v2'), 'albert-base-v2');
    assert.equal(modelId('sentence-transformers/all-MiniLM-L6-v2'), 'sentence-transformers/all-MiniLM-L6-v2');
  });

  test(
    'the real all-MiniLM-L6-v2 folder (MINILM_DIR)',
    { skip: !process.env.MINILM_DIR && 'MINILM_DIR not set' },
    () => {
      assert.equal(modelId(process.env.MINILM_DIR!), 'sentence-transformers/all-MiniLM-L6-v2');
    },
  );

  after(() => rmSync(dir, { recursive: true, force: true }));
});

describe('runStatement', () => {
  test('states model id, pooling, sampler, recipe, scale, seed, backend, engine and wall time first, in that order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-statement-'));
    try {
      const model = join(dir, 'model');
      mkdirSync(model);
      writeFileSync(
        join(model, 'README.md'),
        "# all-MiniLM-L6-v2\nSentenceTransformer('sentence-transformers/all-MiniLM-L6-v2')\n",
      );
      const cfg = configFromArgs(['--model', model, '--pooling', 'mean', '--seed', '7']);
      const md = runStatement(cfg, {
        recipe: 'auto',
        scale: describeScale({ texts: 36900, classes: 41, perClass: 900, train: 29520, val: 7380 }),
        backend: 'tensorflow (native)',
        engine: 'ONNX Runtime 1.30',
        wallTimeSeconds: 3720,
        'distinct texts in the balanced sample': 1640,
      });
      const rows = md.split('\n').slice(2, 11);
      assert.deepEqual(rows, [
        '| model | sentence-transformers/all-MiniLM-L6-v2 |',
        '| pooling | mean: the mean of its token vectors (mean pooling) |',
        '| siamese sampler | P×K batches (P categories × K texts, so every anchor has positives) |',
        '| recipe | auto |',
        '| scale | 36,900 texts in 41 categories (900 each); train 29,520, validation 7,380 |',
        '| seed | 7 |',
        '| backend | tensorflow (native) |',
        '| inference engine | ONNX Runtime 1.30 |',
        '| wall time | 1h02m |',
      ]);
      assert.match(md, /\| distinct texts in the balanced sample \| 1640 \|$/);
      assert.ok(!md.includes(dir), 'no machine path');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("missing facts say 'not stated'; the engine defaults to TF.js on the backend; old calls still work", () => {
    const md = runStatement(configFromArgs(['--max-per-class', '50']), { backend: 'wasm', texts: 2050 });
    assert.match(md, /^\| setting \| value \|\n\|---\|---\|/);
    assert.match(md, /\| model \| albert-base-v2 \|/);
    assert.match(md, /\| recipe \| auto \|/, "the config's recipe when facts name none");
    assert.match(md, /\| scale \| not stated \|/);
    assert.match(md, /\| siamese epochs \/ batch \/ lr \| step budget \/ 64 \/ 0\.00005 \|/);
    assert.match(md, /\| classifier head \| logistic regression \(L-BFGS\), C by cross-validation \|/);
    assert.match(md, /\| wall time \| not stated \|/);
    assert.match(md, /\| inference engine \| TF\.js on the wasm backend \(--inference auto\) \|/);
    const onnx = runStatement(configFromArgs(['--inference', 'onnx']), {});
    assert.match(onnx, /\| inference engine \| ONNX Runtime \(--inference onnx\) \|/);
    assert.match(md, /\| max per class \| 50 \|/);
    assert.match(md, /\| texts \| 2050 \|/);
  });

  test('runSentence: the same facts as one sentence', () => {
    const s = runSentence(configFromArgs(['--pooling', 'mean', '--sampler', 'random']), {
      modelId: 'm',
      recipe: 'study',
      backend: 'cpu',
      wallTimeSeconds: 42,
    });
    assert.equal(
      s,
      'This run: m, sentence vector the mean of its token vectors (mean pooling); siamese training on random ' +
        'batches (the study); recipe study; scale not stated; seed 3; backend cpu; inference engine TF.js on the cpu backend (--inference auto); ' +
        'wall time 42s.',
    );
  });

  test('describeScale with a test split and the balanced sample; poolingPhrase rejects unknown poolings', () => {
    assert.equal(
      describeScale({
        texts: 4100,
        classes: 41,
        train: 2952,
        val: 738,
        test: 410,
        balanced: 8200,
        balancedDistinct: 712,
      }),
      '4,100 texts in 41 categories; train 2,952, validation 738, test 410; balanced sample 8,200 draws of 712 ' +
        'distinct texts',
    );
    assert.throws(
      () => poolingPhrase('max' as 'mean'),
      /poolingPhrase: 'pooling' must be one of pooler, cls, mean; got 'max'/,
    );
  });
});
