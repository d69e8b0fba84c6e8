/**
 * Every exported function, class, const, enum, interface and type alias in lib/ has a doc comment, and so does
 * every public method, getter, setter and constructor (with parameters) of an exported class. A doc must say
 * something: a comment with fewer than two words of description fails, and an `@param` must name a parameter
 * the function still has (a doc that drifted from its code). Read with the TypeScript compiler's parser, so
 * comments, strings and overloads are seen as the compiler sees them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

type Documentable = ts.Node & { name?: ts.Node };

const hasModifier = (n: ts.Node, kind: ts.SyntaxKind): boolean =>
  ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === kind);

/**
 * The JSDoc block directly before a declaration, or undefined. A block separated from the declaration by a blank
 * line is a file's header, not the declaration's doc (the compiler would attach it to the first statement).
 */
function jsDocOf(n: ts.Node): ts.JSDoc | undefined {
  const doc = ts.getJSDocCommentsAndTags(n).filter(ts.isJSDoc).at(-1);
  const sf = n.getSourceFile();
  return doc === undefined || /\n[ \t]*\r?\n/.test(sf.text.slice(doc.end, n.getStart(sf))) ? undefined : doc;
}

/** Words of a doc's description (tags excluded): runs of characters holding a letter or digit. */
function descriptionWords(doc: ts.JSDoc): number {
  const text = ts.getTextOfJSDocComment(doc.comment) ?? '';
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** Parameter names a signature declares; undefined when one is destructured (its tags cannot be checked by name). */
function parameterNames(n: ts.Node): Set<string> | undefined {
  if (!ts.isFunctionLike(n)) return new Set();
  const names = new Set<string>();
  for (const p of n.parameters) {
    if (!ts.isIdentifier(p.name)) return undefined;
    names.add(p.name.text);
  }
  return names;
}

/**
 * Doc problems of one lib/ file as `file:line symbol: problem` lines: a missing doc, a doc whose description has
 * fewer than two words, an `@param` naming no parameter. `source` defaults to the file's text.
 */
export function docProblems(file: string, source: string = readFileSync(file, 'utf8')): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const out: { line: number; text: string }[] = [];
  const lineOf = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;

  // `export { a, b as c }` (no `from`) exports local declarations by name.
  const exportedByList = new Set<string>();
  for (const s of sf.statements) {
    if (ts.isExportDeclaration(s) && !s.moduleSpecifier && s.exportClause && ts.isNamedExports(s.exportClause)) {
      for (const e of s.exportClause.elements) exportedByList.add((e.propertyName ?? e.name).text);
    }
  }
  const isExported = (n: ts.Node, name: string | undefined): boolean =>
    hasModifier(n, ts.SyntaxKind.ExportKeyword) || (name !== undefined && exportedByList.has(name));

  /** Checks one symbol; `decls` are its declarations (overloads share one doc: any of them may carry it). */
  const check = (symbol: string, decls: readonly Documentable[], docHost: (d: Documentable) => ts.Node): void => {
    const documented = decls.find((d) => jsDocOf(docHost(d)) !== undefined);
    const line = lineOf(decls[0]);
    const report = (problem: string): void => void out.push({ line, text: `${file}:${line} ${symbol}: ${problem}` });
    if (documented === undefined) {
      report('no doc comment');
      return;
    }
    const doc = jsDocOf(docHost(documented))!;
    const words = descriptionWords(doc);
    if (words < 2) report(`doc has ${words === 0 ? 'no description' : 'a one-word description'}`);
    const params = parameterNames(documented);
    for (const tag of doc.tags ?? []) {
      if (!ts.isJSDocParameterTag(tag) || params === undefined) continue;
      const root = tag.name.getText(sf).split('.')[0];
      if (!params.has(root)) report(`@param '${root}' is not a parameter`);
    }
  };

  const byName = <T extends Documentable>(nodes: readonly T[], nameOf: (n: T) => string): Map<string, T[]> => {
    const groups = new Map<string, T[]>();
    for (const n of nodes) groups.set(nameOf(n), [...(groups.get(nameOf(n)) ?? []), n]);
    return groups;
  };
  const self = (d: Documentable): ts.Node => d;

  const functions = sf.statements.filter(
    (s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && isExported(s, s.name?.text),
  );
  for (const [name, decls] of byName(functions, (f) => f.name?.text ?? 'default')) check(name, decls, self);

  for (const s of sf.statements) {
    if (ts.isVariableStatement(s) && isExported(s, undefined)) {
      for (const d of s.declarationList.declarations) check(d.name.getText(sf), [d], () => s);
    } else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && exportedByList.has(d.name.text)) check(d.name.text, [d], () => s);
      }
    } else if (
      (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s)) &&
      isExported(s, s.name.text)
    ) {
      check(s.name.text, [s], self);
    } else if (ts.isClassDeclaration(s) && isExported(s, s.name?.text)) {
      const cls = s.name?.text ?? 'default';
      check(cls, [s], self);
      const members = s.members.filter(
        (m) =>
          (ts.isMethodDeclaration(m) ||
            ts.isGetAccessorDeclaration(m) ||
            ts.isSetAccessorDeclaration(m) ||
            (ts.isConstructorDeclaration(m) && m.parameters.length > 0)) &&
          !hasModifier(m, ts.SyntaxKind.PrivateKeyword) &&
          !hasModifier(m, ts.SyntaxKind.ProtectedKeyword) &&
          !(m.name !== undefined && ts.isPrivateIdentifier(m.name)),
      );
      // A getter and its setter are one property; overloads are one method.
      const nameOf = (m: ts.ClassElement): string => (m.name === undefined ? 'constructor' : m.name.getText(sf));
      for (const [name, decls] of byName(members, nameOf)) check(`${cls}.${name}`, decls, self);
    }
  }
  return out.sort((a, b) => a.line - b.line).map((p) => p.text);
}

