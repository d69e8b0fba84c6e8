/**
 * File-named parse errors (issue 13, case 14): a corrupt file of a model or tokenizer folder is named in
 * the error, never a bare "Unexpected end of JSON input" or a raw TypeError.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../lib/backend/index';
import { loadConfig, loadEncoder } from '../../lib/model/load';
import { loadTokenizer } from '../../lib/tokenizer/tokenizer';
import { readJsonFile, readJsonFileSync } from '../../lib/io/json';

const FIX = join(import.meta.dirname, '..', 'fixtures');
const WORDPIECE = join(import.meta.dirname, '..', 'tokenizer', 'fixtures', 'tiny-wordpiece');
const root = mkdtempSync(join(tmpdir(), 'file-errors-'));

/** A copy of the tiny-wordpiece tokenizer and tiny-bert model in one folder, with `file` replaced by `content`. */
function folder(file: string, content: string): string {
  const dir = mkdtempSync(join(root, 'm-'));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(WORDPIECE, f), join(dir, f));
  for (const f of ['config.json', 'model.safetensors']) copyFileSync(join(FIX, 'tiny-bert', f), join(dir, f));
  writeFileSync(join(dir, file), content);
  return dir;
}

/** The error must start with the file's path and say what it should have been. */
function namesFile(path: string, what: RegExp) {
  return (e: Error) => {
    assert.ok(e.message.startsWith(`${path}: `), e.message);
    assert.match(e.message, what);
    assert.ok(!(e instanceof TypeError), `raw TypeError: ${e.message}`);
    return true;
  };
}

describe('file-named parse errors: tokenizer and model folders', () => {
  before(async () => {
    await initBackend('cpu');
  });

  test('a truncated tokenizer.json names the file (was: bare "Unexpected end of JSON input")', async () => {
    const dir = folder('tokenizer.json', readFileSync(join(WORDPIECE, 'tokenizer.json'), 'utf8').slice(0, 200));
    await assert.rejects(
      loadTokenizer(dir),
      namesFile(join(dir, 'tokenizer.json'), /not valid JSON \(.*\); expected a Hugging Face tokenizer\.json/),
    );
  });

  test('a corrupt tokenizer_config.json names that file', async () => {
    const dir = folder('tokenizer_config.json', '{"do_lower_case": true,');
    await assert.rejects(
      loadTokenizer(dir),
      namesFile(join(dir, 'tokenizer_config.json'), /not valid JSON .*tokenizer_config\.json/),
    );
  });

  test('variant: valid JSON that is not a tokenizer ({}) names the file', async () => {
    const dir = folder('tokenizer.json', '{}');
    await assert.rejects(
      loadTokenizer(dir),
      namesFile(join(dir, 'tokenizer.json'), /not a Hugging Face tokenizer\.json/),
    );
  });

  test('variant: a tokenizer.json holding an array names the file', async () => {
    const dir = folder('tokenizer.json', '[1, 2]');
    await assert.rejects(loadTokenizer(dir), namesFile(join(dir, 'tokenizer.json'), /\(a JSON object\); got an array/));
  });

  test('a corrupt config.json names the file, through loadConfig and loadEncoder', async () => {
    const dir = folder('config.json', '{"model_type": "bert", ');
    const path = join(dir, 'config.json');
    await assert.rejects(loadConfig(dir), namesFile(path, /not valid JSON .*config\.json/));
    await assert.rejects(loadEncoder(dir), namesFile(path, /not valid JSON/));
  });

  test('variant: a config.json field out of range names the file and the field', async () => {
    const config = JSON.parse(readFileSync(join(FIX, 'tiny-bert', 'config.json'), 'utf8'));
    const dir = folder('config.json', JSON.stringify({ ...config, vocab_size: 0 }));
    await assert.rejects(
      loadConfig(dir),
      namesFile(join(dir, 'config.json'), /'vocab_size' must be an integer >= 1; got 0\./),
    );
  });

  test('variant: a truncated model.safetensors names the file', async () => {
    const bytes = readFileSync(join(FIX, 'tiny-bert', 'model.safetensors'));
    const dir = folder('model.safetensors', '');
    writeFileSync(join(dir, 'model.safetensors'), bytes.subarray(0, bytes.length - 100));
    await assert.rejects(loadEncoder(dir), namesFile(join(dir, 'model.safetensors'), /truncated file\?/));
  });

  test('readJsonFile / readJsonFileSync: unreadable, broken and non-object files', async () => {
    const missing = join(root, 'nope.json');
    await assert.rejects(readJsonFile(missing, 'a thing'), namesFile(missing, /cannot read a thing: ENOENT/));
    const broken = join(root, 'broken.json');
    writeFileSync(broken, '{"a": ');
    assert.throws(
      () => readJsonFileSync(broken, 'a thing'),
      namesFile(broken, /not valid JSON .*; expected a thing\.$/),
    );
    const nul = join(root, 'null.json');
    writeFileSync(nul, 'null');
    assert.throws(
      () => readJsonFileSync(nul, 'a thing'),
      namesFile(nul, /expected a thing \(a JSON object\); got null\./),
    );
  });
});
