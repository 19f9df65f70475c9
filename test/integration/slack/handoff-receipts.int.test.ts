/**
 * The handoffs in Slack, through the Slack worker's real handler: handoffs kept in DynamoDB Local
 * (HandoffStore, as the executor keeps them) and acted on by a real HandoffService; the local
 * Slack receiving the worker's Web API calls and sending people's clicks, signed as Slack signs
 * them, to the real Bolt app, whose listeners hand the work over the bus. The bus here delivers
 * what the routing table sends to the Slack worker's queue as SQS would: each message in its own
 * invocation (so they run concurrently), and a failed one again.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { HANDOFF_EVENT_SOURCE } from '../../../functions/handoffs/events';
import { handoffIdOf, type HandoffException, type StepState, type TriggerRecord } from '../../../functions/handoffs/handoff';
import type { HandoffService } from '../../../functions/handoffs/handoff-service';
import { HandoffStore } from '../../../functions/handoffs/handoff.store';
import { handoffServiceOn } from '../../../functions/handoffs/handoffs.handler';
import { ErasureStore } from '../../../functions/identity/erasure.store';
import { IdentityService } from '../../../functions/identity/identity-service';
import { IdentityStore } from '../../../functions/identity/identity.store';
import { SourceRecordStore } from '../../../functions/reconcile/source-record.store';
import { createDynamoClient } from '../../../functions/shared/aws/dynamo';
import { systemClock, type BusEvent, type EventBus } from '../../../functions/shared/ports';
import { routes } from '../../../functions/shared/routing';
import { matchesPattern } from '../../../local/event-pattern';
import { sandboxHandoffSettings } from '../../../local/sandbox/sandbox-handoff-settings';
import { startSandbox, type RunningSandbox } from '../../../local/sandbox/sandbox-server';
import { sandboxSystems } from '../../../local/sandbox/sandbox-systems';
import { startSlackEmulator, type RunningSlackEmulator } from '../../../local/slack/slack-emulator';
import { ADMIN_USER_ID, NON_STEWARD_USER_ID, STEWARD_USER_ID, STEWARDS_GROUP_ID } from '../../../local/slack/workspace';
import { createSlackApp } from '../../../slack/app';
import { HTTPReceiver } from '../../../slack/bolt';
import { slackSettingsOf } from '../../../slack/settings';
import { slackWorkerHandlerOn } from '../../../slack/worker.handler';
import { startTestDynamo, type TestDynamo } from '../../support/dynamo';

jest.setTimeout(120_000);

const HANDOFFS = 'C0HANDOFFS';
const CSM_USER_ID = 'U0SUCCESS';
const RUNNER = 'test-runner';

let dynamo: TestDynamo;
let raw: DynamoDBClient;
let slack: RunningSlackEmulator;
let sandbox: RunningSandbox;
let server: Server;
let store: HandoffStore;
let service: HandoffService;
let handle: (event: SQSEvent) => Promise<SQSBatchResponse>;
const logged: { message: string; extra: Record<string, unknown> }[] = [];

/** Everything published, in order; `drain` takes out what goes to the Slack worker, and keeps it in `delivered`. */
const published: BusEvent[] = [];
const delivered: BusEvent[] = [];
const bus: EventBus = { publish: async (events) => void published.push(...events) };

const envelopeOf = (event: BusEvent) => ({ version: '0', id: ulid(), source: event.source, 'detail-type': event.detailType, detail: event.detail });
const forSlack = (event: BusEvent): boolean => routes.some((route) => route.target === 'slack' && matchesPattern(route.pattern, envelopeOf(event)));

/** Delivers the Slack worker's messages until none is left, each in an invocation of its own; returns how many failed on the way. */
const drain = async (): Promise<number> => {
  let failures = 0;
  for (let round = 0; round < 10; round++) {
    const batch = published.filter(forSlack);
    if (batch.length === 0) return failures;
    for (const event of batch) published.splice(published.indexOf(event), 1);
    delivered.push(...batch);
    const outcomes = await Promise.all(batch.map((event) => handle({ Records: [{ messageId: ulid(), body: JSON.stringify(envelopeOf(event)) }] } as unknown as SQSEvent)));
    // A failed message becomes visible again, as SQS makes it.
    outcomes.forEach((outcome, i) => {
      if (outcome.batchItemFailures.length > 0) {
        failures++;
        published.push(batch[i]!);
      }
    });
  }
  throw new Error('the Slack worker never caught up');
};

