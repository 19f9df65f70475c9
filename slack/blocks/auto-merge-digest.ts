/**
 * The daily digest of automatic merges, posted to the data stewards: what Concord merged on its
 * own (the matcher was sure enough), each with Undo, so a person still sees every merge and can
 * take back a wrong one with one click.
 */
import type { KnownBlock } from '@slack/types';
import type { MergeRecord } from '../../functions/identity/graph/identity-graph';
import { countOf } from './describe';
import { capBlocks, context, header, section } from './elements';
import { SLACK_LIMITS } from './limits';
import type { SlackMessage } from './message';
import { mergeRow } from './merge-row';
import { code } from './mrkdwn';

/** Rows in one message (one block each), leaving room for the header and notes. */
export const DIGEST_ROWS = 40;

export interface AutoMergeDigestInput {
  /** The day the digest covers, as people should read it (`2026-06-01`): the caller's clock decides it. */
  day: string;
  /** That day's automatic merges, newest first. */
  merges: readonly MergeRecord[];
  /** Unified id → name, for both sides of each merge. */
  labels?: ReadonlyMap<string, string>;
}

export const autoMergeDigest = (input: AutoMergeDigestInput): SlackMessage => {
  const { merges, day } = input;
  if (merges.length === 0) {
    return { text: `No automatic merges on ${day}.`, blocks: [section(`No automatic merges on ${code(day)}.`)] };
  }
  const shown = merges.slice(0, DIGEST_ROWS);
  const undone = merges.filter((m) => m.undone !== undefined).length;
  const blocks: KnownBlock[] = [
    header(`Automatic merges on ${day}`),
    section(`Concord merged ${countOf(merges.length, 'pair')} on its own${undone > 0 ? ` (${undone} undone since)` : ''}. If one is wrong, Undo puts both sides back exactly as they were.`),
    ...shown.map((m, i) => mergeRow(m, i, input.labels)),
  ];
  if (merges.length > shown.length) blocks.push(context([`…and ${countOf(merges.length - shown.length, 'more merge')}: ${code('concord merges')} lists them all.`]));
  return {
    text: `${countOf(merges.length, 'automatic merge')} on ${day}`,
    blocks: capBlocks(blocks, SLACK_LIMITS.messageBlocks, (n) => `…and ${n} more (${code('concord merges')})`),
  };
};
