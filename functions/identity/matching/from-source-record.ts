/**
 * A stored source record as matcher input: canonical fields renamed to the matcher's, and the
 * identifiers a system vouches for as trusted ids. Only accounts and people are matched.
 */
import type { SourceRecord } from '../../shared/canonical';
import type { EntityKind, MatchInput } from './match-record';

type Matchable = Pick<SourceRecord, 'sourceKey' | 'sourceSystem' | 'entityType' | 'fields'>;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

const addressFields = (address: unknown): Record<string, string | undefined> => {
  const a = (typeof address === 'object' && address !== null ? address : {}) as Record<string, unknown>;
  return { street: text(a.street), city: text(a.city), postcode: text(a.postalCode), region: text(a.region), country: text(a.country) };
};

const defined = (fields: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined));

export const matchKindOf = (entityType: string): EntityKind | undefined =>
  entityType === 'account' ? 'account' : entityType === 'person' ? 'person' : undefined;

export const matchInputOf = (record: Matchable): MatchInput | undefined => {
  const kind = matchKindOf(record.entityType);
  if (!kind) return undefined;
  const f = record.fields;
  const trustedIds: Record<string, string> = {};
  // The unified id Concord wrote back earlier is the strongest identifier there is.
  const concordId = text(f.concordId);
  if (concordId) trustedIds.concord_id = concordId;
  if (kind === 'account') {
    const taxId = text(f.taxId);
    if (taxId) trustedIds.tax_id = taxId.replace(/[\s.-]/g, '').toUpperCase();
    // A customer number means something only inside the system that issued it.
    const customerNumber = text(f.customerNumber);
    if (customerNumber) trustedIds[`customer_number@${record.sourceSystem}`] = customerNumber;
  }
  const fields =
    kind === 'account'
      ? defined({ name: text(f.name), domain: text(f.domain), website: text(f.website), phone: text(f.phone), ...addressFields(f.address) })
      : defined({
          first_name: text(f.firstName),
          last_name: text(f.lastName),
          email: text(f.email),
          phone: text(f.phone),
          title: text(f.title),
          birth_date: text(f.birthDate),
          ...addressFields(f.address),
        });
  return { key: record.sourceKey, source: record.sourceSystem, kind, fields, trustedIds };
};
