/**
 * The checked-in notebooks as a reader gets them (issue 17): each under 1.5 MB, no error output, no machine path,
 * one parameters cell shared by all three, a "What this run shows" section computed by a lib call, no hand-written
 * model claims (ALBERT's pooled_output) beside a run of another model, and, once executed, an output in every
 * code cell.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const DIR = 'notebooks';
const NOTEBOOKS = readdirSync(DIR).filter((f) => /^\d\d-.*\.ipynb$/.test(f));

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: { output_type: string; text?: string | string[]; data?: Record<string, unknown> }[];
}
const text = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join('') : (s ?? ''));
const cellsOf = (f: string) => (JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { cells: Cell[] }).cells;

test('three notebooks, each under 1.5 MB', () => {
  assert.deepEqual(NOTEBOOKS, ['01-siamese-training.ipynb', '02-classifier-training.ipynb', '03-evaluation.ipynb']);
  for (const f of NOTEBOOKS)
    assert.ok(statSync(join(DIR, f)).size < 1.5e6, `${f}: ${statSync(join(DIR, f)).size} bytes`);
});

test('the same parameters cell in all three, and one setup call each', () => {
  const params = NOTEBOOKS.map((f) => text(cellsOf(f).find((c) => c.cell_type === 'code')!.source));
  assert.ok(params.every((p) => p === params[0]));
  assert.match(params[0], /^\/\/ Parameters/);
  for (const f of NOTEBOOKS)
    assert.equal(cellsOf(f).filter((c) => /await setupNotebook\(/.test(text(c.source))).length, 1, f);
});

test('each notebook ends on a generated "What this run shows" section', () => {
  for (const f of NOTEBOOKS) {
    const cells = cellsOf(f);
    const at = cells.findIndex((c) => c.cell_type === 'markdown' && /^## What this run shows/.test(text(c.source)));
    assert.ok(at > 0, f);
    assert.match(text(cells[at + 1].source), /showMarkdown\((siamese|classifiers|comparison)Conclusion\(/, f);
  }
});

test('no hand-written claim about a model the run may not use', () => {
  for (const f of NOTEBOOKS)
    for (const c of cellsOf(f).filter((x) => x.cell_type === 'markdown'))
      assert.doesNotMatch(text(c.source), /pooled_output|ALBERT's pooled|12M parameters/, f);
});

test('outputs: no errors, no machine paths, and every code cell of an executed notebook shows something', () => {
  for (const f of NOTEBOOKS) {
    const code = cellsOf(f).filter((c) => c.cell_type === 'code');
    const outputs = code.flatMap((c) => c.outputs ?? []);
    assert.equal(outputs.filter((o) => o.output_type === 'error').length, 0, f);
    const shown = outputs.map((o) => text(o.text) + JSON.stringify(o.data ?? {})).join('\n');
    assert.doesNotMatch(shown, /\/(work|home|tmp|root)\/[\w.-]+\//, f);
    if (outputs.length === 0) continue; // cleared
    code.forEach((c, i) => {
      const silent = (c.outputs ?? []).length === 0;
      // The parameters cell only declares values; any other silent cell must say why in a comment.
      if (silent && i > 0) assert.match(text(c.source), /\/\/ no output:/, `${f} code cell ${i} has no output`);
    });
  }
});
