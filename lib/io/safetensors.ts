/**
 * The safetensors format (https://github.com/huggingface/safetensors), read and written by hand:
 * no maintained npm library does it (npm `safetensors` is an abandoned 0.0.1; `@huggingface/hub`
 * only parses remote headers).
 *
 * Layout: 8-byte little-endian u64 N, then N bytes of UTF-8 JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {str: str} }`,
 * then the raw little-endian tensor bytes (offsets relative to the end of the header).
 *
 * Reading: F32, F16, BF16 (widened to Float32Array), F64 (rounded to Float32Array), I32, I64 (narrowed to
 * Int32Array; values outside int32 are an error), I8/U8/U16/BOOL (Int32Array). Writing: F32, I32 and U16 (token
 * ids).
 */
import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

/** A tensor dtype as safetensors names it in the header; the ones this reader understands. */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'I32' | 'I64' | 'I8' | 'U8' | 'U16' | 'BOOL' | 'F64';

/** One named tensor: `dtype` is the dtype in the file; `data` is widened to F32 / I32 in memory. */
export interface NamedArray {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array | Int32Array;
}

/** A tensor to write: F32 or I32 as read, or U16 from a Uint16Array (token ids of a vocabulary below 65,536). */
export type WritableArray = NamedArray | { name: string; dtype: 'U16'; shape: number[]; data: Uint16Array };

/** Header entry of one tensor, as stored. */
export interface SafetensorsEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  dataOffsets: [number, number];
}

/** A parsed safetensors header (see `readSafetensorsHeader`): the tensors' entries, metadata, data offset. */
export interface SafetensorsHeader {
  /** Name -> dtype, shape and byte range, in the header's order. */
  tensors: Map<string, SafetensorsEntry>;
  /** The `__metadata__` strings (empty when absent). */
  metadata: Record<string, string>;
  /** Byte offset of the data section in the file (8 + header length). */
  dataStart: number;
}

const BYTES: Record<SafetensorsDtype, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I8: 1,
  U8: 1,
  U16: 2,
  BOOL: 1,
};

/** The format's cap on the header size (the reference implementation's MAX_HEADER_SIZE), against denial of service. */
export const MAX_HEADER_BYTES = 100_000_000;

