import fc from 'fast-check';
import { recordOutcome, resumed } from '../../../functions/handoffs/circuit-breaker';
import { chooseTemplate } from '../../../functions/handoffs/conditions';
import { pickCsOwner, whyNoCsOwner, type CsManager } from '../../../functions/handoffs/cs-owner';
import type { HandoffContext } from '../../../functions/handoffs/facts';
import { regionOf, segmentOf } from '../../../functions/handoffs/facts';
import { gateOf } from '../../../functions/handoffs/gate';
import { handoffIdOf } from '../../../functions/handoffs/handoff';
import type { PlaybookState } from '../../../functions/handoffs/handoff.store';
import { loadPlaybooks } from '../../../functions/handoffs/playbook';
import { SHIPPED_PLAYBOOKS } from '../../../functions/handoffs/playbooks';
import { onLifecycleChanged, onOpportunity, renewalsFor } from '../../../functions/handoffs/triggers';
import type { SourceRecord } from '../../../functions/shared/canonical';

const playbooks = loadPlaybooks(SHIPPED_PLAYBOOKS, { targets: new Set(['erp', 'crm', 'pm', 'calendar', 'email']) });
const playbook = (name: string) => playbooks.find((p) => p.name === name)!;
const now = new Date('2026-11-25T10:00:00Z');

const context = (over: Partial<HandoffContext> = {}, account: Partial<HandoffContext['account']> = {}): HandoffContext => ({
  account: { unifiedId: 'cus_1', name: 'Acme', records: [{ system: 'salesforce', externalId: '001A', sourceKey: 'salesforce#account#001A' }], ...account },
  contacts: [],
  openTickets: [],
  ambiguities: [],
  ...over,
});

const record = (entityType: 'opportunity' | 'subscription', fields: Record<string, unknown>, firstSeenAt = '2026-11-01T00:00:00Z'): SourceRecord =>
  ({
    sourceKey: `salesforce#${entityType}#X1`,
    sourceSystem: 'salesforce',
    entityType,
    externalId: 'X1',
    fields,
    fieldVersions: {},
    version: '0000000000000001:0000000000',
    status: 'active',
    statusVersion: '0000000000000001:0000000000',
    lastEventId: 'e',
    firstSeenAt,
    updatedAt: '2026-11-25T09:59:00Z',
  }) as SourceRecord;

describe('handoff ids', () => {
  it('are the same for the same playbook and trigger, and differ otherwise', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (p, a, b) => {
        expect(handoffIdOf(p, a)).toBe(handoffIdOf(p, a));
        if (a !== b) expect(handoffIdOf(p, a)).not.toBe(handoffIdOf(p, b));
        expect(handoffIdOf(p, a)).toMatch(/^hof_[A-Za-z0-9_-]{22}$/);
      }),
    );
  });
});

describe('template selection', () => {
  const templates = playbook('closed-won').templates;
  it('picks by deal size first, then region, and the first that fits', () => {
    expect(chooseTemplate(templates, context({ opportunity: { sourceKey: 'k', system: 'salesforce', externalId: 'o', name: 'big', amount: 250_000 } }))?.name).toBe('enterprise');
    expect(chooseTemplate(templates, context({ opportunity: { sourceKey: 'k', system: 'salesforce', externalId: 'o', name: 'eu', amount: 20_000 } }, { country: 'DE' }))?.name).toBe('emea-standard');
    expect(chooseTemplate(templates, context({ opportunity: { sourceKey: 'k', system: 'salesforce', externalId: 'o', name: 'us', amount: 20_000 } }, { country: 'US' }))?.name).toBe('standard');
  });

  it('finds none for a deal no template fits (an exception, not a guess)', () => {
    expect(chooseTemplate(templates, context({ opportunity: { sourceKey: 'k', system: 'salesforce', externalId: 'o', name: 'no amount' } }, { country: 'US' }))).toBeUndefined();
  });

  it('reads segments and regions as CS teams split them', () => {
    expect([segmentOf(12), segmentOf(100), segmentOf(5000), segmentOf(undefined)]).toEqual(['smb', 'mid-market', 'enterprise', undefined]);
    expect([regionOf('us'), regionOf('JP'), regionOf('DE'), regionOf('ZA'), regionOf(undefined), regionOf('Germany')]).toEqual(['amer', 'apac', 'emea', 'emea', undefined, undefined]);
  });
});

