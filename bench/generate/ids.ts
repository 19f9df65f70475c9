/**
 * Vendor id formats, so a source record's externalId looks like the vendor's own: Salesforce's
 * 18-character case-safe ids, HubSpot's and Zendesk's numeric ids, Stripe's prefixed ids and
 * NetSuite's internal ids. Each factory never repeats an id within its system.
 */
import type { EntityType, SourceSystem } from '../../functions/shared/canonical';
import type { Rng } from './rng';

export interface VendorIds {
  next(entityType: EntityType): string;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

const base62 = (n: number, width: number): string => {
  let s = '';
  let v = Math.floor(n);
  while (v > 0) {
    s = BASE62[v % 62] + s;
    v = Math.floor(v / 62);
  }
  return s.padStart(width, '0');
};

/** The 3-character suffix that makes a 15-character Salesforce id case-insensitive-safe. */
export const salesforceChecksum = (id15: string): string => {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += CHECKSUM_ALPHABET[bits];
  }
  return suffix;
};

/** Ids that grow with a random stride from a random start, so they look issued over time. */
class Sequence {
  private value: number;
  constructor(
    private readonly rng: Rng,
    start: number,
    private readonly maxStride: number,
  ) {
    this.value = start;
  }
  next(): number {
    this.value += this.rng.int(1, this.maxStride);
    return this.value;
  }
}

const unsupported = (system: SourceSystem, entityType: EntityType): never => {
  throw new Error(`${system} holds no ${entityType} records`);
};

const SALESFORCE_PREFIXES: Partial<Record<EntityType, string>> = { account: '001', person: '003', opportunity: '006', activity: '00T' };

export const salesforceIds = (rng: Rng): VendorIds => {
  // One org lives on one instance, so every id carries the same pod characters.
  const pod = rng.pick(['5g', '8W', '4x', '2E', 'Dn', '7Q']);
  const sequences = new Map<string, Sequence>();
  return {
    next(entityType) {
      const prefix = SALESFORCE_PREFIXES[entityType] ?? unsupported('salesforce', entityType);
      let seq = sequences.get(prefix);
      if (!seq) {
        seq = new Sequence(rng, rng.int(2_000_000, 900_000_000), 40);
        sequences.set(prefix, seq);
      }
      const id15 = `${prefix}${pod}0${base62(seq.next(), 9)}`;
      return id15 + salesforceChecksum(id15);
    },
  };
};

export const hubspotIds = (rng: Rng): VendorIds => {
  // Disjoint ranges per object type, like a real portal's: contacts are the oldest and smallest.
  const contacts = new Sequence(rng, rng.int(1_000_000, 90_000_000), 60);
  const companies = new Sequence(rng, rng.int(4_000_000_000, 4_900_000_000), 200);
  const deals = new Sequence(rng, rng.int(11_000_000_000, 19_000_000_000), 200);
  return {
    next(entityType) {
      if (entityType === 'person') return String(contacts.next());
      if (entityType === 'account') return String(companies.next());
      if (entityType === 'opportunity') return String(deals.next());
      return unsupported('hubspot', entityType);
    },
  };
};

export const zendeskIds = (rng: Rng): VendorIds => {
  const organizations = new Sequence(rng, rng.int(360_000_000_000, 369_000_000_000), 5000);
  const users = new Sequence(rng, rng.int(380_000_000_000, 389_000_000_000), 5000);
  const tickets = new Sequence(rng, rng.int(1_000, 40_000), 3);
  return {
    next(entityType) {
      if (entityType === 'account') return String(organizations.next());
      if (entityType === 'person') return String(users.next());
      if (entityType === 'ticket') return String(tickets.next());
      return unsupported('zendesk', entityType);
    },
  };
};

export const netsuiteIds = (rng: Rng): VendorIds => {
  // Entities and transactions have separate internal-id spaces in NetSuite; these ranges keep
  // them apart so an id is unique within the whole system.
  const customers = new Sequence(rng, rng.int(1_000, 9_000), 20);
  const transactions = new Sequence(rng, rng.int(2_000_000, 3_000_000), 15);
  return {
    next(entityType) {
      if (entityType === 'account') return String(customers.next());
      if (entityType === 'order' || entityType === 'invoice') return String(transactions.next());
      return unsupported('netsuite', entityType);
    },
  };
};

const STRIPE_PREFIXES: Partial<Record<EntityType, [string, number]>> = {
  account: ['cus_', 14],
  subscription: ['sub_1', 23],
  invoice: ['in_1', 23],
};

export const stripeIds = (rng: Rng): VendorIds => {
  const issued = new Set<string>();
  return {
    next(entityType) {
      const [prefix, length] = STRIPE_PREFIXES[entityType] ?? unsupported('stripe', entityType);
      for (;;) {
        let body = '';
        for (let i = 0; i < length; i++) body += BASE62[rng.int(0, 61)];
        const id = prefix + body;
        if (!issued.has(id)) {
          issued.add(id);
          return id;
        }
      }
    },
  };
};
