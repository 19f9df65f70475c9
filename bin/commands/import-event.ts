/**
 * A row of an import file as the canonical event the live pipeline reads. It is the inverse of
 * functions/identity/matching/from-source-record.ts: identity reads the stored record back into
 * the match input `concord resolve` makes of the row, for every column the canonical model can
 * hold. Pure: the caller passes the run's version.
 *
 * The file owns the columns its header names: a blank cell clears the stored value (the file says
 * the record has none), a column the header leaves out changes nothing.
 */
import type { CsvLayout } from '../../functions/identity/matching/csv-input';
import type { EntityKind, MatchInput } from '../../functions/identity/matching/match-record';
import { normalizeDate } from '../../functions/identity/normalize/date';
import { normalizeFamilyName, normalizeGivenName, normalizePersonName } from '../../functions/identity/normalize/person-name';
import { describeIssues, upsertEventOf, type ClearableFields } from '../../functions/ingest/connectors/connector-kit';
import { busEventOf } from '../../functions/ingest/ingest-webhook';
import { entrySize, MAX_PUT_EVENTS_BYTES } from '../../functions/shared/bus-limits';
import { CanonicalEvent, formatSourceVersion, sourceKeyOf, type Address, type EntityFields, type SourceRecord, type SourceVersion } from '../../functions/shared/canonical';

/**
 * Imported records belong to the generic system, the canonical model's "any other source". The
 * file's `source` column lives on in the external id (`<source>:<record_id>`), as in `resolve`.
 */
export const IMPORT_SYSTEM = 'generic' as const;

/** The generic connector accepts external ids up to this length; an import keeps to the same. */
export const MAX_EXTERNAL_ID_LENGTH = 512;

/** The canonical field each `id:<name>` column fills, where the canonical model has one. */
const TRUSTED_ID_FIELDS: Readonly<Record<EntityKind, Readonly<Record<string, 'concordId' | 'taxId' | 'customerNumber'>>>> = {
  person: { concord_id: 'concordId' },
  account: { concord_id: 'concordId', tax_id: 'taxId', tax: 'taxId', customer_number: 'customerNumber' },
};

/** Match fields the canonical records have no place for. */
const FIELDS_NOT_KEPT: Readonly<Record<EntityKind, readonly string[]>> = { person: ['company', 'company_domain'], account: ['email'] };

const ADDRESS_PARTS: readonly (readonly [column: string, part: keyof Address])[] = [
  ['street', 'street'],
  ['city', 'city'],
  ['postcode', 'postalCode'],
  ['region', 'region'],
  ['country', 'country'],
];

/**
 * Columns the import reads but the canonical record cannot hold: identity will not match on them
 * (they stay in the stored record's raw row). Said as a warning before the import starts.
 */
export const columnsNotKept = (layout: CsvLayout): string[] => [
  ...layout.fields.filter((f) => FIELDS_NOT_KEPT[layout.kind].includes(f)),
  ...layout.trustedIds.filter((t) => TRUSTED_ID_FIELDS[layout.kind][t.name] === undefined).map((t) => t.column),
];

/** An import run writes every row at one version, the run's start, so a resumed run repeats it exactly. */
export const importVersionOf = (startedAt: Date): SourceVersion => formatSourceVersion(startedAt.getTime());

export interface ImportRun {
  startedAt: Date;
  /** Read NN/NN/YYYY birth dates day first, as `resolve --day-first` does. */
  dayFirst: boolean;
  /** Named in each event's vendorEventId with the line, so a stored record says where it came from. */
  fileName: string;
}

export type RowEvent =
  | { kind: 'event'; event: CanonicalEvent; leftOut: string[] }
  | { kind: 'rejected'; reason: string };

/** The canonical event of one row; `raw` is the row as read, kept as the record's payload. */
export const importEventOf = (input: MatchInput, layout: CsvLayout, run: ImportRun, line: number, raw: Readonly<Record<string, string>>): RowEvent => {
  if (input.key.length > MAX_EXTERNAL_ID_LENGTH) return { kind: 'rejected', reason: `source:record_id is ${input.key.length} characters long; at most ${MAX_EXTERNAL_ID_LENGTH}` };
  const { mapped, leftOut } = input.kind === 'person' ? personFieldsOf(input, layout, run) : accountFieldsOf(input, layout);
  const version = importVersionOf(run.startedAt);
  const identity = {
    eventId: `import:${input.kind}:${input.key}:${version}`,
    sourceSystem: IMPORT_SYSTEM,
    externalId: input.key,
    occurredAt: run.startedAt.toISOString(),
    sourceVersion: version,
    vendorEventId: `${run.fileName}:${line}`,
    raw,
  };
  const parsed = CanonicalEvent.safeParse(upsertEventOf(input.kind, mapped, identity, 'partial'));
  if (!parsed.success) return { kind: 'rejected', reason: describeIssues(parsed.error) };
  const event = parsed.data;
  if (Object.keys(event.fields).length === 0) return { kind: 'rejected', reason: `nothing to import: no ${input.kind} field Concord keeps has a value` };
  const bytes = entrySize(busEventOf(event));
  if (bytes > MAX_PUT_EVENTS_BYTES) return { kind: 'rejected', reason: `the row is ${bytes} bytes as an event; the bus takes at most ${MAX_PUT_EVENTS_BYTES}` };
  return { kind: 'event', event, leftOut };
};

type Mapped<K extends EntityKind> = { mapped: ClearableFields<EntityFields[K]>; leftOut: string[] };

