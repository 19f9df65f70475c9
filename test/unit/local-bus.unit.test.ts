import { routes, archivePattern, consumers, type ConsumerName } from '../../functions/shared/routing';
import type { DeliveredBusEvent } from '../../functions/shared/ports';
import { LocalBus, EventTooLargeError } from '../../local/local-bus';

const recorder = () => {
  const bodies: string[] = [];
  return { bodies, send: (body: string) => bodies.push(body), events: () => bodies.map((b) => JSON.parse(b) as DeliveredBusEvent) };
};

type Recorder = ReturnType<typeof recorder>;

/** A recorder for every consumer in the routing table, with the ones a test watches given. */
const queues = (watched: Partial<Record<ConsumerName, Recorder>> = {}): Record<ConsumerName, Recorder> =>
  Object.fromEntries((Object.keys(consumers) as ConsumerName[]).map((name) => [name, watched[name] ?? recorder()])) as Record<ConsumerName, Recorder>;

const clock = { now: () => new Date('2026-11-24T12:00:00.123Z') };

describe('the local bus', () => {
  it('delivers a routed event to its consumer queue shaped as EventBridge delivers it', async () => {
    const reconcile = recorder();
    const bus = new LocalBus(routes, queues({ reconcile }), { clock });
    await bus.publish([{ source: 'concord.ingest', detailType: 'SourceRecordChanged', detail: { eventId: 'e1' } }]);
    expect(reconcile.events()).toEqual([
      expect.objectContaining({ version: '0', source: 'concord.ingest', 'detail-type': 'SourceRecordChanged', time: '2026-11-24T12:00:00Z', region: 'local', resources: [], detail: { eventId: 'e1' } }),
    ]);
  });

  it("routes reconcile's stored-record notices to identity, and only there", async () => {
    const reconcile = recorder();
    const identity = recorder();
    const bus = new LocalBus(routes, queues({ reconcile, identity }), { clock });
    await bus.publish([{ source: 'concord.reconcile', detailType: 'SourceRecordStored', detail: { sourceKey: 'hubspot#person#1' } }]);
    expect(identity.events().map((e) => e.detail)).toEqual([{ sourceKey: 'hubspot#person#1' }]);
    expect(reconcile.bodies).toEqual([]);
  });

  it("routes identity's links, merges and unmerges to write-back, its merge proposals to Slack, and no other identity event", async () => {
    const identity = recorder();
    const writeback = recorder();
    const slack = recorder();
    const bus = new LocalBus(routes, queues({ identity, writeback, slack }), { clock });
    const changes = ['identity.linked', 'identity.merged', 'identity.unmerged', 'identity.mergeProposed', 'identity.proposalsImported', 'identity.lifecycleChanged'];
    await bus.publish(changes.map((detailType) => ({ source: 'concord.identity', detailType, detail: { type: detailType } })));
    expect(writeback.events().map((e) => e['detail-type'])).toEqual(['identity.linked', 'identity.merged', 'identity.unmerged']);
    expect(slack.events().map((e) => e['detail-type'])).toEqual(['identity.mergeProposed', 'identity.proposalsImported']);
    expect(identity.bodies).toEqual([]);
  });

  it('routes stored deals and subscriptions, and lifecycle transitions, to the handoffs; their progress to Slack', async () => {
    const identity = recorder();
    const handoffs = recorder();
    const slack = recorder();
    const bus = new LocalBus(routes, queues({ identity, handoffs, slack }), { clock });
    await bus.publish(
      ['person', 'opportunity', 'subscription', 'ticket'].map((entityType) => ({ source: 'concord.reconcile', detailType: 'SourceRecordStored', detail: { entityType } })),
    );
    await bus.publish([{ source: 'concord.identity', detailType: 'identity.lifecycleChanged', detail: { to: 'prospect' } }]);
    await bus.publish(['handoff.requested', 'handoff.sweep', 'handoff.updated', 'handoff.ownerNotice'].map((detailType) => ({ source: 'concord.handoffs', detailType, detail: {} })));
    expect(identity.events().map((e) => (e.detail as { entityType: string }).entityType)).toEqual(['person', 'opportunity', 'subscription', 'ticket']);
    expect(handoffs.events().map((e) => (e.detail as { entityType?: string }).entityType ?? e['detail-type'])).toEqual([
      'opportunity',
      'subscription',
      'identity.lifecycleChanged',
      'handoff.requested',
      'handoff.sweep',
    ]);
    expect(slack.events().map((e) => e['detail-type'])).toEqual(['handoff.updated', 'handoff.ownerNotice']);
  });

  it("routes what the Slack listeners hand over to the Slack worker, and only there", async () => {
    const slack = recorder();
    const writeback = recorder();
    const bus = new LocalBus(routes, queues({ writeback, slack }), { clock });
    await bus.publish([{ source: 'concord.slack', detailType: 'slack.work', detail: { type: 'home', userId: 'U0STEWARD' } }]);
    expect(slack.events().map((e) => e.detail)).toEqual([{ type: 'home', userId: 'U0STEWARD' }]);
    expect(writeback.bodies).toEqual([]);
  });

  it('delivers nothing for an event no route matches', async () => {
    const reconcile = recorder();
    const bus = new LocalBus(routes, queues({ reconcile }));
    await bus.publish([{ source: 'someone.else', detailType: 'SourceRecordChanged', detail: {} }]);
    expect(reconcile.bodies).toEqual([]);
  });

  it('refuses the whole call when one event is over 256 KB, delivering none', async () => {
    const reconcile = recorder();
    const bus = new LocalBus(routes, queues({ reconcile }));
    const small = { source: 'concord.ingest', detailType: 'SourceRecordChanged', detail: { n: 1 } };
    const large = { ...small, detail: { blob: 'x'.repeat(300 * 1024) } };
    await expect(bus.publish([small, large])).rejects.toBeInstanceOf(EventTooLargeError);
    expect(reconcile.bodies).toEqual([]);
  });

  it('archives what matches the archive pattern and replays it through the routes', async () => {
    const reconcile = recorder();
    const bus = new LocalBus(routes, queues({ reconcile }), { archivePattern });
    await bus.publish([{ source: 'concord.ingest', detailType: 'SourceRecordChanged', detail: { eventId: 'e1' } }]);
    expect(bus.replay({ 'detail-type': ['SourceRecordChanged'] })).toBe(1);
    expect(reconcile.events().map((e) => e.id)).toEqual([reconcile.events()[0]!.id, reconcile.events()[0]!.id]);
  });

  it('refuses a routing table that targets a consumer it was not given', () => {
    expect(() => new LocalBus(routes, {})).toThrow(/unknown consumer reconcile/);
  });
});
