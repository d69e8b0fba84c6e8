/**
 * Array-size limits (issue 13, case 5): spreading an array into a call's arguments (`Math.max(...x)`,
 * `out.push(...x)`, `String.fromCharCode(...x)`) puts every element on the call stack and throws
 * "Maximum call stack size exceeded" past ~125,000 elements. The study's full dataset has 200,853
 * records, so no call in lib/ may spread a data-sized array. Array literals (`[...a, ...b]`) iterate
 * and are safe. The spreads left are listed here with why their size is bounded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** `file` + the spread expression: why it can never be data-sized. */
const BOUNDED: Record<string, string> = {
  'lib/model/albert.ts: pair(': 'a [weight, bias] pair',
  'lib/model/bert.ts: pair(': 'a [weight, bias] pair',
  'lib/model/layers.ts: w.query': 'a [weight, bias] pair',
  'lib/model/layers.ts: w.key': 'a [weight, bias] pair',
  'lib/model/layers.ts: w.value': 'a [weight, bias] pair',
  'lib/pipeline/run.ts: s.warnings.map(': 'the metric warnings of one subset (a handful)',
  'lib/pipeline/stages.ts: ((await p.array())': 'one batch of probabilities (at most 256 rows)',
  'lib/bench/format.ts: skips.map(': 'the benchmark cases skipped (a handful)',
  'lib/viz/charts-eval.ts: aucs': 'one AUC per class',
  'lib/viz/charts-eval.ts: rows.map(': 'confusion-matrix cells: classes² (1,681 for 41 classes; fails past ~350)',
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every spread in call arguments, and every `f.apply(thisArg, array)`, as `file:line: text`. */
export function callSpreads(file: string, source: string): { where: string; key: string }[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const out: { where: string; key: string }[] = [];
  const visit = (n: ts.Node): void => {
    const spreadArg = ts.isSpreadElement(n) && (ts.isCallExpression(n.parent) || ts.isNewExpression(n.parent));
    const apply =
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      n.expression.name.text === 'apply' &&
      n.arguments.length === 2;
    if (spreadArg || apply) {
      const line = sf.getLineAndCharacterOfPosition(n.getStart()).line + 1;
      const text = spreadArg ? (n as ts.SpreadElement).expression.getText() : n.getText();
      const key = Object.keys(BOUNDED).find(
        (k) => k.startsWith(`${file}: `) && text.startsWith(k.slice(file.length + 2)),
      );
      out.push({ where: `${file}:${line}: ${text.slice(0, 80)}`, key: key ?? '' });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

test('no call in lib/ spreads an array of unbounded size into its arguments', () => {
  const unbounded = tsFiles('lib')
    .flatMap((f) => callSpreads(f, readFileSync(f, 'utf8')))
    .filter((s) => s.key === '')
    .map((s) => s.where);
  assert.deepEqual(unbounded, [], 'use a loop (for … of / reduce) instead of spreading into a call');
});

test('the check finds Math.max(...x), push(...x), fromCharCode(...x) and apply, not array literals', () => {
  const src = [
    'const a = Math.max(...values);',
    'out.push(...rows.slice(0, k));',
    'String.fromCharCode(...codes);',
    'Math.min.apply(null, values);',
    'const b = [...left, ...right];',
    'layer.apply(features);',
  ].join('\n');
  assert.deepEqual(
    callSpreads('lib/x.ts', src).map((s) => s.where),
    [
      'lib/x.ts:1: values',
      'lib/x.ts:2: rows.slice(0, k)',
      'lib/x.ts:3: codes',
      'lib/x.ts:4: Math.min.apply(null, values)',
    ],
  );
});

test('a spread of 1,000,000 elements into a call does overflow (why the rule exists)', () => {
  const big = new Array<number>(1_000_000).fill(1);
  assert.throws(() => Math.max(...big), RangeError);
  assert.equal(
    big.reduce((m, v) => Math.max(m, v), -Infinity),
    1,
  );
});