/** A column's value to write, null to clear it (blank cell), or undefined when the header lacks it. */
const owned = (input: MatchInput, layout: CsvLayout, column: string): string | null | undefined =>
  layout.fields.includes(column) ? (input.fields[column] ?? null) : undefined;

const addressOf = (input: MatchInput, layout: CsvLayout): ClearableFields<Address> | undefined => {
  const parts = ADDRESS_PARTS.filter(([column]) => layout.fields.includes(column));
  return parts.length === 0 ? undefined : Object.fromEntries(parts.map(([column, part]) => [part, owned(input, layout, column)]));
};

const trustedIdsOf = (input: MatchInput, layout: CsvLayout): Partial<Record<'concordId' | 'taxId' | 'customerNumber', string | null>> => {
  const out: Partial<Record<'concordId' | 'taxId' | 'customerNumber', string | null>> = {};
  for (const { name } of layout.trustedIds) {
    const field = TRUSTED_ID_FIELDS[input.kind][name];
    // `id:tax` and `id:tax_id` both fill taxId: the first with a value wins.
    if (field !== undefined && (out[field] ?? null) === null) out[field] = input.trustedIds[name] ?? null;
  }
  return out;
};

const personFieldsOf = (input: MatchInput, layout: CsvLayout, run: ImportRun): Mapped<'person'> => {
  const has = (column: string) => layout.fields.includes(column);
  const name = personNameOf(input.fields);
  const mapped: ClearableFields<EntityFields['person']> = {
    firstName: has('first_name') || has('full_name') ? (name.first ?? null) : undefined,
    lastName: has('last_name') || has('full_name') ? (name.last ?? null) : undefined,
    email: owned(input, layout, 'email'),
    phone: owned(input, layout, 'phone'),
    title: owned(input, layout, 'title'),
    address: addressOf(input, layout),
    ...trustedIdsOf(input, layout),
  };
  const leftOut: string[] = [];
  const birthDate = owned(input, layout, 'birth_date');
  if (typeof birthDate === 'string') {
    const date = normalizeDate(birthDate, { dayFirst: run.dayFirst });
    // The matcher reads a date it cannot parse as absent; so does the import, and says so.
    if (date.kind === 'valid') mapped.birthDate = date.iso;
    else leftOut.push(`birth_date ${JSON.stringify(birthDate)} left out: ${date.reason}`);
  } else mapped.birthDate = birthDate;
  return { mapped, leftOut };
};

const accountFieldsOf = (input: MatchInput, layout: CsvLayout): Mapped<'account'> => ({
  mapped: {
    name: owned(input, layout, 'name'),
    domain: owned(input, layout, 'domain'),
    website: owned(input, layout, 'website'),
    phone: owned(input, layout, 'phone'),
    address: addressOf(input, layout),
    ...trustedIdsOf(input, layout),
  },
  leftOut: [],
});

// ---- names ------------------------------------------------------------------------------------

const nonBlank = (s: string | undefined): string | undefined => (s === undefined || s.trim() === '' ? undefined : s);

/**
 * Given and family name from the name columns. A full name fills what the separate columns leave
 * empty, split where the matcher splits it (normalizePersonName), so identity reads the stored
 * record as `resolve` reads the row; the file's own spelling is kept whenever some split of its
 * words reads the same, and the matcher's folded reading is stored otherwise.
 */
export const personNameOf = (fields: MatchInput['fields']): { first?: string; last?: string } => {
  const { first_name: first, last_name: last, full_name: full } = fields;
  if (full === undefined || (first !== undefined && last !== undefined)) return { first, last };
  const target = normalizePersonName(first, last, full);
  const reads = ([given, family]: [string, string]) =>
    (first !== undefined || normalizeGivenName(given).first === target.first) && (last !== undefined || normalizeFamilyName(family) === target.last);
  const [given, family] = spellingsOf(full).find(reads) ?? [target.first, target.last];
  return { first: first ?? nonBlank(given), last: last ?? nonBlank(family) };
};

/** The ways to read a full name as [given, family]: 'Smith, John', and every cut of its words in two. */
const spellingsOf = (full: string): [string, string][] => {
  const out: [string, string][] = [];
  const comma = full.indexOf(',');
  if (comma >= 0) out.push([full.slice(comma + 1).trim(), full.slice(0, comma).trim()]);
  const words = full.trim().split(/\s+/);
  for (let k = words.length; k >= 0; k--) out.push([words.slice(0, k).join(' '), words.slice(k).join(' ')]);
  return out;
};

// ---- already stored ---------------------------------------------------------------------------

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const valueAt = (fields: Readonly<Record<string, unknown>>, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), fields);

const leavesOf = (fields: Readonly<Record<string, unknown>>, prefix = ''): [string, unknown][] =>
  Object.entries(fields).flatMap(([name, value]): [string, unknown][] => (isPlainObject(value) ? leavesOf(value, `${prefix}${name}.`) : [[`${prefix}${name}`, value]]));

/**
 * Whether the stored record already holds every value the event writes and lacks every value it
 * clears. Such a row is not sent: at a newer version it would change nothing but the versions,
 * and still set identity to work.
 */
export const isAlreadyStored = (event: CanonicalEvent, stored: Pick<SourceRecord, 'fields'>): boolean =>
  leavesOf(event.fields).every(([path, value]) => JSON.stringify(valueAt(stored.fields, path)) === JSON.stringify(value)) &&
  (event.clearedFields ?? []).every((path) => valueAt(stored.fields, path) === undefined);

export const sourceKeyOfRow = (kind: EntityKind, key: string): string => sourceKeyOf({ sourceSystem: IMPORT_SYSTEM, entityType: kind, externalId: key });
