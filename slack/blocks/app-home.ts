/**
 * Concord's App Home: for a data steward, the merge proposals waiting for them; for everyone, the
 * recent merges with Undo and the open exceptions (what automation refused to do alone). A Home
 * view holds 100 blocks; each list shows what fits its share and says how many more there are.
 */
import type { KnownBlock } from '@slack/types';
import type { MergeRecord } from '../../functions/identity/graph/identity-graph';
import type { ProposalItem } from '../../functions/identity/identity.store';
import type { SourceRecord } from '../../functions/shared/canonical';
import type { DeepLinkConfig } from './deep-links';
import { countOf } from './describe';
import { capBlocks, context, divider, header, section } from './elements';
import { SLACK_LIMITS } from './limits';
import { proposalRow } from './merge-queue';
import { mergeRow } from './merge-row';
import type { HomeSurface } from './message';
import { bold, code, inline, link, slackDate } from './mrkdwn';

/** Something automation would not do on its own and a person should look at. */
export interface AppHomeException {
  title: string;
  detail: string;
  /** ISO 8601. */
  at: string;
  link?: string;
}

export interface AppHomeInput {
  isSteward: boolean;
  /** Pending proposals, newest first (shown to stewards only). */
  pending: readonly ProposalItem[];
  /** How many are pending in all, when more exist than were loaded. */
  pendingTotal?: number;
  /** The proposals' records, by source key. */
  records: ReadonlyMap<string, SourceRecord>;
  /** Recent merges, newest first. */
  recentMerges: readonly MergeRecord[];
  /** Unified id → name, for the merges. */
  labels?: ReadonlyMap<string, string>;
  exceptions: readonly AppHomeException[];
  links: DeepLinkConfig;
  /** When this view was built: Home is a page people come back to, so it says how fresh it is. */
  now: Date;
}

/** Rows per list: proposals take two blocks each, merges and exceptions one. */
export const HOME_ROWS = { proposals: 10, merges: 15, exceptions: 10 } as const;

const moreRow = (shown: number, total: number, noun: string, where: string): KnownBlock[] =>
  total > shown ? [context([`…and ${countOf(total - shown, noun)}: ${where}`])] : [];

const exceptionRow = (e: AppHomeException): KnownBlock => {
  const title = `⚠️ ${e.link === undefined ? bold(e.title, 300) : link(e.link, e.title, 800)}`;
  return section(`${title}\n${inline(e.detail, 1500)}\n${slackDate(e.at)}`);
};

export const appHome = (input: AppHomeInput): HomeSurface => {
  const blocks: KnownBlock[] = [header('Concord'), context([`Updated ${slackDate(input.now.toISOString())} · ${code('/concord help')} for commands`])];

  if (input.isSteward) {
    const total = Math.max(input.pendingTotal ?? 0, input.pending.length);
    const shown = input.pending.slice(0, HOME_ROWS.proposals);
    blocks.push(divider(), header(`Merge proposals waiting (${total})`));
    if (total === 0) blocks.push(section('✨ Nothing waiting for you.'));
    blocks.push(...shown.flatMap((p, i) => proposalRow(p, i, { records: input.records, links: input.links, canDecide: true })));
    blocks.push(...moreRow(shown.length, total, 'more proposal', `${code('/concord queue')} after these`));
  }

  const merges = input.recentMerges.slice(0, HOME_ROWS.merges);
  blocks.push(divider(), header('Recent merges'));
  if (merges.length === 0) blocks.push(section('No merges yet.'));
  blocks.push(...merges.map((m, i) => mergeRow(m, i, input.labels)));
  blocks.push(...moreRow(merges.length, input.recentMerges.length, 'more merge', code('concord merges')));

  const exceptions = input.exceptions.slice(0, HOME_ROWS.exceptions);
  blocks.push(divider(), header(`Open exceptions (${input.exceptions.length})`));
  if (exceptions.length === 0) blocks.push(section('✅ None: automation has everything in hand.'));
  blocks.push(...exceptions.map(exceptionRow));
  blocks.push(...moreRow(exceptions.length, input.exceptions.length, 'more exception', 'they show here as these are resolved'));

  return { type: 'home', blocks: capBlocks(blocks, SLACK_LIMITS.viewBlocks, (n) => `…and ${n} more rows`) };
};
