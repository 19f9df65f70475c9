/**
 * Lambda entry for Salesforce Change Data Capture delivered by Event Relay into an EventBridge
 * partner bus. EventBridge is the trust boundary here (no signature); the translation is the same
 * as for signed HTTPS deliveries. What cannot be translated is quarantined, like any webhook.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { EventBridgeEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { readConfig } from '../shared/config';
import { createDocumentClient } from '../shared/aws/dynamo';
import { EventBridgeBus } from '../shared/aws/eventbridge-bus';
import { systemClock, type Clock, type EventBus, type IdGenerator } from '../shared/ports';
import { busEventOf, decideRelayEvent, RELAY_METHOD } from './ingest-webhook';
import { quarantineEntryOf } from './quarantine';
import { QuarantineStore } from './quarantine.store';

const logger = new Logger({ serviceName: 'concord-salesforce-relay' });

export interface RelayDeps {
  bus: EventBus;
  quarantine: QuarantineStore;
  clock: Clock;
  ids: IdGenerator;
}

export const createRelayHandler = (deps: RelayDeps) => async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
  const receivedAt = deps.clock.now();
  const decision = decideRelayEvent(event, receivedAt);
  if (decision.kind === 'rejected') {
    const body = Buffer.from(JSON.stringify(event));
    const entry = quarantineEntryOf(
      decision.rejection,
      { method: RELAY_METHOD, url: `eventbridge://${event.source}/${event['detail-type']}`, headers: {}, rawBody: body },
      receivedAt,
      deps.ids.next(),
    );
    await deps.quarantine.put(entry);
    logger.warn('relay event quarantined', { quarantineId: entry.quarantineId, reason: decision.rejection.reason });
    return;
  }
  await deps.bus.publish(decision.events.map(busEventOf));
};

let cached: ReturnType<typeof createRelayHandler> | undefined;

export const handler = async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
  if (cached === undefined) {
    const config = readConfig();
    cached = createRelayHandler({
      bus: new EventBridgeBus(new EventBridgeClient({}), config.eventBusName),
      quarantine: new QuarantineStore(createDocumentClient(), config.tables.quarantine),
      clock: systemClock,
      ids: { next: () => ulid() },
    });
  }
  return cached(event);
};
