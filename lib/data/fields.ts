/**
 * Turning raw records into (text, label) pairs: which fields make the text and
 * which field is the label.
 */
import type { InvalidRecords } from './errors';
import type { RawRecord } from './read';

/**
 * The text to embed. Presets: 'headline' and 'headline+description' (the study's
 * `headline + ". " + short_description`). Anything else names fields joined by
 * '+', e.g. 'title' or 'title+description'; parts are joined with ". ".
 */
export type TextMode = 'headline' | 'headline+description' | (string & {});

/**
 * The named text modes and the fields each joins, in order: 'headline' and the study's 'headline+description'
 * (`headline` + `short_description`).
 */
export const TEXT_PRESETS: Readonly<Record<string, readonly string[]>> = {
  headline: ['headline'],
  'headline+description': ['headline', 'short_description'],
};

/** What joins the fields of a text: the study's `headline + ". " + short_description`. */
export const TEXT_SEPARATOR = '. ';

/** The field names a text mode reads, in order. */
export function textFields(mode: TextMode): string[] {
  const preset = TEXT_PRESETS[mode];
  if (preset) return [...preset];
  const fields = mode.split('+').map((f) => f.trim());
  if (fields.length === 0 || fields.some((f) => f === '')) {
    throw new Error(
      `textFields: 'text' must be 'headline', 'headline+description' or field names joined by '+'; ` + `got '${mode}'.`,
    );
  }
  return fields;
}

/** One usable record: its joined `text`, its class name `label` and its 1-based source `line`. */
export interface LabelledText {
  text: string;
  label: string;
  line: number;
}

function fieldValue(rec: RawRecord, field: string): { value: string } | { problem: string } {
  if (!(field in rec.fields)) return { problem: `missing field '${field}'` };
  const v = rec.fields[field];
  if (typeof v === 'string') return { value: v };
  if (typeof v === 'number' && Number.isFinite(v)) return { value: String(v) };
  return {
    problem:
      `field '${field}' must be a string or a number; got ` +
      `${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`,
  };
}

/** "field 'headline'" or "fields 'headline' and 'short_description'". */
function fieldList(fields: readonly string[]): string {
  const quoted = fields.map((f) => `'${f}'`);
  if (quoted.length === 1) return `field ${quoted[0]}`;
  return `fields ${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

/**
 * Extract text and label from each record. Problems (missing field, wrong type,
 * empty text or label) go to `invalid`. The joined text is what is judged, as the
 * study's pandas recipe `headline + ". " + short_description` keeps any record whose
 * parts are not all empty: an empty headline with a real description gives
 * ". description", an empty description "headline. ". A text is empty only when
 * every field it joins is empty or whitespace.
 */
export function toLabelledTexts(
  file: string,
  records: readonly RawRecord[],
  opts: { text: TextMode; labelField: string; invalid: InvalidRecords },
): LabelledText[] {
  const fields = textFields(opts.text);
  const out: LabelledText[] = [];
  outer: for (const rec of records) {
    const parts: string[] = [];
    for (const f of fields) {
      const r = fieldValue(rec, f);
      if ('problem' in r) {
        opts.invalid.report(file, rec.line, r.problem);
        continue outer;
      }
      parts.push(r.value);
    }
    const label = fieldValue(rec, opts.labelField);
    if ('problem' in label) {
      opts.invalid.report(file, rec.line, label.problem);
      continue;
    }
    if (parts.every((p) => p.trim() === '')) {
      opts.invalid.report(
        file,
        rec.line,
        `empty text: ${fieldList(fields)} ${fields.length === 1 ? 'is' : 'are'} empty`,
      );
      continue;
    }
    if (label.value.trim() === '') {
      opts.invalid.report(file, rec.line, `empty label field '${opts.labelField}'`);
      continue;
    }
    out.push({ text: parts.join(TEXT_SEPARATOR), label: label.value, line: rec.line });
  }
  return out;
}
