/** Events API: the Home tab is built by the worker whenever someone opens it. */
import type { App } from '@slack/bolt';
import type { SlackAppDeps } from '../app';
import { deliveryOf } from '../deliveries';
import { slackWorkEvent } from '../work';

export const registerEvents = (app: App, deps: SlackAppDeps): void => {
  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab !== 'home') return;
    await deps.bus.publish([slackWorkEvent({ ...deliveryOf(body), type: 'home', userId: event.user })]);
  });
};
