/**
 * Reading JSON files whose every problem names the file: a user who gets "Unexpected end of JSON input"
 * cannot tell which of a model folder's four JSON files is broken.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

function parseObject(path: string, text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message}); expected ${what}.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new Error(`${path}: expected ${what} (a JSON object); got ${got}.`);
  }
  return value as Record<string, unknown>;
}

/**
 * The JSON object in the file at `path`. `what` says what the file should be ("a Hugging Face
 * config.json"); errors read `<path>: not valid JSON (<parser message>); expected <what>.`, or name the
 * file when it cannot be read or holds something other than an object.
 */
export async function readJsonFile(path: string, what: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: cannot read ${what}: ${(e as Error).message}`);
  }
  return parseObject(path, text, what);
}

/** {@link readJsonFile}, synchronously. */
export function readJsonFileSync(path: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: cannot read ${what}: ${(e as Error).message}`);
  }
  return parseObject(path, text, what);
}
