/**
 * `/concord help`, and the answer to anything `/concord` does not understand: unknown input gets
 * help, not an error, with a word on what was not understood.
 */
import { context, section } from './elements';
import type { SlackMessage } from './message';
import { bold, code, inline } from './mrkdwn';

export const CONCORD_COMMAND = '/concord';

const COMMANDS: readonly (readonly [usage: string, what: string])[] = [
  ['lookup QUERY', 'a customer or person: by name, domain, email, phone, an id in any system, or a unified id (cus_…, per_…)'],
  ['queue', 'merge proposals waiting for a data steward'],
  ['report', 'where the systems still disagree, per field and pair of systems'],
  ['undo MERGE_ID', 'undo a merge exactly (mrg_…); data stewards only'],
  ['help', 'this list'],
];

/** The commands; `unknown` says what was not understood (shown escaped, as it is the user's own text). */
export const helpMessage = (unknown?: string, command: string = CONCORD_COMMAND): SlackMessage => {
  const lines = COMMANDS.map(([usage, what]) => `${code(`${command} ${usage}`)}: ${inline(what)}`);
  const preface = unknown === undefined ? [] : [section(`🤔 ${inline(unknown, 500)}. Here is what I can do:`)];
  return {
    text: unknown === undefined ? `Concord commands: ${COMMANDS.map(([usage]) => `${command} ${usage}`).join(', ')}` : inline(`${unknown}. Try ${command} help.`, 600),
    blocks: [
      ...preface,
      section(`${bold('Concord')} keeps one customer across Salesforce, HubSpot, NetSuite, Zendesk and Stripe.\n${lines.join('\n')}`),
      context(['Merge proposals are posted to the data stewards’ channel; App Home lists them, with recent merges and open exceptions.']),
    ],
  };
};
