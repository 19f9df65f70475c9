/**
 * The other handoffs end to end on the local runtime — lead → opportunity, onboarding → customer
 * success, customer success → renewal — and the circuit breaker: a playbook whose handoffs keep
 * failing pauses itself, holds what arrives, and runs it when a person resumes it.
 */
import { handoffIdOf } from '../../../functions/handoffs/handoff';
import type { LocalRuntime } from '../../../local/runtime';
import { sampleDeal } from '../../../local/sample-deal';
import { sendChanges } from '../../../local/send-webhooks';
import { settledHandoff } from '../../support/handoffs';
import { startTestRuntime } from '../../support/runtime';

jest.setTimeout(240_000);

const now = new Date();
const DAY = 86_400_000;


const send = async (runtime: LocalRuntime, changes: Parameters<typeof sendChanges>[1]) => {
  const results = await sendChanges(runtime.url, changes, { secretEnv: runtime.secretEnv, now });
  expect(results.filter((r) => r.status !== 202)).toEqual([]);
  await runtime.drain(60_000);
};

const fault = (runtime: LocalRuntime, system: string, order?: Record<string, unknown>) =>
  fetch(`${runtime.url}/sandbox/${system}/faults`, order ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) } : { method: 'DELETE' });

const closedWonId = (opportunityId: string) => handoffIdOf('closed-won', `salesforce#opportunity#${opportunityId}`);

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startTestRuntime({ visibilityTimeoutMs: 1500, handoffTuning: { quickRetryDelaysMs: [20], leaseMs: 1000 } });
});
afterAll(() => runtime.stop());

describe('lead → opportunity', () => {
  it("carries the lead's context and owner onto the first opportunity, and tells the account executive", async () => {
    const deal = sampleDeal({ seed: 300, now });
    const [account, contact, opportunity] = deal.setup;
    await send(runtime, { salesforce: [account!, contact!] });
    await send(runtime, { salesforce: [opportunity!] });
    const unifiedId = (await runtime.identityStore.entityOfRecord(`salesforce#account#${deal.accountId}`))!.unifiedId;
    const [handoff] = await runtime.handoffStore.list('completed', 50).then((all) => all.filter((h) => h.playbook === 'lead-to-opportunity' && h.accountId === unifiedId));
    expect(handoff?.steps['carry-lead-context']?.status).toBe('done');
    const patched = runtime.sandbox.requests('salesforce').filter((r) => r.method === 'PATCH' && r.path.endsWith(`/Opportunity/${deal.opportunityId}`));
    expect(patched).toHaveLength(1);
    expect(patched[0]?.body).toMatchObject({ Description: expect.stringContaining('VP Operations'), LeadSource: 'Web' });
    expect(handoff?.steps['tell-account-executive']?.values).toEqual({ email: 'riley.ae@concord.example' });
  });
});

describe('onboarding → customer success', () => {
  it('hands the account to its CS owner with every detail once the onboarding project is completed', async () => {
    const deal = sampleDeal({ seed: 301, now });
    await send(runtime, { salesforce: deal.setup });
    await send(runtime, { salesforce: [deal.closeWon] });
    const onboarding = await settledHandoff(runtime, closedWonId(deal.opportunityId));
    expect(onboarding?.status).toBe('completed');
    const project = onboarding!.steps['onboarding-project']!.records[0]!;

    // Nothing to take over while the project is open.
    expect(await runtime.handoffs.sweep()).toMatchObject({ projects: 0 });
    await fetch(`${runtime.url}/asana/api/1.0/projects/${project.id}`, { method: 'PUT', headers: { authorization: 'Bearer local-asana-token', 'content-type': 'application/json' }, body: JSON.stringify({ data: { completed: true } }) });
    expect(await runtime.handoffs.sweep()).toMatchObject({ projects: 1 });
    await runtime.drain(60_000);

    const takeover = await settledHandoff(runtime, handoffIdOf('onboarding-to-success', onboarding!.handoffId));
    expect(takeover?.status).toBe('completed');
    expect(takeover?.steps['takeover-record']?.values).toMatchObject({
      owner: onboarding!.steps['cs-owner']!.values,
      products: ['Platform'],
      contacts: [expect.objectContaining({ role: 'buyer', title: 'VP Operations' })],
      openTickets: [],
    });
    // A second sweep finds nothing more: the project is no longer watched.
    expect(await runtime.handoffs.sweep()).toMatchObject({ projects: 0 });
  });
});

