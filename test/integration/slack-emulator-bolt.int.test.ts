/**
 * The local Slack talking to a real Bolt app (HTTPReceiver, signature verification on) whose
 * WebClient points at the emulator: Bolt verifies every request the emulator signs, parses every
 * payload it builds, and the emulator applies what the app answers (acks, response_urls, Web API
 * calls) as Slack would. Forged and stale requests are refused by Bolt itself.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, verifySlackRequest } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { startSlackEmulator, type RunningSlackEmulator } from '../../local/slack/slack-emulator';
import { NON_STEWARD_USER_ID, STEWARD_USER_ID } from '../../local/slack/workspace';
import { quietSlackLogger as quiet, slackRefusal } from '../support/slack-emulator';

let offsetMs = 0;
/** Real time, moved forward when a test needs a trigger or a response_url to age. */
const clock = { now: () => new Date(Date.now() + offsetMs) };

/** Each listener of the test app reports here when it has done its work (or failed at it). */
const waiting = new Map<string, (value: unknown) => void>();
const whenDone = (name: string): Promise<unknown> => new Promise((resolve) => waiting.set(name, resolve));
const done = (name: string, value: unknown): void => {
  waiting.get(name)?.(value);
  waiting.delete(name);
};
const runs = new Map<string, number>();
const counted = (name: string) => runs.set(name, (runs.get(name) ?? 0) + 1);

const section = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text }, ...extra });
const button = (actionId: string, text: string, value?: string) => ({ type: 'button' as const, action_id: actionId, text: { type: 'plain_text' as const, text }, ...(value === undefined ? {} : { value }) });

const overrideModal = (step: string) => ({
  type: 'modal' as const,
  callback_id: 'override',
  private_metadata: JSON.stringify({ customer: 'cus_1', step }),
  notify_on_close: true,
  title: { type: 'plain_text' as const, text: 'Override a value' },
  submit: { type: 'plain_text' as const, text: 'Save' },
  blocks: [{ type: 'input' as const, block_id: 'value_block', label: { type: 'plain_text' as const, text: 'Winning value' }, element: { type: 'plain_text_input' as const, action_id: 'value_input' } }],
});

let slack: RunningSlackEmulator;
let app: App;
let client: WebClient;

beforeAll(async () => {
  let appUrl = '';
  slack = await startSlackEmulator({ clock, appUrl: () => appUrl });
  const { botToken, signingSecret } = slack.emulator.credentials;
  client = new WebClient(botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
  app = new App({ token: botToken, signingSecret, logger: quiet, clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } } });

  app.command('/concord', async ({ ack, command, respond, client: bot }) => {
    counted('command');
    try {
      const [verb, ...rest] = command.text.split(' ');
      if (verb === 'lookup') {
        await ack({ response_type: 'ephemeral', text: `Looking up ${rest.join(' ')}…` });
        await respond({ replace_original: true, text: `Found ${rest.join(' ')}`, blocks: [section(`*${rest.join(' ')}*`), { type: 'actions', elements: [button('override', 'Override a value', 'cus_1')] }] });
      } else if (verb === 'modal') {
        await ack();
        await bot.views.open({ trigger_id: command.trigger_id, view: overrideModal('first') });
      } else if (verb === 'announce') {
        await ack({ response_type: 'in_channel', text: 'Announced' });
      } else if (verb === 'broken') {
        await ack({ text: 'x', blocks: [{ type: 'nonsense' }] } as never);
      } else {
        await ack();
      }
      done('command', command);
    } catch (error) {
      done('command', error);
    }
  });

  app.action('approve', async ({ ack, body, respond, client: bot }) => {
    await ack();
    try {
      if (body.user.id === STEWARD_USER_ID) {
        await respond({ replace_original: true, text: `Approved by <@${body.user.id}>`, blocks: [section(`Approved by <@${body.user.id}>`), { type: 'actions', elements: [button('undo', 'Undo', 'merge-1')] }] });
      } else {
        await bot.chat.postEphemeral({ channel: body.channel!.id, user: body.user.id, text: 'Only data stewards can decide merge proposals.' });
      }
      done('approve', body);
    } catch (error) {
      done('approve', error);
    }
  });

  app.action('override', async ({ ack, body, client: bot }) => {
    await ack();
    try {
      await bot.views.open({ trigger_id: (body as { trigger_id: string }).trigger_id, view: overrideModal('first') });
      done('override', body);
    } catch (error) {
      done('override', error);
    }
  });

  app.view('override', async ({ ack, view, body }) => {
    const value = view.state.values.value_block?.value_input?.value;
    if (!value) await ack({ response_action: 'errors', errors: { value_block: 'Pick the value that should win' } });
    else if (value === 'push') await ack({ response_action: 'push', view: overrideModal('second') });
    else await ack();
    done('submission', body);
  });

  app.view({ callback_id: 'override', type: 'view_closed' }, async ({ ack, body }) => {
    await ack();
    done('closed', body);
  });

  app.event('app_home_opened', async ({ event, body, context, client: bot }) => {
    try {
      await bot.views.publish({ user_id: event.user, view: { type: 'home', blocks: [section('Pending proposals: 1'), { type: 'actions', elements: [button('refresh', 'Refresh')] }] } });
      done('home', { body, retryNum: context.retryNum, retryReason: context.retryReason });
    } catch (error) {
      done('home', error);
    }
  });

  app.action('refresh', async ({ ack, body }) => {
    await ack();
    done('refresh', body);
  });

  const server = (await app.start(0)) as Server;
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});

