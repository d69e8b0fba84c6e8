/**
 * Bad-input handling. A record that cannot be used is either an error (policy
 * 'error') or a counted, reported skip (policy 'skip'); never a silent drop.
 */

/** What to do with an unusable record. */
export type InvalidPolicy = 'error' | 'skip';
/** The accepted {@link InvalidPolicy} values, for validation and `--on-invalid`'s choices. */
export const INVALID_POLICIES: readonly InvalidPolicy[] = ['error', 'skip'];

/** One skipped record: where it was and why. Lines are 1-based, as editors show them. */
export interface Skip {
  file: string;
  line: number;
  reason: string;
}

/** An error pointing at a place in an input file. */
export class DataError extends Error {
  /**
   * `file`, the 1-based `line` (undefined when the problem is the whole file) and a `reason` that says what is
   * wrong and, where there is one, how to fix it; the message reads `file:line: reason`.
   */
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(line === undefined ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.name = 'DataError';
  }
}

/** Collects skips, or throws on the first problem, per policy. */
export class InvalidRecords {
  readonly skipped: Skip[] = [];
  /** Throws when `policy` is not 'error' or 'skip' (the `onInvalid` option). */
  constructor(readonly policy: InvalidPolicy) {
    if (!INVALID_POLICIES.includes(policy)) {
      throw new Error(
        `InvalidRecords: 'onInvalid' must be one of ${INVALID_POLICIES.join(', ')}; got ` + `'${String(policy)}'.`,
      );
    }
  }

  /**
   * Records an unusable record at `file:line`: skips it (kept in `skipped`) under 'skip', or throws a
   * {@link DataError} whose message ends with how to skip such records under 'error'.
   */
  report(file: string, line: number, reason: string): void {
    if (this.policy === 'error')
      throw new DataError(
        file,
        line,
        `${reason} (use onInvalid: 'skip' / --on-invalid ` + `skip to skip such records)`,
      );
    this.skipped.push({ file, line, reason });
  }
}

/** A short human summary: "skipped 3 records: a.json:4: missing field 'category'; ...". */
export function summarizeSkips(skips: readonly Skip[], show = 5): string {
  if (skips.length === 0) return 'skipped 0 records';
  const head = skips
    .slice(0, show)
    .map((s) => `${s.file}:${s.line}: ${s.reason}`)
    .join('; ');
  const more = skips.length > show ? `; … and ${skips.length - show} more` : '';
  return `skipped ${skips.length} record${skips.length === 1 ? '' : 's'}: ${head}${more}`;
}
