/** Parse an SVG string strictly (any XML error or warning fails) and list its text. */
import { DOMParser } from '@xmldom/xmldom';
import assert from 'node:assert/strict';

export interface ParsedSvg {
  width: number;
  height: number;
  /** textContent of every <text> element, in document order. */
  texts: string[];
  count(tag: string): number;
}

export function parseSvg(svg: string): ParsedSvg {
  const problems: string[] = [];
  const doc = new DOMParser({
    onError: (level, message) => {
      problems.push(`${level}: ${message}`);
    },
  }).parseFromString(svg, 'image/svg+xml');
  assert.deepEqual(problems, [], 'SVG must be well-formed XML');
  const root = doc.documentElement;
  assert.ok(root, 'SVG has a root element');
  assert.equal(root.tagName, 'svg');
  const texts = Array.from(doc.getElementsByTagName('text')).map((t) => t.textContent ?? '');
  return {
    width: Number(root.getAttribute('width')),
    height: Number(root.getAttribute('height')),
    texts,
    count: (tag) => doc.getElementsByTagName(tag).length,
  };
}

/** Assert every expected string is the text of some <text> element. */
export function assertTexts(parsed: ParsedSvg, expected: readonly string[]): void {
  for (const e of expected)
    assert.ok(
      parsed.texts.includes(e),
      `missing text '${e}' in SVG (have ${parsed.texts.length} texts, e.g. ${JSON.stringify(parsed.texts.slice(0, 12))})`,
    );
}