afterAll(async () => {
  await app.stop();
  await slack.stop();
});

afterEach(() => {
  offsetMs = 0;
});

/**
 * Sends through the emulator and waits until the app's listener `name` has done its work. Fails
 * at once when the app did not accept the request (a bad signature, a parse error), instead of
 * waiting for a listener that will never run.
 */
const handled = async <T extends { status: number }>(name: string, send: () => Promise<T | undefined>): Promise<{ sent: T; seen: Record<string, unknown> }> => {
  const finished = whenDone(name);
  const sent = await send();
  if (sent === undefined || sent.status !== 200) {
    waiting.delete(name);
    throw new Error(`the app did not accept the request (${sent === undefined ? 'nothing was sent' : `HTTP ${sent.status}`})`);
  }
  const seen = await finished;
  if (seen instanceof Error) throw seen;
  return { sent, seen: seen as Record<string, unknown> };
};

const act = () => slack.emulator.act;
const command = (text: string, channel = 'C0ALERTS', user = STEWARD_USER_ID) => handled('command', () => act().slashCommand({ user, channel, command: '/concord', text }));
const latestEphemeral = (user: string, channel: string) => slack.emulator.state.ephemerals(user, channel).at(-1)?.message;

describe('slash commands', () => {
  it('sends what Slack sends, signed so that Bolt verifies it, and shows the answers', async () => {
    const { sent, seen } = await command('lookup Quantumgrid', '#data-stewards');
    expect(seen).toEqual({
      token: slack.emulator.credentials.verificationToken,
      team_id: 'T0CONCORD',
      team_domain: 'concord-local',
      channel_id: 'C0STEWARDS',
      channel_name: 'data-stewards',
      user_id: STEWARD_USER_ID,
      user_name: 'dana.steward',
      command: '/concord',
      text: 'lookup Quantumgrid',
      api_app_id: 'A0CONCORD',
      is_enterprise_install: 'false',
      response_url: sent.responseUrl,
      trigger_id: sent.triggerId,
    });
    expect(sent.request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(() =>
      verifySlackRequest({
        signingSecret: slack.emulator.credentials.signingSecret,
        body: sent.request.body,
        headers: { 'x-slack-signature': sent.request.headers['x-slack-signature']!, 'x-slack-request-timestamp': Number(sent.request.headers['x-slack-request-timestamp']) },
      }),
    ).not.toThrow();
    // The ack's "Looking up…" was replaced in place through the response_url.
    const ephemerals = slack.emulator.state.ephemerals(STEWARD_USER_ID, 'C0STEWARDS').filter((e) => e.message.text.includes('Quantumgrid'));
    expect(ephemerals.map((e) => e.message.text)).toEqual(['Found Quantumgrid']);
    expect(ephemerals[0]!.message.blocks).toHaveLength(2);
  });

  it('shows an in_channel answer to everyone, below the command that asked for it', async () => {
    await command('announce', 'C0HANDOFFS');
    const [invocation, answer] = slack.emulator.state.messages('C0HANDOFFS').slice(-2);
    expect(invocation).toMatchObject({ user: STEWARD_USER_ID, text: '/concord announce' });
    expect(answer).toMatchObject({ user: 'U0CONCORDBOT', bot_id: 'B0CONCORD', text: 'Announced' });
    // A person's message is not the bot's to edit.
    expect(await slackRefusal(client.chat.update({ channel: 'C0HANDOFFS', ts: invocation!.ts, text: 'rewritten' }))).toMatchObject({ error: 'cant_update_message' });
  });

  it('tells the person, as Slackbot, when the app answers with blocks Slack cannot show', async () => {
    await command('broken');
    expect(latestEphemeral(STEWARD_USER_ID, 'C0ALERTS')).toMatchObject({ user: 'USLACKBOT', text: '/concord failed with the error "invalid_command_response"' });
  });
});

describe('bodies beyond ASCII', () => {
  it('signs the UTF-8 bytes it sends, form-encoded or JSON, and Bolt verifies them', async () => {
    const { seen } = await command('noop Zoë Ångström — 株式会社 🚀');
    expect(seen).toMatchObject({ text: 'noop Zoë Ångström — 株式会社 🚀' });
    const event = await act().sendEvent({ type: 'message', channel: 'C0ALERTS', user: STEWARD_USER_ID, text: 'Café “Zoë” 株式会社', ts: '1732500000.000100' });
    expect(event.request.body).toContain('Café “Zoë” 株式会社');
    expect(event.status).toBe(200);
  });
});

describe('requests that must not be trusted', () => {
  const commandRuns = () => runs.get('command') ?? 0;
  const noop = { user: STEWARD_USER_ID, channel: 'C0ALERTS', command: '/concord', text: 'noop' };

  it('signs with another secret when asked (forged): Bolt answers 401 and no listener runs', async () => {
    const before = commandRuns();
    const forged = await act().slashCommand(noop, { signingSecret: 'not-the-signing-secret' });
    expect(forged.status).toBe(401);
    expect(commandRuns()).toBe(before);
    expect(latestEphemeral(STEWARD_USER_ID, 'C0ALERTS')).toMatchObject({ user: 'USLACKBOT', text: '/concord failed with the error "dispatch_failed"' });
  });

  it('signs at another time when asked: a stale request is refused by Bolt, a future-dated one is not (the app must check that itself)', async () => {
    const before = commandRuns();
    const nowSec = Math.floor(Date.now() / 1000);
    const stale = await act().slashCommand(noop, { timestamp: nowSec - 6 * 60 });
    expect(stale.status).toBe(401);
    expect(commandRuns()).toBe(before);
    const { sent: future } = await handled('command', () => act().slashCommand(noop, { timestamp: nowSec + 10 * 60 }));
    expect(future.request.headers['x-slack-request-timestamp']).toBe(String(nowSec + 10 * 60));
  });

  it('replays a request byte for byte (Bolt alone lets it through: deduplication is the app’s)', async () => {
    const { sent: original } = await command('noop');
    const { sent: replayed, seen } = await handled('command', () => act().replay(original.request));
    expect(replayed.request).toEqual(original.request);
    expect(seen).toMatchObject({ trigger_id: original.triggerId });
  });
});

describe('buttons on messages', () => {
  const proposal = async () =>
    (await client.chat.postMessage({ channel: 'C0STEWARDS', text: 'Merge proposal', blocks: [section('Merge *Acme* into *ACME Corp*?'), { type: 'actions', block_id: 'decide', elements: [button('approve', 'Approve', 'proposal-1')] }] })).ts!;
  const approve = (ts: string, user: string) => handled('approve', () => act().blockAction({ user, on: { channel: 'C0STEWARDS', ts }, actionId: 'approve' }));

  it('sends block_actions as Slack does, and the response_url replaces the message in place', async () => {
    const ts = await proposal();
    const { sent, seen } = await approve(ts, STEWARD_USER_ID);
    expect(seen).toMatchObject({
      type: 'block_actions',
      user: { id: STEWARD_USER_ID, username: 'dana.steward', name: 'dana.steward', team_id: 'T0CONCORD' },
      api_app_id: 'A0CONCORD',
      token: slack.emulator.credentials.verificationToken,
      container: { type: 'message', message_ts: ts, channel_id: 'C0STEWARDS', is_ephemeral: false },
      trigger_id: sent.triggerId,
      team: { id: 'T0CONCORD', domain: 'concord-local' },
      channel: { id: 'C0STEWARDS', name: 'data-stewards' },
      message: { ts, text: 'Merge proposal', bot_id: 'B0CONCORD' },
      response_url: sent.responseUrl,
      actions: [{ type: 'button', action_id: 'approve', block_id: 'decide', value: 'proposal-1', text: { type: 'plain_text', text: 'Approve' }, action_ts: expect.stringMatching(/^\d{10}\.\d{6}$/) }],
    });
    expect(slack.emulator.state.message('C0STEWARDS', ts)).toMatchObject({ ts, text: `Approved by <@${STEWARD_USER_ID}>` });
  });

  it('lets the app refuse someone with an ephemeral message, leaving the message as it was', async () => {
    const ts = await proposal();
    await approve(ts, NON_STEWARD_USER_ID);
    expect(latestEphemeral(NON_STEWARD_USER_ID, 'C0STEWARDS')).toMatchObject({ text: 'Only data stewards can decide merge proposals.' });
    expect(slack.emulator.state.message('C0STEWARDS', ts)?.text).toBe('Merge proposal');
  });

  it('lets a response_url delete the original, and answers 5 times only', async () => {
    const ts = await proposal();
    const { sent } = await approve(ts, NON_STEWARD_USER_ID);
    const postTo = (body: unknown) => fetch(sent.responseUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    // The app refused the click with chat.postEphemeral, so all five uses are still there.
    for (let use = 1; use <= 4; use += 1) expect((await postTo({ text: `note ${use}` })).status).toBe(200);
    expect(latestEphemeral(NON_STEWARD_USER_ID, 'C0STEWARDS')?.text).toBe('note 4');
    expect(await (await postTo({ delete_original: true })).json()).toEqual({ ok: true });
    expect(slack.emulator.state.message('C0STEWARDS', ts)).toBeUndefined();
    const sixth = await postTo({ text: 'one too many' });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
  });

  it('lets a response_url expire after 30 minutes', async () => {
    const { sent } = await command('noop');
    offsetMs = 31 * 60_000;
    const late = await fetch(sent.responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'late' }) });
    expect(late.status).toBe(404);
    expect(await late.json()).toEqual({ ok: false, error: 'expired_url' });
  });
});

