/**
 * Cleaning that drops more than half of the records is stated (issue 14): a warning naming the option, in the
 * prepared data's warnings (the log and report.json's `warnings`, as `data: …`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCleaning } from '../../lib/pipeline/checks';
import { configFromArgs } from '../../lib/pipeline/config';
import { prepareData } from '../../lib/pipeline/prepare';
import { tempDir } from './helpers';

test('--min-words that drops more than half of the records is a warning naming the option and the counts', () => {
  assert.deepEqual(checkCleaning({ recordsRead: 1200, skipped: [], droppedShort: 1082 }, { minWords: 10 }), [
    '--min-words 10 dropped 1,082 of 1,200 records (90%), keeping 118: they have fewer than 10 words (short texts ' +
      'such as headlines); --min-words 0 keeps every text.',
  ]);
  assert.deepEqual(checkCleaning({ recordsRead: 1200, skipped: [], droppedShort: 600 }, { minWords: 10 }), []);
  assert.match(
    checkCleaning({ recordsRead: 40, skipped: new Array(60), droppedShort: 0 }, { minWords: 0 })[0],
    /^--on-invalid skip dropped 60 of 100 records \(60%\) as unusable/,
  );
});

test('prepareData carries the warning (so the run logs it and report.json keeps it)', () => {
  const dir = tempDir('cleaning-');
  try {
    // 4 classes of 10 titles, 7 of them 3 words long: --min-words 5 drops 28 of 40.
    const rows = ['label,title'];
    for (const label of ['a', 'b', 'c', 'd'])
      for (let i = 0; i < 10; i++)
        rows.push(`${label},${i < 7 ? `short title ${i}` : `a longer title of eight words ${i}`}`);
    const csv = join(dir, 'short.csv');
    writeFileSync(csv, `${rows.join('\n')}\n`);
    const cfg = configFromArgs(['--data', csv, '--text-field', 'title', '--label-field', 'label', '--min-words', '5']);
    const data = prepareData({ ...cfg, stages: ['frozen'] });
    assert.ok(
      data.warnings.includes(
        '--min-words 5 dropped 28 of 40 records (70%), keeping 12: they have fewer than 5 words (short texts such as ' +
          'headlines); --min-words 0 keeps every text.',
      ),
      data.warnings.join('\n'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
