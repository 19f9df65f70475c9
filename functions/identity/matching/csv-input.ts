/**
 * Rows of a CSV file as matcher input, for `concord resolve` and `concord import`. The header names
 * canonical fields (match-record.ts); `record_id` is required, `source` defaults to 'import', an
 * `id:<name>` column is a trusted identifier, and any other column is ignored with a warning.
 */
import { FIELDS_OF, type EntityKind, type MatchInput } from './match-record';

export interface CsvLayout {
  kind: EntityKind;
  fields: string[];
  trustedIds: { column: string; name: string }[];
  ignored: string[];
  /** Columns read for other purposes (such as `--truth`), neither fields nor ignored. */
  reserved: string[];
}

export class CsvInputError extends Error {}

export const DEFAULT_SOURCE = 'import';

export const csvLayout = (header: readonly string[], kind: EntityKind, reserved: readonly string[] = []): CsvLayout => {
  if (!header.includes('record_id')) throw new CsvInputError(`the header has no record_id column (columns: ${header.join(', ')})`);
  const known = new Set(FIELDS_OF[kind]);
  const layout: CsvLayout = { kind, fields: [], trustedIds: [], ignored: [], reserved: [] };
  for (const column of header) {
    if (column === 'record_id' || column === 'source') continue;
    if (reserved.includes(column)) layout.reserved.push(column);
    else if (column.startsWith('id:') && column.length > 3) layout.trustedIds.push({ column, name: column.slice(3) });
    else if (known.has(column)) layout.fields.push(column);
    else layout.ignored.push(column);
  }
  return layout;
};

/** One row as a MatchInput; blank cells are absent values. */
export const rowToMatchInput = (row: Readonly<Record<string, string | undefined>>, layout: CsvLayout): MatchInput => {
  const recordId = (row.record_id ?? '').trim();
  if (recordId === '') throw new CsvInputError('a row has an empty record_id');
  const source = (row.source ?? '').trim() || DEFAULT_SOURCE;
  const fields: Record<string, string> = {};
  for (const f of layout.fields) {
    const v = row[f]?.trim();
    if (v) fields[f] = v;
  }
  const trustedIds: Record<string, string> = {};
  for (const { column, name } of layout.trustedIds) {
    const v = row[column]?.trim();
    if (v) trustedIds[name] = v;
  }
  return { key: `${source}:${recordId}`, source, kind: layout.kind, fields, trustedIds };
};
