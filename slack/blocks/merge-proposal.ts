/**
 * A merge proposal as posted to the data stewards: the two records side by side, why the matcher
 * thinks they are one customer (each field's agreement level and weight, the total and the
 * probability), and Approve / Reject / Not sure. After a decision the same message is updated in
 * place (`decidedProposal`): who decided and when, no decision buttons, and Undo after an approval
 * until someone undoes it, after which it says who did.
 *
 * The weights are Fellegi–Sunter match weights in bits (functions/identity/matching): the prior
 * says how rare a match between two random records is; each field adds (agrees) or subtracts
 * (differs); the total becomes the probability. Showing them is what lets a steward disagree
 * with the matcher for a reason.
 */
import type { KnownBlock, SectionBlock } from '@slack/types';
import type { MergeRecord } from '../../functions/identity/graph/identity-graph';
import type { EntityItem, ProposalItem } from '../../functions/identity/identity.store';
import type { SourceRecord } from '../../functions/shared/canonical';
import { ACTION_IDS, BLOCK_IDS, proposalValue, rowActionId } from './action-ids';
import type { DeepLinkConfig } from './deep-links';
import {
  actor,
  actorPlain,
  bitsPlain,
  countOf,
  fieldNamePlain,
  percentPlain,
  recordLabelPlain,
  recordLink,
  sourceKeyLink,
  strongestEvidencePlain,
  systemsOfPlain,
  valuePlain,
} from './describe';
import { actions, button, capBlocks, confirmDialog, context, fieldSections, fitLines, header, section } from './elements';
import { SLACK_LIMITS } from './limits';
import type { SlackMessage } from './message';
import { undoButton } from './merge-row';
import { bold, code, formatUtc, inline, italic, slackDate } from './mrkdwn';

export interface MergeProposalInput {
  proposal: ProposalItem;
  /** The two records compared (`proposal.a`, `proposal.b`), as stored; a record no longer stored shows as its key. */
  records: { a?: SourceRecord; b?: SourceRecord };
  /** The entities each side belongs to now, for "with 3 other records". */
  entities?: { a?: Pick<EntityItem, 'unifiedId' | 'label' | 'members'>; b?: Pick<EntityItem, 'unifiedId' | 'label' | 'members'> };
  links: DeepLinkConfig;
  /** Stewards who clicked Not sure, oldest first. */
  unsure?: readonly { by: string; at: string }[];
}

export interface DecidedProposalInput extends MergeProposalInput {
  /** The merge an approval made (the decision's outcome, or `proposal.mergeId`), read again for its undo. */
  merge?: Pick<MergeRecord, 'mergeId' | 'undone'>;
}

/** Field rows side by side: a section holds ten fields, five rows of two. */
export const SIDE_BY_SIDE_ROWS = 10;

/** The order fields are compared in on screen: who it is first, then how to reach them, then the rest. */
const FIELD_ORDER = [
  'name',
  'firstName',
  'lastName',
  'email',
  'domain',
  'website',
  'phone',
  'title',
  'address',
  'taxId',
  'customerNumber',
  'industry',
  'employees',
  'annualRevenue',
  'ownerEmail',
  'birthDate',
];

/** Never compared by the matcher, nor telling for a person deciding: our own write-back and derived fields. */
const HIDDEN_FIELDS = new Set(['concordId', 'lifecycleStage', 'role', 'accountRef', 'marketingOptIn']);

const comparedFields = (a: SourceRecord | undefined, b: SourceRecord | undefined): string[] => {
  const present = new Set([...Object.keys(a?.fields ?? {}), ...Object.keys(b?.fields ?? {})].filter((f) => !HIDDEN_FIELDS.has(f)));
  const rank = (f: string) => (FIELD_ORDER.includes(f) ? FIELD_ORDER.indexOf(f) : FIELD_ORDER.length);
  return [...present].filter((f) => valuePlain(a?.fields[f]) !== '' || valuePlain(b?.fields[f]) !== '').sort((x, y) => rank(x) - rank(y) || (x < y ? -1 : 1));
};

const sideHeading = (side: 'A' | 'B', key: string, record: SourceRecord | undefined, links: DeepLinkConfig): string => {
  const where = record === undefined ? `${sourceKeyLink(links, key)} ${italic('(no longer stored)')}` : recordLink(links, record);
  const label = record === undefined ? '' : `\n${bold(recordLabelPlain(record), 300)}`;
  return `${bold(side)} · ${where}${label}`;
};

