/** Reading a stored source record's canonical fields, as the triggers and the context loader both do. */
import type { SourceRecord } from '../shared/canonical';

/** A non-blank string field, or undefined. */
export const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/** The account a related record (a deal, a subscription) points at, as a source key in the same system. */
export const accountKeyOf = (record: SourceRecord | undefined): string | undefined => {
  const ref = textOf(record?.fields.accountRef);
  return record && ref ? `${record.sourceSystem}#account#${ref}` : undefined;
};
