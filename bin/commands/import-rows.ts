/**
 * Reading an import file, shared by both ways `concord import` writes it (import.ts through the
 * bus, import-bulk.ts in bulk): the header, each row as the canonical event it becomes or the
 * reason it is rejected, and the bookkeeping of rows done in the checkpoint.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { CsvError, parse, type Info } from 'csv-parse';
import { csvLayout, CsvInputError, rowToMatchInput, type CsvLayout } from '../../functions/identity/matching/csv-input';
import { FIELDS_OF, type MatchInput } from '../../functions/identity/matching/match-record';
import type { ImportOptions } from './import';
import { listIssue, type DoneRows, type ImportCheckpoint } from './import-checkpoint';
import { columnsNotKept, importEventOf, type ImportRun, type RowEvent } from './import-event';
import { isSystemError } from './resolve';

type Header = { columns: string[]; layout: CsvLayout };

/** One data row and what the import makes of it. */
export interface BatchRow {
  index: number;
  line: number;
  outcome: RowEvent;
}

const headerOf = (record: string[], file: string, entity: 'person' | 'account'): Header | string => {
  const columns = record.map((column) => column.trim());
  const twice = columns.find((column, i) => columns.indexOf(column) !== i);
  if (twice !== undefined) return `${file}: the header names the column ${JSON.stringify(twice)} twice`;
  try {
    return { columns, layout: csvLayout(columns, entity) };
  } catch (e) {
    if (e instanceof CsvInputError) return `${file}: ${e.message}`;
    throw e;
  }
};

/** A row's cells by column; a row with too few or too many cells is no record at all. */
const cellsOf = (record: string[], header: Header): Record<string, string> | string =>
  record.length === header.columns.length ? Object.fromEntries(header.columns.map((c, i) => [c, record[i] as string])) : `${record.length} cells, but the header names ${header.columns.length} columns`;

type RowRead = { kind: 'input'; input: MatchInput; cells: Record<string, string> } | { kind: 'rejected'; reason: string };

/** The row as match input, or why it is no record; records a key's first line as it goes. */
const rowOutcome = (record: string[], header: Header, line: number, lineOf: Map<string, number>, options: ImportOptions): RowRead => {
  const cells = cellsOf(record, header);
  if (typeof cells === 'string') return { kind: 'rejected', reason: cells };
  let input: MatchInput;
  try {
    input = rowToMatchInput({ ...cells, source: cells.source?.trim() || options.source }, header.layout);
  } catch (e) {
    if (e instanceof CsvInputError) return { kind: 'rejected', reason: e.message };
    throw e;
  }
  const first = lineOf.get(input.key);
  if (first !== undefined) return { kind: 'rejected', reason: `duplicate record ${input.key} (source:record_id), first on line ${first}` };
  lineOf.set(input.key, line);
  return { kind: 'input', input, cells };
};

/** Columns the import cannot use, said before it starts rather than found out after. */
const warnAboutColumns = (layout: CsvLayout, warn: (message: string) => void): void => {
  if (layout.ignored.length > 0) warn(`ignoring column(s) ${layout.ignored.join(', ')}: not ${layout.kind} fields (${FIELDS_OF[layout.kind].join(', ')}) nor id:<name>`);
  const notKept = columnsNotKept(layout);
  if (notKept.length > 0) {
    warn(`the canonical ${layout.kind} record has no place for column(s) ${notKept.join(', ')}: each stored record keeps them in its raw row, but identity does not match on them`);
  }
};

export type FileEnding = { kind: 'eof' } | { kind: 'stopped' } | { kind: 'invalid'; message: string };

/**
 * Reads the file row by row: each data row, with what the import makes of it (its event, or why it
 * is rejected) and the bytes read so far, goes to `onRow`, which says whether to read on. Rows done
 * by an earlier run are read too, so a duplicate of one is still found.
 */
export const readImportFile = async (
  file: string,
  options: ImportOptions,
  run: ImportRun,
  warn: (message: string) => void,
  onRow: (row: BatchRow, bytes: number) => Promise<boolean>,
): Promise<FileEnding> => {
  const source = createReadStream(file);
  const parser = parse({ bom: true, skip_empty_lines: true, info: true, relax_column_count: true });
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  let header: Header | undefined;
  // The line each record was first seen on, over the whole file (rows done earlier too), to point at both lines of a duplicate.
  const lineOf = new Map<string, number>();
  let index = -1;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      if (header === undefined) {
        const read = headerOf(record, file, options.entity);
        if (typeof read === 'string') return { kind: 'invalid', message: read };
        header = read;
        warnAboutColumns(header.layout, warn);
        continue;
      }
      index++;
      const outcome = rowOutcome(record, header, info.lines, lineOf, options);
      const row: BatchRow = { index, line: info.lines, outcome: outcome.kind === 'input' ? importEventOf(outcome.input, header.layout, run, info.lines, outcome.cells) : outcome };
      if (!(await onRow(row, info.bytes))) return { kind: 'stopped' };
    }
  } catch (e) {
    if (e instanceof CsvError) return { kind: 'invalid', message: `${file}: ${e.message}` };
    if (isSystemError(e)) return { kind: 'invalid', message: `cannot read ${file}: ${e.message}` };
    throw e;
  } finally {
    source.destroy();
  }
  return header === undefined ? { kind: 'invalid', message: `${file} is empty: expected a header naming record_id and the ${options.entity} fields` } : { kind: 'eof' };
};

/** The run as import-event.ts needs it: one version, the run's start, for every row. */
export const importRunOf = (file: string, state: RunState, options: ImportOptions): ImportRun => ({
  startedAt: new Date(state.checkpoint.startedAt),
  dayFirst: options.dayFirst,
  fileName: basename(file),
});

// ---- the checkpoint's bookkeeping ------------------------------------------------------------

/** An import's progress: the checkpoint, and the rows done as ranges. */
export interface RunState {
  checkpoint: ImportCheckpoint;
  done: DoneRows;
}

/** What became of a row the import sent or wrote. */
export type Verdict = 'published' | 'unchanged' | 'erased';

/** Counts the rows as done, each by its verdict, rejection or warning. */
export const settle = (state: RunState, rows: readonly BatchRow[], verdicts: ReadonlyMap<number, Verdict>): void => {
  const { counts, rejections, warnings } = state.checkpoint;
  for (const row of rows) {
    state.done.add(row.index);
    if (row.outcome.kind === 'rejected') {
      counts.rejected++;
      listIssue(rejections, { line: row.line, reason: row.outcome.reason });
      continue;
    }
    counts[verdicts.get(row.index) as Verdict]++;
    if (row.outcome.leftOut.length > 0) {
      counts.warned++;
      listIssue(warnings, { line: row.line, reason: row.outcome.leftOut.join('; ') });
    }
  }
};