const entityNote = (side: 'A' | 'B', entity: Pick<EntityItem, 'unifiedId' | 'label' | 'members'> | undefined): string | undefined => {
  if (entity === undefined) return undefined;
  const others = entity.members.length - 1;
  const systems = systemsOfPlain(entity.members).join(', ');
  return `${side} belongs to ${entity.label === undefined ? '' : `${bold(entity.label, 200)} `}${code(entity.unifiedId)}${others > 0 ? ` with ${countOf(others, 'other record')} (${inline(systems)})` : ''}`;
};

const sideBySide = (input: MergeProposalInput): SectionBlock[] => {
  const { proposal, records, links } = input;
  const fields = comparedFields(records.a, records.b);
  const shown = fields.slice(0, SIDE_BY_SIDE_ROWS - 1);
  const items = [sideHeading('A', proposal.a, records.a, links), sideHeading('B', proposal.b, records.b, links)];
  for (const field of shown) {
    for (const record of [records.a, records.b]) {
      const value = valuePlain(record?.fields[field]);
      items.push(`${bold(fieldNamePlain(field))}\n${value === '' ? italic('empty') : inline(value, 1500)}`);
    }
  }
  const sections = fieldSections(items);
  if (fields.length > shown.length) sections.push(section(italic(`…and ${countOf(fields.length - shown.length, 'more field')}`)));
  return sections;
};

const evidenceMark = (weight: number): string => (weight >= 1 ? '✅' : weight <= -1 ? '❌' : '➖');

/** Each field's say, strongest first, then the prior and the total: the matcher's reasoning, in order. */
const evidenceText = (proposal: ProposalItem): string => {
  const rows = [...proposal.evidence]
    .sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight))
    .map((e) => `${evidenceMark(e.weight)} ${code(bitsPlain(e.weight))} ${inline(fieldNamePlain(e.comparison))}: ${inline(e.level, 100)}`);
  const lines = [
    bold('Why they might be the same'),
    ...rows,
    `${code(bitsPlain(proposal.prior))} ${italic('prior: how rare a match between two random records is')}`,
    `${bold('Total')} ${code(bitsPlain(proposal.weight))} bits → ${bold(`${percentPlain(proposal.probability)} likely the same`)}`,
  ];
  return fitLines(lines, (n) => `…and ${countOf(n, 'more line')}`);
};

const nounOf = (proposal: ProposalItem): string => (proposal.kind === 'account' ? 'customer' : 'person');

/** The part of the message that stays the same after a decision. */
const body = (input: MergeProposalInput): KnownBlock[] => {
  const { proposal } = input;
  const notes = [entityNote('A', input.entities?.a), entityNote('B', input.entities?.b)].filter((n): n is string => n !== undefined);
  return [
    header(`Same ${nounOf(proposal)}? ${percentPlain(proposal.probability)} likely`),
    ...sideBySide(input),
    ...(notes.length > 0 ? [context(notes)] : []),
    section(evidenceText(proposal)),
    context([`Proposal ${code(proposal.proposalId)} · raised ${slackDate(proposal.createdAt)} · ${inline(proposal.reason, 500)}`]),
  ];
};

const unsureNote = (unsure: MergeProposalInput['unsure']): KnownBlock[] =>
  unsure === undefined || unsure.length === 0 ? [] : [context([`Not sure: ${unsure.slice(0, 10).map((u) => `${actor(u.by)} (${slackDate(u.at)})`).join(', ')}`])];

/** Approve, Reject (asks first: a rejection keeps them apart for good) and Not sure, for one proposal. */
export const decisionButtons = (proposal: ProposalItem, row?: number) => {
  const id = (base: typeof ACTION_IDS.proposalApprove | typeof ACTION_IDS.proposalReject | typeof ACTION_IDS.proposalUnsure) => (row === undefined ? base : rowActionId(base, row));
  const value = proposalValue(proposal.proposalId);
  return [
    button({ text: 'Approve', actionId: id(ACTION_IDS.proposalApprove), value, style: 'primary', accessibilityLabel: `Approve: merge the two ${nounOf(proposal)} records` }),
    button({
      text: 'Reject',
      actionId: id(ACTION_IDS.proposalReject),
      value,
      style: 'danger',
      confirm: confirmDialog({
        title: 'Keep them apart?',
        text: `Concord will remember that these are different ${nounOf(proposal) === 'customer' ? 'customers' : 'people'} and never propose or make this merge again.`,
        confirm: 'Reject',
        deny: 'Cancel',
        style: 'danger',
      }),
    }),
    button({ text: 'Not sure', actionId: id(ACTION_IDS.proposalUnsure), value }),
  ];
};

