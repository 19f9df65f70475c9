/**
 * Salesforce Change Data Capture through Event Relay: the relay Lambda handler, fed EventBridge
 * events as Event Relay puts them on the partner bus, publishes onto the local bus; what it cannot
 * translate is quarantined and can be replayed.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { createRelayHandler } from '../../functions/ingest/salesforce-relay.handler';
import { systemClock } from '../../functions/shared/ports';
import type { LocalRuntime } from '../../local/runtime';
import { salesforceRelayEvents } from '../../local/vendors/salesforce';
import { startTestRuntime } from '../support/runtime';

let runtime: LocalRuntime;
let relay: ReturnType<typeof createRelayHandler>;

beforeAll(async () => {
  runtime = await startTestRuntime();
  relay = createRelayHandler({ bus: runtime.bus, quarantine: runtime.quarantine, clock: systemClock, ids: { next: () => ulid() } });
});
afterAll(() => runtime.stop());

const [contactCreated] = salesforceRelayEvents(
  [{ entityType: 'person', externalId: '003000000000777AAA', changeKind: 'upsert', occurredAt: new Date('2026-11-20T09:00:00Z'), fields: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@analytical.example' } }],
  { now: new Date('2026-11-20T09:00:01Z') },
);

describe('Salesforce Event Relay', () => {
  it('stores a relayed change event, and a second delivery of it changes nothing', async () => {
    await relay(contactCreated as unknown as EventBridgeEvent<string, unknown>);
    await runtime.drain();
    const stored = await runtime.sourceRecords.get('salesforce#person#003000000000777AAA');
    expect(stored?.fields).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace' });

    await relay(contactCreated as unknown as EventBridgeEvent<string, unknown>);
    await runtime.drain();
    expect((await runtime.sourceRecords.get('salesforce#person#003000000000777AAA'))?.rev).toBe(stored?.rev);
  });

  it('quarantines a relayed event it cannot translate, and replays it through the same translation', async () => {
    const broken = { ...contactCreated!, detail: { ...contactCreated!.detail, payload: { ...contactCreated!.detail.payload, ChangeEventHeader: { entityName: 'Contact' } } } };
    await relay(broken as unknown as EventBridgeEvent<string, unknown>);
    const [entry] = await runtime.quarantine.list('open', 10);
    expect(entry).toMatchObject({ system: 'salesforce', method: 'EVENTBRIDGE', stage: 'validation', reason: 'schema-violation' });
    // replaying the same broken event is judged the same way, not as an unsigned HTTPS request
    expect(await runtime.ingest.replay(entry!.quarantineId)).toMatchObject({ kind: 'rejected', reason: 'schema-violation' });
  });
});