describe('modals', () => {
  const openOverride = async (): Promise<string> => {
    await command('lookup Initech', 'C0STEWARDS');
    const card = latestEphemeral(STEWARD_USER_ID, 'C0STEWARDS')!;
    const { sent, seen } = await handled('override', () => act().blockAction({ user: STEWARD_USER_ID, on: { channel: 'C0STEWARDS', ts: card.ts }, actionId: 'override' }));
    // Buttons on an ephemeral message: Slack says so, and does not send the message back.
    expect(seen).toMatchObject({ container: { type: 'message', is_ephemeral: true, message_ts: card.ts }, trigger_id: sent.triggerId });
    expect(seen.message).toBeUndefined();
    return sent.triggerId;
  };
  const submit = (values?: Record<string, Record<string, string>>) => handled('submission', () => act().submitView({ user: STEWARD_USER_ID, ...(values === undefined ? {} : { values }) }));

  it('opens with a fresh trigger_id only once', async () => {
    const triggerId = await openOverride();
    const modal = slack.emulator.state.modal(STEWARD_USER_ID);
    expect(modal).toMatchObject({ type: 'modal', callback_id: 'override', title: { text: 'Override a value' }, root_view_id: modal?.id, previous_view_id: null, app_id: 'A0CONCORD' });
    expect(await slackRefusal(client.views.open({ trigger_id: triggerId, view: overrideModal('again') }))).toMatchObject({ error: 'exchanged_trigger_id' });
    await act().closeView({ user: STEWARD_USER_ID, all: true });
  });

  it('refuses a trigger_id older than 3 seconds', async () => {
    const { sent } = await command('noop', 'C0STEWARDS');
    offsetMs = 3500;
    expect(await slackRefusal(client.views.open({ trigger_id: sent.triggerId, view: overrideModal('late') }))).toMatchObject({ error: 'expired_trigger_id' });
  });

  it('keeps a submitted modal open with the app’s errors, pushes, closes, and tells the app when closed', async () => {
    await openOverride();
    const first = slack.emulator.state.modal(STEWARD_USER_ID)!;
    const empty = await submit();
    expect(empty.sent.outcome).toBe('errors');
    expect(slack.emulator.state.viewErrors(first.id)).toEqual({ value_block: 'Pick the value that should win' });
    expect(empty.seen).toMatchObject({ type: 'view_submission', view: { id: first.id, state: { values: { value_block: { value_input: { type: 'plain_text_input', value: null } } } } } });

    const pushed = await submit({ value_block: { value_input: 'push' } });
    expect(pushed.sent.outcome).toBe('pushed');
    expect(pushed.seen).toMatchObject({ view: { private_metadata: JSON.stringify({ customer: 'cus_1', step: 'first' }), state: { values: { value_block: { value_input: { value: 'push' } } } } } });
    const stack = slack.emulator.state.modals(STEWARD_USER_ID);
    expect(stack.map((v) => (JSON.parse(v.private_metadata) as { step: string }).step)).toEqual(['first', 'second']);
    expect(stack[1]).toMatchObject({ previous_view_id: first.id, root_view_id: first.id });

    expect((await submit({ value_block: { value_input: 'ACME Corp' } })).sent.outcome).toBe('closed');
    expect(slack.emulator.state.modals(STEWARD_USER_ID).map((v) => v.id)).toEqual([first.id]);

    const closed = await handled('closed', () => act().closeView({ user: STEWARD_USER_ID }));
    expect(closed.seen).toMatchObject({ type: 'view_closed', is_cleared: true, view: { id: first.id } });
    expect(slack.emulator.state.modal(STEWARD_USER_ID)).toBeUndefined();
  });

  it('guards views.update with the hash', async () => {
    await openOverride();
    const modal = slack.emulator.state.modal(STEWARD_USER_ID)!;
    const updated = await client.views.update({ view_id: modal.id, hash: modal.hash, view: overrideModal('updated') });
    expect(updated.view).toMatchObject({ id: modal.id, private_metadata: JSON.stringify({ customer: 'cus_1', step: 'updated' }) });
    expect(updated.view?.hash).not.toBe(modal.hash);
    expect(await slackRefusal(client.views.update({ view_id: modal.id, hash: modal.hash, view: overrideModal('stale') }))).toMatchObject({ error: 'hash_conflict' });
    await act().closeView({ user: STEWARD_USER_ID, all: true });
  });
});

