/**
 * The console page's JSON API, under `/console/api/`: what the page shows (the workspace, then one
 * person's view of one conversation, their Home tab and their modal) and what a person does there,
 * each act sent to the Concord app by the local Slack exactly as Slack would send it (signed, the
 * same payloads), never by calling the app's code directly.
 *
 *   GET  workspace                      team, app, people (with their user groups), channels
 *   GET  state?user=U…&channel=C…       the conversations the person sees, the channel's messages,
 *                                       their ephemeral messages there, their Home tab and top modal
 *   GET  events                         Server-Sent Events: a notice per change of the local Slack
 *   POST command  {user, channel, text} a slash command typed in the message box (`/concord lookup …`)
 *   POST action   {user, on, actionId, blockId?, choice?, values?}  a click or a menu choice
 *   POST view/submit {user, viewId?, values?}   POST view/close {user, all?}
 *   POST home     {user}                the person opens the app's Home tab (app_home_opened)
 *   POST sample-deals {kind}            "Try a handoff": a fresh sample deal closed as won in
 *                                       Salesforce (./sample-deals.ts); 202 with its name at once
 *
 * The runtime binds 127.0.0.1 only. A web page the person has open elsewhere could still post to
 * that address, so changes are taken only as `application/json` (which a cross-site form cannot
 * send without a CORS preflight this server never grants) and only from this server's own origin.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readBody, sendJson } from '../http';
import type { AppResponse } from '../slack/app-requests';
import type { SlackEmulator } from '../slack/slack-emulator';
import type { ConversationSummary } from '../slack/slack-state';
import { ChangeStreams, noticeOf } from './change-stream';
import { SampleDealKind, type SampleDeals } from './sample-deals';

export const CONSOLE_API_PATH = '/console/api/';

/** What a person types or picks in a page: far below this. */
const MAX_BODY_BYTES = 64 * 1024;

export interface ConsoleApi {
  /** Serves `/console/api/…`; resolves false, untouched, for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Ends the open event streams and stops listening to the local Slack. */
  close(): void;
}

// ---- requests ------------------------------------------------------------------------------------

const UserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/);
const ConversationId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/);
const EnteredValue = z.union([z.string().max(3000), z.number(), z.array(z.string().max(3000)).max(100), z.null()]);
const EnteredValues = z.record(z.string().max(255), z.record(z.string().max(255), EnteredValue));

const StateQuery = z.object({ user: UserId, channel: ConversationId.optional() });

const CommandRequest = z.object({
  user: UserId,
  channel: ConversationId,
  /** As typed: `/concord lookup Acme`. */
  text: z.string().trim().regex(/^\/[a-z0-9_-]+(\s|$)/i, 'a slash command starts with /name').max(4000),
});

const ActionRequest = z.object({
  user: UserId,
  on: z.union([z.object({ channel: ConversationId, ts: z.string().regex(/^\d+\.\d+$/) }), z.object({ viewId: z.string().min(1).max(64) }), z.literal('home'), z.literal('modal')]),
  actionId: z.string().min(1).max(255),
  blockId: z.string().min(1).max(255).optional(),
  choice: EnteredValue.optional(),
  values: EnteredValues.optional(),
});

const SubmitRequest = z.object({ user: UserId, viewId: z.string().min(1).max(64).optional(), values: EnteredValues.optional() });
const CloseRequest = z.object({ user: UserId, all: z.boolean().optional() });
const HomeRequest = z.object({ user: UserId });
const SampleDealRequest = z.object({ kind: SampleDealKind });

/** What the API answers: a status and a JSON body. Refusals are answers too, not exceptions. */
interface Reply {
  status: number;
  body: unknown;
}

const refuse = (status: number, error: string, detail?: unknown): Reply => ({ status, body: { error, ...(detail === undefined ? {} : { detail }) } });

type Parsed<T> = { kind: 'parsed'; value: T } | { kind: 'refused'; reply: Reply };

