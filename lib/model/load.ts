/**
 * loadEncoder / saveEncoder: Hugging Face folder layout (config.json + model.safetensors).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readSafetensors, writeFileAtomic, writeSafetensors } from '../io/safetensors';
import { variablesToArrays } from '../io/tensors';
import { parseConfig, toHfConfig, type EncoderConfig } from './config';
import { checkPooling, TransformerEncoder } from './encoder';
import { resolveModelDir, type ResolveOptions } from './hub';
import { readJsonFile } from '../io/json';
import type { Pooling } from './types';
import { variablesFromCheckpoint } from './weights';

/**
 * How {@link loadEncoder} finds and builds an encoder: hub download options ({@link ResolveOptions}), pooling and
 * trainability.
 */
export interface LoadOptions extends ResolveOptions {
  /** Sentence vector of `embed` (default 'pooler'). */
  pooling?: Pooling;
  /** Whether the encoder's variables train (default true). */
  trainable?: boolean;
}

/**
 * Read and parse `<dir>/config.json`. Every error names the file: unreadable, not JSON, not an object, or
 * a field out of range (`<dir>/config.json: 'vocab_size' must be an integer >= 1; got 0.`).
 */
export async function loadConfig(dir: string): Promise<EncoderConfig> {
  const path = join(dir, 'config.json');
  return parseConfig(await readJsonFile(path, 'a Hugging Face config.json'), path);
}

/**
 * Load an encoder from a local folder (config.json + model.safetensors, HF layout) or a hub id
 * (downloaded once, at `revision`, into the Hugging Face cache `cacheDir`, default HF_HUB_CACHE, else
 * $HF_HOME/hub, else ~/.cache/huggingface/hub; lib/model/hub.ts), as transformers' `AutoModel.from_pretrained`
 * does for ALBERT and BERT-family models. Task-head checkpoints load too (`albert.`/`bert.` prefixes dropped,
 * heads such as `predictions.*` ignored).
 * `opts.pooling` defaults to 'pooler', `opts.trainable` to true. The caller owns the encoder (`dispose()`).
 *
 * Throws, before allocating any tensor: a bad pooling; a `source` that is neither a folder nor a hub id; a folder
 * without config.json or model.safetensors; a failed or unverified download (with how to pass a folder instead);
 * a config.json field out of range or an unknown `model_type` (naming file and field); a checkpoint that does not
 * match the config (one message listing every missing, unexpected and mis-shaped tensor) or is not valid
 * safetensors.
 */
export async function loadEncoder(source: string, opts: LoadOptions = {}): Promise<TransformerEncoder> {
  const pooling = checkPooling('loadEncoder', opts.pooling ?? 'pooler');
  const dir = await resolveModelDir(source, opts);
  const config = await loadConfig(dir);
  const path = join(dir, 'model.safetensors');
  const arrays = await readSafetensors(path);
  const weights = variablesFromCheckpoint(arrays, config, path, opts.trainable ?? true);
  return new TransformerEncoder(config, weights, { pooling, trainable: opts.trainable ?? true });
}

/**
 * Write `encoder` as an HF folder: config.json + model.safetensors (keys without a model prefix,
 * F32, as AlbertModel/BertModel.save_pretrained), loadable by {@link loadEncoder} and transformers'
 * `AutoModel.from_pretrained`. Creates `dir`; each file is written atomically (temp file, then rename). Copies
 * the tokenizer files present in `opts.tokenizerDir` (tokenizer.json, tokenizer_config.json,
 * special_tokens_map.json, spiece.model, vocab.txt) when given. File-system errors propagate.
 */
export async function saveEncoder(
  encoder: TransformerEncoder,
  dir: string,
  opts: { tokenizerDir?: string } = {},
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const config = toHfConfig(encoder.config);
  await writeSafetensors(join(dir, 'model.safetensors'), await variablesToArrays(encoder.weights), { format: 'pt' });
  await writeFileAtomic(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  if (opts.tokenizerDir && resolve(opts.tokenizerDir) !== resolve(dir)) {
    for (const f of [
      'tokenizer.json',
      'tokenizer_config.json',
      'special_tokens_map.json',
      'spiece.model',
      'vocab.txt',
    ]) {
      // Not copyFile: it keeps a read-only source's mode (../shared, a pip package), so a later save could not
      // overwrite the file; an atomic write replaces it whatever its mode.
      const from = join(opts.tokenizerDir, f);
      if (existsSync(from)) await writeFileAtomic(join(dir, f), await readFile(from));
    }
  }
}