/** Bolt acknowledges before the listener publishes: waits for the work of `clicks` more clicks. */
const handedOver = async (before: number, clicks = 1): Promise<void> => {
  for (let waited = 0; waited < 5000; waited += 20) {
    if (published.filter(forSlack).length >= before + clicks) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the click was not handed over within 5 s');
};

const click = async (input: Parameters<RunningSlackEmulator['emulator']['act']['blockAction']>[0]): Promise<void> => {
  const before = published.filter(forSlack).length;
  const sent = await slack.emulator.act.blockAction(input);
  expect(sent.status).toBe(200);
  await handedOver(before);
};

beforeAll(async () => {
  dynamo = await startTestDynamo();
  raw = createDynamoClient({ endpoint: dynamo.endpoint });
  sandbox = await startSandbox({ systems: sandboxSystems() });
  let appUrl = '';
  slack = await startSlackEmulator({ appUrl: () => appUrl });
  const { botToken, signingSecret } = slack.emulator.credentials;
  const settings = slackSettingsOf({ SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.apiUrl, SLACK_STEWARD_USERGROUP: STEWARDS_GROUP_ID });
  const ids = { next: () => ulid() };
  const sourceRecords = new SourceRecordStore(dynamo.db, dynamo.tables.sourceRecords);
  const identity = new IdentityService({
    store: new IdentityStore(dynamo.db, dynamo.tables.identity),
    sourceRecords,
    erasures: new ErasureStore(dynamo.db, dynamo.tables.identity),
    bus,
    clock: systemClock,
    ids,
  });
  store = new HandoffStore(dynamo.db, dynamo.tables.handoffs);
  service = handoffServiceOn({ db: dynamo.db, tables: dynamo.tables, bus, clock: systemClock, ids, settings: sandboxHandoffSettings(sandbox.url), entityOf: (ref) => identity.entityOf(ref) });
  handle = slackWorkerHandlerOn({
    db: dynamo.db,
    dynamo: raw,
    tables: dynamo.tables,
    identity,
    settings,
    handoffs: { service, store },
    clock: systemClock,
    log: { info: (message, extra) => void logged.push({ message, extra }), error: (message, extra) => void logged.push({ message, extra }) },
  });

  const receiver = new HTTPReceiver({ signingSecret, endpoints: ['/slack/events'] });
  createSlackApp({
    settings,
    receiver,
    bus,
    entities: { entityOf: (ref) => identity.entityOf(ref), membersOf: (keys) => sourceRecords.getMany(keys) },
    log: { info: () => undefined, error: (message, extra) => console.error(`slack: ${message}`, extra ?? '') },
  });
  server = createServer(receiver.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await slack?.stop();
  await sandbox?.stop();
  raw?.destroy();
  await dynamo?.stop();
});

// ---- handoffs as the executor keeps them --------------------------------------------------------

const closedWonSteps = () => service.playbooks.find((p) => p.name === 'closed-won')!.steps.map((s) => s.id);
const at = () => new Date().toISOString();

let started = 0;
/** A closed-won handoff, running, held by this test as its runner. */
const startHandoff = async (): Promise<string> => {
  started++;
  const trigger: TriggerRecord = { kind: 'opportunityWon', key: `salesforce#opportunity#006T${started}`, title: `Opportunity Acme ${started} — Platform closed-won`, occurredAt: at() };
  const handoffId = handoffIdOf('closed-won', trigger.key);
  const begun = await store.begin({ handoffId, playbook: 'closed-won', trigger, stepOrder: closedWonSteps(), owner: RUNNER, now: Date.now(), leaseMs: 600_000 });
  expect(begun.kind).toBe('started');
  expect(await store.describe(handoffId, RUNNER, { accountName: `Acme ${started}`, template: 'standard' }, at())).toBe(true);
  return handoffId;
};

const finishStep = async (handoffId: string, stepId: string, outcome: Partial<StepState>): Promise<void> => {
  expect(await store.claimStep(handoffId, stepId, RUNNER, at(), Date.now() + 60_000)).toBeDefined();
  expect(await store.recordStep(handoffId, stepId, RUNNER, { status: 'done', attempts: 1, records: [], values: {}, ...outcome }, at())).toBe(true);
};

const stopAtException = async (handoffId: string, exception: Omit<HandoffException, 'at'>): Promise<void> => {
  const now = at();
  expect(await store.settle({ handoffId, playbook: 'closed-won' }, RUNNER, 'exception', { at: now, by: 'concord', action: 'stopped', detail: exception.detail }, { ...exception, at: now })).toBe(true);
};

const updated = (handoffId: string): BusEvent => ({ source: HANDOFF_EVENT_SOURCE, detailType: 'handoff.updated', detail: { handoffId, playbook: 'closed-won', status: 'running' } });

const receiptsOf = (handoffId: string) => slack.emulator.state.messages(HANDOFFS).filter((m) => JSON.stringify(m.blocks ?? []).includes(handoffId));
const receiptText = (handoffId: string): string => {
  const [receipt] = receiptsOf(handoffId);
  return JSON.stringify(slack.emulator.state.message(HANDOFFS, receipt!.ts)?.blocks ?? []);
};
const ephemeralsOf = (user: string) => slack.emulator.state.ephemerals(user, HANDOFFS);

describe('the receipt', () => {
  it('is posted once per handoff, however many updates arrive at once, and kept on the handoff', async () => {
    const handoffId = await startHandoff();
    await bus.publish([updated(handoffId), updated(handoffId), updated(handoffId), updated(handoffId)]);
    await drain();
    const receipts = receiptsOf(handoffId);
    expect(receipts).toHaveLength(1);
    expect(await store.receiptOf(handoffId)).toMatchObject({ channel: HANDOFFS, ts: receipts[0]!.ts });
    expect(receiptText(handoffId)).toContain('Running');
  });

  it('is updated in place as steps complete, with a link to each record made, and late updates show the latest', async () => {
    const handoffId = await startHandoff();
    await bus.publish([updated(handoffId)]);
    await drain();
    const [receipt] = receiptsOf(handoffId);

    const customerUrl = `${sandbox.url}/sandbox/netsuite/records/customer/4711`;
    await finishStep(handoffId, 'erp-customer', { records: [{ system: 'netsuite', kind: 'customer', id: '4711', url: customerUrl, existed: false }], summary: 'Customer Acme', values: { customerId: '4711' } });
    await finishStep(handoffId, 'cs-owner', { values: { email: 'casey.success@concord.example', name: 'Casey Success' }, summary: 'CS owner: Casey Success' });
    // Both steps' events, one of them twice, arrive after both changes: each draws what is stored now.
    await bus.publish([updated(handoffId), updated(handoffId), updated(handoffId)]);
    await drain();

    expect(receiptsOf(handoffId)).toHaveLength(1);
    expect(receiptsOf(handoffId)[0]!.ts).toBe(receipt!.ts);
    const shown = receiptText(handoffId);
    expect(shown).toContain(`<${customerUrl}|Customer 4711>`);
    expect(shown).toContain('Casey Success (casey.success@concord.example)');
    expect(slack.emulator.calls('chat.postMessage').filter((c) => JSON.stringify(c.args).includes(handoffId))).toHaveLength(1);
    expect(slack.emulator.calls('chat.update').filter((c) => c.args.ts === receipt!.ts).length).toBeGreaterThan(0);
  });

  it('gives the receiving team Confirm, records who confirmed, and then shows it instead of the button', async () => {
    const handoffId = await startHandoff();
    for (const stepId of closedWonSteps()) await finishStep(handoffId, stepId, { summary: `${stepId} done` });
    expect(await store.settle({ handoffId, playbook: 'closed-won' }, RUNNER, 'completed', { at: at(), by: 'concord', action: 'completed' })).toBe(true);
    await bus.publish([updated(handoffId)]);
    await drain();
    expect(receiptText(handoffId)).toContain('handoff_confirm');

    await click({ user: CSM_USER_ID, on: { channel: HANDOFFS, ts: receiptsOf(handoffId)[0]!.ts }, actionId: 'handoff_confirm' });
    await drain();
    expect((await store.get(handoffId))?.confirmation).toMatchObject({ by: CSM_USER_ID });
    const shown = receiptText(handoffId);
    expect(shown).toContain(`Confirmed by <@${CSM_USER_ID}>`);
    expect(shown).not.toContain('handoff_confirm');
  });
});

describe('an exception on the receipt', () => {
  const failure = { reason: 'step-failed' as const, detail: 'erp-sales-order failed 8 times: NetSuite answered 503', stepId: 'erp-sales-order' };

  it('can be assigned by anyone in the channel, which is audited with their Slack id', async () => {
    const handoffId = await startHandoff();
    await stopAtException(handoffId, failure);
    await bus.publish([updated(handoffId)]);
    await drain();
    expect(receiptText(handoffId)).toContain('handoff_retry');

    // Sam is no data steward: handoffs are anyone's in the channel.
    await click({ user: NON_STEWARD_USER_ID, on: { channel: HANDOFFS, ts: receiptsOf(handoffId)[0]!.ts }, actionId: 'handoff_assign', choice: CSM_USER_ID });
    await drain();
    const assigned = await store.get(handoffId);
    expect(assigned?.exception?.assignee).toBe(CSM_USER_ID);
    expect(assigned?.history.at(-1)).toMatchObject({ by: NON_STEWARD_USER_ID, action: 'assigned' });
    expect(receiptText(handoffId)).toContain(`Assigned to <@${CSM_USER_ID}>`);
  });

  it('is resolved once for two clicks at once; the second clicker is told, alone, that nothing changed', async () => {
    const handoffId = await startHandoff();
    await stopAtException(handoffId, failure);
    await bus.publish([updated(handoffId)]);
    await drain();
    const ts = receiptsOf(handoffId)[0]!.ts;
    const told = () => [STEWARD_USER_ID, ADMIN_USER_ID].map((user) => ephemeralsOf(user).filter((e) => JSON.stringify(e.message).includes('Nothing was changed')).length);
    const toldBefore = told();

    const before = published.filter(forSlack).length;
    await Promise.all([
      slack.emulator.act.blockAction({ user: STEWARD_USER_ID, on: { channel: HANDOFFS, ts }, actionId: 'handoff_resolve' }),
      slack.emulator.act.blockAction({ user: ADMIN_USER_ID, on: { channel: HANDOFFS, ts }, actionId: 'handoff_resolve' }),
    ]);
    await handedOver(before, 2);
    await drain();

    const resolved = await store.get(handoffId);
    expect(resolved?.status).toBe('resolved');
    expect(resolved?.history.filter((h) => h.action === 'resolved')).toHaveLength(1);
    const refusals = told().map((n, i) => n - toldBefore[i]!);
    expect(refusals.sort()).toEqual([0, 1]);
    const shown = receiptText(handoffId);
    expect(shown).toContain('Resolved by');
    expect(shown).not.toContain('handoff_resolve');
    expect(shown).not.toContain('handoff_retry');
  });

  it('is retried from where it stopped: the handoff runs again and the receipt says so', async () => {
    const handoffId = await startHandoff();
    await stopAtException(handoffId, failure);
    await bus.publish([updated(handoffId)]);
    await drain();

    await click({ user: NON_STEWARD_USER_ID, on: { channel: HANDOFFS, ts: receiptsOf(handoffId)[0]!.ts }, actionId: 'handoff_retry' });
    await drain();
    const retried = await store.get(handoffId);
    expect(retried?.status).toBe('running');
    expect(retried?.history.at(-1)).toMatchObject({ by: NON_STEWARD_USER_ID, action: 'retried' });
    expect(published.some((e) => e.detailType === 'handoff.requested' && (e.detail as { trigger: TriggerRecord }).trigger.key === retried!.trigger.key)).toBe(true);
    const shown = receiptText(handoffId);
    expect(shown).toContain('Running');
    expect(shown).not.toContain('handoff_retry');
  });

  it('is listed on App Home with the other open exceptions', async () => {
    const handoffId = await startHandoff();
    await stopAtException(handoffId, { reason: 'legal-review', detail: 'The contract is flagged for legal review' });
    await slack.emulator.act.openHome({ user: NON_STEWARD_USER_ID });
    await handedOver(0);
    await drain();
    const home = JSON.stringify(slack.emulator.state.home(NON_STEWARD_USER_ID));
    expect(home).toContain(`Handoff stopped: Closed-won → ERP and onboarding · Acme ${started}`);
    expect(home).toContain('The contract is flagged for legal review');
  });
});

describe('a paused playbook', () => {
  it('is announced once per pause with Resume, which releases the held handoffs, says who resumed it, and notes it once', async () => {
    const state = await store.playbookState('closed-won');
    const pausedAt = at();
    expect(await store.savePlaybookState({ ...state, paused: true, pausedAt, reason: '3 of the last 4 handoffs failed' }, state)).toBe(true);
    const held = await startHandoff();
    expect(await store.settle({ handoffId: held, playbook: 'closed-won' }, RUNNER, 'held', { at: at(), by: 'concord', action: 'held' })).toBe(true);
    const paused: BusEvent = { source: HANDOFF_EVENT_SOURCE, detailType: 'handoff.playbookPaused', detail: { playbook: 'closed-won', title: 'Closed-won → ERP and onboarding', reason: '3 of the last 4 handoffs failed', at: pausedAt } };
    await bus.publish([paused, paused]);
    await drain();
    const alerts = slack.emulator.state.messages(HANDOFFS).filter((m) => JSON.stringify(m.blocks ?? []).includes('playbook_resume'));
    expect(alerts).toHaveLength(1);

    await click({ user: ADMIN_USER_ID, on: { channel: HANDOFFS, ts: alerts[0]!.ts }, actionId: 'playbook_resume' });
    await drain();
    expect((await store.playbookState('closed-won')).paused).toBe(false);
    expect((await store.get(held))?.status).toBe('running');
    const alert = JSON.stringify(slack.emulator.state.message(HANDOFFS, alerts[0]!.ts)?.blocks);
    expect(alert).not.toContain('playbook_resume');
    expect(alert).toContain(`Resumed by <@${ADMIN_USER_ID}>`);
    expect(alert).toContain('1 held handoff released');
    // The service announced the resumption; a repeated delivery of that announcement posts nothing more.
    const resumed = delivered.filter((e) => e.detailType === 'handoff.playbookResumed');
    expect(resumed).toHaveLength(1);
    await bus.publish(resumed);
    await drain();
    const notes = slack.emulator.state.messages(HANDOFFS).filter((m) => m.ts !== alerts[0]!.ts && (m.text ?? '').includes('resumed by'));
    expect(notes).toHaveLength(1);
  });
});

describe("an owner's notice", () => {
  it('is a direct message to the person with that email, once per notice; someone not in Slack is logged, not retried', async () => {
    const notice = (key: string, email: string): BusEvent => ({
      source: HANDOFF_EVENT_SOURCE,
      detailType: 'handoff.ownerNotice',
      detail: { key, email, text: 'Closed-won → ERP and onboarding: <!channel> Acme is yours now.', handoffId: 'hof_notice' },
    });
    await bus.publish([notice('hof_notice.tell-cs-owner', 'Casey.Success@concord.example'), notice('hof_notice.tell-cs-owner', 'casey.success@concord.example'), notice('hof_other.tell', 'nobody@elsewhere.example')]);
    expect(await drain()).toBe(0);
    const dms = slack.emulator.calls('chat.postMessage').filter((c) => c.args.channel === CSM_USER_ID);
    expect(dms).toHaveLength(1);
    expect(dms[0]!.result).toMatchObject({ ok: true });
    expect(String(dms[0]!.args.text)).toContain('&lt;!channel&gt; Acme is yours now.');
    expect(logged.some((l) => l.message.includes('not in Slack') && l.extra.key === 'hof_other.tell')).toBe(true);
  });
});
