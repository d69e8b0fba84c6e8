/**
 * Rich output for tslab notebooks: HTML tables and markdown. Outside a notebook
 * (plain Node) the same calls print text, so library code can call them freely.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { escapeHtml } from '../io/html';

interface TslabDisplay {
  html(s: string): void;
  markdown(s: string): void;
  text(s: string): void;
}

function tslabDisplay(): TslabDisplay | undefined {
  if (!process.env.JPY_PARENT_PID && !process.argv.some((a) => a.includes('tslab'))) return undefined;
  try {
    const require = createRequire(join(process.cwd(), 'package.json'));
    return (require('tslab') as { display: TslabDisplay }).display;
  } catch {
    return undefined;
  }
}

/** A value {@link htmlTable} can show: text, a number (formatted to `digits`), or nothing (an empty cell). */
export type TableCell = string | number | null | undefined;

/** An HTML table from rows of objects; numbers get `digits` decimals unless integral. */
export function htmlTable(rows: readonly object[], opts: { digits?: number; columns?: string[] } = {}): string {
  const digits = opts.digits ?? 3;
  const cols = opts.columns ?? Object.keys(rows[0] ?? {});
  const fmt = (v: TableCell) =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : (v ?? '');
  const head = cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const td = (r: object, c: string) => `<td>${escapeHtml(String(fmt((r as Record<string, TableCell>)[c])))}</td>`;
  const body = rows.map((r) => `<tr>${cols.map((c) => td(r, c)).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** Show HTML in a notebook; print it in a terminal. */
export function showHtml(html: string): void {
  const d = tslabDisplay();
  if (d) d.html(html);
  else console.log(html);
}

/** Show markdown in a notebook; print it in a terminal. */
export function showMarkdown(md: string): void {
  const d = tslabDisplay();
  if (d) d.markdown(md);
  else console.log(md);
}

/** Show rows as a table. */
export function showTable(rows: readonly object[], opts: { digits?: number; columns?: string[] } = {}): void {
  showHtml(htmlTable(rows, opts));
}