describe('gates', () => {
  it('refuses an ambiguous identity before anything else', () => {
    const gate = gateOf(playbook('closed-won'), context({ ambiguities: [{ kind: 'open-proposal', detail: 'merge proposal p1 awaits a steward' }] }));
    expect(gate).toEqual({ reason: 'ambiguous-identity', detail: expect.stringContaining('p1') });
  });

  it('stops a closed-won in legal review, and an onboarding takeover over an open complaint', () => {
    expect(gateOf(playbook('closed-won'), context({ opportunity: { sourceKey: 'k', system: 'salesforce', externalId: 'o', name: 'Deal', legalReview: true } }))?.reason).toBe('legal-review');
    const complaint = { sourceKey: 't', subject: 'Import broken', status: 'open', priority: 'urgent' };
    expect(gateOf(playbook('onboarding-to-success'), context({ openTickets: [complaint] }))?.reason).toBe('complaint');
    expect(gateOf(playbook('onboarding-to-success'), context({ openTickets: [{ ...complaint, priority: 'low', satisfaction: 'bad' }] }))?.reason).toBe('complaint');
    expect(gateOf(playbook('onboarding-to-success'), context({ openTickets: [{ ...complaint, priority: 'normal' }] }))).toBeUndefined();
  });
});

describe('the circuit breaker', () => {
  const settings = { window: 10, failureRate: 0.5, minFailures: 3 };
  const fresh: PlaybookState = { playbook: 'closed-won', paused: false, outcomes: [], version: 0 };
  const feed = (outcomes: boolean[]) =>
    outcomes.reduce<{ state: PlaybookState; tripped: number }>(
      (acc, ok, i) => {
        const d = recordOutcome(acc.state, `h${i}`, ok, settings, 't');
        return { state: d.next, tripped: acc.tripped + (d.tripped ? 1 : 0) };
      },
      { state: fresh, tripped: 0 },
    );

  it('pauses once when half of the latest handoffs (and at least three) failed', () => {
    expect(feed([false, false]).state.paused).toBe(false);
    expect(feed([true, true, true, true, false, false, false]).state.paused).toBe(false);
    const tripped = feed([true, false, true, false, false]);
    expect(tripped.state).toMatchObject({ paused: true, reason: expect.stringContaining('3 of the last 5') });
    expect(feed([true, false, true, false, false, false, false]).tripped).toBe(1);
  });

  it('counts a redelivered outcome once, and starts afresh when resumed', () => {
    const once = recordOutcome(fresh, 'h1', false, settings, 't').next;
    expect(recordOutcome(once, 'h1', false, settings, 't').next).toBe(once);
    expect(resumed(feed([false, false, false]).state)).toMatchObject({ paused: false, outcomes: [] });
  });

  it('never looks further back than its window', () => {
    fc.assert(fc.property(fc.array(fc.boolean(), { maxLength: 40 }), (outcomes) => expect(feed(outcomes).state.outcomes.length).toBeLessThanOrEqual(settings.window)));
  });
});

