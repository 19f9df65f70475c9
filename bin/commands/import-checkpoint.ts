/**
 * What an import has done so far, kept in a file beside the CSV (`people.csv.import-state`) so
 * that a run stopped by Ctrl-C, a crash or `--stop-after` continues where it stopped.
 *
 * Batches finish out of order, so the rows done are kept as ranges of row numbers (0 is the first
 * row after the header): a handful of ranges, however large the file. The checkpoint is written
 * after each batch the bus accepted, by writing a new file and renaming it over the old one, so a
 * crash leaves the previous checkpoint or the next, never half of one.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { SourceVersion } from '../../functions/shared/canonical';

/** At most this many rejections and warnings are listed; the counts stay exact. */
export const MAX_LISTED_ISSUES = 1000;

export const RowIssue = z.object({ line: z.number().int().positive(), reason: z.string() });
export type RowIssue = z.infer<typeof RowIssue>;

const count = z.number().int().nonnegative();

export const ImportCounts = z.object({
  /** Rows sent on the bus. */
  published: count,
  /** Rows the store already held with these values, so not sent again. */
  unchanged: count,
  /** Rows whose record was erased (a privacy deletion): final, so not sent. */
  erased: count,
  /** Rows not imported: their line and reason are in `rejections`. */
  rejected: count,
  /** Rows imported with a cell left out (a birth date that is not a date): in `warnings`. */
  warned: count,
});
export type ImportCounts = z.infer<typeof ImportCounts>;

export const ImportCheckpoint = z.object({
  format: z.literal(1),
  /** The file as it was when the import began: a different file must not resume this one. */
  file: z.object({ path: z.string(), bytes: count, modifiedMs: z.number() }),
  entity: z.enum(['person', 'account']),
  source: z.string(),
  dayFirst: z.boolean(),
  /** Every row of every run is written at this version, so a row sent twice changes nothing. */
  sourceVersion: SourceVersion,
  startedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  completedAt: z.iso.datetime().optional(),
  /** Half-open ranges [from, to) of the row numbers done, sorted and apart. */
  done: z.array(z.tuple([count, count])),
  counts: ImportCounts,
  rejections: z.array(RowIssue),
  warnings: z.array(RowIssue),
});
export type ImportCheckpoint = z.infer<typeof ImportCheckpoint>;

export const emptyCounts = (): ImportCounts => ({ published: 0, unchanged: 0, erased: 0, rejected: 0, warned: 0 });

export type CheckpointRead = { kind: 'none' } | { kind: 'found'; checkpoint: ImportCheckpoint } | { kind: 'unreadable'; message: string };

export const readCheckpoint = async (path: string): Promise<CheckpointRead> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'unreadable', message: `cannot read the checkpoint ${path}: ${(e as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', message: `the checkpoint ${path} is not JSON` };
  }
  const parsed = ImportCheckpoint.safeParse(json);
  return parsed.success ? { kind: 'found', checkpoint: parsed.data } : { kind: 'unreadable', message: `the checkpoint ${path} is not one this version of concord wrote` };
};

export const writeCheckpoint = async (path: string, checkpoint: ImportCheckpoint): Promise<void> => {
  const next = `${path}.next`;
  await writeFile(next, `${JSON.stringify(checkpoint, null, 2)}\n`);
  await rename(next, path);
};

/** Rows done, as sorted, disjoint half-open ranges. */
export class DoneRows {
  private readonly ranges: [number, number][];

  constructor(ranges: readonly (readonly [number, number])[] = []) {
    this.ranges = ranges.map(([from, to]) => [from, to]);
  }

  has(row: number): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const [from, to] = this.ranges[mid] as [number, number];
      if (row < from) hi = mid - 1;
      else if (row >= to) lo = mid + 1;
      else return true;
    }
    return false;
  }

  add(row: number): void {
    const i = this.ranges.findIndex(([, to]) => to >= row);
    const at = this.ranges[i];
    if (at === undefined) {
      this.ranges.push([row, row + 1]);
      return;
    }
    if (row >= at[0] && row < at[1]) return;
    if (at[1] === row) {
      at[1] = row + 1;
      const next = this.ranges[i + 1];
      if (next !== undefined && next[0] === at[1]) this.ranges.splice(i, 2, [at[0], next[1]]);
    } else if (at[0] === row + 1) at[0] = row;
    else this.ranges.splice(i, 0, [row, row + 1]);
  }

  /** How many rows are done. */
  size(): number {
    return this.ranges.reduce((n, [from, to]) => n + to - from, 0);
  }

  toJSON(): [number, number][] {
    return this.ranges.map(([from, to]) => [from, to]);
  }
}

/** Appends to a capped list: the first MAX_LISTED_ISSUES are kept, the count says how many there were. */
export const listIssue = (list: RowIssue[], issue: RowIssue): void => {
  if (list.length < MAX_LISTED_ISSUES) list.push(issue);
};
