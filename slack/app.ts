/**
 * The Bolt app: one app for both runtimes. Locally its receiver is Bolt's HTTPReceiver, mounted at
 * /slack/events on the `npm start` server; on AWS it is AwsLambdaReceiver behind the HTTP API
 * (events.handler.ts). Every listener acknowledges at once and puts the slow part on the bus for
 * the worker (worker.ts), which answers through the Web API; the work carries its delivery's key,
 * so a retried or replayed request is done once (deliveries.ts).
 */
import type { Receiver } from '@slack/bolt';
import { App, LogLevel } from './bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { EntityItem } from '../functions/identity/identity.store';
import type { SourceRecord } from '../functions/shared/canonical';
import type { EventBus } from '../functions/shared/ports';
import { registerActions } from './listeners/actions';
import { registerCommands } from './listeners/commands';
import { registerEvents } from './listeners/events';
import { registerViews } from './listeners/views';
import type { SlackSettings } from './settings';

/**
 * @slack/web-api retries for up to half an hour by default; a function has seconds. A failed call
 * fails the work item instead, and its queue retries it.
 */
export const slackClientOptions = (settings: Pick<SlackSettings, 'apiUrl'>): WebClientOptions => ({
  ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {}),
  retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000, randomize: true },
  timeout: 5000,
});

/** What the listeners need to open the override modal: the entity and its records, read at once (a trigger_id lasts three seconds). */
export interface EntityReader {
  entityOf(ref: string): Promise<EntityItem | undefined>;
  membersOf(sourceKeys: readonly string[]): Promise<SourceRecord[]>;
}

export interface SlackAppDeps {
  settings: SlackSettings;
  receiver: Receiver;
  bus: EventBus;
  entities: EntityReader;
  log: { info(message: string, extra?: Record<string, unknown>): void; error(message: string, extra?: Record<string, unknown>): void };
}

export const createSlackApp = (deps: SlackAppDeps): App => {
  const { botToken } = deps.settings;
  const app = new App({
    // One workspace and a known token. With `token`, Bolt asks auth.test for the bot's ids on the
    // first request of every cold start, on the acknowledgement's path; nothing here needs them.
    authorize: async () => ({ botToken }),
    receiver: deps.receiver,
    clientOptions: slackClientOptions(deps.settings),
    logLevel: LogLevel.WARN,
  });
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerEvents(app, deps);
  app.error(async (error) => deps.log.error('Slack listener failed', { error: error.message, code: (error as { code?: string }).code }));
  return app;
};
