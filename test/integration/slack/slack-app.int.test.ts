/**
 * The Slack app end to end on the local runtime: the local Slack signs requests exactly as Slack
 * does and sends them to Bolt's HTTPReceiver at /slack/events; listeners hand work over the bus
 * to the Slack worker, which answers through the local Slack's Web API. Identity runs on DynamoDB
 * Local with the generator's customers.
 */
import { proposalBetween } from '../../../bench/generate/proposal';
import { generateWorld } from '../../../bench/generate/world';
import { IdentityStore, type EntityItem, type ProposalItem } from '../../../functions/identity/identity.store';
import { IDENTITY_EVENT_SOURCE } from '../../../functions/shared/bus-envelope';
import type { LocalRuntime } from '../../../local/runtime';
import { sendChanges } from '../../../local/send-webhooks';
import { NON_STEWARD_USER_ID, STEWARD_USER_ID } from '../../../local/slack/workspace';
import { startTestRuntime } from '../../support/runtime';

jest.setTimeout(240_000);

let runtime: LocalRuntime;
let store: IdentityStore;
const STEWARDS = 'C0STEWARDS';

beforeAll(async () => {
  runtime = await startTestRuntime();
  store = runtime.identityStore;
  const now = new Date();
  const world = generateWorld({ accounts: 4, seed: 3, now });
  await sendChanges(runtime.url, world.changes, { secretEnv: runtime.secretEnv, now });
  await runtime.drain(120_000);
});

afterAll(async () => {
  await runtime?.stop();
});

const slack = () => runtime.slack.emulator;