describe('customer success → renewal', () => {
  it("opens one renewal opportunity in the CRM ninety days before the subscription's term ends", async () => {
    const deal = sampleDeal({ seed: 302, now });
    const account = deal.setup[0]!;
    const termEnd = new Date(now.getTime() + 60 * DAY).toISOString().replace(/\.\d+Z$/, 'Z');
    await send(runtime, { salesforce: deal.setup });
    await send(runtime, {
      stripe: [
        { entityType: 'account', externalId: 'cus_SampleRenewal302', changeKind: 'upsert', occurredAt: new Date(now.getTime() - 20 * 60_000), fields: { ...account.fields } as never },
        {
          entityType: 'subscription',
          externalId: 'sub_SampleRenewal302',
          changeKind: 'upsert',
          occurredAt: new Date(now.getTime() - 19 * 60_000),
          fields: { accountRef: 'cus_SampleRenewal302', status: 'active', plan: 'Platform', quantity: 25, amount: 60_000, currency: 'USD', currentPeriodEnd: termEnd, cancelAtPeriodEnd: false },
        },
      ],
    });
    const salesforceAccount = await runtime.identityStore.entityOfRecord(`salesforce#account#${deal.accountId}`);
    expect(salesforceAccount?.members).toContain('stripe#account#cus_SampleRenewal302');

    expect(await runtime.handoffs.sweep()).toMatchObject({ renewals: 1 });
    await runtime.drain(60_000);
    const [requested] = (await runtime.handoffStore.list('completed', 100)).filter((h) => h.trigger.subscriptionKey === 'stripe#subscription#sub_SampleRenewal302');
    const renewal = await settledHandoff(runtime, requested?.handoffId ?? 'none');
    expect(renewal?.status).toBe('completed');
    const created = runtime.sandbox.records('salesforce').filter((r) => r.key.startsWith('Opportunity/') && r.fields.Concord_Handoff_Key__c === `${renewal!.handoffId}.renewal-opportunity`);
    expect(created).toHaveLength(1);
    expect(created[0]?.fields).toMatchObject({ AccountId: deal.accountId, Amount: 60_000, CloseDate: termEnd.slice(0, 10), Type: 'Renewal' });
    expect(await runtime.handoffs.sweep()).toMatchObject({ renewals: 0 });
  });
});

describe('a handoff whose message was lost', () => {
  it('is started again by the sweep once nothing has run it for a while, and finishes', async () => {
    const deal = sampleDeal({ seed: 320, now });
    await send(runtime, { salesforce: deal.setup });
    const key = `salesforce#opportunity#${deal.opportunityId}`;
    const handoffId = closedWonId(deal.opportunityId);
    // A run that died half an hour ago, its message gone (out of receives, or a retry never published).
    const longAgo = Date.now() - 30 * 60_000;
    const playbook = runtime.handoffs.playbooks.find((p) => p.name === 'closed-won')!;
    await runtime.handoffStore.begin({
      handoffId,
      playbook: 'closed-won',
      trigger: { kind: 'opportunityWon', key, title: `${deal.name} closed-won`, opportunityKey: key, accountKey: `salesforce#account#${deal.accountId}`, occurredAt: new Date(longAgo).toISOString() },
      stepOrder: playbook.steps.map((s) => s.id),
      owner: 'a-run-that-died',
      now: longAgo,
      leaseMs: 90_000,
    });
    expect(await runtime.handoffs.sweep()).toMatchObject({ restarted: 1 });
    await runtime.drain(60_000);
    expect((await settledHandoff(runtime, handoffId))?.status).toBe('completed');
    expect(await runtime.handoffs.sweep()).toMatchObject({ restarted: 0 });
  });
});

describe('the circuit breaker', () => {
  afterAll(() => fault(runtime, 'netsuite'));

  it('pauses a playbook whose handoffs keep failing, holds what arrives, and runs it once resumed', async () => {
    const deals = [310, 311, 312, 313].map((seed) => sampleDeal({ seed, now }));
    await send(runtime, { salesforce: deals.flatMap((d) => d.setup) });
    await fault(runtime, 'netsuite', { mode: 'fail', status: 400 });
    for (const deal of deals.slice(0, 3)) {
      await send(runtime, { salesforce: [deal.closeWon] });
      expect((await settledHandoff(runtime, closedWonId(deal.opportunityId)))?.exception).toMatchObject({ reason: 'step-failed', stepId: 'erp-customer' });
    }
    expect(await runtime.handoffStore.playbookState('closed-won')).toMatchObject({ paused: true, reason: expect.stringContaining('3 of the last') });

    const held = deals[3]!;
    await send(runtime, { salesforce: [held.closeWon] });
    expect((await settledHandoff(runtime, closedWonId(held.opportunityId)))?.status).toBe('held');

    await fault(runtime, 'netsuite');
    expect(await runtime.handoffs.resumePlaybook('closed-won', 'U0OPS')).toEqual({ ok: true, released: 1 });
    await runtime.drain(60_000);
    expect((await settledHandoff(runtime, closedWonId(held.opportunityId)))?.status).toBe('completed');

    // A person sends a failed one round again: it resumes at the step that failed.
    const failed = closedWonId(deals[0]!.opportunityId);
    expect(await runtime.handoffs.retry(failed, 'U0OPS')).toMatchObject({ ok: true });
    await runtime.drain(60_000);
    const retried = await settledHandoff(runtime, failed);
    expect(retried?.status).toBe('completed');
    expect(retried?.history.map((h) => h.action)).toEqual(expect.arrayContaining(['started', 'exception', 'retried', 'completed']));
    expect(await runtime.handoffs.retry(failed, 'U0OPS')).toMatchObject({ ok: false, why: expect.stringContaining('it is completed') });
  });
});
