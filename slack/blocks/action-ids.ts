/**
 * The ids the Bolt app's listeners register and the builders put on buttons, selects and views,
 * in one place so the two can never drift apart; and what a button carries in its `value`.
 *
 * Slack wants action ids unique within a message or view, but a list (the merge queue, the
 * digest, App Home) holds one Approve or Undo button per row. Rows therefore get the base id with
 * a suffix (`merge_undo:3`), the button's value says which merge it is, and a listener registers
 * `actionIdPattern(ACTION_IDS.mergeUndo)`, which matches the bare id and every suffixed one.
 *
 * Values come back from Slack in an interaction payload: untrusted input, parsed here with zod
 * (STYLE §5) so a listener gets a proposal id or nothing, never a string it must check again.
 */
import { z } from 'zod';

export const ACTION_IDS = {
  proposalApprove: 'proposal_approve',
  proposalReject: 'proposal_reject',
  proposalUnsure: 'proposal_unsure',
  mergeUndo: 'merge_undo',
  cardOverrideOpen: 'card_override_open',
  /** The override modal's field select; with dispatchFieldChoice it sends the choice at once, to narrow the sources. */
  overrideField: 'override_field',
  overrideSource: 'override_source',
  overrideValue: 'override_value',
  overrideReason: 'override_reason',
  handoffRetry: 'handoff_retry',
  /** A users_select: the handoff is named by its actions block's id (a select carries no value). */
  handoffAssign: 'handoff_assign',
  handoffResolve: 'handoff_resolve',
  handoffConfirm: 'handoff_confirm',
  playbookResume: 'playbook_resume',
} as const;
export type ActionId = (typeof ACTION_IDS)[keyof typeof ACTION_IDS];

export const CALLBACK_IDS = {
  survivorshipOverride: 'survivorship_override',
} as const;

export const BLOCK_IDS = {
  proposalActions: 'proposal_actions',
  cardActions: 'card_actions',
  overrideField: 'override_field',
  overrideSource: 'override_source',
  overrideValue: 'override_value',
  overrideReason: 'override_reason',
} as const;

const SUFFIX_SEPARATOR = ':';

/** The id of the `n`th row's button of a kind, unique within the message. */
export const rowActionId = (base: ActionId, n: number): string => `${base}${SUFFIX_SEPARATOR}${n}`;

/** Matches the bare id and its row ids, for Bolt's `app.action(pattern, …)`. */
export const actionIdPattern = (base: ActionId): RegExp => new RegExp(`^${base}(?:${SUFFIX_SEPARATOR}\\d+)?$`);

/** The kind of an action id the builders made (`merge_undo:3` → `merge_undo`), or undefined. */
export const baseActionId = (actionId: string): ActionId | undefined => {
  const base = actionId.split(SUFFIX_SEPARATOR)[0];
  return (Object.values(ACTION_IDS) as string[]).includes(base as string) && actionIdPattern(base as ActionId).test(actionId) ? (base as ActionId) : undefined;
};

// ---- button values -------------------------------------------------------------------------------------

/** Ids Concord makes (prp_…, mrg_…, cus_…, per_…) are letters, digits and `_`; nothing else is read back. */
const Id = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/);

type ValueKind = 'proposal' | 'merge' | 'entity' | 'handoff' | 'playbook';

const valueOf = (kind: ValueKind, id: string): string => {
  // A builder handed an id we could never read back: a bug, caught before the button exists.
  if (!Id.safeParse(id).success) throw new Error(`not an id a button can carry: ${JSON.stringify(id)}`);
  return `${kind}${SUFFIX_SEPARATOR}${id}`;
};

const readValue = (kind: ValueKind, value: unknown): string | undefined => {
  if (typeof value !== 'string' || !value.startsWith(`${kind}${SUFFIX_SEPARATOR}`)) return undefined;
  const parsed = Id.safeParse(value.slice(kind.length + SUFFIX_SEPARATOR.length));
  return parsed.success ? parsed.data : undefined;
};

export const proposalValue = (proposalId: string): string => valueOf('proposal', proposalId);
export const readProposalValue = (value: unknown): string | undefined => readValue('proposal', value);

export const mergeValue = (mergeId: string): string => valueOf('merge', mergeId);
export const readMergeValue = (value: unknown): string | undefined => readValue('merge', value);

export const entityValue = (unifiedId: string): string => valueOf('entity', unifiedId);
export const readEntityValue = (value: unknown): string | undefined => readValue('entity', value);

/** Also the block id of a receipt's exception actions, which is how the Assign select names its handoff. */
export const handoffValue = (handoffId: string): string => valueOf('handoff', handoffId);
export const readHandoffValue = (value: unknown): string | undefined => readValue('handoff', value);

export const playbookValue = (name: string): string => valueOf('playbook', name);
export const readPlaybookValue = (value: unknown): string | undefined => readValue('playbook', value);

// ---- the override modal ------------------------------------------------------------------------------

/**
 * What the override modal carries through Slack: which entity, the revision it showed (the app
 * refuses the submission when the entity changed since: the records it listed may have moved),
 * and which fields are objects taken whole (an address), for which a typed value is refused.
 */
export const OverrideMetadata = z.object({
  unifiedId: Id,
  rev: z.number().int().nonnegative(),
  wholeFields: z.array(z.string()).default([]),
});
export type OverrideMetadata = z.infer<typeof OverrideMetadata>;

export const overrideMetadata = (metadata: z.input<typeof OverrideMetadata>): string => JSON.stringify(OverrideMetadata.parse(metadata));

export const readOverrideMetadata = (text: unknown): OverrideMetadata | undefined => {
  if (typeof text !== 'string') return undefined;
  try {
    const parsed = OverrideMetadata.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

/** A source option of the override modal: which field, and the member whose value wins. */
export interface OverrideSourceChoice {
  field: string;
  sourceKey: string;
}

/** Fields are dotted canonical paths (no `:`), so the first `:` ends the field; a source key may hold more. */
export const overrideSourceValue = (choice: OverrideSourceChoice): string => `${choice.field}${SUFFIX_SEPARATOR}${choice.sourceKey}`;

export const readOverrideSourceValue = (value: unknown): OverrideSourceChoice | undefined => {
  if (typeof value !== 'string') return undefined;
  const at = value.indexOf(SUFFIX_SEPARATOR);
  if (at <= 0 || at === value.length - 1) return undefined;
  return { field: value.slice(0, at), sourceKey: value.slice(at + 1) };
};