const parse = <T>(schema: z.ZodType<T>, value: unknown): Parsed<T> => {
  const result = schema.safeParse(value);
  return result.success
    ? { kind: 'parsed', value: result.data }
    : { kind: 'refused', reply: refuse(400, 'invalid-request', result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)) };
};

const readJson = async (req: IncomingMessage): Promise<Parsed<unknown>> => {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return { kind: 'refused', reply: refuse(415, 'json-only', 'send application/json') };
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) return { kind: 'refused', reply: refuse(403, 'other-origin', 'the console API answers its own page only') };
  const { body, overLimit } = await readBody(req, MAX_BODY_BYTES);
  if (overLimit) return { kind: 'refused', reply: refuse(413, 'too-large') };
  try {
    return { kind: 'parsed', value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { kind: 'refused', reply: refuse(400, 'invalid-json') };
  }
};

/**
 * Sends what a person did through the local Slack and tells the page how the app answered; what
 * the page then shows comes from the state, as in Slack. The local Slack throws `local Slack: …`
 * when a person does what Slack would not let them (a message that is gone, a button the view no
 * longer has, no modal open): the page's mistake, a 409. Anything else (the app unreachable) is
 * an outage and goes on to the server's 500.
 */
const acted = async <R extends AppResponse | undefined>(act: () => Promise<R>, extra: (response: R) => Record<string, unknown> = () => ({})): Promise<Reply> => {
  let response: R;
  try {
    response = await act();
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('local Slack:')) return refuse(409, 'not-possible', error.message);
    throw error;
  }
  const answer = response === undefined ? { sent: false } : { sent: true, status: response.status, elapsedMs: Math.round(response.elapsedMs) };
  return { status: 200, body: { ...answer, ...extra(response) } };
};

// ---- what a person sees --------------------------------------------------------------------------

/** The channels a person is in, and their own direct message with the app (no one else's). */
const seenBy = (user: string) => (conversation: ConversationSummary) => (conversation.isIm ? conversation.imUser === user : conversation.members.includes(user));

const conversationView = ({ id, name, isIm, isPrivate, topic, purpose }: ConversationSummary) => ({ id, name, isIm, isPrivate, topic, purpose });