describe('the CS owner rule', () => {
  const roster: CsManager[] = [
    { email: 'ent@x.co', name: 'Ent', segments: ['enterprise'], capacity: 2 },
    { email: 'emea@x.co', name: 'Emea', segments: ['mid-market', 'smb'], regions: ['emea'], capacity: 3 },
    { email: 'any1@x.co', name: 'Any One', segments: ['mid-market', 'smb'], capacity: 3 },
    { email: 'any2@x.co', name: 'Any Two', segments: ['mid-market', 'smb'], capacity: 3 },
  ];

  it('picks by segment and region, the least loaded first, round robin among equals', () => {
    expect(pickCsOwner(roster, {}, { segment: 'enterprise', region: 'amer' })?.name).toBe('Ent');
    expect(pickCsOwner(roster, {}, { segment: 'smb', region: 'emea' })?.name).toBe('Emea');
    const loads: Record<string, number> = {};
    const picks = Array.from({ length: 6 }, () => {
      const manager = pickCsOwner(roster, loads, { segment: 'smb', region: 'amer' })!;
      loads[manager.email] = (loads[manager.email] ?? 0) + 1;
      return manager.name;
    });
    expect(picks).toEqual(['Any One', 'Any Two', 'Any One', 'Any Two', 'Any One', 'Any Two']);
  });

  it('says why no one fits rather than picking someone who does not', () => {
    expect(pickCsOwner(roster, { 'ent@x.co': 2 }, { segment: 'enterprise' })).toBeUndefined();
    expect(whyNoCsOwner(roster, { segment: 'enterprise' })).toMatch(/at capacity \(Ent\)/);
    expect(whyNoCsOwner(roster, { segment: 'government' })).toMatch(/no CS manager serves segment government/);
  });

  it('never picks someone at capacity or outside the account', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...roster.map((m) => m.email)), fc.nat(5)), fc.constantFrom('enterprise', 'mid-market', 'smb'), fc.constantFrom('amer', 'emea', 'apac'), (loads, segment, region) => {
        const picked = pickCsOwner(roster, loads, { segment, region });
        if (!picked) return;
        expect(loads[picked.email] ?? 0).toBeLessThan(picked.capacity);
        expect(picked.segments ?? [segment]).toContain(segment);
        expect(picked.regions ?? [region]).toContain(region);
      }),
    );
  });
});

describe('triggers', () => {
  it('starts closed-won once per opportunity, and not for a deal won long ago (a backfill)', () => {
    const won = record('opportunity', { isWon: true, name: 'Acme - Platform', accountRef: '001A', closeDate: '2026-11-24' });
    expect(onOpportunity(playbooks, { ...won, fields: { ...won.fields, accountRef: undefined } }, now)).toEqual([]);
    const requests = onOpportunity(playbooks, won, now);
    expect(requests).toEqual([{ playbook: 'closed-won', trigger: expect.objectContaining({ kind: 'opportunityWon', key: 'salesforce#opportunity#X1', accountKey: 'salesforce#account#001A' }) }]);
    expect(onOpportunity(playbooks, { ...won, fields: { ...won.fields, closeDate: '2026-06-01' } }, now)).toEqual([]);
    expect(onOpportunity(playbooks, { ...won, fields: { ...won.fields, isWon: false } }, now)).toEqual([]);
    expect(onOpportunity(playbooks, { ...won, status: 'deleted' }, now)).toEqual([]);
  });

  it('starts lead → opportunity on a lead becoming a prospect only', () => {
    const change = { type: 'identity.lifecycleChanged' as const, unifiedId: 'cus_1', from: 'lead' as const, to: 'prospect' as const, rule: 'r', evidence: [], at: '2026-11-25T09:00:00Z' };
    expect(onLifecycleChanged(playbooks, change).map((r) => r.playbook)).toEqual(['lead-to-opportunity']);
    expect(onLifecycleChanged(playbooks, { ...change, from: null })).toEqual([]);
    expect(onLifecycleChanged(playbooks, { ...change, from: 'prospect', to: 'customer' })).toEqual([]);
  });

  it('schedules a renewal 90 days before the term ends, and none for a subscription that will not renew', () => {
    const sub = record('subscription', { accountRef: 'cus_A', currentPeriodEnd: '2027-06-30T00:00:00Z', status: 'active' });
    expect(renewalsFor(playbooks, sub)).toEqual({ due: [{ playbook: 'renewal', subscriptionKey: sub.sourceKey, accountKey: 'salesforce#account#cus_A', termEnd: '2027-06-30T00:00:00Z', dueOn: '2027-04-01' }], notDue: [] });
    expect(renewalsFor(playbooks, { ...sub, fields: { ...sub.fields, cancelAtPeriodEnd: true } })).toEqual({ due: [], notDue: ['renewal'] });
    expect(renewalsFor(playbooks, { ...sub, fields: { ...sub.fields, status: 'canceled' } })).toEqual({ due: [], notDue: ['renewal'] });
  });
});