describe('the Events API and the Home tab', () => {
  const openHome = () => handled('home', () => act().openHome({ user: STEWARD_USER_ID }));

  it('delivers app_home_opened in an event_callback envelope; a redelivery carries Slack’s retry headers', async () => {
    const { sent, seen } = await openHome();
    expect(seen.body).toMatchObject({
      type: 'event_callback',
      team_id: 'T0CONCORD',
      api_app_id: 'A0CONCORD',
      event_id: sent.eventId,
      event_time: expect.any(Number),
      authorizations: [{ team_id: 'T0CONCORD', user_id: 'U0CONCORDBOT', is_bot: true }],
      event: { type: 'app_home_opened', user: STEWARD_USER_ID, tab: 'home', channel: expect.stringMatching(/^D/) },
    });
    expect(seen.retryNum).toBeUndefined();
    expect(slack.emulator.state.home(STEWARD_USER_ID)?.blocks[0]).toMatchObject({ text: { text: 'Pending proposals: 1' } });

    const again = await handled('home', () => act().resend(sent.request, { retry: { num: 1, reason: 'http_timeout' } }));
    expect(again.sent.request.body).toBe(sent.request.body);
    expect(again.seen).toMatchObject({ retryNum: 1, retryReason: 'http_timeout', body: { event_id: sent.eventId } });
  });

  it('sends a click on the Home tab with the view it came from', async () => {
    await openHome();
    const home = slack.emulator.state.home(STEWARD_USER_ID)!;
    const { seen } = await handled('refresh', () => act().blockAction({ user: STEWARD_USER_ID, on: 'home', actionId: 'refresh' }));
    expect(seen).toMatchObject({ type: 'block_actions', container: { type: 'view', view_id: home.id }, view: { id: home.id, type: 'home' }, actions: [{ action_id: 'refresh' }] });
  });

  it('answers the url_verification challenge through Bolt', async () => {
    const answer = await act().verifyUrl('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });
});
