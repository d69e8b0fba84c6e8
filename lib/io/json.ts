/** Reading JSON files with errors that name the file (and, when given, what to do about it). */
import { readFile } from 'node:fs/promises';

/**
 * Read and parse the JSON file `path`. Errors start with `who` (a function, or what the file is for the
 * user) and name the file: `who: cannot read '<path>': <reason>` or `who: '<path>' is not valid JSON:
 * <reason>`, followed by `hint` when given (e.g. how to recover).
 */
export async function readJson(path: string, who: string, hint?: string): Promise<Record<string, unknown>> {
  const tail = hint ? ` ${hint}` : '';
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`${who}: cannot read '${path}': ${(e as Error).message}.${tail}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${who}: '${path}' is not valid JSON: ${(e as Error).message}.${tail}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'an array' : JSON.stringify(value);
    throw new Error(`${who}: '${path}' must hold a JSON object; got ${got}.${tail}`);
  }
  return value as Record<string, unknown>;
}
