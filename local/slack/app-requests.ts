/**
 * Slack's side of talking to the app: people of the workspace run a slash command, click a
 * button, submit or close a modal, open the Home tab; the local Slack sends the app exactly what
 * Slack would, signed as Slack signs, and then does with the app's answer what Slack does — shows
 * a command's answer, closes, updates or pushes a modal, or keeps it open with the app's errors.
 *
 * Every send can be bent for tests: marked as a retry, signed at another time (stale or
 * future-dated), signed with another secret (forged); `resend` delivers a request again as
 * Slack's retries do (same body, signed anew) and `replay` repeats its exact bytes and headers
 * (an attacker's replay).
 */
import { isObject, interactiveElements, type JsonObject } from './block-kit-elements';
import type { EmulatorContext } from './emulator-context';
import { checkMessageContent } from './message-content';
import type { ResponseTarget } from './response-urls';
import { botMessage, personMessage, type ConversationRecord, type SlackMessage, type SlackView } from './slack-objects';
import { slackSignature } from './slack-signature';
import { checkViewArgument, storedView, viewStateValues, type EnteredValue, type EnteredValues } from './views';
import {
  actionOf,
  eventCallback,
  messageBlockActions,
  slackJson,
  slashCommandFields,
  urlVerification,
  viewBlockActions,
  viewClosed,
  viewSubmission,
  type Acting,
} from './app-payloads';
import type { SeedUser } from './workspace';

/** Slack gives an app 3 seconds to answer before it tells the person the app did not respond. */
export const ACK_DEADLINE_MS = 3000;
/** How long the emulator itself waits for the app, far past Slack's deadline, so slow acks can be measured. */
const SEND_TIMEOUT_MS = 30_000;
const SLACKBOT_USER_ID = 'USLACKBOT';
const MAX_STACKED_MODALS = 3;

export interface SendOptions {
  /** Sent as `X-Slack-Retry-Num` and `X-Slack-Retry-Reason` (`http_timeout`, `http_error`…), as on Slack's redeliveries. */
  retry?: { num: number; reason: string };
  /** Signs as of this Unix time in seconds instead of the clock's: a stale or future-dated request. */
  timestamp?: number;
  /** Signs with this secret instead of the app's: a forged request. */
  signingSecret?: string;
}

export interface SentRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface AppResponse {
  request: SentRequest;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** From sending to the whole answer; over ACK_DEADLINE_MS Slack would have given up. */
  elapsedMs: number;
}

export interface CommandSent extends AppResponse {
  triggerId: string;
  responseUrl: string;
}

export interface ActionSent extends AppResponse {
  triggerId: string;
  /** For elements of messages only, as in Slack. */
  responseUrl?: string;
}

/** What became of the modal after the app answered a submission. */
export type SubmissionOutcome = 'closed' | 'cleared' | 'updated' | 'pushed' | 'errors' | 'failed';

export interface SubmissionSent extends AppResponse {
  outcome: SubmissionOutcome;
}

export interface EventSent extends AppResponse {
  eventId: string;
}

/** Where the element a person uses is: a message (or ephemeral message) in a channel, a modal by id, their open modal, or their Home tab. */
export type ActionSurface = { channel: string; ts: string } | { viewId: string } | 'modal' | 'home';

export interface SlackUserActions {
  /** A person types `/command text` in a conversation (id or name). */
  slashCommand(input: { user: string; channel: string; command: string; text?: string }, options?: SendOptions): Promise<CommandSent>;
  /**
   * A person clicks a button (or picks `choice` in a menu) found by action_id (and block_id when
   * the same action_id appears in several blocks); `values` are inputs entered first in a view.
   */
  blockAction(input: { user: string; on: ActionSurface; actionId: string; blockId?: string; choice?: EnteredValue; values?: EnteredValues }, options?: SendOptions): Promise<ActionSent>;
  /** A person submits their top modal (or the one named), having entered `values` by block_id and action_id. */
  submitView(input: { user: string; viewId?: string; values?: EnteredValues }, options?: SendOptions): Promise<SubmissionSent>;
  /** A person closes their top modal (`all`: the whole stack); the app hears of it only if the view asked (notify_on_close). */
  closeView(input: { user: string; all?: boolean }, options?: SendOptions): Promise<AppResponse | undefined>;
  /** A person opens the app's Home tab: an `app_home_opened` event. */
  openHome(input: { user: string }, options?: SendOptions): Promise<EventSent>;
  /** Any other event, wrapped in an `event_callback` envelope. */
  sendEvent(event: JsonObject, options?: SendOptions): Promise<EventSent>;
  /** The `url_verification` challenge Slack sends when the request URL is configured. */
  verifyUrl(challenge: string, options?: SendOptions): Promise<AppResponse>;
  /** Delivers a request again as Slack retries: the same body, freshly signed (with `options` applied). */
  resend(request: SentRequest, options?: SendOptions): Promise<AppResponse>;
  /** Sends a request's exact bytes and headers again: what a replay attack looks like. */
  replay(request: SentRequest): Promise<AppResponse>;
}

