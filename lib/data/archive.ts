/**
 * Taking the dataset file out of a downloaded zip safely: one unambiguous candidate, and never more than
 * a size cap unpacked (a 1 MB zip can hold 1 GB of zeros). adm-zip reads the archive's directory; the
 * entry is inflated here with zlib's `maxOutputLength`, because adm-zip's getData() inflates all of it
 * into memory whatever it declares.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { basename } from 'node:path';
import AdmZip from 'adm-zip';

/** A zip starts with a local file header: "PK\x03\x04". */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Entries that can be the dataset: .json/.jsonl files, not macOS resource forks (`__MACOSX/`, `._name`). */
function isCandidate(e: AdmZip.IZipEntry): boolean {
  const name = e.entryName.replace(/\\/g, '/');
  return (
    !e.isDirectory &&
    /\.jsonl?$/i.test(name) &&
    !name.split('/').includes('__MACOSX') &&
    !basename(name).startsWith('._')
  );
}

const mb = (n: number) => (n < 2 ** 20 ? `${n} bytes` : `${(n / 2 ** 20).toFixed(0)} MB`);

/**
 * The one dataset file in the zip `bytes` (named `source` in errors), unpacked to at most `maxBytes`.
 * Refuses an archive with no candidate or with several (e.g. `a/data.json` and `b/data.json`: which one
 * is the dataset?), an encrypted entry or an unknown compression method, an entry that declares or
 * inflates to more than `maxBytes` (stopped at the cap, not after), and one whose CRC-32 does not match.
 */
export function datasetFromZip(
  bytes: Buffer,
  source: string,
  maxBytes: number,
): { name: string; data: Buffer; entries: string[] } {
  let zip: AdmZip;
  try {
    zip = new AdmZip(bytes);
  } catch (e) {
    throw new Error(`${source}: not a readable zip archive: ${(e as Error).message}.`);
  }
  const all = zip.getEntries();
  const candidates = all.filter(isCandidate);
  if (candidates.length === 0) {
    const names = all.map((e) => e.entryName).slice(0, 10);
    throw new Error(
      `${source}: the archive holds no .json/.jsonl file (entries: ${names.join(', ') || 'none'}); the dataset ` +
        `is a JSON-lines file.`,
    );
  }
  if (candidates.length > 1) {
    throw new Error(
      `${source}: the archive holds ${candidates.length} candidate dataset files ` +
        `(${candidates.map((e) => e.entryName).join(', ')}); which one is meant is ambiguous: unpack the one you ` +
        `want and pass it with --from.`,
    );
  }
  const entry = candidates[0];
  const where = `${source}: '${entry.entryName}'`;
  const h = entry.header;
  if (h.encripted) throw new Error(`${where} is encrypted; unpack it yourself and pass it with --from.`);
  if (h.size > maxBytes) {
    throw new Error(`${where} declares ${mb(h.size)} unpacked, above the ${mb(maxBytes)} limit: refused.`);
  }
  const packed = entry.getCompressedData();
  let data: Buffer;
  if (h.method === 0) data = packed;
  else if (h.method === 8) {
    try {
      data = inflateRawSync(packed, { maxOutputLength: maxBytes });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
        throw new Error(
          `${where} unpacks to more than ${mb(maxBytes)} although it declares ${mb(h.size)}: refused (stopped at ` +
            `the limit).`,
        );
      }
      throw new Error(`${where} cannot be unpacked: ${(e as Error).message}.`);
    }
  } else {
    throw new Error(`${where} uses compression method ${h.method}; only stored (0) and deflate (8) are read.`);
  }
  if (data.length !== h.size || crc32(data) >>> 0 !== h.crc >>> 0) {
    throw new Error(`${where} is corrupt: its size or CRC-32 does not match the archive's directory.`);
  }
  return { name: basename(entry.entryName), data, entries: all.map((e) => e.entryName) };
}