const summaryText = (proposal: ProposalItem, records: MergeProposalInput['records']): string => {
  const a = records.a === undefined ? proposal.a : recordLabelPlain(records.a);
  const b = records.b === undefined ? proposal.b : recordLabelPlain(records.b);
  return `${a} ↔ ${b}`;
};

export const mergeProposal = (input: MergeProposalInput): SlackMessage => {
  const { proposal } = input;
  const blocks = [...body(input), ...unsureNote(input.unsure), actions(decisionButtons(proposal), BLOCK_IDS.proposalActions)];
  const strongest = strongestEvidencePlain(proposal.evidence);
  return {
    text: inline(`Same ${nounOf(proposal)}? ${summaryText(proposal, input.records)}: ${percentPlain(proposal.probability)} likely${strongest === '' ? '' : ` (${strongest})`}`, 500),
    blocks: capBlocks(blocks, SLACK_LIMITS.messageBlocks, (n) => `…and ${n} more sections`),
  };
};

const decisionLine = (proposal: ProposalItem, merge: DecidedProposalInput['merge']): string => {
  const by = proposal.decidedBy === undefined ? 'someone' : actor(proposal.decidedBy);
  const when = proposal.decidedAt === undefined ? '' : ` ${slackDate(proposal.decidedAt)}`;
  switch (proposal.status) {
    case 'approved': {
      const merged = merge === undefined ? '' : ` Merged as ${code(merge.mergeId)}.`;
      const undone = merge?.undone === undefined ? '' : `\n↩️ ${bold('Undone')} by ${actor(merge.undone.by)} ${slackDate(merge.undone.at)}: they are separate again, and Concord will keep them apart.`;
      return `✅ ${bold('Approved')} by ${by}${when}.${merged}${undone}`;
    }
    case 'rejected':
      return `🚫 ${bold('Rejected')} by ${by}${when}: they stay separate, and Concord will not propose this merge again.`;
    case 'superseded':
      return `➖ ${bold('No longer needed')}${when}: the records were merged or separated another way.`;
    case 'pending':
      return `⏳ ${bold('Waiting')} for a data steward.`;
  }
};

const decisionPlain = (proposal: ProposalItem, merge: DecidedProposalInput['merge']): string => {
  if (merge?.undone !== undefined) return `merge undone by ${actorPlain(merge.undone.by)} at ${formatUtc(merge.undone.at)}`;
  const by = proposal.decidedBy === undefined ? '' : ` by ${actorPlain(proposal.decidedBy)}`;
  const when = proposal.decidedAt === undefined ? '' : ` at ${formatUtc(proposal.decidedAt)}`;
  return `${proposal.status}${by}${when}`;
};

/** The proposal message once decided; a pending proposal gets its buttons back (mergeProposal). */
export const decidedProposal = (input: DecidedProposalInput): SlackMessage => {
  const { proposal } = input;
  if (proposal.status === 'pending') return mergeProposal(input);
  // The store may keep the merge id on the proposal; the caller's merge record also says whether it was undone.
  const merge = input.merge ?? (proposal.mergeId === undefined ? undefined : { mergeId: proposal.mergeId });
  // Undo follows an approval that made a merge, until someone undoes it.
  const undoable = proposal.status === 'approved' && merge?.undone === undefined ? merge : undefined;
  const blocks: KnownBlock[] = [
    ...body(input),
    section(decisionLine(proposal, merge)),
    ...(undoable === undefined ? [] : [actions([undoButton(undoable.mergeId, ACTION_IDS.mergeUndo, 'Undo merge')])]),
  ];
  return {
    text: inline(`Same ${nounOf(proposal)}? ${summaryText(proposal, input.records)}: ${decisionPlain(proposal, merge)}`, 500),
    blocks: capBlocks(blocks, SLACK_LIMITS.messageBlocks, (n) => `…and ${n} more sections`),
  };
};