export const createConsoleApi = (slack: SlackEmulator, sampleDeals: SampleDeals): ConsoleApi => {
  const streams = new ChangeStreams();
  const unsubscribe = slack.onChange((change) => streams.tell(noticeOf(change)));

  /** Why this person may not act there (no such person, not in that conversation), or undefined when they may. */
  const refusalFor = (user: string, channel?: string): Reply | undefined => {
    if (!slack.workspace.users.some((u) => u.id === user)) return refuse(404, 'no-such-person', user);
    if (channel === undefined) return undefined;
    const conversation = slack.state.channels().find((c) => c.id === channel);
    return conversation !== undefined && seenBy(user)(conversation) ? undefined : refuse(404, 'no-such-conversation', `${user} is not in ${channel}`);
  };

  const workspace = (): Reply => {
    const { team, app, users, userGroups } = slack.workspace;
    return {
      status: 200,
      body: {
        team,
        app: { name: app.name, botUserId: app.botUserId, botId: app.botId },
        users: users.map((u) => ({ id: u.id, name: u.name, realName: u.realName, title: u.title, groups: userGroups.filter((g) => g.users.includes(u.id)).map((g) => g.handle) })),
        userGroups: userGroups.map(({ id, handle, name }) => ({ id, handle, name })),
        channels: slack.state.channels().filter((c) => !c.isIm).map(conversationView),
      },
    };
  };

  const state = (query: unknown): Reply => {
    const input = parse(StateQuery, query);
    if (input.kind === 'refused') return input.reply;
    const { user, channel } = input.value;
    const refusal = refusalFor(user, channel);
    if (refusal !== undefined) return refusal;
    const conversations = slack.state.channels().filter(seenBy(user));
    const stack = slack.state.modals(user);
    const top = stack.at(-1);
    return {
      status: 200,
      body: {
        user,
        conversations: conversations.map(conversationView),
        channel: channel === undefined ? null : conversationView(conversations.find((c) => c.id === channel)!),
        messages: channel === undefined ? [] : slack.state.messages(channel),
        ephemerals: channel === undefined ? [] : slack.state.ephemerals(user, channel).map((e) => e.message),
        home: slack.state.home(user) ?? null,
        modal: top === undefined ? null : { view: top, depth: stack.length, errors: slack.state.viewErrors(top.id) ?? {} },
      },
    };
  };

  /** Parses the body, checks the person may act there, then acts. */
  const act = <T extends { user: string }>(schema: z.ZodType<T>, body: unknown, where: (input: T) => string | undefined, send: (input: T) => Promise<Reply>): Promise<Reply> | Reply => {
    const input = parse(schema, body);
    if (input.kind === 'refused') return input.reply;
    return refusalFor(input.value.user, where(input.value)) ?? send(input.value);
  };

  const post = (route: string, body: unknown): Promise<Reply> | Reply => {
    switch (route) {
      case 'command':
        return act(CommandRequest, body, (c) => c.channel, ({ user, channel, text }) => {
          const [command = '', ...rest] = text.split(/\s+/);
          return acted(() => slack.act.slashCommand({ user, channel, command: command.toLowerCase(), text: rest.join(' ') }));
        });
      case 'action':
        return act(ActionRequest, body, (a) => (typeof a.on === 'object' && 'channel' in a.on ? a.on.channel : undefined), ({ user, on, actionId, blockId, choice, values }) =>
          acted(() => slack.act.blockAction({ user, on, actionId, ...(blockId === undefined ? {} : { blockId }), ...(choice === undefined ? {} : { choice }), ...(values === undefined ? {} : { values }) })),
        );
      case 'view/submit':
        return act(SubmitRequest, body, () => undefined, ({ user, viewId, values }) =>
          acted(
            () => slack.act.submitView({ user, ...(viewId === undefined ? {} : { viewId }), ...(values === undefined ? {} : { values }) }),
            (sent) => ({ outcome: sent.outcome }),
          ),
        );
      case 'view/close':
        return act(CloseRequest, body, () => undefined, ({ user, all }) => acted(() => slack.act.closeView({ user, ...(all === undefined ? {} : { all }) })));
      case 'home':
        return act(HomeRequest, body, () => undefined, ({ user }) => acted(() => slack.act.openHome({ user })));
      case 'sample-deals': {
        // Not a person's act in Slack but Salesforce's: the deal reaches the app as webhooks do.
        const input = parse(SampleDealRequest, body);
        return input.kind === 'refused' ? input.reply : sampleDeals.start(input.value.kind).then((deal) => ({ status: 202, body: deal }));
      }
      default:
        return refuse(404, 'not-found', `nothing at POST ${CONSOLE_API_PATH}${route}`);
    }
  };

  const reply = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<Reply | 'streaming'> => {
    const name = url.pathname.slice(CONSOLE_API_PATH.length);
    if (req.method === 'POST') {
      const body = await readJson(req);
      return body.kind === 'refused' ? body.reply : post(name, body.value);
    }
    if (req.method !== 'GET') return refuse(405, 'method-not-allowed');
    switch (name) {
      case 'workspace':
        return workspace();
      case 'state':
        return state(Object.fromEntries(url.searchParams));
      case 'events':
        streams.add(res);
        return 'streaming';
      default:
        return refuse(404, 'not-found', `nothing at GET ${url.pathname}`);
    }
  };

  return {
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://local');
      if (!url.pathname.startsWith(CONSOLE_API_PATH)) return false;
      const answer = await reply(req, res, url);
      if (answer !== 'streaming') sendJson(res, answer.status, answer.body, { 'cache-control': 'no-store' });
      return true;
    },
    close() {
      unsubscribe();
      streams.close();
    },
  };
};
