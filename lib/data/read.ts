/**
 * Reading labelled-text files: JSON lines (the HuffPost schema), JSON arrays and
 * CSV. Each record keeps its 1-based source line so every later problem can
 * name file and line. Parsing problems follow the InvalidRecords policy.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { DataError, InvalidRecords } from './errors';

/** A labelled-text file format: JSON lines (the HuffPost files), a JSON array of objects, or CSV/TSV with a header. */
export type FileFormat = 'jsonl' | 'json' | 'csv' | 'tsv';
/** The accepted {@link FileFormat} values (`--format`'s choices). */
export const FILE_FORMATS: readonly FileFormat[] = ['jsonl', 'json', 'csv', 'tsv'];

/** One parsed record and the line it starts on. */
export interface RawRecord {
  line: number;
  fields: Record<string, unknown>;
}

const EXTENSIONS: Record<string, FileFormat | 'json-or-jsonl'> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json-or-jsonl',
  '.csv': 'csv',
  '.tsv': 'tsv',
};

/**
 * The format of `file`: explicit, or from its extension. `.json` is sniffed,
 * because the HuffPost files are JSON lines despite their extension.
 */
export function detectFormat(file: string, text: string, format?: FileFormat): FileFormat {
  if (format !== undefined) {
    if (!FILE_FORMATS.includes(format)) {
      throw new Error(`detectFormat: 'format' must be one of ${FILE_FORMATS.join(', ')}; got '${String(format)}'.`);
    }
    return format;
  }
  const ext = extname(file).toLowerCase();
  const byExt = EXTENSIONS[ext];
  if (byExt === undefined) {
    throw new DataError(
      file,
      undefined,
      `unknown file format '${ext || '(no extension)'}': expected one of ` +
        `${Object.keys(EXTENSIONS).join(', ')}, or pass format (--format ${FILE_FORMATS.join('|')}).`,
    );
  }
  if (byExt !== 'json-or-jsonl') return byExt;
  return text.trimStart().startsWith('[') ? 'json' : 'jsonl';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readJsonLines(file: string, text: string, invalid: InvalidRecords): RawRecord[] {
  const out: RawRecord[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const src = lines[i];
    if (src.trim() === '') continue; // blank lines (e.g. the final newline) are not records
    let value: unknown;
    try {
      value = JSON.parse(src);
    } catch (e) {
      invalid.report(file, i + 1, `malformed JSON: ${(e as Error).message}`);
      continue;
    }
    if (!isPlainObject(value)) {
      invalid.report(file, i + 1, `expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`);
      continue;
    }
    out.push({ line: i + 1, fields: value });
  }
  return out;
}

/** Line (1-based) of character offset `pos` in `text`. */
function lineOf(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function readJsonArray(file: string, text: string, invalid: InvalidRecords): RawRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    // A broken array cannot be read record by record: always an error.
    throw new DataError(file, pos ? lineOf(text, Number(pos[1])) : undefined, `malformed JSON: ${msg}`);
  }
  if (!Array.isArray(value)) throw new DataError(file, 1, `expected a JSON array of objects, got ${typeof value}`);
  // Locate each element's starting line by scanning top-level commas is costly; the
  // element index is exact and is reported as "element i" beside the array's line.
  const out: RawRecord[] = [];
  value.forEach((item, i) => {
    if (!isPlainObject(item)) invalid.report(file, i + 1, `element ${i} is not a JSON object`);
    else out.push({ line: i + 1, fields: item });
  });
  return out;
}

const DELIMITER_NAMES: Record<string, string> = { ',': ',', '\t': '\\t' };

/** Line breaks inside a record's fields (only a quoted field can hold one): csv-parse counts lines to its end. */
function innerLineBreaks(record: readonly string[]): number {
  let n = 0;
  for (const f of record) for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * CSV/TSV with a header row, read as pandas `read_csv` and Python's csv module read them: a field is
 * quoted only when it starts with `"` (`""` inside is one quote), so a `"` inside an unquoted field is
 * literal (csv-parse `relax_quotes`), in CSV and TSV alike. One difference: a quoted field followed by
 * more text (`"Best" Movie`) keeps its quotes here; pandas drops them (`Best Movie`).
 *
 * A record whose field count differs from the header's is invalid ("3 fields, header has 2", the case
 * csv-parse calls CSV_RECORD_INCONSISTENT_COLUMNS): skipped or fatal per `invalid`, never cut or padded.
 */
function readDelimited(file: string, text: string, delimiter: string, invalid: InvalidRecords): RawRecord[] {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parseCsv(text, {
      delimiter,
      info: true,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: false,
    });
  } catch (e) {
    const err = e as Error & { lines?: number };
    // Structural CSV errors (e.g. an unclosed quote) make every later row unreliable: always an error.
    throw new DataError(file, err.lines, `malformed CSV: ${err.message}`);
  }
  if (rows.length === 0) return [];
  const header = rows[0].record;
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) {
      throw new DataError(
        file,
        rows[0].info.lines,
        `the header names column '${name}' twice: rename one so that every field name is unique`,
      );
    }
    seen.add(name);
  }
  const out: RawRecord[] = [];
  for (let r = 1; r < rows.length; r++) {
    const { record, info } = rows[r];
    const line = info.lines - innerLineBreaks(record);
    if (record.length !== header.length) {
      const shape = `${record.length} field${record.length === 1 ? '' : 's'}, header has ${header.length}`;
      const breaks = innerLineBreaks(record);
      // A quote left open swallows the following lines into one record: name them, or they vanish unseen.
      const hint =
        breaks > 0
          ? `: lines ${line}–${line + breaks} were read as one record because a quoted field spans them ` +
            '(an unclosed " quote?); close the quote'
          : record.length > header.length
            ? `: quote a field that holds '${DELIMITER_NAMES[delimiter]}'`
            : '';
      invalid.report(file, line, shape + hint);
      continue;
    }
    const fields: Record<string, string> = {};
    header.forEach((name, i) => {
      fields[name] = record[i];
    });
    out.push({ line, fields });
  }
  return out;
}

/** Read every record of `file`. An empty file (no records) is an error. */
export function readRecords(file: string, opts: { format?: FileFormat; invalid: InvalidRecords }): RawRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(file, undefined, `cannot read file: ${(e as Error).message}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // UTF-8 byte-order mark
  const format = detectFormat(file, text, opts.format);
  if (text.trim() === '') throw new DataError(file, undefined, 'file is empty: no records to read');
  const records =
    format === 'jsonl'
      ? readJsonLines(file, text, opts.invalid)
      : format === 'json'
        ? readJsonArray(file, text, opts.invalid)
        : readDelimited(file, text, format === 'csv' ? ',' : '\t', opts.invalid);
  if (records.length === 0)
    throw new DataError(file, undefined, `no valid records (${opts.invalid.skipped.length} ` + `skipped)`);
  return records;
}
