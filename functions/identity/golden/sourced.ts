/**
 * What the golden-record modules (lifecycle, contact hierarchy) read of a source record: its
 * identity, its status and its canonical fields, already parsed by the shell (STYLE §5). A stored
 * SourceRecord whose fields were parsed with `entityFieldSchemas` fits this shape as it is.
 *
 * Deleted and erased records stay linked to their unified entity (a merge never deletes one), but
 * they are no longer evidence of anything: a deleted invoice did not get paid, and an erased
 * person has asked to be forgotten.
 */
import type { SourceRecord, SourceSystem, SourceVersion } from '../../shared/canonical';

export interface Sourced<T> {
  sourceKey: string;
  sourceSystem: SourceSystem;
  externalId: string;
  /** Absent means active: evidence built by hand (tests, a CSV import) has no status. */
  status?: SourceRecord['status'];
  fields: Partial<T>;
  /** The version that last set each field (dotted leaf paths), when the caller has them. */
  fieldVersions?: Readonly<Record<string, SourceVersion>>;
}

export const isActive = (record: { status?: SourceRecord['status'] }): boolean => (record.status ?? 'active') === 'active';

/** Orders by source key, then by the text given, so results do not depend on input order. */
export const bySourceKeyThen =
  <T extends { sourceKey: string }>(text: (item: T) => string) =>
  (a: T, b: T): number =>
    compareText(a.sourceKey, b.sourceKey) || compareText(text(a), text(b));

/** Code-unit order, the same on every machine (localeCompare is not). */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A non-empty trimmed string, or undefined: connectors clear a field rather than write '', but a CSV may not. */
export const presentText = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
