/**
 * The local Slack: a workspace in memory that Concord's Bolt app talks to as it would to Slack.
 *
 * - The Web API at `<base>/slack/api/<method>`: point WebClient (or Bolt's `clientOptions`) at it
 *   with `slackApiUrl: emulator.apiUrl(base)` and the bot token from `credentials`.
 * - response_urls at `<base>/slack/response/<secret>`, handed out with commands and clicks.
 * - `act`: people of the workspace running commands, clicking, submitting modals, opening Home;
 *   sent to the app's request URL (`appUrl`) signed with the signing secret, as Slack does.
 * - `state` and `onChange`: what each conversation, person, modal and Home tab shows, for the
 *   console page and the tests.
 * - `faults`: rate limits, `ok: false` errors and delays ordered per method.
 *
 * `createSlackEmulator` gives the request handler alone, for the local runtime's one server
 * (its `mounts`); `startSlackEmulator` runs it on a port of its own, for tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../functions/shared/ports';
import { sendJson } from '../http';
import { createSlackUserActions, type SlackUserActions } from './app-requests';
import type { EmulatorContext } from './emulator-context';
import { RESPONSE_URL_PATH, ResponseUrls, serveResponseUrl } from './response-urls';
import { SlackFaults, type SlackFaultsControl } from './slack-faults';
import { createSlackIds } from './slack-ids';
import type { SlackMessage, SlackView } from './slack-objects';
import { SlackState, type ConversationSummary, type EphemeralMessage, type SlackChangeListener } from './slack-state';
import { TriggerRegistry } from './triggers';
import { serveWebApi, WEB_API_PATH, type WebApiCall } from './web-api-server';
import { defaultWorkspaceSeed, parseWorkspaceSeed, type Workspace, type WorkspaceSeedInput } from './workspace';

export interface SlackEmulatorOptions {
  /** Message timestamps, trigger and response_url lifetimes, request signing times. */
  clock?: Clock;
  /** The workspace; `defaultWorkspaceSeed()` unless given. */
  workspace?: WorkspaceSeedInput;
  botToken?: string;
  signingSecret?: string;
  /** The legacy token Slack puts in every payload. */
  verificationToken?: string;
  /** The app's request URL, e.g. `http://127.0.0.1:3000/slack/events` (a function when known only once the server listens). */
  appUrl?: string | (() => string);
  /** Where this emulator is served, for the response_urls it hands out; the app URL's origin unless given. */
  baseUrl?: string | (() => string);
  maxBodyBytes?: number;
}

export interface SlackCredentials {
  botToken: string;
  signingSecret: string;
  verificationToken: string;
}

/** Read-only views of the emulator's state; every answer is a copy. */
export interface SlackStateReader {
  channels(): ConversationSummary[];
  /** A conversation's messages (by id or name), oldest first, newest last; thread replies carry their thread_ts. */
  messages(channel: string): SlackMessage[];
  message(channel: string, ts: string): SlackMessage | undefined;
  /** The ephemeral messages a person was shown (in one conversation, or all). */
  ephemerals(user: string, channel?: string): EphemeralMessage[];
  /** The person's Home tab as the app last published it. */
  home(user: string): SlackView | undefined;
  /** The person's top modal. */
  modal(user: string): SlackView | undefined;
  /** The person's modal stack, root first. */
  modals(user: string): SlackView[];
  /** The errors the app kept a modal open with, by block_id. */
  viewErrors(viewId: string): Record<string, string> | undefined;
}

export interface SlackEmulator {
  /** Serves the request when its path is the emulator's (`/slack/api/…`, `/slack/response/…`); resolves false, untouched, otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** WebClient's `slackApiUrl` for the emulator served at `base` (e.g. `http://127.0.0.1:3000`). */
  apiUrl(base: string): string;
  readonly credentials: SlackCredentials;
  readonly workspace: Workspace;
  readonly state: SlackStateReader;
  readonly act: SlackUserActions;
  readonly faults: SlackFaultsControl;
  /** The Web API calls served, oldest first (at most the last 1,000), optionally of one method. */
  calls(method?: string): WebApiCall[];
  /** Called after every change of state; returns the unsubscribe function. */
  onChange(listener: SlackChangeListener): () => void;
  /** Cancels the waits of delay faults. */
  close(): void;
}

const DEFAULT_MAX_BODY_BYTES = 2 * 1_048_576;
const KEPT_CALLS = 1000;

const resolver = (value: string | (() => string) | undefined, name: string, fallback?: () => string): (() => string) => {
  if (typeof value === 'function') return value;
  if (value !== undefined) return () => value;
  return (
    fallback ??
    (() => {
      throw new Error(`local Slack: no ${name} was given`);
    })
  );
};

