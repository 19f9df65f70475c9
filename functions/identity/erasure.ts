/**
 * Erasure's pure core: which of a person's values identify them after they are forgotten, as
 * hashes. Concord keeps these hashes (the tombstones, erasure.store.ts) and never the values, so a
 * record arriving later with the same email or phone can be recognised and kept out, while the
 * tombstone itself tells nobody what was erased.
 *
 * Values are normalized the way the matcher compares them before hashing: an email by its match
 * key (lower case, no '+tag', Gmail without dots), a phone as E.164 with its extension. So
 * 'Jane.Doe+news@ACME.com' and 'jane.doe@acme.com', or '(415) 555-0134' and '+1 415 555 0134',
 * hash alike, and the matcher could not join a record the tombstone lets through.
 *
 * The hash is unkeyed SHA-256 behind a fixed domain-separation prefix: anyone holding the table
 * can test a guessed address against it (that is what the guard itself does), but cannot list
 * the erased addresses, and the prefix keeps these hashes from matching any other SHA-256 of an
 * email that may exist elsewhere.
 */
import { createHash } from 'node:crypto';
import { normalizeCountry } from './normalize/address';
import { normalizeEmail } from './normalize/email';
import { normalizePhone } from './normalize/phone';

/** Part of every hashed text; a new normalization would need a new version, and new tombstones. */
export const TOMBSTONE_DOMAIN = 'concord-erasure-v1';

/** Where national phone numbers are read when a record names no country (the matcher's default). */
const DEFAULT_PHONE_REGION = 'US';

export type IdentifyingKind = 'email' | 'phone';

/**
 * One identifying value of a record, hashed. `strong` values name one person (a personal
 * mailbox); weak ones are often shared: a role mailbox (info@, sales@) that a team answers, and
 * a phone number, which may be a switchboard.
 */
export interface IdentifyingHash {
  kind: IdentifyingKind;
  strong: boolean;
  hash: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** A field that may hold one value or several (a CSV-style list, or a vendor's secondary emails). */
const texts = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).flatMap((x) => text(x) ?? []);

const hashOf = (kind: IdentifyingKind, normalized: string): string => createHash('sha256').update(`${TOMBSTONE_DOMAIN}\0${kind}\0${normalized}`, 'utf8').digest('hex');

/**
 * The country a record's phone numbers are read in: canonical fields keep it in `address.country`,
 * a match input in `country`.
 */
const phoneRegionOf = (fields: Readonly<Record<string, unknown>>): string => {
  const address = fields.address;
  const raw = text(typeof address === 'object' && address !== null ? (address as Record<string, unknown>).country : undefined) ?? text(fields.country);
  return (raw === undefined ? undefined : normalizeCountry(raw)) ?? DEFAULT_PHONE_REGION;
};

/**
 * The hashed identifying values of a person's fields: canonical Person fields (`email`, `phone`,
 * `address.country`) or a match input's (`email`, `phone`, `country`). Values that do not
 * normalize (an address without '@', a placeholder number) identify nobody and are left out, as
 * the matcher leaves them out. Sorted and without repeats, so the same person gives the same list.
 */
export const identifyingHashes = (fields: Readonly<Record<string, unknown>>): IdentifyingHash[] => {
  const out = new Map<string, IdentifyingHash>();
  for (const raw of texts(fields.email)) {
    const email = normalizeEmail(raw);
    if (email.kind !== 'valid') continue;
    const hash = hashOf('email', email.matchKey);
    out.set(hash, { kind: 'email', strong: email.strength !== 'role', hash });
  }
  const region = phoneRegionOf(fields);
  for (const raw of texts(fields.phone)) {
    const phone = normalizePhone(raw, region);
    if (phone.kind !== 'valid') continue;
    const hash = hashOf('phone', phone.extension === undefined ? phone.e164 : `${phone.e164};ext=${phone.extension}`);
    out.set(hash, { kind: 'phone', strong: false, hash });
  }
  return [...out.values()].sort((a, b) => a.hash.localeCompare(b.hash));
};

/** The tombstone hashes (hex SHA-256) of a person's identifying values; deterministic. */
export const tombstoneHashes = (fields: Readonly<Record<string, unknown>>): string[] => identifyingHashes(fields).map((h) => h.hash);

/**
 * Whether a record's identifying values say it is an erased person coming back.
 *
 * A personal email on a tombstone decides it. A weak value (a role mailbox, a phone) decides it
 * only when the record has no personal email of its own that is not erased: a colleague who
 * shares the erased person's switchboard number or info@ address, but writes from their own
 * mailbox, is somebody else and must not be refused.
 */
export const isErased = (candidateFields: Readonly<Record<string, unknown>>, tombstones: ReadonlySet<string>): boolean => {
  const values = identifyingHashes(candidateFields);
  if (values.some((v) => v.strong && tombstones.has(v.hash))) return true;
  const ownPersonalEmail = values.some((v) => v.strong && !tombstones.has(v.hash));
  return !ownPersonalEmail && values.some((v) => tombstones.has(v.hash));
};