/** What `probe` finds once it finds something, within five seconds. */
const eventually = async <T>(probe: () => T | undefined): Promise<T> => {
  for (let waited = 0; waited < 5000; waited += 25) {
    const found = probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('not found within 5 s');
};

/** Two person entities put to the stewards as a proposal, as identity raises one. */
let proposalCount = 0;
const propose = async (): Promise<{ proposal: ProposalItem; a: EntityItem; b: EntityItem }> => {
  const people: EntityItem[] = [];
  for await (const page of store.scanEntities()) people.push(...page.filter((e) => e.kind === 'person'));
  people.sort((x, y) => x.unifiedId.localeCompare(y.unifiedId));
  const [a, b] = [people[2 * proposalCount]!, people[2 * proposalCount + 1]!];
  proposalCount++;
  const proposal = proposalBetween(a, b, `prp_SLACKTEST${proposalCount}`, new Date());
  expect(await store.putProposal(proposal)).toBe(true);
  await runtime.bus.publish([{ source: IDENTITY_EVENT_SOURCE, detailType: 'identity.mergeProposed', detail: proposal }]);
  await runtime.drain();
  return { proposal, a, b };
};

const proposalMessage = (proposalId: string) => slack().state.messages(STEWARDS).find((m) => JSON.stringify(m.blocks ?? []).includes(proposalId));

describe('/concord', () => {
  it('answers help at once, and unknown input with help rather than an error', async () => {
    const sent = await slack().act.slashCommand({ user: NON_STEWARD_USER_ID, channel: 'C0HANDOFFS', command: '/concord', text: 'frobnicate' });
    expect(sent.status).toBe(200);
    expect(sent.body).toContain('lookup');
    expect(sent.body).toContain('frobnicate');
  });

  it('looks a customer up and answers through the response_url with the card', async () => {
    let account: EntityItem | undefined;
    for await (const page of store.scanEntities()) account ??= page.find((e) => e.kind === 'account' && e.members.length > 1);
    const name = (account!.golden as { fields: { name: string } }).fields.name;
    const sent = await slack().act.slashCommand({ user: NON_STEWARD_USER_ID, channel: 'C0HANDOFFS', command: '/concord', text: `lookup ${name}` });
    expect(sent.status).toBe(200);
    await runtime.drain();
    const answers = slack().state.ephemerals(NON_STEWARD_USER_ID, 'C0HANDOFFS');
    expect(JSON.stringify(answers.at(-1))).toContain(account!.unifiedId);
  });
});

describe('merge proposals', () => {
  it('posts a proposal to the stewards once, however often its event arrives', async () => {
    const { proposal } = await propose();
    await runtime.bus.publish([{ source: IDENTITY_EVENT_SOURCE, detailType: 'identity.mergeProposed', detail: proposal }]);
    await runtime.drain();
    expect(slack().state.messages(STEWARDS).filter((m) => JSON.stringify(m.blocks ?? []).includes(proposal.proposalId))).toHaveLength(1);
  });

  it("announces a backfill's many proposals in one message, however often the announcement arrives", async () => {
    const imported = { source: IDENTITY_EVENT_SOURCE, detailType: 'identity.proposalsImported', detail: { kind: 'person', count: 9063, at: '2026-11-25T02:00:00.000Z' } };
    await runtime.bus.publish([imported, imported]);
    await runtime.drain();
    expect(slack().state.messages(STEWARDS).filter((m) => (m.text ?? '').includes('9,063 merge proposals'))).toHaveLength(1);
  });

  it('refuses a non-steward with an ephemeral explanation and changes nothing', async () => {
    const { proposal } = await propose();
    const message = proposalMessage(proposal.proposalId)!;
    await slack().act.blockAction({ user: NON_STEWARD_USER_ID, on: { channel: STEWARDS, ts: message.ts }, actionId: 'proposal_approve' });
    await runtime.drain();
    expect((await store.getProposal(proposal.proposalId))?.status).toBe('pending');
    expect(JSON.stringify(slack().state.ephemerals(NON_STEWARD_USER_ID, STEWARDS).at(-1))).toMatch(/steward/i);
  });

  it('merges once for two clicks at once, shows who decided, and undoes exactly', async () => {
    const { proposal, a, b } = await propose();
    const message = proposalMessage(proposal.proposalId)!;
    await Promise.all([
      slack().act.blockAction({ user: STEWARD_USER_ID, on: { channel: STEWARDS, ts: message.ts }, actionId: 'proposal_approve' }),
      slack().act.blockAction({ user: STEWARD_USER_ID, on: { channel: STEWARDS, ts: message.ts }, actionId: 'proposal_approve' }),
    ]);
    await runtime.drain();
    const decided = await store.getProposal(proposal.proposalId);
    expect(decided).toMatchObject({ status: 'approved', decidedBy: STEWARD_USER_ID });
    const merges = (await store.merges(50)).filter((m) => [m.survivor, m.absorbed].sort().join() === [a.unifiedId, b.unifiedId].sort().join());
    expect(merges).toHaveLength(1);
    expect(decided?.mergeId).toBe(merges[0]!.mergeId);

    const updated = slack().state.message(STEWARDS, message.ts)!;
    const shown = JSON.stringify(updated.blocks);
    expect(shown).toContain(STEWARD_USER_ID);
    expect(shown).not.toContain('proposal_approve');
    expect(shown).toContain('merge_undo');

    await slack().act.blockAction({ user: STEWARD_USER_ID, on: { channel: STEWARDS, ts: message.ts }, actionId: 'merge_undo' });
    await runtime.drain();
    expect((await store.getMerge(merges[0]!.mergeId))?.undone?.by).toBe(STEWARD_USER_ID);
    const [afterA, afterB] = [await store.getEntity(a.unifiedId), await store.getEntity(b.unifiedId)];
    expect(afterA).toMatchObject({ status: 'active', members: a.members });
    expect(afterB).toMatchObject({ status: 'active', members: b.members });
  });
});

describe('requests Slack did not send', () => {
  it('refuses forged, stale and future-dated requests, and does not do a replayed one twice', async () => {
    const now = Math.floor(Date.now() / 1000);
    const forged = await slack().act.slashCommand({ user: STEWARD_USER_ID, channel: STEWARDS, command: '/concord', text: 'queue' }, { signingSecret: 'not-the-secret' });
    const stale = await slack().act.slashCommand({ user: STEWARD_USER_ID, channel: STEWARDS, command: '/concord', text: 'queue' }, { timestamp: now - 600 });
    const future = await slack().act.slashCommand({ user: STEWARD_USER_ID, channel: STEWARDS, command: '/concord', text: 'queue' }, { timestamp: now + 600 });
    expect([forged.status, stale.status, future.status]).toEqual([401, 401, 401]);

    // The queue the worker sent back through the response_url, told apart from the acknowledgement.
    const answers = () => slack().state.ephemerals(STEWARD_USER_ID, STEWARDS).filter((e) => !JSON.stringify(e).includes('Fetching the merge queue')).length;
    const before = answers();
    const first = await slack().act.slashCommand({ user: STEWARD_USER_ID, channel: STEWARDS, command: '/concord', text: 'queue' });
    await runtime.drain();
    expect(answers()).toBe(before + 1);
    const retried = await slack().act.resend(first.request, { retry: { num: 1, reason: 'http_timeout' } });
    const replayed = await slack().act.replay(first.request);
    expect([retried.status, replayed.status]).toEqual([200, 200]);
    await runtime.drain();
    expect(answers()).toBe(before + 1);
  });
});

describe('the daily digest', () => {
  it("lists the day's automatic merges for the stewards, each with Undo, once however often it is asked for", async () => {
    const people: EntityItem[] = [];
    for await (const page of store.scanEntities()) people.push(...page.filter((e) => e.kind === 'person'));
    people.sort((x, y) => y.unifiedId.localeCompare(x.unifiedId));
    const merged = await runtime.identity.merge(people[0]!.unifiedId, people[1]!.unifiedId, { by: 'concord', reason: 'above the link threshold' });
    expect(merged.kind).toBe('merged');
    const digest = { source: 'concord.slack', detailType: 'slack.work', detail: { type: 'digest', hours: 24 } };
    await runtime.bus.publish([digest]);
    await runtime.drain();
    await runtime.bus.publish([digest]);
    await runtime.drain();
    const posted = slack().state.messages(STEWARDS).filter((m) => JSON.stringify(m.blocks ?? []).includes('Automatic merges on'));
    expect(posted).toHaveLength(1);
    const mergeId = merged.kind === 'merged' ? merged.merge.mergeId : '';
    expect(JSON.stringify(posted[0]!.blocks)).toContain(mergeId);
    expect(JSON.stringify(posted[0]!.blocks)).toContain('merge_undo');
  });
});

describe('App Home', () => {
  it('shows stewards the pending proposals and everyone the recent merges', async () => {
    await slack().act.openHome({ user: STEWARD_USER_ID });
    await slack().act.openHome({ user: NON_STEWARD_USER_ID });
    await runtime.drain();
    const pending = (await store.proposals('pending', 50)).map((p) => p.proposalId);
    expect(pending.length).toBeGreaterThan(0);
    expect(JSON.stringify(slack().state.home(STEWARD_USER_ID))).toContain('proposal_approve');
    expect(JSON.stringify(slack().state.home(NON_STEWARD_USER_ID))).not.toContain('proposal_approve');
  });

  it("tells a non-steward who clicks Undo on Home, in the app's messages, and undoes nothing", async () => {
    const [latest] = await store.merges(1);
    expect(latest?.undone).toBeUndefined();
    // Home lists merges newest first, each row's Undo with its own action id.
    await slack().act.blockAction({ user: NON_STEWARD_USER_ID, on: 'home', actionId: 'merge_undo:0' });
    await runtime.drain();
    expect((await store.getMerge(latest!.mergeId))?.undone).toBeUndefined();
    const told = slack().calls('chat.postMessage').filter((c) => c.args.channel === NON_STEWARD_USER_ID);
    expect(JSON.stringify(told.at(-1)?.args)).toMatch(/steward/i);
  });
});

describe('survivorship override', () => {
  it('lets a steward choose the value a field shows from the card, checks the form, and audits it', async () => {
    let account: EntityItem | undefined;
    for await (const page of store.scanEntities()) account ??= page.find((e) => e.kind === 'account' && e.members.length > 1);
    await slack().act.slashCommand({ user: STEWARD_USER_ID, channel: 'C0HANDOFFS', command: '/concord', text: `lookup ${account!.unifiedId}` });
    await runtime.drain();
    const card = slack().state.ephemerals(STEWARD_USER_ID, 'C0HANDOFFS').at(-1)!;
    await slack().act.blockAction({ user: STEWARD_USER_ID, on: { channel: 'C0HANDOFFS', ts: card.message.ts }, actionId: 'card_override_open' });
    // The listener acknowledges first and opens the modal after: as in Slack, it appears a moment later.
    const opened = await eventually(() => slack().state.modal(STEWARD_USER_ID));
    expect(opened.callback_id).toBe('survivorship_override');

    // A value with no field chosen is refused in the modal itself.
    const incomplete = await slack().act.submitView({ user: STEWARD_USER_ID, values: { override_value: { override_value: 'Acme (verified)' }, override_reason: { override_reason: 'legal name' } } });
    expect(incomplete.outcome).toBe('errors');

    await slack().act.blockAction({ user: STEWARD_USER_ID, on: 'modal', actionId: 'override_field', choice: 'name' });
    // Choosing the field narrows the form to that field's values (views.update).
    await eventually(() => (JSON.stringify(slack().state.modal(STEWARD_USER_ID)?.blocks).includes('Now:') ? true : undefined));
    // The name of the member that does not give the golden name now, or of any member when they agree.
    const before = account!.golden as { lineage: Record<string, { sourceKey: string }> };
    const chosen = account!.members.find((k) => k !== before.lineage.name?.sourceKey) ?? account!.members[0]!;
    const saved = await slack().act.submitView({
      user: STEWARD_USER_ID,
      // The value typed before is cleared: a record's value or a typed one, not both.
      values: { override_field: { override_field: 'name' }, override_source: { override_source: `name:${chosen}` }, override_value: { override_value: null }, override_reason: { override_reason: 'legal name, per the contract' } },
    });
    expect(saved.outcome).toBe('closed');
    await runtime.drain();
    const golden = (await store.getEntity(account!.unifiedId))!.golden as { lineage: Record<string, { sourceKey: string; overriddenBy?: string }> };
    expect(golden.lineage.name).toMatchObject({ sourceKey: chosen, overriddenBy: STEWARD_USER_ID });
    const audit = await store.auditOf(account!.unifiedId);
    expect(audit.find((a) => a.action === 'override')).toMatchObject({ by: STEWARD_USER_ID, reason: 'legal name, per the contract' });
  });
});