export const createSlackEmulator = (options: SlackEmulatorOptions = {}): SlackEmulator => {
  const clock = options.clock ?? systemClock;
  const workspace = parseWorkspaceSeed(options.workspace ?? defaultWorkspaceSeed());
  const credentials: SlackCredentials = {
    botToken: options.botToken ?? 'xoxb-0000000000-local-concord',
    signingSecret: options.signingSecret ?? 'local-slack-signing-secret',
    verificationToken: options.verificationToken ?? 'local-slack-verification-token',
  };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const appUrl = resolver(options.appUrl, 'appUrl (the app request URL)');
  const baseUrl = resolver(options.baseUrl, 'baseUrl', () => new URL(appUrl()).origin);
  const createdAt = clock.now();
  const ids = createSlackIds(clock);
  const state = new SlackState(workspace, createdAt);
  const context: EmulatorContext = {
    workspace,
    state,
    ids,
    clock,
    createdAt,
    triggers: new TriggerRegistry(clock),
    responseUrls: new ResponseUrls(clock, baseUrl, () => ids.responseUrlSecret()),
  };
  const faults = new SlackFaults();
  const pendingWaits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const pending = { timer: setTimeout(() => (pendingWaits.delete(pending), resolve()), ms), resolve };
      pendingWaits.add(pending);
    });
  const calls: WebApiCall[] = [];
  let seq = 0;
  const webApiDeps = {
    context,
    faults,
    botToken: credentials.botToken,
    maxBodyBytes,
    wait,
    record(call: Omit<WebApiCall, 'seq' | 'at'>) {
      calls.push({ seq: (seq += 1), at: clock.now().toISOString(), ...call });
      if (calls.length > KEPT_CALLS) calls.splice(0, calls.length - KEPT_CALLS);
    },
  };
  const idOf = (channel: string): string => state.conversation(channel)?.id ?? state.conversationNamed(channel.replace(/^#/, ''))?.id ?? channel;

  return {
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://local');
      if (url.pathname.startsWith(WEB_API_PATH)) {
        await serveWebApi(webApiDeps, req, res, url, decodeURIComponent(url.pathname.slice(WEB_API_PATH.length)));
        return true;
      }
      if (url.pathname.startsWith(RESPONSE_URL_PATH)) {
        await serveResponseUrl(context, req, res, url.pathname.slice(RESPONSE_URL_PATH.length), maxBodyBytes);
        return true;
      }
      return false;
    },
    apiUrl: (base) => `${base.replace(/\/$/, '')}${WEB_API_PATH}`,
    credentials,
    workspace,
    state: {
      channels: () => state.conversationSummaries(),
      messages: (channel) => state.snapshotMessages(idOf(channel)),
      message: (channel, ts) => {
        const message = state.message(idOf(channel), ts);
        return message === undefined ? undefined : structuredClone(message);
      },
      ephemerals: (user, channel) => state.snapshotEphemerals(user, channel === undefined ? undefined : idOf(channel)),
      home: (user) => state.snapshotHome(user),
      modal: (user) => state.snapshotModalStack(user).at(-1),
      modals: (user) => state.snapshotModalStack(user),
      viewErrors: (viewId) => structuredClone(state.submissionErrorsOf(viewId)),
    },
    act: createSlackUserActions({ context, appUrl, signingSecret: credentials.signingSecret, verificationToken: credentials.verificationToken }),
    faults,
    calls: (method) => structuredClone(calls.filter((call) => method === undefined || call.method === method)),
    onChange: (listener) => state.onChange(listener),
    close() {
      for (const pending of pendingWaits) {
        clearTimeout(pending.timer);
        pending.resolve();
      }
      pendingWaits.clear();
    },
  };
};

export interface RunningSlackEmulator {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** WebClient's `slackApiUrl`. */
  apiUrl: string;
  emulator: SlackEmulator;
  stop(): Promise<void>;
}

export interface StartSlackEmulatorOptions extends SlackEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

export const startSlackEmulator = async (options: StartSlackEmulatorOptions = {}): Promise<RunningSlackEmulator> => {
  let url = '';
  const emulator = createSlackEmulator({ ...options, baseUrl: options.baseUrl ?? (() => url) });
  const server = createServer((req, res) => {
    emulator
      .handle(req, res)
      .then((served) => {
        if (!served) sendJson(res, 404, { ok: false, error: 'not_found', detail: 'the local Slack serves /slack/api/<method> and /slack/response/<id>' });
      })
      .catch((error: unknown) => {
        console.error('local Slack error', error);
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal_error' });
        else res.end();
      });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: emulator.apiUrl(url),
    emulator,
    async stop() {
      emulator.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
};
