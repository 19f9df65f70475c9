/**
 * Any other system: Concord sends it a webhook, the mirror image of what such a system sends to
 * `/webhooks/generic` (docs/connectors/generic.md). One `POST` to the configured URL, signed the
 * Standard Webhooks way with the system's signing secret:
 *
 * - headers `webhook-id` (the call's idempotency key: the same on every retry, so the receiver
 *   deduplicates by it, as Standard Webhooks asks receivers to), `webhook-timestamp` (Unix
 *   seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`);
 * - body `{ "type": "unified_id.assigned", "timestamp": "<ISO 8601>", "data": { "entityType",
 *   "externalId", "unifiedId" } }`, or for an erasure `{ "type": "erasure.requested", … "data":
 *   { "entityType", "externalId" } }`;
 * - the receiver answers 2xx once it has applied the change (or had already applied it).
 *
 * The URL names no record, so unlike the vendor adapters a 404 is a failure (a wrong URL), never
 * "already gone". Unified ids exist for accounts and people only; other types are skipped.
 */
import type { EntityType } from '../../../shared/canonical';
import { systemClock, type Clock } from '../../../shared/ports';
import { signStandardWebhook, standardWebhookKey, standardWebhookTimestamp } from '../../../ingest/standard-webhooks';
import type { WriteBack } from '../ports';
import { bodyExcerpt, exchange, type VendorConfig } from '../vendor-http';
import { writeBackOf } from '../write-back-of';

export interface GenericCredentials {
  /** `whsec_<base64 of the key>` or any other string, whose UTF-8 bytes are the key. */
  signingSecret: string;
}

export interface GenericConfig extends VendorConfig<GenericCredentials> {
  /** Signs `webhook-timestamp` and the body's `timestamp`. */
  clock?: Clock;
}

export const GENERIC_UNIFIED_ID_TYPE = 'unified_id.assigned';
export const GENERIC_ERASURE_TYPE = 'erasure.requested';

const HOLDS_UNIFIED_IDS: readonly EntityType[] = ['account', 'person'];


export const createGenericWriteBack = (config: GenericConfig): WriteBack => {
  // A secret that cannot sign is a deployment mistake: refuse to start rather than fail every call.
  if (standardWebhookKey(config.credentials.signingSecret) === undefined) {
    throw new Error('createGenericWriteBack: the signing secret is empty or not valid whsec_<base64>');
  }
  const clock = config.clock ?? systemClock;

  const deliver = (idempotencyKey: string, type: string, data: Record<string, string>) => {
    const now = clock.now();
    const body = JSON.stringify({ type, timestamp: now.toISOString(), data });
    const signature = signStandardWebhook({ id: idempotencyKey, timestamp: now, body, secret: config.credentials.signingSecret });
    return exchange(
      config,
      {
        method: 'POST',
        url: config.baseUrl,
        headers: {
          'content-type': 'application/json',
          'webhook-id': idempotencyKey,
          'webhook-timestamp': standardWebhookTimestamp(now),
          'webhook-signature': signature,
        },
        body,
      },
      // A receiver's error format is its own: its text is the best description there is.
      { describeError: bodyExcerpt },
    );
  };

  return writeBackOf('A generic system', {
    targetOf: (entityType) => (HOLDS_UNIFIED_IDS.includes(entityType) ? entityType : undefined),
    write: (entityType, { externalId, unifiedId, idempotencyKey }) => deliver(idempotencyKey, GENERIC_UNIFIED_ID_TYPE, { entityType, externalId, unifiedId }),
    erase: (entityType, { externalId, idempotencyKey }) => deliver(idempotencyKey, GENERIC_ERASURE_TYPE, { entityType, externalId }),
  });
};