export interface AppRequestDeps {
  context: EmulatorContext;
  appUrl: () => string;
  signingSecret: string;
  verificationToken: string;
}

export const createSlackUserActions = (deps: AppRequestDeps): SlackUserActions => {
  const { context } = deps;
  const { state, workspace, ids, clock, triggers, responseUrls } = context;

  const personNamed = (id: string): SeedUser => {
    const user = workspace.users.find((person) => person.id === id);
    if (user === undefined) throw new Error(`local Slack: no person ${id} in the workspace`);
    return user;
  };
  const acting = (user: string): Acting => ({ user: personNamed(user), team: workspace.team, app: workspace.app, verificationToken: deps.verificationToken });
  const conversationNamed = (channel: string): ConversationRecord => {
    const conversation = state.conversation(channel) ?? state.conversationNamed(channel.replace(/^#/, ''));
    if (conversation === undefined) throw new Error(`local Slack: no conversation ${channel}`);
    return conversation;
  };
  const issueTrigger = (user: string): string => {
    const triggerId = ids.triggerId();
    triggers.issue(triggerId, user);
    return triggerId;
  };
  const nowSec = () => Math.floor(clock.now().getTime() / 1000);

  const post = async (request: SentRequest): Promise<AppResponse> => {
    const started = performance.now();
    const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
    const body = await response.text();
    return { request, status: response.status, headers: Object.fromEntries(response.headers), body, elapsedMs: performance.now() - started };
  };

  const signed = (body: string, contentType: string, options: SendOptions): SentRequest => {
    const timestamp = options.timestamp ?? nowSec();
    return {
      url: deps.appUrl(),
      headers: {
        'content-type': contentType,
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        accept: 'application/json,*/*',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature(options.signingSecret ?? deps.signingSecret, timestamp, body),
        ...(options.retry === undefined ? {} : { 'x-slack-retry-num': String(options.retry.num), 'x-slack-retry-reason': options.retry.reason }),
      },
      body,
    };
  };

  const sendForm = (fields: Record<string, string>, options: SendOptions) => post(signed(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', options));
  const sendInteraction = (payload: JsonObject, options: SendOptions) => sendForm({ payload: slackJson(payload) }, options);
  const sendJson = (payload: JsonObject, options: SendOptions) => post(signed(slackJson(payload), 'application/json', options));

  /** Slackbot's ephemeral note to the person, as Slack shows when a command goes wrong. */
  const slackbotNotice = (conversation: ConversationRecord, user: string, text: string): void =>
    state.postEphemeral(conversation.id, user, personMessage(SLACKBOT_USER_ID, workspace.team, ids.messageTs(), text));

  /** Shows what the app answered a slash command with, as Slack does. */
  const showCommandAnswer = (conversation: ConversationRecord, target: ResponseTarget, invocation: string, command: string, response: AppResponse): void => {
    const failed = (error: string) => slackbotNotice(conversation, target.user, `${command} failed with the error "${error}"`);
    if (response.elapsedMs > ACK_DEADLINE_MS) return failed('operation_timeout');
    if (response.status !== 200) return failed('dispatch_failed');
    if (response.body.trim() === '') return;
    let answer: JsonObject = { text: response.body };
    if ((response.headers['content-type'] ?? '').includes('json')) {
      try {
        const parsed: unknown = JSON.parse(response.body);
        if (!isObject(parsed)) return failed('invalid_command_response');
        answer = parsed;
      } catch {
        return failed('invalid_command_response');
      }
    }
    const check = checkMessageContent(answer, ids);
    if (check.kind === 'refused') return failed('invalid_command_response');
    const inChannel = answer.response_type === 'in_channel';
    // An in_channel answer shows the person's command above it, for everyone.
    if (inChannel) state.postMessage(conversation.id, personMessage(target.user, workspace.team, ids.messageTs(), invocation));
    const message = botMessage(workspace.app, workspace.team, ids.messageTs(), check.content, clock.now());
    if (inChannel) state.postMessage(conversation.id, message);
    else state.postEphemeral(conversation.id, target.user, message);
    target.original = { ts: message.ts, ephemeral: !inChannel };
  };

  const viewOf = (user: string, viewId: string | undefined): SlackView => {
    const stack = state.modalStack(user);
    const view = viewId === undefined ? stack.at(-1) : stack.find((open) => open.id === viewId);
    if (view === undefined) throw new Error(`local Slack: ${user} has ${viewId === undefined ? 'no modal open' : `no open modal ${viewId}`}`);
    return view;
  };

  /** The view after the person entered `values` (its inputs' state as Slack reports it, initial values included). */
  const enter = (view: SlackView, values: EnteredValues): SlackView => {
    state.setViewValues(view.id, viewStateValues(view, values));
    return state.findView({ id: view.id })!.view;
  };

  const viewFor = (user: string, on: Exclude<ActionSurface, { channel: string }>): SlackView => {
    if (on === 'home') {
      const home = state.home(user);
      if (home === undefined) throw new Error(`local Slack: no Home tab published for ${user}`);
      return home;
    }
    if (on === 'modal') return viewOf(user, undefined);
    const location = state.findView({ id: on.viewId });
    if (location === undefined || location.user !== user) throw new Error(`local Slack: ${user} has no view ${on.viewId} open`);
    return location.view;
  };

  const elementOf = (blocks: readonly unknown[], actionId: string, blockId: string | undefined): { element: JsonObject; block: JsonObject } => {
    const found = interactiveElements(blocks).filter(({ element, block }) => element.action_id === actionId && (blockId === undefined || block.block_id === blockId));
    if (found.length === 0) throw new Error(`local Slack: no element with action_id ${actionId}${blockId === undefined ? '' : ` in block ${blockId}`}`);
    if (found.length > 1) throw new Error(`local Slack: ${found.length} elements have action_id ${actionId}; name the block_id`);
    return found[0]!;
  };

  /** Applies the app's answer to a view_submission: Slack's `response_action`s, or closing the view. */
  const applySubmissionAnswer = (user: string, view: SlackView, response: AppResponse): SubmissionOutcome => {
    if (response.status !== 200 || response.elapsedMs > ACK_DEADLINE_MS) return 'failed';
    const stack = [...state.modalStack(user)];
    const position = stack.findIndex((open) => open.id === view.id);
    if (response.body.trim() === '') {
      state.setModalStack(user, stack.slice(0, Math.max(position, 0)), 'closed');
      return 'closed';
    }
    let answer: unknown;
    try {
      answer = JSON.parse(response.body);
    } catch {
      return 'failed';
    }
    if (!isObject(answer)) return 'failed';
    switch (answer.response_action) {
      case 'clear':
        state.setModalStack(user, [], 'closed');
        return 'cleared';
      case 'errors':
        if (!isObject(answer.errors)) return 'failed';
        state.setSubmissionErrors(user, view.id, Object.fromEntries(Object.entries(answer.errors).map(([block, text]) => [block, String(text)])));
        return 'errors';
      case 'update': {
        const check = checkViewArgument(answer.view, ['modal']);
        if (check.kind === 'refused' || position < 0) return 'failed';
        stack[position] = storedView(check.payload, { id: view.id, hash: ids.viewHash(), rootViewId: view.root_view_id, previousViewId: view.previous_view_id, values: view.state.values }, workspace.app, workspace.team, ids);
        state.setModalStack(user, stack, 'updated');
        return 'updated';
      }
      case 'push': {
        const check = checkViewArgument(answer.view, ['modal']);
        if (check.kind === 'refused' || stack.length >= MAX_STACKED_MODALS) return 'failed';
        const id = ids.viewId();
        state.setModalStack(user, [...stack, storedView(check.payload, { id, hash: ids.viewHash(), rootViewId: view.root_view_id, previousViewId: stack.at(-1)?.id ?? null }, workspace.app, workspace.team, ids)], 'pushed');
        return 'pushed';
      }
      default:
        return 'failed';
    }
  };

  const sendEvent = async (event: JsonObject, options: SendOptions = {}): Promise<EventSent> => {
    const eventId = ids.eventId();
    const envelope = eventCallback(workspace.team, workspace.app, deps.verificationToken, event, { eventId, eventTime: nowSec() });
    return { ...(await sendJson(envelope, options)), eventId };
  };

  return {
    async slashCommand({ user, channel, command, text = '' }, options = {}) {
      const conversation = conversationNamed(channel);
      const triggerId = issueTrigger(user);
      const target: ResponseTarget = { channel: conversation.id, user, followsAnswers: true };
      const responseUrl = responseUrls.issue(target);
      const fields = slashCommandFields(acting(user), { conversation, command, text, responseUrl, triggerId });
      const response = await sendForm(fields, options);
      showCommandAnswer(conversation, target, text === '' ? command : `${command} ${text}`, command, response);
      return { ...response, triggerId, responseUrl };
    },

    async blockAction({ user, on, actionId, blockId, choice, values }, options = {}) {
      const who = acting(user);
      const triggerId = issueTrigger(user);
      const actionTs = ids.messageTs();
      if (typeof on === 'object' && 'channel' in on) {
        const conversation = conversationNamed(on.channel);
        const ephemeral = state.ephemeral(conversation.id, user, on.ts);
        const message: SlackMessage | undefined = ephemeral?.message ?? state.message(conversation.id, on.ts);
        if (message === undefined) throw new Error(`local Slack: no message ${on.ts} in ${on.channel} that ${user} can see`);
        const { element, block } = elementOf(message.blocks ?? [], actionId, blockId);
        const responseUrl = responseUrls.issue({ channel: conversation.id, user, original: { ts: message.ts, ephemeral: ephemeral !== undefined }, followsAnswers: false });
        const payload = messageBlockActions(who, { triggerId, action: actionOf(element, block, actionTs, choice), conversation, message, ephemeral: ephemeral !== undefined, responseUrl });
        return { ...(await sendInteraction(payload, options)), triggerId, responseUrl };
      }
      const view = enter(viewFor(user, on), values ?? {});
      const { element, block } = elementOf(view.blocks, actionId, blockId);
      const payload = viewBlockActions(who, { triggerId, action: actionOf(element, block, actionTs, choice), view });
      return { ...(await sendInteraction(payload, options)), triggerId };
    },

    async submitView({ user, viewId, values }, options = {}) {
      const view = enter(viewOf(user, viewId), values ?? {});
      const response = await sendInteraction(viewSubmission(acting(user), view, issueTrigger(user)), options);
      return { ...response, outcome: applySubmissionAnswer(user, view, response) };
    },

    async closeView({ user, all = false }, options = {}) {
      const stack = state.modalStack(user);
      const view = viewOf(user, undefined);
      const cleared = all || stack.length === 1;
      state.setModalStack(user, cleared ? [] : stack.slice(0, -1), 'closed');
      return view.notify_on_close ? sendInteraction(viewClosed(acting(user), view, cleared), options) : undefined;
    },

    openHome({ user }, options = {}) {
      personNamed(user);
      const im = state.openIm(user, () => ids.imChannelId(), clock.now());
      const home = state.home(user);
      return sendEvent({ type: 'app_home_opened', user, channel: im.id, tab: 'home', ...(home === undefined ? {} : { view: home }), event_ts: ids.messageTs() }, options);
    },

    sendEvent,

    verifyUrl: (challenge, options = {}) => sendJson(urlVerification(deps.verificationToken, challenge), options),

    resend: (request, options = {}) => post(signed(request.body, request.headers['content-type'] ?? 'application/json', options)),

    replay: (request) => post(request),
  };
};
