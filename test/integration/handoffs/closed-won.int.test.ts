/**
 * Closed-won end to end on the local runtime: a signed Salesforce closed-won goes in, and the ERP
 * customer and order, the onboarding project, the welcome email, the kickoff and the CS owner exist
 * once each in the sandbox — also when the trigger arrives ten times at once, when targets fail or
 * answer slowly, and when the run crashes at any step boundary.
 */
import { handoffIdOf } from '../../../functions/handoffs/handoff';
import type { LocalRuntime } from '../../../local/runtime';
import { sampleDeal } from '../../../local/sample-deal';
import { sendChanges } from '../../../local/send-webhooks';
import { settledHandoff } from '../../support/handoffs';
import { startTestRuntime } from '../../support/runtime';

jest.setTimeout(240_000);

const now = new Date();
const CREATED_KINDS: readonly [system: string, kind: string][] = [
  ['netsuite', 'customer/'],
  ['netsuite', 'salesOrder/'],
  ['asana', 'project/'],
  ['ses', 'email/'],
  ['google-calendar', 'event/'],
];

const createdBy = (runtime: LocalRuntime, text: string) =>
  Object.fromEntries(
    CREATED_KINDS.map(([system, prefix]) => [
      `${system} ${prefix}`,
      runtime.sandbox.records(system).filter((r) => r.key.startsWith(prefix) && JSON.stringify(r.fields).includes(text)).length,
    ]),
  );


const closeDeal = async (runtime: LocalRuntime, seed: number, times = 1) => {
  const deal = sampleDeal({ seed, now });
  const setup = await sendChanges(runtime.url, { salesforce: deal.setup }, { secretEnv: runtime.secretEnv, now });
  expect(setup.filter((r) => r.status !== 202)).toEqual([]);
  await runtime.drain(60_000);
  const closings = await Promise.all(Array.from({ length: times }, () => sendChanges(runtime.url, { salesforce: [deal.closeWon] }, { secretEnv: runtime.secretEnv, now })));
  expect(closings.flat().filter((r) => r.status !== 202)).toEqual([]);
  await runtime.drain(120_000);
  return { deal, handoffId: handoffIdOf('closed-won', `salesforce#opportunity#${deal.opportunityId}`) };
};

describe('closed-won handoff', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime({ visibilityTimeoutMs: 1500, handoffTuning: { quickRetryDelaysMs: [20, 50], leaseMs: 1000 } });
  });
  afterAll(() => runtime.stop());

  it('creates every record once, delivered ten times at once, and says who owns it', async () => {
    const { deal, handoffId } = await closeDeal(runtime, 1, 10);
    const handoff = await settledHandoff(runtime, handoffId);
    expect(handoff?.status).toBe('completed');
    expect(handoff?.stepOrder.map((id) => handoff.steps[id]?.status)).toEqual(handoff?.stepOrder.map(() => 'done'));
    const unifiedId = handoff?.accountId as string;
    expect(createdBy(runtime, unifiedId)).toMatchObject({ 'netsuite customer/': 1, 'netsuite salesOrder/': 1 });
    expect(createdBy(runtime, handoffId)).toMatchObject({ 'asana project/': 1, 'ses email/': 1 });
    expect(runtime.sandbox.records('google-calendar').filter((r) => r.key.startsWith('event/') && JSON.stringify(r.fields).includes(deal.name))).toHaveLength(1);
    expect(handoff?.steps['cs-owner']?.values).toMatchObject({ email: 'sofia.garcia@concord.example' });
    // Every record the receipt links to opens in the sandbox.
    const records = handoff!.stepOrder.flatMap((id) => handoff!.steps[id]!.records);
    expect(records.map((r) => r.kind).sort()).toEqual(['customer', 'email', 'event', 'project', 'salesOrder']);
    for (const record of records) expect({ kind: record.kind, status: (await fetch(record.url as string)).status }).toEqual({ kind: record.kind, status: 200 });
  });

  it('retries a target that answers 5xx, and one too slow for the caller, and still makes each record once', async () => {
    await fetch(`${runtime.url}/sandbox/asana/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'fail', status: 503, times: 4 }) });
    await fetch(`${runtime.url}/sandbox/netsuite/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'slow', delayMs: 6000, times: 1 }) });
    const { handoffId } = await closeDeal(runtime, 2);
    const handoff = await settledHandoff(runtime, handoffId);
    expect(handoff?.status).toBe('completed');
    expect(createdBy(runtime, handoff?.accountId as string)).toMatchObject({ 'netsuite customer/': 1, 'netsuite salesOrder/': 1 });
    expect(createdBy(runtime, handoffId)).toMatchObject({ 'asana project/': 1, 'ses email/': 1 });
    expect(handoff?.steps['onboarding-project']?.attempts).toBeGreaterThan(1);
  });

  it('never sends a welcome email twice: one that may have gone out is an exception for a person', async () => {
    // SES takes the email but answers after the adapter gave up (5 s): it went out, and Concord cannot know.
    await fetch(`${runtime.url}/sandbox/ses/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'slow', delayMs: 6000, times: 1 }) });
    const { handoffId } = await closeDeal(runtime, 5);
    const handoff = await settledHandoff(runtime, handoffId);
    expect(handoff?.status).toBe('exception');
    expect(handoff?.exception).toMatchObject({ reason: 'outcome-unknown', stepId: 'welcome-email' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(createdBy(runtime, handoffId)).toMatchObject({ 'ses email/': 1 });
    expect(handoff?.steps['kickoff']?.attempts).toBe(0);
  });

  it('stops at an exception, not at a second record, when a contract waits for legal review', async () => {
    const deal = sampleDeal({ seed: 3, now, legalReview: true });
    await sendChanges(runtime.url, { salesforce: [...deal.setup, deal.closeWon] }, { secretEnv: runtime.secretEnv, now });
    await runtime.drain(60_000);
    const handoff = await runtime.handoffStore.get(handoffIdOf('closed-won', `salesforce#opportunity#${deal.opportunityId}`));
    expect(handoff?.status).toBe('exception');
    expect(handoff?.exception).toMatchObject({ reason: 'legal-review' });
    expect(handoff?.accountName).toBeDefined();
    expect(Object.values(handoff!.steps).every((s) => s.attempts === 0)).toBe(true);
  });
});