function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function isOffset(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function describe(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

/** One tensor's header entry, checked field by field as the specification states. */
function parseEntry(source: string, name: string, value: unknown): SafetensorsEntry {
  const where = `${source}: tensor '${name}'`;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${where} must be an object { dtype, shape, data_offsets }; got ${describe(value)}.`);
  const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof v.dtype !== 'string' || !(v.dtype in BYTES)) {
    throw new Error(`${where} has dtype ${describe(v.dtype)}; supported: ${Object.keys(BYTES).join(', ')}.`);
  }
  const dtype = v.dtype as SafetensorsDtype;
  if (!Array.isArray(v.shape) || !v.shape.every(isOffset)) {
    throw new Error(`${where} has shape ${describe(v.shape)}; a shape is a list of non-negative integers.`);
  }
  const shape = v.shape as number[];
  const offsets = v.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isOffset) || offsets[0] > offsets[1]) {
    throw new Error(
      `${where} has data_offsets ${describe(offsets)}; they must be [begin, end], non-negative integers with ` +
        `begin <= end.`,
    );
  }
  const [b, e] = offsets as [number, number];
  const bytes = product(shape) * BYTES[dtype];
  if (!Number.isSafeInteger(bytes)) throw new Error(`${where} has shape [${shape}], too large to hold.`);
  if (e - b !== bytes) {
    throw new Error(`${where} spans ${e - b} bytes but shape [${shape}] of ${dtype} needs ${bytes}.`);
  }
  return { dtype, shape: [...shape], dataOffsets: [b, e] };
}

/**
 * Parse and validate the header of a safetensors file as the format's specification states
 * (github.com/huggingface/safetensors, "Format"): an 8-byte little-endian size N of at most 100,000,000;
 * N bytes of UTF-8 JSON starting with `{` (after spaces, as the reference reader allows); `__metadata__`
 * a string-to-string map; every tensor a known dtype, a shape of non-negative integers and data_offsets
 * [begin, end] whose length is the dtype size × element count; the tensors contiguous and non-overlapping,
 * covering the data section exactly (no holes, nothing after the last tensor). `bytes` must hold at least
 * the header; `fileSize` is the whole file's length (default bytes.length). Errors name `source` (the file)
 * and the tensor.
 */
export function parseSafetensorsHeader(
  bytes: Uint8Array,
  source = 'buffer',
  fileSize = bytes.length,
): SafetensorsHeader {
  if (fileSize < 8 || bytes.length < 8)
    throw new Error(`${source}: ${fileSize} bytes is too short to be a safetensors file (it starts with 8 bytes).`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const big = view.getBigUint64(0, true);
  if (big > BigInt(MAX_HEADER_BYTES)) {
    throw new Error(
      `${source}: declares a header of ${big} bytes, above the format's limit of ${MAX_HEADER_BYTES}: not a ` +
        `safetensors file?`,
    );
  }
  const n = Number(big);
  if (8 + n > fileSize || 8 + n > bytes.length) {
    throw new Error(
      `${source}: declares a header of ${n} bytes but holds ${fileSize - 8} after the size: truncated, or not a ` +
        `safetensors file?`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new Error(`${source}: the header is not valid UTF-8: not a safetensors file?`);
  }
  // The specification says the header begins with '{'; the reference reader also skips leading spaces.
  if (!text.trimStart().startsWith('{')) {
    throw new Error(
      `${source}: the header must be a JSON object starting with '{'; it starts with ${describe(text.slice(0, 12))}.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: the header is not valid JSON: ${(e as Error).message}.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error(`${source}: the header must be a JSON object; got ${describe(json)}.`);
  const tensors = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new Error(`${source}: '__metadata__' must be an object of strings; got ${describe(value)}.`);
      for (const [k, m] of Object.entries(value)) {
        if (typeof m !== 'string')
          throw new Error(`${source}: '__metadata__.${k}' must be a string; got ${describe(m)}.`);
      }
      metadata = value as Record<string, string>;
      continue;
    }
    tensors.set(name, parseEntry(source, name, value));
  }
  // The byte buffer must be entirely indexed: tensors in offset order, each starting where the last ended.
  const order = [...tensors].sort(
    ([, x], [, y]) => x.dataOffsets[0] - y.dataOffsets[0] || x.dataOffsets[1] - y.dataOffsets[1],
  );
  let end = 0;
  let previous: string | undefined;
  for (const [name, t] of order) {
    const [b, e] = t.dataOffsets;
    if (b < end) {
      throw new Error(
        `${source}: tensor '${name}' (bytes ${b}..${e}) overlaps tensor '${previous}' (ending at ${end}).`,
      );
    }
    if (b > end) {
      throw new Error(
        `${source}: bytes ${end}..${b} of the data are not covered by any tensor (before tensor '${name}'); ` +
          `the format allows no holes.`,
      );
    }
    end = e;
    previous = name;
  }
  const dataBytes = fileSize - 8 - n;
  if (dataBytes < end) {
    throw new Error(
      `${source}: tensor '${previous}' ends at byte ${end} of the data but the file holds ${dataBytes}: ` +
        `truncated file?`,
    );
  }
  if (dataBytes > end) {
    throw new Error(
      `${source}: ${dataBytes - end} bytes after the last tensor${previous ? ` ('${previous}')` : ''} are not ` +
        `covered by any tensor; the format allows no holes.`,
    );
  }
  return { tensors, metadata, dataStart: 8 + n };
}

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/**
 * Decode one tensor's raw bytes into a Float32Array (float dtypes) or Int32Array (integer dtypes); errors
 * name `source`.
 */
export function decodeTensor(
  name: string,
  entry: SafetensorsEntry,
  raw: Uint8Array,
  source = 'decodeTensor',
): NamedArray {
  const count = product(entry.shape);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let data: Float32Array | Int32Array;
  switch (entry.dtype) {
    case 'F32': {
      data = new Float32Array(count);
      new Uint8Array(data.buffer).set(raw); // the file is little-endian, as is every platform Node runs on
      break;
    }
    case 'F64': {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat64(i * 8, true);
      break;
    }
    case 'F16': {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = f16ToF32(view.getUint16(i * 2, true));
      break;
    }
    case 'BF16': {
      const u = new Uint32Array(count);
      for (let i = 0; i < count; i++) u[i] = view.getUint16(i * 2, true) << 16;
      data = new Float32Array(u.buffer);
      break;
    }
    case 'I32': {
      data = new Int32Array(count);
      new Uint8Array(data.buffer).set(raw);
      break;
    }
    case 'I64': {
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v > 2147483647n || v < -2147483648n)
          throw new Error(`${source}: I64 tensor '${name}' holds ${v}, outside int32.`);
        data[i] = Number(v);
      }
      break;
    }
    case 'I8': {
      data = Int32Array.from(new Int8Array(raw.buffer, raw.byteOffset, count));
      break;
    }
    case 'U16': {
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getUint16(i * 2, true);
      break;
    }
    case 'U8':
    case 'BOOL': {
      data = Int32Array.from(raw.subarray(0, count));
      break;
    }
  }
  return { name, dtype: entry.dtype, shape: [...entry.shape], data };
}

/** Decode every tensor of an in-memory safetensors file. */
export function decodeSafetensors(
  bytes: Uint8Array,
  source = 'buffer',
): { arrays: Map<string, NamedArray>; metadata: Record<string, string> } {
  const header = parseSafetensorsHeader(bytes, source);
  const arrays = new Map<string, NamedArray>();
  for (const [name, entry] of header.tensors) {
    const [b, e] = entry.dataOffsets; // within the file: the header check saw the data cover every tensor
    arrays.set(name, decodeTensor(name, entry, bytes.subarray(header.dataStart + b, header.dataStart + e), source));
  }
  return { arrays, metadata: header.metadata };
}

/** Read all tensors of a safetensors file (float dtypes as Float32Array, integer ones as Int32Array). */
export async function readSafetensors(path: string): Promise<Map<string, NamedArray>> {
  return decodeSafetensors(new Uint8Array(await readFile(path)), path).arrays;
}

/** Read only the header (names, dtypes, shapes, metadata) without reading tensor data. */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(8);
    await fh.read(head, 0, 8, 0);
    // Read no more than the file and the format allow; parseSafetensorsHeader reports what is wrong.
    const n = size < 8 ? 0 : Number(head.readBigUInt64LE(0));
    const all = Buffer.alloc(Math.min(8 + Math.min(n, MAX_HEADER_BYTES), Math.max(size, 8)));
    await fh.read(all, 0, all.length, 0);
    return parseSafetensorsHeader(new Uint8Array(all.buffer, all.byteOffset, all.byteLength), path, size);
  } finally {
    await fh.close();
  }
}

/** Serialise tensors (F32, I32, U16) into safetensors bytes. Tensors are stored sorted by name, like the Python
 * library. */
export function encodeSafetensors(
  arrays: WritableArray[] | Map<string, WritableArray>,
  metadata?: Record<string, string>,
): Uint8Array {
  const list = [...(arrays instanceof Map ? arrays.values() : arrays)].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string')
        throw new Error(`encodeSafetensors: 'metadata.${k}' must be a string; got ${typeof v}.`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  const seen = new Set<string>();
  for (const a of list) {
    if (seen.has(a.name)) throw new Error(`encodeSafetensors: tensor name '${a.name}' appears twice.`);
    seen.add(a.name);
    const want = a.data instanceof Float32Array ? 'F32' : a.data instanceof Uint16Array ? 'U16' : 'I32';
    if (a.dtype !== 'F32' && a.dtype !== 'I32' && a.dtype !== 'U16') {
      throw new Error(
        `encodeSafetensors: tensor '${a.name}' has dtype '${a.dtype}'; only F32, I32 and U16 can be written.`,
      );
    }
    if (a.dtype !== want)
      throw new Error(
        `encodeSafetensors: tensor '${a.name}' says dtype ${a.dtype} but holds a ${a.data.constructor.name}.`,
      );
    if (product(a.shape) !== a.data.length) {
      throw new Error(
        `encodeSafetensors: tensor '${a.name}' has shape [${a.shape}] (${product(a.shape)} values) but ` +
          `${a.data.length} values.`,
      );
    }
    header[a.name] = { dtype: a.dtype, shape: a.shape, data_offsets: [offset, offset + a.data.byteLength] };
    offset += a.data.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data section starts 8-byte aligned, as the Python library does.
  const enc = new TextEncoder();
  let jsonBytes = enc.encode(json);
  const pad = (8 - ((8 + jsonBytes.length) % 8)) % 8;
  if (pad > 0) {
    json += ' '.repeat(pad);
    jsonBytes = enc.encode(json);
  }
  const out = new Uint8Array(8 + jsonBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(jsonBytes.length), true);
  out.set(jsonBytes, 8);
  let pos = 8 + jsonBytes.length;
  for (const a of list) {
    out.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), pos);
    pos += a.data.byteLength;
  }
  return out;
}

/** Write tensors to `path` atomically (a temp file in the same folder, then rename). */
export async function writeSafetensors(
  path: string,
  arrays: WritableArray[] | Map<string, WritableArray>,
  metadata?: Record<string, string>,
): Promise<void> {
  const bytes = encodeSafetensors(arrays, metadata);
  await writeFileAtomic(path, bytes);
}

/** Names of writeFileAtomic's temporary files, `.<name>.<pid>.<ms>.tmp` (groups: name, writer's pid, time). */
export const ATOMIC_TEMP_FILE = /^\.(.+)\.(\d+)\.(\d+)\.tmp$/;

/** The temporary file writeFileAtomic writes beside `path` before renaming it (matches ATOMIC_TEMP_FILE). */
export function atomicTempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
}

/** Write a file atomically: temp file beside it (atomicTempPath), then rename over it. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = atomicTempPath(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