test('every exported symbol in lib/ has a doc comment that says something', () => {
  const found = tsFiles('lib').flatMap((f) => docProblems(f));
  assert.ok(found.length === 0, `${found.length} doc problems (write a doc comment above each):\n${found.join('\n')}`);
});

test('the check catches missing, empty and one-word docs, undocumented members and stale @param tags', () => {
  const source = [
    '/** File header. */',
    "import { x } from './x';",
    'export function bare(a: number): number { return a; }',
    '/** Scales. */',
    'export function oneWord(a: number): number { return a; }',
    '/** Scales a number; `b` is gone. @param a the number @param b the factor */',
    'export function stale(a: number): number { return a; }',
    '/** Overloads share the doc of the first signature. */',
    'export function over(a: number): number;',
    'export function over(a: string): string;',
    'export function over(a: unknown): unknown { return a; }',
    'export const K = 1, L = 2;',
    '/** Two documented constants. */',
    'export const M = 1;',
    'export interface I { a: number }',
    '/** @deprecated */',
    'export type T = number;',
    'function local(): void {}',
    'const hidden = 3;',
    'export { hidden };',
    '/** A documented class. */',
    'export class C {',
    '  constructor(a: number) {}',
    '  /** Doubles a number. */',
    '  get value(): number { return 1; }',
    '  set value(v: number) {}',
    '  run(): void {}',
    '  private secret(): void {}',
    '  #hash(): void {}',
    '}',
    'class Inner { run(): void {} }',
  ].join('\n');
  assert.deepEqual(docProblems('lib/x/y.ts', source), [
    'lib/x/y.ts:3 bare: no doc comment',
    'lib/x/y.ts:5 oneWord: doc has a one-word description',
    "lib/x/y.ts:7 stale: @param 'b' is not a parameter",
    'lib/x/y.ts:12 K: no doc comment',
    'lib/x/y.ts:12 L: no doc comment',
    'lib/x/y.ts:15 I: no doc comment',
    'lib/x/y.ts:17 T: doc has no description',
    'lib/x/y.ts:19 hidden: no doc comment',
    'lib/x/y.ts:23 C.constructor: no doc comment',
    'lib/x/y.ts:27 C.run: no doc comment',
  ]);
});

test("a file's header comment is not the doc of the declaration after it", () => {
  const header = '/** What this file is for. */\n\nexport function f(): void {}\n';
  assert.deepEqual(docProblems('lib/x/h.ts', header), ['lib/x/h.ts:3 f: no doc comment']);
  assert.deepEqual(docProblems('lib/x/h.ts', '/** Header and doc of f, as one. */\nexport function f(): void {}'), []);
});
