/**
 * `/concord`: help is answered in the acknowledgement itself; the rest goes to the worker, and the
 * acknowledgement says it is on its way (the answer replaces it through the response_url).
 */
import type { App } from '@slack/bolt';
import { helpMessage } from '../blocks';
import type { SlackAppDeps } from '../app';
import { deliveryOf } from '../deliveries';
import { parseConcordCommand, slackWorkEvent } from '../work';

const WORKING: Record<'lookup' | 'queue' | 'report' | 'undo', string> = {
  lookup: 'Looking that up…',
  queue: 'Fetching the merge queue…',
  report: 'Counting disagreements…',
  undo: 'Undoing that merge…',
};

export const registerCommands = (app: App, deps: SlackAppDeps): void => {
  app.command('/concord', async ({ command, ack, body }) => {
    const parsed = parseConcordCommand(command.text);
    if (parsed.kind === 'help') {
      await ack({ response_type: 'ephemeral', ...helpMessage(parsed.unknown) });
      return;
    }
    try {
      await deps.bus.publish([
        slackWorkEvent({ ...deliveryOf(body), type: 'command', subcommand: parsed.subcommand, argument: parsed.argument, userId: command.user_id, channelId: command.channel_id, responseUrl: command.response_url }),
      ]);
    } catch (error) {
      deps.log.error('could not queue a /concord command', { error: (error as Error).message });
      await ack({ response_type: 'ephemeral', text: 'Concord could not take that just now; please try again in a minute.' });
      return;
    }
    await ack({ response_type: 'ephemeral', text: WORKING[parsed.subcommand] });
  });
};
