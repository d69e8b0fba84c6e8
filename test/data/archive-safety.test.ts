/**
 * Archive safety for `npm run data` (issue 13, case 16): the checksum is always applied when given,
 * ambiguous archives and files that are not the dataset are refused, plain http without a checksum is
 * warned, unpacking and downloading stop at a size limit, and no partial file is ever left behind.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import AdmZip from 'adm-zip';
import { acquireDataset } from '../../lib/data/acquire';
import { sha256Hex } from '../../lib/io/hash';

const dir = mkdtempSync(join(tmpdir(), 'siamese-archive-'));
const body = '{"category": "A", "headline": "x"}\n{"category": "B", "headline": "y"}\n';
const other = '{"category": "C", "headline": "z"}\n{"category": "D", "headline": "w"}\n';
const quiet = () => {};
let n = 0;

function src(name: string, content: string | Buffer): string {
  const p = join(dir, `${n++}-${name}`);
  writeFileSync(p, content);
  return p;
}
function zipOf(entries: [string, string | Buffer][]): Buffer {
  const zip = new AdmZip();
  for (const [name, content] of entries) zip.addFile(name, Buffer.from(content));
  return zip.toBuffer();
}
/** A fresh output folder; after a failure it must hold nothing (no .partial file). */
function out(): string {
  return join(dir, `out-${n++}`);
}
function leftovers(folder: string): string[] {
  return existsSync(folder) ? readdirSync(folder) : [];
}

