/**
 * The safetensors format (https://github.com/huggingface/safetensors), read and written by hand:
 * no maintained npm library does it (npm `safetensors` is an abandoned 0.0.1; `@huggingface/hub`
 * only parses remote headers).
 *
 * Layout: 8-byte little-endian u64 N, then N bytes of UTF-8 JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {str: str} }`,
 * then the raw little-endian tensor bytes (offsets relative to the end of the header).
 *
 * Reading: F32, F16, BF16 (widened to Float32Array), I32, I64 (narrowed to Int32Array; values
 * outside int32 are an error), I8/U8/BOOL (Int32Array). Writing: F32 and I32.
 */
import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'I32' | 'I64' | 'I8' | 'U8' | 'BOOL' | 'F64';

/** One named tensor: `dtype` is the dtype in the file; `data` is widened to F32 / I32 in memory. */
export interface NamedArray {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array | Int32Array;
}

/** Header entry of one tensor, as stored. */
export interface SafetensorsEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  tensors: Map<string, SafetensorsEntry>;
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
  BOOL: 1,
};

function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Parse the header of a safetensors buffer (`bytes` must hold at least the header). */
export function parseSafetensorsHeader(bytes: Uint8Array, source = 'buffer'): SafetensorsHeader {
  if (bytes.length < 8)
    throw new Error(
      `parseSafetensorsHeader: '${source}' is too short (${bytes.length} bytes) to be a safetensors file.`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > 100_000_000 || 8 + n > bytes.length) {
    throw new Error(
      `parseSafetensorsHeader: '${source}' declares a header of ${n} bytes but has ${bytes.length - 8}; not a ` +
        `safetensors file?`,
    );
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`parseSafetensorsHeader: '${source}' has an invalid JSON header: ${(e as Error).message}`);
  }
  const tensors = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') {
      metadata = (value ?? {}) as Record<string, string>;
      continue;
    }
    const v = value as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (!(v.dtype in BYTES)) {
      throw new Error(
        `parseSafetensorsHeader: tensor '${name}' in '${source}' has dtype '${v.dtype}'; supported: ` +
          `${Object.keys(BYTES).join(', ')}.`,
      );
    }
    const dtype = v.dtype as SafetensorsDtype;
    const [b, e] = v.data_offsets;
    if (e - b !== product(v.shape) * BYTES[dtype]) {
      throw new Error(
        `parseSafetensorsHeader: tensor '${name}' in '${source}' spans ${e - b} bytes but shape [${v.shape}] of ` +
          `${dtype} needs ${product(v.shape) * BYTES[dtype]}.`,
      );
    }
    tensors.set(name, { dtype, shape: [...v.shape], dataOffsets: [b, e] });
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

/** Decode one tensor's raw bytes into a Float32Array (float dtypes) or Int32Array (integer dtypes). */
export function decodeTensor(name: string, entry: SafetensorsEntry, raw: Uint8Array): NamedArray {
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
          throw new Error(`decodeTensor: I64 tensor '${name}' holds ${v}, outside int32.`);
        data[i] = Number(v);
      }
      break;
    }
    case 'I8': {
      data = Int32Array.from(new Int8Array(raw.buffer, raw.byteOffset, count));
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
    const [b, e] = entry.dataOffsets;
    if (header.dataStart + e > bytes.length) {
      throw new Error(
        `decodeSafetensors: tensor '${name}' ends at byte ${header.dataStart + e} but '${source}' has ` +
          `${bytes.length}; truncated file?`,
      );
    }
    arrays.set(name, decodeTensor(name, entry, bytes.subarray(header.dataStart + b, header.dataStart + e)));
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
    const head = Buffer.alloc(8);
    await fh.read(head, 0, 8, 0);
    const n = Number(head.readBigUInt64LE(0));
    const { size } = await fh.stat();
    if (n > 100_000_000 || 8 + n > size)
      throw new Error(
        `readSafetensorsHeader: '${path}' declares a header of ${n} bytes but has ${size - 8}; not a safetensors file?`,
      );
    const all = Buffer.alloc(8 + n);
    await fh.read(all, 0, 8 + n, 0);
    return parseSafetensorsHeader(new Uint8Array(all.buffer, all.byteOffset, all.byteLength), path);
  } finally {
    await fh.close();
  }
}

/** Serialise tensors (F32/I32 only) into safetensors bytes. Tensors are stored sorted by name, like the Python
 * library. */
export function encodeSafetensors(
  arrays: NamedArray[] | Map<string, NamedArray>,
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
    const want = a.data instanceof Float32Array ? 'F32' : 'I32';
    if (a.dtype !== 'F32' && a.dtype !== 'I32') {
      throw new Error(`encodeSafetensors: tensor '${a.name}' has dtype '${a.dtype}'; only F32 and I32 can be written.`);
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
  arrays: NamedArray[] | Map<string, NamedArray>,
  metadata?: Record<string, string>,
): Promise<void> {
  const bytes = encodeSafetensors(arrays, metadata);
  await writeFileAtomic(path, bytes);
}

/** Write a file atomically: temp file beside it, then rename over it. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
