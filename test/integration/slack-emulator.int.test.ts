/**
 * The local Slack's Web API, spoken to by the real `@slack/web-api` WebClient over HTTP: what it
 * accepts and stores, what it refuses and how (Slack's envelope, WebClient's platform error), and
 * the faults a test can order (429 with Retry-After, ok:false errors, delays).
 */
import { ErrorCode, WebClient, WebClientEvent, type WebClientOptions } from '@slack/web-api';
import { createSlackEmulator, startSlackEmulator, type RunningSlackEmulator } from '../../local/slack/slack-emulator';
import type { SlackChange } from '../../local/slack/slack-state';
import { defaultWorkspaceSeed, NON_STEWARD_USER_ID, STEWARD_USER_ID, STEWARDS_GROUP_ID } from '../../local/slack/workspace';
import { quietSlackLogger, slackRefusal } from '../support/slack-emulator';

const seed = defaultWorkspaceSeed();
seed.channels = [
  ...(seed.channels ?? []),
  { id: 'C0NOBOT', name: 'random', members: [STEWARD_USER_ID] },
  { id: 'G0SECRET', name: 'secret', isPrivate: true, members: [STEWARD_USER_ID] },
];

let slack: RunningSlackEmulator;
let client: WebClient;
/** A WebClient of the emulator's workspace (the bot token unless another is given), failing at once unless told to retry. */
const clientWith = (token: string | undefined, options: WebClientOptions = {}) => new WebClient(token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: quietSlackLogger, ...options });

beforeAll(async () => {
  slack = await startSlackEmulator({ workspace: seed, appUrl: 'http://127.0.0.1:9/slack/events' });
  client = clientWith(slack.emulator.credentials.botToken);
});
afterAll(() => slack.stop());
afterEach(() => slack.emulator.faults.clear());


/** Waits for something another party does (the HTTP call arriving), without assuming how long it takes. */
const until = async (condition: () => boolean): Promise<void> => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

const section = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text }, ...extra });
const button = (actionId: string, text = 'Go') => ({ type: 'button' as const, action_id: actionId, text: { type: 'plain_text' as const, text } });

describe('the workspace seed', () => {
  it('refuses a seed that names someone who does not exist', () => {
    const broken = defaultWorkspaceSeed();
    broken.userGroups = [{ id: 'S0GHOSTS', handle: 'ghosts', name: 'Ghosts', users: ['U0GHOST'] }];
    expect(() => createSlackEmulator({ workspace: broken })).toThrow('userGroups.0.users: no user U0GHOST');
  });
});

