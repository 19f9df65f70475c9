/**
 * Slack in the local runtime: the local Slack (local/slack/, the Web API and Slack's requests to
 * the app) and the Concord Slack app on Bolt's HTTPReceiver at /slack/events, both on the
 * `npm start` server. The app and the Slack worker are the very code that runs on AWS; only the
 * receiver and the API URL differ. With SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET set, the app
 * and worker talk to that workspace instead (expose /slack/events with a tunnel).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { HTTPReceiver } from '../slack/bolt';
import type { IdentityService } from '../functions/identity/identity-service';
import type { SourceRecordStore } from '../functions/reconcile/source-record.store';
import type { Clock, EventBus } from '../functions/shared/ports';
import { createSlackApp } from '../slack/app';
import { guardedListener } from '../slack/request-guard';
import { slackSettingsOf, type SlackSettings } from '../slack/settings';
import { createSlackEmulator, type SlackEmulator } from './slack/slack-emulator';
import { STEWARDS_GROUP_ID } from './slack/workspace';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface LocalSlack {
  emulator: SlackEmulator;
  /** Serves /slack/events (the app) and the local Slack's paths; false for anything else. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Starts the app once the server's URL is known; returns the settings the worker uses too. */
  start(url: string): SlackSettings;
}

export interface LocalSlackDeps {
  env: NodeJS.ProcessEnv;
  clock: Clock;
  bus: EventBus;
  identity: IdentityService;
  sourceRecords: SourceRecordStore;
}

/** The app's settings: a real workspace's when configured, otherwise the local Slack's. */
export const localSlackSettings = (env: NodeJS.ProcessEnv, url: string, emulator: SlackEmulator): SlackSettings =>
  slackSettingsOf(
    env.SLACK_BOT_TOKEN
      ? env
      : {
          SLACK_STEWARD_USERGROUP: STEWARDS_GROUP_ID,
          ...env,
          SLACK_BOT_TOKEN: emulator.credentials.botToken,
          SLACK_SIGNING_SECRET: emulator.credentials.signingSecret,
          SLACK_API_URL: emulator.apiUrl(url),
        },
  );

export const createLocalSlack = (deps: LocalSlackDeps): LocalSlack => {
  let url: string | undefined;
  let listener: RequestListener | undefined;
  const emulator = createSlackEmulator({
    clock: deps.clock,
    appUrl: () => `${url ?? ''}${SLACK_EVENTS_PATH}`,
    baseUrl: () => url ?? '',
  });
  return {
    emulator,
    async handle(req, res) {
      const path = new URL(req.url ?? '/', 'http://local').pathname;
      if (path === SLACK_EVENTS_PATH && listener) {
        listener(req, res);
        return true;
      }
      return emulator.handle(req, res);
    },
    start(serverUrl) {
      url = serverUrl;
      const settings = localSlackSettings(deps.env, serverUrl, emulator);
      const receiver = new HTTPReceiver({ signingSecret: settings.signingSecret, endpoints: [SLACK_EVENTS_PATH] });
      createSlackApp({
        settings,
        receiver,
        bus: deps.bus,
        entities: { entityOf: (ref) => deps.identity.entityOf(ref), membersOf: (keys) => deps.sourceRecords.getMany(keys) },
        log: { info: () => undefined, error: (message, extra) => console.error(`slack: ${message}`, extra ?? '') },
      });
      listener = guardedListener(receiver.requestListener, deps.clock, () => undefined);
      return settings;
    },
  };
};
