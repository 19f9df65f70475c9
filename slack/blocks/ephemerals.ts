/**
 * Short answers only the asker sees: nothing was found, or Concord refused and why. A refusal
 * always says what would work instead, so nobody is left at a dead end.
 */
import { actor } from './describe';
import { section } from './elements';
import type { SlackMessage } from './message';
import { code, formatUtc, inline, slackDate } from './mrkdwn';

export type NotFound = { kind: 'customer'; query: string } | { kind: 'proposal'; proposalId: string } | { kind: 'merge'; mergeId: string };

const answer = (mrkdwn: string, text: string): SlackMessage => ({ text: inline(text, 1000), blocks: [section(mrkdwn)] });

export const notFound = (what: NotFound): SlackMessage => {
  switch (what.kind) {
    case 'customer':
      return answer(
        `🔍 No customer or person matches “${inline(what.query, 500)}”. Try a name, a domain, an email, a phone number, an id in any system, or a unified id (${code('cus_…')}, ${code('per_…')}).`,
        `No customer or person matches “${what.query}”.`,
      );
    case 'proposal':
      return answer(`🔍 There is no merge proposal ${code(what.proposalId)}. ${code('/concord queue')} lists the waiting ones.`, `There is no merge proposal ${what.proposalId}.`);
    case 'merge':
      return answer(`🔍 There is no merge ${code(what.mergeId)}. Merge ids look like ${code('mrg_…')}; App Home lists recent merges.`, `There is no merge ${what.mergeId}.`);
  }
};

/** What a non-steward tried to do. */
export type StewardAction = 'decide merges' | 'undo merges' | 'override values';

export type Refusal =
  | { kind: 'not-steward'; action: StewardAction; stewardsChannel?: string }
  | { kind: 'already-decided'; status: string; by?: string; at?: string }
  | { kind: 'already-undone'; mergeId: string; by: string; at: string }
  | { kind: 'cannot-undo'; mergeId: string; reason: string }
  | { kind: 'changed-since'; what: string }
  /** A handoff or playbook action that does not apply to it as it is now (already resolved, already running). */
  | { kind: 'not-applicable'; why: string };

/** A channel id becomes a link to it; a name (`#data-stewards`) is shown as written. */
const channel = (nameOrId: string): string => (/^C[A-Z0-9]{2,}$/.test(nameOrId) ? `<#${nameOrId}>` : inline(nameOrId, 100));

export const refused = (refusal: Refusal): SlackMessage => {
  switch (refusal.kind) {
    case 'not-steward': {
      const where = refusal.stewardsChannel === undefined ? 'ask a data steward' : `ask in ${channel(refusal.stewardsChannel)}`;
      const wherePlain = refusal.stewardsChannel === undefined ? 'ask a data steward' : `ask in ${refusal.stewardsChannel}`;
      return answer(`🔒 Only data stewards can ${refusal.action}: ${where}. Nothing was changed.`, `Only data stewards can ${refusal.action}: ${wherePlain}.`);
    }
    case 'already-decided': {
      const by = refusal.by === undefined ? '' : ` by ${actor(refusal.by)}`;
      const at = refusal.at === undefined ? '' : ` ${slackDate(refusal.at)}`;
      return answer(`This proposal was already ${inline(refusal.status)}${by}${at}; your click changed nothing.`, `This proposal was already ${refusal.status}.`);
    }
    case 'already-undone':
      return answer(
        `${code(refusal.mergeId)} was already undone by ${actor(refusal.by)} ${slackDate(refusal.at)}; nothing more to do.`,
        `${refusal.mergeId} was already undone at ${formatUtc(refusal.at)}.`,
      );
    case 'cannot-undo':
      return answer(`Concord cannot undo ${code(refusal.mergeId)}: ${inline(refusal.reason, 800)}.`, `Cannot undo ${refusal.mergeId}: ${refusal.reason}.`);
    case 'changed-since':
      return answer(`${inline(refusal.what, 300)} changed since you opened this. Nothing was saved; open it again to see it as it is now.`, `${refusal.what} changed since you opened this; nothing was saved.`);
    case 'not-applicable':
      return answer(`Nothing was changed: ${inline(refusal.why, 800)}. The message now shows where it stands.`, `Nothing was changed: ${refusal.why}.`);
  }
};
