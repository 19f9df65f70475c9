/**
 * Renders canonical changes as a system integrated through Concord's generic endpoint sends them
 * (see functions/ingest/connectors/generic.ts): Concord's change envelope with canonical fields,
 * signed the Standard Webhooks way. A single change goes as one object; several go as one batch
 * (an array), split every GENERIC_MAX_BATCH changes. Upserts are marked incomplete (the fields may
 * be a partial update); the change's `sequence` travels as is.
 */
import { createHash } from 'node:crypto';
import { GENERIC_MAX_BATCH, genericVerbOf } from '../../functions/ingest/connectors/generic';
import { signStandardWebhook, standardWebhookTimestamp } from '../../functions/ingest/standard-webhooks';
import type { DeliveryOptions, OutboundWebhook, SourceChange, VendorSimulator } from './vendor-simulator';

const envelopeOf = (change: SourceChange) => ({
  type: `${change.entityType}.${genericVerbOf(change.changeKind)}`,
  timestamp: change.occurredAt.toISOString(),
  data: {
    entityType: change.entityType,
    externalId: change.externalId,
    ...(change.sequence === undefined ? {} : { sequence: change.sequence }),
    ...(change.changeKind === 'upsert' ? { fields: change.fields } : {}),
  },
});

const deliveries = (changes: readonly SourceChange[], options: DeliveryOptions): OutboundWebhook[] => {
  const batches: SourceChange[][] = [];
  for (let start = 0; start < changes.length; start += GENERIC_MAX_BATCH) batches.push(changes.slice(start, start + GENERIC_MAX_BATCH));
  return batches.map((batch) => {
    const body = JSON.stringify(batch.length === 1 ? envelopeOf(batch[0] as SourceChange) : batch.map(envelopeOf));
    // Standard Webhooks ids name the message; the same content is the same message.
    const id = `msg_${createHash('sha256').update(body).digest('hex').slice(0, 26)}`;
    return {
      method: 'POST',
      path: '/webhooks/generic',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'concord-generic-simulator/1.0',
        'webhook-id': id,
        'webhook-timestamp': standardWebhookTimestamp(options.now),
        'webhook-signature': signStandardWebhook({ id, timestamp: options.now, body, secret: options.secret }),
      },
      body,
    };
  });
};

export const genericSimulator: VendorSimulator = {
  system: 'generic',
  entityTypes: ['account', 'person', 'opportunity', 'order', 'subscription', 'invoice', 'ticket', 'activity'],
  deliveries,
};