describe('who the bot is and what it may read', () => {
  it('answers auth.test with the bot of the seeded team', async () => {
    const answer = await client.auth.test();
    expect(answer).toMatchObject({ ok: true, team_id: 'T0CONCORD', user_id: 'U0CONCORDBOT', bot_id: 'B0CONCORD', url: 'https://concord-local.slack.com/' });
  });

  it('describes people as Slack does, and refuses an unknown one', async () => {
    const { user } = await client.users.info({ user: STEWARD_USER_ID });
    expect(user).toMatchObject({ id: STEWARD_USER_ID, name: 'dana.steward', real_name: 'Dana Steward', tz: 'America/New_York', is_admin: false, is_bot: false, profile: { real_name: 'Dana Steward' } });
    expect(typeof user?.tz_offset).toBe('number');
    expect((await client.users.info({ user: 'U0ADMIN' })).user).toMatchObject({ is_admin: true });
    expect(await slackRefusal(client.users.info({ user: 'U0NOBODY' }))).toMatchObject({ ok: false, error: 'user_not_found' });
  });

  it('pages users.list with opaque cursors', async () => {
    const first = await client.users.list({ limit: 2 });
    expect(first.members?.map((m) => m.id)).toEqual([STEWARD_USER_ID, NON_STEWARD_USER_ID]);
    const cursor = first.response_metadata?.next_cursor ?? '';
    expect(cursor).not.toBe('');
    const rest = await client.users.list({ limit: 10, cursor });
    expect(rest.members?.map((m) => m.id)).toEqual(['U0SUCCESS', 'U0ADMIN', 'U0CONCORDBOT']);
    expect(rest.response_metadata?.next_cursor).toBe('');
    expect(await slackRefusal(client.users.list({ cursor: 'bm9wZTo=' }))).toMatchObject({ error: 'invalid_cursor' });
  });

  it('lists the public channels with the bot membership, and hides private ones it is not in', async () => {
    const { channels } = await client.conversations.list({ types: 'public_channel,private_channel' });
    expect(channels?.map((c) => c.name)).toEqual(['data-stewards', 'handoffs', 'customer-success', 'concord-alerts', 'random']);
    expect(channels?.find((c) => c.name === 'data-stewards')).toMatchObject({ id: 'C0STEWARDS', is_member: true, is_channel: true, is_private: false });
    expect(channels?.find((c) => c.name === 'random')).toMatchObject({ is_member: false });
    expect((await client.conversations.info({ channel: 'C0HANDOFFS', include_num_members: true })).channel).toMatchObject({ name: 'handoffs', num_members: 5 });
    expect(await slackRefusal(client.conversations.info({ channel: 'G0SECRET' }))).toMatchObject({ error: 'channel_not_found' });
  });

  it('answers user groups and their members', async () => {
    const { usergroups } = await client.usergroups.list({ include_users: true });
    expect(usergroups).toEqual([expect.objectContaining({ id: STEWARDS_GROUP_ID, handle: 'data-stewards', users: [STEWARD_USER_ID] })]);
    expect((await client.usergroups.users.list({ usergroup: STEWARDS_GROUP_ID })).users).toEqual([STEWARD_USER_ID]);
    expect(await slackRefusal(client.usergroups.users.list({ usergroup: 'S0NOPE' }))).toMatchObject({ error: 'no_such_subteam' });
  });

  it('reads a GET with a query string, and says so when a method does not exist', async () => {
    const response = await fetch(`${slack.apiUrl}users.info?user=${STEWARD_USER_ID}`, { headers: { authorization: `Bearer ${slack.emulator.credentials.botToken}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, user: { id: STEWARD_USER_ID } });
    expect(await slackRefusal(client.apiCall('chat.teleport', {}))).toMatchObject({ error: 'unknown_method' });
  });
});

describe('authentication', () => {
  it('refuses a call without a token as not_authed and a wrong one as invalid_auth', async () => {
    expect(await slackRefusal(clientWith(undefined).auth.test())).toMatchObject({ error: 'not_authed' });
    expect(await slackRefusal(clientWith('xoxb-wrong').auth.test())).toMatchObject({ error: 'invalid_auth' });
  });

  it('takes a JSON body with the token in the Authorization header only', async () => {
    const call = (headers: Record<string, string>, body: unknown) =>
      fetch(`${slack.apiUrl}chat.postMessage`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) }).then((r) => r.json());
    const posted = await call({ authorization: `Bearer ${slack.emulator.credentials.botToken}` }, { channel: 'C0HANDOFFS', text: 'json', blocks: [section('as JSON')] });
    expect(posted).toMatchObject({ ok: true, channel: 'C0HANDOFFS', message: { text: 'json', blocks: [expect.objectContaining({ type: 'section' })] } });
    expect(await call({}, { token: slack.emulator.credentials.botToken, channel: 'C0HANDOFFS', text: 'token in body' })).toEqual({ ok: false, error: 'not_authed' });
  });
});

describe('posting and updating messages', () => {
  it('stores a post with the bot as author, blocks with Slack-filled ids, and a unique increasing ts', async () => {
    const first = await client.chat.postMessage({ channel: 'C0STEWARDS', text: 'first', blocks: [section('*Merge?*'), { type: 'actions', elements: [button('approve', 'Approve')] }] });
    const second = await client.chat.postMessage({ channel: '#data-stewards', text: 'second' });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(second.channel).toBe('C0STEWARDS');
    const stored = slack.emulator.state.message('data-stewards', first.ts!);
    expect(stored).toMatchObject({ type: 'message', user: 'U0CONCORDBOT', bot_id: 'B0CONCORD', app_id: 'A0CONCORD', team: 'T0CONCORD', text: 'first' });
    expect(stored?.blocks).toEqual([
      expect.objectContaining({ type: 'section', block_id: expect.any(String) }),
      expect.objectContaining({ type: 'actions', block_id: expect.any(String), elements: [expect.objectContaining({ action_id: 'approve' })] }),
    ]);
    expect(slack.emulator.state.messages('C0STEWARDS').map((m) => m.text).slice(-2)).toEqual(['first', 'second']);
  });

  it('tells listeners about each change', async () => {
    const seen: SlackChange[] = [];
    const unsubscribe = slack.emulator.onChange((change) => seen.push(change));
    const { ts } = await client.chat.postMessage({ channel: 'C0ALERTS', text: 'heads up' });
    await client.chat.update({ channel: 'C0ALERTS', ts: ts!, text: 'heads up (edited)' });
    unsubscribe();
    await client.chat.postMessage({ channel: 'C0ALERTS', text: 'unheard' });
    expect(seen.map((c) => c.kind)).toEqual(['message-posted', 'message-updated']);
    expect(seen[1]).toMatchObject({ channel: 'C0ALERTS', message: { ts, text: 'heads up (edited)' } });
  });

  it('refuses a channel that does not exist or that the bot is not in', async () => {
    expect(await slackRefusal(client.chat.postMessage({ channel: 'C0NOWHERE', text: 'x' }))).toMatchObject({ error: 'channel_not_found' });
    expect(await slackRefusal(client.chat.postMessage({ channel: 'C0NOBOT', text: 'x' }))).toMatchObject({ error: 'not_in_channel' });
    expect(await slackRefusal(client.chat.postMessage({ channel: 'C0HANDOFFS', text: '' }))).toMatchObject({ error: 'no_text' });
  });

  it('opens a direct message when the channel is a person', async () => {
    const posted = await client.chat.postMessage({ channel: NON_STEWARD_USER_ID, text: 'psst' });
    expect(posted.channel).toMatch(/^D[A-Z0-9]{10}$/);
    expect(slack.emulator.state.channels().find((c) => c.id === posted.channel)).toMatchObject({ isIm: true, imUser: NON_STEWARD_USER_ID });
    expect(slack.emulator.state.messages(posted.channel!).map((m) => m.text)).toEqual(['psst']);
  });

  it('refuses text over 40,000 characters', async () => {
    expect(await slackRefusal(client.chat.postMessage({ channel: 'C0HANDOFFS', text: 'x'.repeat(40_001) }))).toMatchObject({ error: 'msg_too_long' });
  });

  it.each([
    ['51 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' })), '[ERROR] no more than 50 items allowed [json-pointer:/blocks]'],
    ['a text over 3,000 characters', [section('x'.repeat(3001))], '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
    ['an empty text', [section('')], '[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text/text]'],
    ['11 fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }], '[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/fields]'],
    ['a field over 2,000 characters', [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'x'.repeat(2001) }] }], '[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]'],
    ['a header over 150 characters', [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }], '[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]'],
    ['a mrkdwn header', [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }], '[ERROR] must be one of: plain_text [json-pointer:/blocks/0/text/type]'],
    ['a button text over 75 characters', [{ type: 'actions', elements: [button('b', 'b'.repeat(76))] }], '[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]'],
    ['a block_id over 255 characters', [section('s', { block_id: 'b'.repeat(256) })], '[ERROR] must be less than 256 characters [json-pointer:/blocks/0/block_id]'],
    ['an unknown block type', [{ type: 'carousel_of_doom' }], '[ERROR] unsupported type: carousel_of_doom [json-pointer:/blocks/0/type]'],
    ['two action_ids alike in one block', [{ type: 'actions', elements: [button('same'), button('same')] }], '[ERROR] duplicate action_id: same [json-pointer:/blocks/0/elements/1/action_id]'],
    ['two block_ids alike', [section('a', { block_id: 'b1' }), section('b', { block_id: 'b1' })], '[ERROR] duplicate block_id: b1 [json-pointer:/blocks/1/block_id]'],
    ['26 elements in an actions block', [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(`b${i}`)) }], '[ERROR] no more than 25 items allowed [json-pointer:/blocks/0/elements]'],
  ])('refuses %s as invalid_blocks, saying where', async (_case, blocks, message) => {
    const answer = await slackRefusal(client.chat.postMessage({ channel: 'C0HANDOFFS', text: 'fallback', blocks: blocks as never }));
    expect(answer.error).toBe('invalid_blocks');
    expect(answer.response_metadata?.messages).toContain(message);
  });

  it('accepts the same action_id in different blocks, as Slack does', async () => {
    const blocks = [section('one', { accessory: button('undo_merge', 'Undo') }), section('two', { accessory: button('undo_merge', 'Undo') })];
    expect((await client.chat.postMessage({ channel: 'C0HANDOFFS', text: 'digest', blocks })).ok).toBe(true);
  });

  it('refuses blocks that are not JSON as invalid_blocks_format', async () => {
    expect(await slackRefusal(client.chat.postMessage({ channel: 'C0HANDOFFS', text: 'x', blocks: '[{' as never }))).toMatchObject({ error: 'invalid_blocks_format' });
  });

  it('updates a message in place, marks it edited, keeps what the update leaves out', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C0STEWARDS', text: 'proposal', blocks: [section('pending')] });
    const updated = await client.chat.update({ channel: 'C0STEWARDS', ts: ts!, text: 'proposal (approved)' });
    expect(updated).toMatchObject({ ok: true, channel: 'C0STEWARDS', ts, text: 'proposal (approved)' });
    const stored = slack.emulator.state.message('C0STEWARDS', ts!);
    expect(stored).toMatchObject({ ts, text: 'proposal (approved)', edited: { user: 'U0CONCORDBOT', ts: expect.any(String) }, blocks: [expect.objectContaining({ text: { type: 'mrkdwn', text: 'pending' } })] });
    await client.chat.update({ channel: 'C0STEWARDS', ts: ts!, text: 'no blocks', blocks: [] });
    expect(slack.emulator.state.message('C0STEWARDS', ts!)?.blocks).toBeUndefined();
  });

  it('refuses to update what is not there or is invalid', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C0STEWARDS', text: 'x' });
    expect(await slackRefusal(client.chat.update({ channel: 'C0STEWARDS', ts: '1.000001', text: 'y' }))).toMatchObject({ error: 'message_not_found' });
    expect(await slackRefusal(client.chat.update({ channel: 'C0NOWHERE', ts: ts!, text: 'y' }))).toMatchObject({ error: 'channel_not_found' });
    const invalid = await slackRefusal(client.chat.update({ channel: 'C0STEWARDS', ts: ts!, text: 'y', blocks: [section('z'.repeat(3001))] as never }));
    expect(invalid).toMatchObject({ error: 'invalid_blocks', response_metadata: { messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'] } });
  });

  it('shows an ephemeral message to its one person, only in a channel they are in', async () => {
    const { message_ts } = await client.chat.postEphemeral({ channel: 'C0STEWARDS', user: NON_STEWARD_USER_ID, text: 'Only stewards can decide.' });
    expect(message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(slack.emulator.state.ephemerals(NON_STEWARD_USER_ID, 'data-stewards')).toEqual([expect.objectContaining({ channel: 'C0STEWARDS', user: NON_STEWARD_USER_ID, message: expect.objectContaining({ ts: message_ts, text: 'Only stewards can decide.' }) })]);
    expect(slack.emulator.state.ephemerals(STEWARD_USER_ID, 'data-stewards')).toEqual([]);
    expect(slack.emulator.state.messages('C0STEWARDS').some((m) => m.ts === message_ts)).toBe(false);
    expect(await slackRefusal(client.chat.postEphemeral({ channel: 'C0STEWARDS', user: 'U0NOBODY', text: 'x' }))).toMatchObject({ error: 'user_not_found' });
  });

  it('gives a permalink in Slack form', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C0HANDOFFS', text: 'linked' });
    const { permalink } = await client.chat.getPermalink({ channel: 'C0HANDOFFS', message_ts: ts! });
    expect(permalink).toBe(`https://concord-local.slack.com/archives/C0HANDOFFS/p${ts!.replace('.', '')}`);
    expect(await slackRefusal(client.chat.getPermalink({ channel: 'C0HANDOFFS', message_ts: '1.000002' }))).toMatchObject({ error: 'message_not_found' });
  });
});

describe('conversations.history', () => {
  it('answers newest first, in pages, without thread replies', async () => {
    const posted: string[] = [];
    for (const text of ['h1', 'h2', 'h3']) posted.push((await client.chat.postMessage({ channel: 'C0CUSTSUCCESS', text })).ts!);
    await client.chat.postMessage({ channel: 'C0CUSTSUCCESS', text: 'reply', thread_ts: posted[0]! });
    const first = await client.conversations.history({ channel: 'C0CUSTSUCCESS', limit: 2 });
    expect(first.messages?.map((m) => m.text)).toEqual(['h3', 'h2']);
    expect(first.has_more).toBe(true);
    const second = await client.conversations.history({ channel: 'C0CUSTSUCCESS', limit: 2, cursor: first.response_metadata!.next_cursor! });
    expect(second.messages?.map((m) => m.text)).toEqual(['h1']);
    expect(second.messages?.[0]).toMatchObject({ reply_count: 1, thread_ts: posted[0] });
    expect((await client.conversations.history({ channel: 'C0CUSTSUCCESS', oldest: posted[0]! })).messages?.map((m) => m.text)).toEqual(['h3', 'h2']);
    expect(await slackRefusal(client.conversations.history({ channel: 'C0NOBOT' }))).toMatchObject({ error: 'not_in_channel' });
  });
});

describe('views without a trigger', () => {
  it('publishes a Home tab, keeping its view id and guarding with the hash', async () => {
    const view = { type: 'home' as const, blocks: [section('Pending proposals: 0')] };
    const first = await client.views.publish({ user_id: STEWARD_USER_ID, view });
    expect(first.view).toMatchObject({ id: expect.stringMatching(/^V[A-Z0-9]{10}$/), type: 'home', team_id: 'T0CONCORD', app_id: 'A0CONCORD', hash: expect.any(String) });
    const second = await client.views.publish({ user_id: STEWARD_USER_ID, view: { ...view, blocks: [section('Pending proposals: 2')] }, hash: first.view!.hash! });
    expect(second.view?.id).toBe(first.view?.id);
    expect(slack.emulator.state.home(STEWARD_USER_ID)?.blocks).toEqual([expect.objectContaining({ text: { type: 'mrkdwn', text: 'Pending proposals: 2' } })]);
    expect(await slackRefusal(client.views.publish({ user_id: STEWARD_USER_ID, view, hash: first.view!.hash! }))).toMatchObject({ error: 'hash_conflict' });
    expect(await slackRefusal(client.views.publish({ user_id: 'U0NOBODY', view }))).toMatchObject({ error: 'user_not_found' });
  });

  it('refuses a Home view over 100 blocks, and a modal where a Home view belongs', async () => {
    const tooMany = await slackRefusal(client.views.publish({ user_id: STEWARD_USER_ID, view: { type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) } as never }));
    expect(tooMany).toMatchObject({ error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]'] } });
    const modal = await slackRefusal(client.views.publish({ user_id: STEWARD_USER_ID, view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] } }));
    expect(modal.error).toBe('invalid_arguments');
  });

  it('refuses views.open with a trigger_id it never issued, and views.update of an unknown view', async () => {
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Override' }, blocks: [] };
    expect(await slackRefusal(client.views.open({ trigger_id: '1.2.3', view }))).toMatchObject({ error: 'invalid_trigger_id' });
    expect(await slackRefusal(client.views.update({ view_id: 'V0000000000', view }))).toMatchObject({ error: 'not_found' });
  });
});

describe('faults ordered by a test', () => {
  it('rate-limits with 429 and Retry-After, which WebClient waits out and retries', async () => {
    slack.emulator.faults.rateLimit('chat.postMessage', { retryAfterSec: 1 });
    const patient = clientWith(slack.emulator.credentials.botToken, { retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 } });
    const rateLimited: number[] = [];
    patient.on(WebClientEvent.RATE_LIMITED, (retryAfterSec: number) => rateLimited.push(retryAfterSec));
    const posted = await patient.chat.postMessage({ channel: 'C0ALERTS', text: 'after the limit' });
    expect(posted.ok).toBe(true);
    expect(rateLimited).toEqual([1]);
    const calls = slack.emulator.calls('chat.postMessage').slice(-2);
    expect(calls.map((c) => (c.rateLimited ? 'rate-limited' : c.result?.ok))).toEqual(['rate-limited', true]);
    expect(slack.emulator.state.messages('C0ALERTS').filter((m) => m.text === 'after the limit')).toHaveLength(1);
  });

  it('answers 429 with Retry-After and Slack’s ratelimited body on the wire', async () => {
    slack.emulator.faults.rateLimit('auth.test', { retryAfterSec: 7 });
    const response = await fetch(`${slack.apiUrl}auth.test`, { method: 'POST', headers: { authorization: `Bearer ${slack.emulator.credentials.botToken}` } });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toEqual({ ok: false, error: 'ratelimited' });
  });

  it('lets a client that rejects rate-limited calls see WebClient’s rate-limit error', async () => {
    slack.emulator.faults.rateLimit('auth.test', { retryAfterSec: 30 });
    const impatient = clientWith(slack.emulator.credentials.botToken, { rejectRateLimitedCalls: true });
    await expect(impatient.auth.test()).rejects.toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 30 });
  });

  it('fails a method N times with ok:false, surfaced as WebClient’s platform error, then serves it', async () => {
    slack.emulator.faults.fail('users.info', 'fatal_error', { times: 2 });
    expect(await slackRefusal(client.users.info({ user: STEWARD_USER_ID }))).toMatchObject({ ok: false, error: 'fatal_error' });
    expect(await slackRefusal(client.users.info({ user: STEWARD_USER_ID }))).toMatchObject({ error: 'fatal_error' });
    expect((await client.users.info({ user: STEWARD_USER_ID })).ok).toBe(true);
  });

  it('holds a delayed call until its delay is over (here: until the emulator is closed)', async () => {
    slack.emulator.faults.delay('auth.test', 600_000);
    let answered = false;
    const pending = client.auth.test().then((answer) => ((answered = true), answer));
    await until(() => slack.emulator.faults.list().length === 0); // the call arrived and took its delay
    expect(answered).toBe(false);
    slack.emulator.close();
    expect((await pending).ok).toBe(true);
  });

  it('clears what stands', async () => {
    slack.emulator.faults.fail('*', 'fatal_error', { times: 5 });
    expect(await slackRefusal(client.auth.test())).toMatchObject({ error: 'fatal_error' });
    slack.emulator.faults.clear();
    expect((await client.auth.test()).ok).toBe(true);
  });
});
