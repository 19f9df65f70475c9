/**
 * The merge proposals waiting for a data steward, as `/concord queue` answers and App Home lists
 * them: one row per proposal (the two records, how likely, the strongest evidence) with the
 * decision buttons for people who may decide. Each row's buttons have their own action ids
 * (action-ids.ts), and every row carries its proposal id in the button value.
 */
import type { KnownBlock } from '@slack/types';
import type { ProposalItem } from '../../functions/identity/identity.store';
import type { SourceRecord } from '../../functions/shared/canonical';
import type { DeepLinkConfig } from './deep-links';
import { countOf, percentPlain, recordLabelPlain, sourceKeyLink, strongestEvidencePlain, SYSTEM_NAMES } from './describe';
import { actions, capBlocks, context, header, section } from './elements';
import { SLACK_LIMITS } from './limits';
import { decisionButtons } from './merge-proposal';
import type { SlackMessage } from './message';
import { bold, code, inline, slackDate } from './mrkdwn';

/** Rows in one message: two blocks each, well inside the 50 a message holds. */
export const QUEUE_ROWS = 15;

const side = (key: string, records: ReadonlyMap<string, SourceRecord>, links: DeepLinkConfig): string => {
  const record = records.get(key);
  if (record === undefined) return sourceKeyLink(links, key);
  return `${bold(recordLabelPlain(record), 200)} (${sourceKeyLink(links, key, SYSTEM_NAMES[record.sourceSystem])})`;
};

/** The blocks of one proposal row: what it is, and (for stewards) its buttons. */
export const proposalRow = (
  proposal: ProposalItem,
  row: number,
  options: { records: ReadonlyMap<string, SourceRecord>; links: DeepLinkConfig; canDecide: boolean },
): KnownBlock[] => {
  const text = [
    `${side(proposal.a, options.records, options.links)} ↔ ${side(proposal.b, options.records, options.links)}`,
    [`${bold(percentPlain(proposal.probability))} likely the same`, inline(strongestEvidencePlain(proposal.evidence), 300), code(proposal.proposalId), slackDate(proposal.createdAt, '{date_short_pretty}')]
      .filter((part) => part !== '')
      .join(' · '),
  ].join('\n');
  return [section(text), ...(options.canDecide ? [actions(decisionButtons(proposal, row))] : [])];
};

export interface MergeQueueInput {
  /** Pending proposals, newest first (as the store lists them). */
  proposals: readonly ProposalItem[];
  /** Both sides' records, by source key. */
  records: ReadonlyMap<string, SourceRecord>;
  links: DeepLinkConfig;
  /** How many are pending in all, when more exist than were loaded. */
  total?: number;
  /** Whether the reader is a data steward: only they get buttons. */
  canDecide: boolean;
}

export const mergeQueue = (input: MergeQueueInput): SlackMessage => {
  const total = Math.max(input.total ?? 0, input.proposals.length);
  if (total === 0) return { text: 'No merge proposals are waiting.', blocks: [section('✨ No merge proposals are waiting.')] };
  const shown = input.proposals.slice(0, QUEUE_ROWS);
  const blocks: KnownBlock[] = [
    header(`Merge proposals waiting (${total})`),
    ...(input.canDecide ? [] : [context(['Only data stewards can decide these; this list is for reading.'])]),
    ...shown.flatMap((p, i) => proposalRow(p, i, input)),
  ];
  if (total > shown.length) blocks.push(context([`…and ${countOf(total - shown.length, 'more proposal')}. Decide these first, or see them all with ${code('concord merges --pending')}.`]));
  return {
    text: `${countOf(total, 'merge proposal')} waiting for a data steward.`,
    blocks: capBlocks(blocks, SLACK_LIMITS.messageBlocks, (n) => `…and ${n} more sections (${code('concord merges --pending')})`),
  };
};
