import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AdmZip from 'adm-zip';
import { acquireDataset, verifyDatasetFile } from '../../lib/data/acquire';
import { sha256Hex as sha256 } from '../../lib/io/hash';

const dir = mkdtempSync(join(tmpdir(), 'siamese-acquire-'));
const body = '{"category": "A", "headline": "x"}\n{"category": "B", "headline": "y"}\n';
const quiet = () => {};

test('a local file is copied and verified by SHA-256', async () => {
  const src = join(dir, 'mine.json');
  writeFileSync(src, body);
  const { files } = await acquireDataset({
    from: src,
    outDir: join(dir, 'out'),
    sha256: sha256(Buffer.from(body)),
    log: quiet,
  });
  assert.equal(readFileSync(files[0], 'utf8'), body);
});

test('a wrong SHA-256 fails and names both digests', async () => {
  const src = join(dir, 'mine2.json');
  writeFileSync(src, body);
  await assert.rejects(
    acquireDataset({ from: src, outDir: join(dir, 'out2'), sha256: 'ab'.repeat(32), log: quiet }),
    new RegExp(`SHA-256 is ${sha256(Buffer.from(body))}, expected ${'ab'.repeat(32)}`),
  );
});

test("a zip is unpacked; a file named like v2 must have v2's published record count", async () => {
  const zip = new AdmZip();
  zip.addFile('News_Category_Dataset_v2.json', Buffer.from(body));
  const src = join(dir, 'archive.zip');
  zip.writeZip(src);
  await assert.rejects(
    acquireDataset({ from: src, outDir: join(dir, 'out3'), log: quiet }),
    /2 records in 2 categories; the published News_Category_Dataset_v2\.json has 200853 in 41/,
  );
});

test('verifyDatasetFile counts records and categories', () => {
  const p = join(dir, 'count.jsonl');
  writeFileSync(p, body + '\n');
  assert.deepEqual(verifyDatasetFile(p), { sha256: sha256(Buffer.from(body + '\n')), records: 2, categories: 2 });
});
