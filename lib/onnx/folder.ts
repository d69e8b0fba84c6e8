/**
 * A model folder that transformers.js (and ONNX Runtime) loads as is: `config.json` (Hugging Face), the tokenizer
 * files, `onnx/model.onnx` (transformers.js's fp32 file name). Layout as in the hub's `onnx-community` repositories.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/safetensors';
import type { SiameseModel } from '../heads/siamese';
import { toHfConfig } from '../model/config';
import type { TransformerEncoder } from '../model/encoder';
import { toOnnx, type OnnxExportOptions } from './writer';

/** Tokenizer files copied when present; the first two are required (transformers.js needs both). */
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.txt',
  'spiece.model',
] as const;

/** The ONNX file inside an exported folder. */
export const ONNX_FILE = join('onnx', 'model.onnx');

/** Export settings of {@link writeOnnxFolder}: those of the ONNX file, plus where the tokenizer files come from. */
export interface OnnxFolderOptions extends OnnxExportOptions {
  /** Folder holding the model's tokenizer.json and tokenizer_config.json (Hugging Face layout). */
  tokenizerDir: string;
}

/** What {@link writeOnnxFolder} wrote. */
export interface OnnxFolder {
  /** The folder, as given. */
  dir: string;
  /** Files written, relative to `dir`. */
  files: string[];
  /** Size of onnx/model.onnx in bytes. */
  onnxBytes: number;
}

/**
 * Write `model` (an encoder, or a siamese model whose head adds `siamese_embedding`) into `dir`: config.json,
 * the tokenizer files of `opts.tokenizerDir`, onnx/model.onnx. Fails before writing anything when the tokenizer
 * folder lacks tokenizer.json or tokenizer_config.json.
 */
export async function writeOnnxFolder(
  model: TransformerEncoder | SiameseModel,
  dir: string,
  opts: OnnxFolderOptions,
): Promise<OnnxFolder> {
  const missing = TOKENIZER_FILES.slice(0, 2).filter((f) => !existsSync(join(opts.tokenizerDir, f)));
  if (missing.length) {
    throw new Error(
      `writeOnnxFolder: the tokenizer folder '${opts.tokenizerDir}' lacks ${missing.join(' and ')} (transformers.js ` +
        `needs both); pass the model's own folder (Hugging Face layout).`,
    );
  }
  const bytes = await toOnnx(model, opts);
  const encoder = 'encoder' in model ? (model.encoder as TransformerEncoder) : model;
  await mkdir(join(dir, 'onnx'), { recursive: true });
  await writeFileAtomic(join(dir, ONNX_FILE), bytes);
  await writeFileAtomic(join(dir, 'config.json'), `${JSON.stringify(toHfConfig(encoder.config), null, 2)}\n`);
  const files = ['config.json', ONNX_FILE];
  for (const f of TOKENIZER_FILES) {
    if (!existsSync(join(opts.tokenizerDir, f))) continue;
    // Not copyFile: it keeps a read-only source's mode (../shared, a pip package), and the next export then
    // cannot overwrite the file; an atomic write replaces it whatever its mode.
    await writeFileAtomic(join(dir, f), await readFile(join(opts.tokenizerDir, f)));
    files.push(f);
  }
  return { dir, files, onnxBytes: bytes.length };
}
