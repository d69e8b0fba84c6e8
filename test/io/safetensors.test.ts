import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  readSafetensorsHeader,
  writeSafetensors,
  type NamedArray,
} from '../../lib/io/safetensors';

const FIX = join(import.meta.dirname, '..', 'fixtures');

/** Build a safetensors file by hand (independent of encodeSafetensors) for dtypes we only read. */
function handMade(
  entries: { name: string; dtype: string; shape: number[]; bytes: Uint8Array }[],
  meta?: object,
): Uint8Array {
  const header: Record<string, unknown> = meta ? { __metadata__: meta } : {};
  let off = 0;
  for (const e of entries) {
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [off, off + e.bytes.length] };
    off += e.bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let p = 8 + json.length;
  for (const e of entries) {
    out.set(e.bytes, p);
    p += e.bytes.length;
  }
  return out;
}

describe('safetensors', () => {
  test('reads the tiny-albert fixture: names, shapes, finite F32 values', async () => {
    const arrays = await readSafetensors(join(FIX, 'tiny-albert', 'model.safetensors'));
    const w = arrays.get('embeddings.word_embeddings.weight');
    assert.ok(w, 'word embeddings present');
    assert.deepEqual(w.shape, [30000, 16]);
    assert.equal(w.dtype, 'F32');
    assert.equal(w.data.length, 30000 * 16);
    assert.ok(w.data.every(Number.isFinite));
    // Random init (std 0.02): values are small but not all zero.
    assert.ok(w.data.some((v) => v !== 0));
  });

  test('write then read round-trips F32 and I32 exactly, with metadata, sorted and 8-byte aligned', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'st-'));
    try {
      const arrays: NamedArray[] = [
        { name: 'b.weight', dtype: 'F32', shape: [2, 3], data: new Float32Array([1.5, -2, 3e-8, Math.PI, -0, 1e30]) },
        { name: 'a.ids', dtype: 'I32', shape: [4], data: new Int32Array([0, -1, 2147483647, -2147483648]) },
        { name: 'scalar', dtype: 'F32', shape: [], data: new Float32Array([7]) },
      ];
      const path = join(dir, 'x.safetensors');
      await writeSafetensors(path, arrays, { format: 'pt' });
      const back = await readSafetensors(path);
      assert.deepEqual([...back.keys()], ['a.ids', 'b.weight', 'scalar']);
      for (const a of arrays) {
        const b = back.get(a.name)!;
        assert.equal(b.dtype, a.dtype);
        assert.deepEqual(b.shape, a.shape);
        assert.deepEqual(Array.from(b.data), Array.from(a.data));
      }
      const header = await readSafetensorsHeader(path);
      assert.deepEqual(header.metadata, { format: 'pt' });
      assert.equal(header.dataStart % 8, 0);
      // No temp file is left behind.
      assert.deepEqual(await readdir(dir), ['x.safetensors']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('re-encoding the tiny-bert fixture reproduces its tensors bit for bit', async () => {
    const bytes = new Uint8Array(await readFile(join(FIX, 'tiny-bert', 'model.safetensors')));
    const { arrays } = decodeSafetensors(bytes);
    const again = decodeSafetensors(encodeSafetensors(arrays)).arrays;
    assert.equal(again.size, arrays.size);
    for (const [k, a] of arrays)
      assert.deepEqual(Buffer.from(again.get(k)!.data.buffer), Buffer.from(a.data.buffer), k);
  });

  test('reads F16, BF16 and I64 into F32/I32', () => {
    const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3555, 0x0001, 0x7c00]).buffer); // 1, -2, ~0.33325, 2^-24, inf
    const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0xc040, 0x3eaa]).buffer); // 1, -3, 0.33203125
    const i64 = new Uint8Array(new BigInt64Array([5n, -7n, 2147483647n]).buffer);
    const bytes = handMade(
      [
        { name: 'h', dtype: 'F16', shape: [5], bytes: f16 },
        { name: 'b', dtype: 'BF16', shape: [3], bytes: bf16 },
        { name: 'l', dtype: 'I64', shape: [3], bytes: i64 },
      ],
      { k: 'v' },
    );
    const { arrays, metadata } = decodeSafetensors(bytes);
    assert.deepEqual(metadata, { k: 'v' });
    const h = Array.from(arrays.get('h')!.data);
    assert.deepEqual([h[0], h[1], h[3], h[4]], [1, -2, 2 ** -24, Infinity]);
    assert.ok(Math.abs(h[2] - 0.33325195) < 1e-7, `f16 0x3555 -> ${h[2]}`);
    assert.deepEqual(Array.from(arrays.get('b')!.data), [1, -3, 0.33203125]);
    const l = arrays.get('l')!;
    assert.ok(l.data instanceof Int32Array);
    assert.deepEqual(Array.from(l.data), [5, -7, 2147483647]);
  });

  test('rejects I64 values outside int32, bad sizes, unknown dtypes and garbage', async () => {
    const big = handMade([
      { name: 'l', dtype: 'I64', shape: [1], bytes: new Uint8Array(new BigInt64Array([2n ** 40n]).buffer) },
    ]);
    assert.throws(() => decodeSafetensors(big), /I64 tensor 'l' holds 1099511627776, outside int32/);
    const bad = handMade([{ name: 'w', dtype: 'F32', shape: [3], bytes: new Uint8Array(8) }]);
    assert.throws(() => decodeSafetensors(bad), /tensor 'w' spans 8 bytes but shape \[3\] of F32 needs 12/);
    const odd = handMade([{ name: 'q', dtype: 'Q4', shape: [1], bytes: new Uint8Array(1) }]);
    assert.throws(() => decodeSafetensors(odd), /tensor 'q' has dtype "Q4"/);
    const dir = await mkdtemp(join(tmpdir(), 'st-'));
    try {
      const p = join(dir, 'junk.safetensors');
      await writeFile(p, 'this is not a safetensors file at all');
      await assert.rejects(readSafetensors(p), /junk.safetensors: declares a header of \d+ bytes/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('writing refuses mismatched shape/data and unwritable dtypes', () => {
    assert.throws(
      () => encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [2, 2], data: new Float32Array(3) }]),
      /tensor 'w' has shape \[2,2\] \(4 values\) but 3 values/,
    );
    assert.throws(
      () => encodeSafetensors([{ name: 'w', dtype: 'F16', shape: [1], data: new Float32Array(1) }]),
      /only F32, I32 and U16 can be written/,
    );
    assert.throws(
      () => encodeSafetensors([{ name: 'w', dtype: 'I32', shape: [1], data: new Float32Array(1) }]),
      /says dtype I32 but holds a Float32Array/,
    );
    assert.throws(
      () => encodeSafetensors([{ name: 'w', dtype: 'I32', shape: [1], data: new Uint16Array(1) } as never]),
      /says dtype I32 but holds a Uint16Array/,
    );
  });

  test("U16 (token ids): reads the reference library's file, writes the same bytes, widened to Int32Array", async () => {
    const golden = new Uint8Array(await readFile(new URL('../fixtures/u16.safetensors', import.meta.url)));
    const { arrays, metadata } = decodeSafetensors(golden);
    assert.deepEqual(Array.from(arrays.get('ids')!.data), [0, 1, 2, 30521, 65535]);
    assert.equal(arrays.get('ids')!.dtype, 'U16');
    const ours = encodeSafetensors(
      [
        { name: 'ids', dtype: 'U16', shape: [5], data: Uint16Array.from([0, 1, 2, 30521, 65535]) },
        { name: 'offsets', dtype: 'I32', shape: [3], data: Int32Array.from([0, 2, 5]) },
      ],
      metadata,
    );
    // The same tensors (the Python library lays out the data by dtype alignment, ours by name).
    assert.deepEqual(decodeSafetensors(ours).arrays, arrays);
  });

  test('U16 (token ids) round-trips, read back widened to Int32Array', () => {
    const ids = Uint16Array.from([0, 1, 2, 30521, 65535]);
    const bytes = encodeSafetensors([{ name: 'ids', dtype: 'U16', shape: [5], data: ids }]);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(bytes[0]))));
    assert.deepEqual(header.ids, { dtype: 'U16', shape: [5], data_offsets: [0, 10] });
    const back = decodeSafetensors(bytes).arrays.get('ids')!;
    assert.ok(back.data instanceof Int32Array);
    assert.deepEqual(Array.from(back.data), [0, 1, 2, 30521, 65535]);
  });
});
