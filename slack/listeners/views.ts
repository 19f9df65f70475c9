/** The survivorship override modal: checked here (errors shown in the modal), applied by the worker. */
import type { App } from '@slack/bolt';
import { CALLBACK_IDS, readOverrideSubmission } from '../blocks';
import type { SlackAppDeps } from '../app';
import { deliveryOf } from '../deliveries';
import { slackWorkEvent } from '../work';

export const registerViews = (app: App, deps: SlackAppDeps): void => {
  app.view(CALLBACK_IDS.survivorshipOverride, async ({ ack, body, view }) => {
    const read = readOverrideSubmission(view);
    if (read.kind === 'errors') {
      await ack({ response_action: 'errors', errors: read.errors });
      return;
    }
    await deps.bus.publish([slackWorkEvent({ ...deliveryOf(body), type: 'override', ...read.override, userId: body.user.id })]);
    await ack();
  });
};