describe('archive safety: checksums, ambiguity, content, size limits, no partial files', () => {
  test('a zip with two same-named JSON entries is refused as ambiguous, whatever --sha256 says (was: exit 0)', async () => {
    const p = src(
      'dup.zip',
      zipOf([
        ['a/data.json', body],
        ['b/data.json', other],
      ]),
    );
    const o = out();
    await assert.rejects(
      acquireDataset({ from: p, outDir: o, sha256: 'ab'.repeat(32), log: quiet }),
      /the archive holds 2 candidate dataset files \(a\/data\.json, b\/data\.json\); which one is meant is ambiguous/,
    );
    assert.deepEqual(leftovers(o), []);
  });

  test('the checksum is applied to a zip with one entry: a wrong one is refused, with no partial file', async () => {
    const zip = zipOf([['News.json', body]]);
    const p = src('one.zip', zip);
    const o = out();
    await assert.rejects(
      acquireDataset({ from: p, outDir: o, sha256: 'cd'.repeat(32), log: quiet }),
      new RegExp(`SHA-256 is ${sha256Hex(Buffer.from(body))} \\(the archive's: ${sha256Hex(zip)}\\), expected`),
    );
    assert.deepEqual(leftovers(o), []);
    // The digest of the archive or of the file inside are both accepted.
    for (const digest of [sha256Hex(zip), sha256Hex(Buffer.from(body)).toUpperCase()]) {
      const ok = out();
      const { files } = await acquireDataset({ from: p, outDir: ok, sha256: digest, log: quiet });
      assert.deepEqual(files, [join(ok, 'News.json')]);
      assert.deepEqual(leftovers(ok), ['News.json']);
    }
  });

  test('a file that is not the dataset (/etc/passwd-like) is refused naming file:line (was: "25 records, 0 categories")', async () => {
    const p = src('passwd', 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n');
    const o = out();
    await assert.rejects(acquireDataset({ from: p, outDir: o, log: quiet }), (e: Error) =>
      e.message.startsWith(`${p}:1: not a HuffPost News Category record`),
    );
    assert.deepEqual(leftovers(o), []);
  });

  test('variant: JSON lines of another schema, or of one category, are not the dataset either', async () => {
    await assert.rejects(
      acquireDataset({ from: src('other.jsonl', '{"label": "a", "text": "b"}\n'), outDir: out(), log: quiet }),
      /:1: not a HuffPost News Category record/,
    );
    await assert.rejects(
      acquireDataset({ from: src('one.jsonl', '{"category": "A", "headline": "x"}\n'), outDir: out(), log: quiet }),
      /1 records in 1 categories: this is not the dataset/,
    );
  });

  test('a zip bomb stops at the limit while unpacking, whether its directory says so or lies', async () => {
    const big = Buffer.alloc(5 * 2 ** 20, 0x20); // 5 MB of spaces packs to a few KB
    const zip = zipOf([['News.json', big]]);
    assert.ok(zip.length < 64 * 1024);
    const o = out();
    await assert.rejects(
      acquireDataset({ from: src('bomb.zip', zip), outDir: o, maxBytes: 2 ** 20, log: quiet }),
      /'News\.json' declares 5 MB unpacked, above the 1 MB limit: refused/,
    );
    // Forge the central directory's uncompressed size (offset 24 of the entry) to 100 bytes.
    const liar = Buffer.from(zip);
    const cen = liar.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    liar.writeUInt32LE(100, cen + 24);
    await assert.rejects(
      acquireDataset({ from: src('liar.zip', liar), outDir: o, maxBytes: 2 ** 20, log: quiet }),
      /unpacks to more than 1 MB although it declares 100 bytes: refused \(stopped at the limit\)/,
    );
    assert.deepEqual(leftovers(o), []);
  });

  test('variant: a local file above the limit is refused before it is read', async () => {
    await assert.rejects(
      acquireDataset({
        from: src('huge.json', Buffer.alloc(3 * 2 ** 20)),
        outDir: out(),
        maxBytes: 2 ** 20,
        log: quiet,
      }),
      /3\.0 MB, above the 1\.0 MB limit for the dataset/,
    );
  });

  test('variant: macOS resource forks are not candidates; a path in the entry name never leaves the folder', async () => {
    const p = src(
      'mac.zip',
      zipOf([
        ['../../evil/News.json', body],
        ['__MACOSX/../._News.json', 'junk'],
        ['._x.json', 'junk'],
      ]),
    );
    const o = out();
    const { files } = await acquireDataset({ from: p, outDir: o, log: quiet });
    assert.deepEqual(files, [join(o, 'News.json')]);
    assert.deepEqual(leftovers(o), ['News.json']);
  });

  test('variant: a malformed --sha256 and --from with --url are usage errors', async () => {
    await assert.rejects(
      acquireDataset({ from: 'x', sha256: 'xyz', log: quiet }),
      /--sha256 must be 64 hexadecimal digits; got 'xyz'/,
    );
    await assert.rejects(
      acquireDataset({ from: 'x', url: 'https://e.org/a', log: quiet }),
      /either --from or --url, not both/,
    );
  });
});

describe('archive safety: downloads', () => {
  let server: Server;
  let base = '';
  const ready = new Promise<void>((resolve) => {
    server = createServer((req, res) => {
      if (req.url === '/big.json') {
        res.writeHead(200); // no content-length: the cap must hold while streaming
        for (let i = 0; i < 40; i++) res.write(Buffer.alloc(64 * 1024, 0x20));
        res.end();
      } else res.end(body);
    }).listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve();
    });
  });
  after(() => server.close());

  test('plain http without --sha256 is fetched with a warning; with --sha256, silently', async () => {
    await ready;
    const lines: string[] = [];
    await acquireDataset({ url: `${base}/News.json`, outDir: out(), log: (s) => lines.push(s) });
    assert.ok(
      lines.some((l) =>
        /^warning: http:\/\/127\.0\.0\.1:\d+\/News\.json is plain http and no --sha256 is given/.test(l),
      ),
      lines.join('\n'),
    );
    const quietLines: string[] = [];
    await acquireDataset({
      url: `${base}/News.json`,
      outDir: out(),
      sha256: sha256Hex(Buffer.from(body)),
      log: (s) => quietLines.push(s),
    });
    assert.ok(!quietLines.some((l) => l.startsWith('warning')));
  });

  test('variant: a download above the limit stops while streaming, writing nothing', async () => {
    await ready;
    const o = out();
    await assert.rejects(
      acquireDataset({ url: `${base}/big.json`, outDir: o, maxBytes: 2 ** 20, log: quiet }),
      /sends more than 1\.0 MB, the limit for the dataset: refused/,
    );
    assert.deepEqual(leftovers(o), []);
  });
});
