/**
 * Unified IDs. An entity's ID is derived from the key of the source record that founded it, so
 * creating the entity twice (a retried event, a re-run of `concord resolve` on the same file)
 * gives the same ID, and nothing needs coordinating. The ID never changes after that: records
 * joining or leaving an entity do not touch it (see the entity store for merges and splits).
 */
import { createHash } from 'node:crypto';
import type { EntityKind } from './match-record';

export const UNIFIED_ID_PREFIX: Readonly<Record<EntityKind, string>> = { account: 'cus_', person: 'per_' };

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 20 Crockford base-32 characters (100 bits) of SHA-256: no collision in any realistic CRM. */
const base32 = (bytes: Uint8Array, chars: number): string => {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += CROCKFORD[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
    if (out.length === chars) break;
  }
  return out;
};

export const unifiedIdFor = (kind: EntityKind, foundingRecordKey: string): string =>
  UNIFIED_ID_PREFIX[kind] + base32(createHash('sha256').update(`${kind}\u0000${foundingRecordKey}`).digest(), 20);

/** The founding record of a cluster formed in one batch: its smallest key, whatever the order. */
export const foundingKeyOf = (memberKeys: readonly string[]): string => memberKeys.reduce((min, k) => (k < min ? k : min));

export const isUnifiedId = (value: string): boolean => /^(cus|per)_[0-9A-HJKMNP-TV-Z]{20}$/.test(value);