describe('closed-won handoff after a crash at each step boundary', () => {
  const STEPS = ['erp-customer', 'erp-sales-order', 'cs-owner', 'onboarding-project', 'welcome-email', 'kickoff', 'tell-cs-owner'];
  // Between claiming the email and sending it a crash leaves the outcome unknown: that one is an exception, tested apart.
  const BOUNDARIES = STEPS.flatMap((step) => [`${step}:claimed`, `${step}:recorded`]).filter((b) => b !== 'welcome-email:claimed');
  const seeds = BOUNDARIES.map((_, i) => 100 + i);
  const deals = seeds.map((seed) => sampleDeal({ seed, now }));
  /** Each deal's handoff dies once, at its own boundary, as a Lambda timing out there would. */
  const crashAt = new Map(deals.map((deal, i) => [handoffIdOf('closed-won', `salesforce#opportunity#${deal.opportunityId}`), BOUNDARIES[i] as string]));
  const crashed = new Set<string>();
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime({
      visibilityTimeoutMs: 1500,
      handoffTuning: {
        quickRetryDelaysMs: [20],
        leaseMs: 1000,
        atBoundary: (handoffId, stepId, phase) => {
          if (crashAt.get(handoffId) !== `${stepId}:${phase}` || crashed.has(handoffId)) return;
          crashed.add(handoffId);
          throw new Error(`crash injected at ${stepId}:${phase}`);
        },
      },
    });
  });
  afterAll(() => runtime.stop());

  it('resumes where it stopped and makes every record exactly once', async () => {
    await sendChanges(runtime.url, { salesforce: deals.flatMap((d) => d.setup) }, { secretEnv: runtime.secretEnv, now });
    await runtime.drain(120_000);
    await sendChanges(runtime.url, { salesforce: deals.map((d) => d.closeWon) }, { secretEnv: runtime.secretEnv, now });
    for (const [handoffId, boundary] of crashAt) {
      const handoff = await settledHandoff(runtime, handoffId);
      expect({ boundary, status: handoff?.status }).toEqual({ boundary, status: 'completed' });
      expect({ boundary, ...createdBy(runtime, handoff?.accountId as string) }).toMatchObject({ boundary, 'netsuite customer/': 1 });
      expect({ boundary, ...createdBy(runtime, handoffId) }).toMatchObject({ boundary, 'netsuite salesOrder/': 1, 'asana project/': 1, 'ses email/': 1 });
    }
    expect(crashed.size).toBe(BOUNDARIES.length);
    expect(runtime.sandbox.records('google-calendar').filter((r) => r.key.startsWith('event/'))).toHaveLength(deals.length);
  });
});
