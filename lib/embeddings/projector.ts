/**
 * Export for the TensorBoard Embedding Projector (projector.tensorflow.org,
 * "Load" → vectors + metadata): `vectors.tsv` holds one tab-separated vector
 * per line, no header; `metadata.tsv` one row per vector, with a header line
 * when there are two or more columns (the projector reads a single column
 * without a header). Tabs and line breaks inside values become spaces, since
 * the format has no escaping.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkVectors, type Vectors } from './vectors';

/** One vector's metadata columns (column name -> value), e.g. `{ label: 'SPORTS', text: '…' }`. */
export type MetadataRow = Readonly<Record<string, string | number>>;

/** A metadata value made safe for one TSV cell. */
export function tsvCell(value: string | number): string {
  return String(value).replace(/\r\n|[\t\n\r]/g, ' ');
}

/** The two TSV texts; `metadata` is one label per vector or one row object per vector. */
export function projectorTsv(
  vectors: Vectors,
  metadata: readonly string[] | readonly MetadataRow[],
  options: { digits?: number } = {},
): { vectorsTsv: string; metadataTsv: string } {
  const fn = 'projectorTsv';
  checkVectors(fn, 'vectors', vectors);
  if (!Array.isArray(metadata) || metadata.length !== vectors.length) {
    throw new Error(
      `${fn}: 'metadata' must have one entry per vector (${vectors.length}); got ` +
        `${Array.isArray(metadata) ? metadata.length : typeof metadata}.`,
    );
  }
  const digits = options.digits ?? 6;
  const vectorsTsv =
    vectors.map((v) => Array.from(v, (x) => Number(x.toPrecision(digits))).join('\t')).join('\n') + '\n';
  let lines: string[];
  if (metadata.every((m) => typeof m === 'string' || typeof m === 'number')) {
    lines = (metadata as readonly (string | number)[]).map(tsvCell);
  } else {
    const rows = metadata as readonly MetadataRow[];
    const columns = Object.keys(rows[0]);
    if (columns.length === 0) throw new Error(`${fn}: metadata rows must have at least one column; got {}.`);
    rows.forEach((r, i) => {
      const keys = Object.keys(r);
      if (keys.length !== columns.length || keys.some((k) => !columns.includes(k))) {
        throw new Error(
          `${fn}: every metadata row must have the columns ${JSON.stringify(columns)}; got ${JSON.stringify(keys)} ` +
            `at row ${i}.`,
        );
      }
    });
    const body = rows.map((r) => columns.map((c) => tsvCell(r[c])).join('\t'));
    lines = columns.length === 1 ? body : [columns.map(tsvCell).join('\t'), ...body];
  }
  return { vectorsTsv, metadataTsv: lines.join('\n') + '\n' };
}

/** Write `vectors.tsv` and `metadata.tsv` into `dir` (created if needed); returns their paths. */
export async function writeProjectorFiles(
  dir: string,
  vectors: Vectors,
  metadata: readonly string[] | readonly MetadataRow[],
  options: { digits?: number } = {},
): Promise<{ vectorsPath: string; metadataPath: string }> {
  const { vectorsTsv, metadataTsv } = projectorTsv(vectors, metadata, options);
  await mkdir(dir, { recursive: true });
  const vectorsPath = join(dir, 'vectors.tsv');
  const metadataPath = join(dir, 'metadata.tsv');
  await writeFile(vectorsPath, vectorsTsv);
  await writeFile(metadataPath, metadataTsv);
  return { vectorsPath, metadataPath };
}
