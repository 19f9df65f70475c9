/**
 * A vendor simulator renders canonical changes the way the vendor itself would deliver them:
 * its own payload shape, its own batching, its own signature headers. The sample data, the
 * benchmarks and the tests send these through the real HTTP ingest path.
 */
import type { EntityFields, EntityType, SourceSystem } from '../../functions/shared/canonical';

export type SourceChange = {
  [T in EntityType]: {
    entityType: T;
    externalId: string;
    /** For 'upsert' the record's fields (a full snapshot, or only the changed ones). */
    fields: EntityFields[T];
    changeKind: 'upsert' | 'delete' | 'erase';
    occurredAt: Date;
    /** Orders several changes that share one instant. */
    sequence?: number;
  };
}[EntityType];

export interface OutboundWebhook {
  method: 'POST';
  /** Path on the Concord server, e.g. `/webhooks/hubspot`; query string included where signed. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface DeliveryOptions {
  secret: string;
  /** Scheme and host the vendor believes it is calling, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** The signing time. */
  now: Date;
}

export interface VendorSimulator {
  readonly system: SourceSystem;
  /** Entity types this vendor holds; changes of other types are a programming error. */
  readonly entityTypes: readonly EntityType[];
  deliveries(changes: readonly SourceChange[], options: DeliveryOptions): OutboundWebhook[];
}

/** Canonical fields as `field` / `address.part` → value, leaving out what is absent. */
export const flatCanonical = (fields: Record<string, unknown>): Map<string, unknown> => {
  const flat = new Map<string, unknown>();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (name === 'address' && typeof value === 'object' && value !== null) {
      for (const [part, inner] of Object.entries(value)) if (inner !== undefined) flat.set(`address.${part}`, inner);
    } else {
      flat.set(name, value);
    }
  }
  return flat;
};
