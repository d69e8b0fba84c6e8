/**
 * The feature dump the experiments share with scikit-learn's peer fits (scripts/experiments/sklearn_heads.py,
 * sklearn_cv.py): `<base>.f32` holds the features [rows, cols] as little-endian float32, row-major; `<base>.json`
 * their shape, every text's label and the training and validation rows (dataset indices).
 */
import { writeFileSync } from 'node:fs';
import type { PreparedData } from '../../lib/pipeline/prepare';
import type { FeatureMatrix } from '../../lib/train/batches';

/** Write features `f` [rows, cols] of every text of `data` to `<base>.f32` and `<base>.json` (see the file comment). */
export function dumpFeatures(base: string, f: FeatureMatrix, data: PreparedData): void {
  writeFileSync(`${base}.f32`, Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength));
  writeFileSync(
    `${base}.json`,
    JSON.stringify({
      rows: f.rows,
      cols: f.cols,
      labels: Array.from(data.dataset.labels),
      train: Array.from(data.split.train),
      val: Array.from(data.split.val),
    }),
  );
}
