/**
 * danfojs-node data frames for exploration and display (value counts, describe,
 * head tables in notebooks). Kept apart from the rest of the data layer, which
 * uses plain typed arrays, so loading data does not load danfo.
 */
import * as dfd from 'danfojs-node';
import { escapeHtml } from '../io/html';
import { wordCount, type Dataset } from './dataset';

type Cell = string | number | boolean | null | undefined;

/** One row per text: text, category, words, chars. */
export function datasetFrame(ds: Pick<Dataset, 'texts' | 'labels' | 'categories'>): dfd.DataFrame {
  return new dfd.DataFrame({
    text: ds.texts,
    category: Array.from(ds.labels, (l) => ds.categories[l]),
    words: ds.texts.map(wordCount),
    chars: ds.texts.map((t) => t.length),
  });
}

/** Records per category, most frequent first, as a two-column frame. */
export function categoryCounts(frame: dfd.DataFrame): dfd.DataFrame {
  const vc = frame['category'].valueCounts();
  return new dfd.DataFrame({ category: vc.index as string[], records: vc.values as number[] });
}

/** count/mean/std/min/median/max of the numeric length columns. */
export function describeLengths(frame: dfd.DataFrame): dfd.DataFrame {
  return frame.loc({ columns: ['words', 'chars'] }).describe();
}

function formatCell(v: Cell, digits: number): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  return v === null || v === undefined ? '' : String(v);
}

/** A plain HTML table (renders on GitHub and in JupyterLab), with the index column and at most `maxRows` rows. */
export function frameToHtml(frame: dfd.DataFrame, opts: { maxRows?: number; digits?: number } = {}): string {
  const maxRows = opts.maxRows ?? 20;
  const digits = opts.digits ?? 3;
  const cols = frame.columns as string[];
  const index = frame.index as Cell[];
  const rows = (frame.values as Cell[][]).slice(0, maxRows);
  const head = `<tr><th></th>${cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const td = (v: Cell) => `<td>${escapeHtml(formatCell(v, digits))}</td>`;
  const body = rows
    .map((r, i) => `<tr><th>${escapeHtml(formatCell(index[i], digits))}</th>${r.map(td).join('')}</tr>`)
    .join('\n');
  const more =
    frame.shape[0] > maxRows ? `<p>… ${frame.shape[0] - maxRows} more rows (${frame.shape[0]} in all)</p>` : '';
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>${more}`;
}
