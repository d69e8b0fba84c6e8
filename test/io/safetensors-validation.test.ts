/**
 * Safetensors validation (issue 13, case 15): every header the reference reader (safetensors 0.8.0,
 * test/fixtures/safetensors_validation.json from scripts/goldens/safetensors_validation.py) rejects is
 * rejected here too, and what it loads loads here, with errors naming the file and the tensor.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors, readSafetensorsHeader } from '../../lib/io/safetensors';

interface Case {
  name: string;
  tensor: string | null;
  bytes: string;
  python_error: string | null;
}
const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'safetensors_validation.json'), 'utf8'),
) as { cases: Case[] };
const dir = mkdtempSync(join(tmpdir(), 'st-validation-'));

describe('safetensors validation: the same verdict as the reference reader, with file and tensor named', () => {
  golden.cases.forEach((c, i) => {
    test(`${c.name}: ${c.python_error === null ? 'loads' : 'rejected'}`, async () => {
      const path = join(dir, `case${i}.safetensors`);
      writeFileSync(path, Buffer.from(c.bytes, 'base64'));
      if (c.python_error === null) {
        const arrays = await readSafetensors(path);
        assert.ok(arrays.size >= 1);
        return;
      }
      for (const read of [readSafetensors, readSafetensorsHeader]) {
        await assert.rejects(read(path), (e: Error) => {
          assert.ok(e.message.startsWith(`${path}: `), e.message);
          if (c.tensor !== null) assert.ok(e.message.includes(`'${c.tensor}'`), e.message);
          assert.ok(!(e instanceof TypeError), `a raw TypeError: ${e.message}`);
          return true;
        });
      }
    });
  });

  test('the messages say what is wrong (null header, overlap, hole, fractional shape)', async () => {
    const message = async (name: string) => {
      const i = golden.cases.findIndex((c) => c.name === name);
      const path = join(dir, `case${i}.safetensors`);
      writeFileSync(path, Buffer.from(golden.cases[i].bytes, 'base64'));
      return readSafetensors(path).then(
        () => '',
        (e: Error) => e.message.slice(path.length + 2),
      );
    };
    assert.equal(
      await message('null header'),
      `the header must be a JSON object starting with '{'; it starts with "null".`,
    );
    assert.equal(await message('overlapping tensors'), "tensor 'b' (bytes 4..12) overlaps tensor 'a' (ending at 8).");
    assert.match(await message('hole between tensors'), /^bytes 8\.\.12 of the data are not covered by any tensor/);
    assert.match(
      await message('fractional shape'),
      /^tensor 'a' has shape \[1\.5\]; a shape is a list of non-negative integers\.$/,
    );
    assert.match(
      await message('bytes after the last tensor'),
      /^4 bytes after the last tensor \('a'\) are not covered/,
    );
  });
});
