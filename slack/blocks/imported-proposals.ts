/**
 * One message for a backfill's merge proposals: thousands of prompts would bury the stewards'
 * channel, so a bulk import announces how many it raised and where they wait.
 */
import { countOf } from './describe';
import { context, section } from './elements';
import type { SlackMessage } from './message';
import { code, slackDate } from './mrkdwn';

export interface ImportedProposalsInput {
  kind: 'person' | 'account';
  count: number;
  /** When the import ran (ISO 8601). */
  at: string;
}

export const importedProposals = ({ kind, count, at }: ImportedProposalsInput): SlackMessage => {
  const what = countOf(count, 'merge proposal');
  const between = kind === 'person' ? 'people' : 'customers';
  return {
    text: `A bulk import raised ${what} between ${between}: review them in App Home or with /concord queue.`,
    blocks: [
      section(`:inbox_tray: A bulk import raised *${what}* between ${between} that the matcher was not sure of. They wait for a data steward in App Home and in ${code('/concord queue')}, newest first.`),
      context([`Import of ${slackDate(at)}`]),
    ],
  };
};
