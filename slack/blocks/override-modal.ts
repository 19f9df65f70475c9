/**
 * The survivorship override modal, opened from the customer card: pick a field of the golden
 * record, then which record's value wins, or type the value. The choice beats the survivorship
 * rules until no system holds it any more (golden/survivorship.ts), and it is audited.
 *
 * Without a field chosen, the values are grouped by field. With `dispatchFieldChoice`, the field
 * select sends its choice at once (an `override_field` block action), so the app can redraw the
 * modal (views.update, `field` set) with only that field's values and its current one; the app
 * must then listen for that action.
 * `private_metadata` carries the entity and the revision shown: the app refuses a submission
 * for an entity that changed since, as the records listed may have moved.
 *
 * `readOverrideSubmission` reads the submitted view back (an untrusted payload, parsed with zod)
 * into the override to apply, or into the per-block errors Slack shows in the modal.
 */
import type { InputBlock, KnownBlock, PlainTextOption } from '@slack/types';
import { z } from 'zod';
import type { GoldenRecord } from '../../functions/identity/golden/survivorship';
import type { EntityItem } from '../../functions/identity/identity.store';
import type { SourceRecord } from '../../functions/shared/canonical';
import { ACTION_IDS, BLOCK_IDS, CALLBACK_IDS, overrideMetadata, overrideSourceValue, readOverrideMetadata, readOverrideSourceValue } from './action-ids';
import { actor, fieldNamePlain, SYSTEM_NAMES, valuePlain } from './describe';
import { context, section } from './elements';
import { SLACK_LIMITS } from './limits';
import type { ModalSurface } from './message';
import { bold, code, inline, plainText } from './mrkdwn';

export type OverrideEntity = Pick<EntityItem, 'unifiedId' | 'kind' | 'label' | 'rev' | 'golden'>;

export interface OverrideModalOptions {
  /** The entity's member records: without them only a typed value can be offered. */
  members?: readonly SourceRecord[];
  /** The field chosen so far (after the field select dispatched): only its values are listed. */
  field?: string;
  /** Make the field select send its choice at once, for the app to redraw the modal with `field`. */
  dispatchFieldChoice?: boolean;
}

/** What a typed value may hold: a name or an email, not an essay. */
export const OVERRIDE_VALUE_MAX = 500;
export const OVERRIDE_REASON_MAX = 500;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const option = (text: string, value: string): PlainTextOption => ({ text: plainText(text, SLACK_LIMITS.optionText), value });

/** The records that hold a value for the field, one per system and value (duplicates say nothing new). */
const sourceOptions = (field: string, members: readonly SourceRecord[]): PlainTextOption[] => {
  const seen = new Set<string>();
  const options: PlainTextOption[] = [];
  for (const member of [...members].sort((a, b) => (a.sourceKey < b.sourceKey ? -1 : 1))) {
    if (member.status !== 'active') continue;
    const shown = valuePlain(member.fields[field]);
    const value = overrideSourceValue({ field, sourceKey: member.sourceKey });
    // An option value holds 150 characters; a record with a longer key can still be typed in.
    if (shown.trim() === '' || value.length > SLACK_LIMITS.optionValue) continue;
    const key = `${member.sourceSystem}\u0000${shown.trim().toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    options.push(option(`${SYSTEM_NAMES[member.sourceSystem]}: ${shown}`, value));
    if (options.length === SLACK_LIMITS.selectOptions) break;
  }
  return options;
};

const fieldInput = (fields: readonly (readonly [string, unknown])[], chosen: string | undefined, dispatch: boolean): InputBlock => {
  const options = fields.slice(0, SLACK_LIMITS.selectOptions).map(([field, value]) => option(`${fieldNamePlain(field)}: ${valuePlain(value)}`, field));
  const initial = options.find((o) => o.value === chosen);
  return {
    type: 'input',
    block_id: BLOCK_IDS.overrideField,
    ...(dispatch ? { dispatch_action: true } : {}),
    label: plainText('Field'),
    element: {
      type: 'static_select',
      action_id: ACTION_IDS.overrideField,
      placeholder: plainText('Choose a field of the golden record'),
      options,
      ...(initial === undefined ? {} : { initial_option: initial }),
    },
  };
};

const sourceInput = (fields: readonly (readonly [string, unknown])[], members: readonly SourceRecord[], chosen: string | undefined): InputBlock | undefined => {
  const element = {
    type: 'static_select' as const,
    action_id: ACTION_IDS.overrideSource,
    placeholder: plainText('Choose the record whose value wins'),
  };
  const groups = (chosen === undefined ? fields.map(([f]) => f) : [chosen])
    .map((field) => ({ label: plainText(fieldNamePlain(field), SLACK_LIMITS.optionText), options: sourceOptions(field, members) }))
    .filter((g) => g.options.length > 0)
    .slice(0, SLACK_LIMITS.optionGroups);
  if (groups.length === 0) return undefined;
  return {
    type: 'input',
    block_id: BLOCK_IDS.overrideSource,
    optional: true,
    label: plainText('Value from a record'),
    hint: plainText('The value this record holds wins, for as long as it holds one.'),
    element: chosen === undefined ? { ...element, option_groups: groups } : { ...element, options: groups[0]?.options ?? [] },
  };
};

const textInput = (blockId: string, actionId: string, label: string, hint: string, maxLength: number, multiline = false): InputBlock => ({
  type: 'input',
  block_id: blockId,
  optional: true,
  label: plainText(label),
  hint: plainText(hint),
  element: { type: 'plain_text_input', action_id: actionId, max_length: maxLength, ...(multiline ? { multiline: true } : {}) },
});

const currentValue = (golden: GoldenRecord, field: string): string => {
  const lineage = Object.entries(golden.lineage).find(([path]) => path === field || path.startsWith(`${field}.`))?.[1];
  const from = lineage === undefined ? '' : ` (from ${inline(SYSTEM_NAMES[lineage.sourceSystem])} ${code(lineage.externalId, 200)}${lineage.overriddenBy === undefined ? '' : `, chosen by ${actor(lineage.overriddenBy)}`})`;
  return `Now: ${bold(valuePlain(golden.fields[field]), 1000) || '—'}${from}`;
};

export const overrideModal = (entity: OverrideEntity, options: OverrideModalOptions = {}): ModalSurface => {
  const golden = (entity.golden ?? undefined) as GoldenRecord | undefined;
  const fields = Object.entries(golden?.fields ?? {}).filter(([, value]) => valuePlain(value).trim() !== '');
  const chosen = options.field !== undefined && fields.some(([f]) => f === options.field) ? options.field : undefined;
  const wholeFields = fields.filter(([, value]) => isObject(value)).map(([field]) => field);
  const name = entity.label ?? entity.unifiedId;
  const source = sourceInput(fields, options.members ?? [], chosen);

  const blocks: KnownBlock[] = [
    section(`Choose which value ${bold(name, 300)} ${code(entity.unifiedId)} shows for a field. Your choice beats the survivorship rules for as long as a record holds it, and it is kept in the audit log.`),
    fieldInput(fields, chosen, options.dispatchFieldChoice === true),
    ...(chosen !== undefined && golden !== undefined ? [context([currentValue(golden, chosen)])] : []),
    ...(source === undefined ? [] : [source]),
    textInput(BLOCK_IDS.overrideValue, ACTION_IDS.overrideValue, 'Or type the value', 'Leave empty when you chose a record above. A typed value wins while some record holds it (a golden value always comes from a system); addresses are taken whole from a record.', OVERRIDE_VALUE_MAX),
    textInput(BLOCK_IDS.overrideReason, ACTION_IDS.overrideReason, 'Why', 'For the audit log, and for whoever wonders later.', OVERRIDE_REASON_MAX, true),
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.survivorshipOverride,
    private_metadata: overrideMetadata({ unifiedId: entity.unifiedId, rev: entity.rev, wholeFields }),
    title: plainText('Override a value', SLACK_LIMITS.viewTitle),
    submit: plainText('Save', SLACK_LIMITS.viewButton),
    close: plainText('Cancel', SLACK_LIMITS.viewButton),
    blocks,
  };
};

// ---- reading the submission ------------------------------------------------------------------------

const SelectState = z.object({ selected_option: z.object({ value: z.string() }).nullish() });
const TextState = z.object({ value: z.string().nullish() });
const StateValues = z.record(z.string(), z.record(z.string(), z.unknown()));

export interface OverrideRequest {
  unifiedId: string;
  /** The entity's revision the modal showed: apply only if it is still the current one. */
  rev: number;
  field: string;
  /** The member whose value wins. */
  sourceKey?: string;
  /** Or the value itself, as typed. */
  value?: string;
  reason: string;
}

export type OverrideSubmission = { kind: 'override'; override: OverrideRequest } | { kind: 'errors'; errors: Record<string, string> };

/** The parts of a view_submission's view that are read (Bolt's ViewOutput fits). */
export interface SubmittedView {
  private_metadata?: unknown;
  state?: { values?: unknown };
}

export const readOverrideSubmission = (view: SubmittedView): OverrideSubmission => {
  const metadata = readOverrideMetadata(view.private_metadata);
  const values = StateValues.safeParse(view.state?.values ?? {});
  if (metadata === undefined || !values.success) return { kind: 'errors', errors: { [BLOCK_IDS.overrideField]: 'This form is out of date: close it and open it again from the card.' } };
  const read = <T>(schema: z.ZodType<T>, blockId: string, actionId: string): T | undefined => {
    const parsed = schema.safeParse(values.data[blockId]?.[actionId]);
    return parsed.success ? parsed.data : undefined;
  };
  const field = read(SelectState, BLOCK_IDS.overrideField, ACTION_IDS.overrideField)?.selected_option?.value;
  const source = readOverrideSourceValue(read(SelectState, BLOCK_IDS.overrideSource, ACTION_IDS.overrideSource)?.selected_option?.value);
  const typed = read(TextState, BLOCK_IDS.overrideValue, ACTION_IDS.overrideValue)?.value?.trim() || undefined;
  const reason = read(TextState, BLOCK_IDS.overrideReason, ACTION_IDS.overrideReason)?.value?.trim() ?? '';

  if (field === undefined) return { kind: 'errors', errors: { [BLOCK_IDS.overrideField]: 'Choose a field.' } };
  const hasSourceBlock = values.data[BLOCK_IDS.overrideSource] !== undefined;
  const pickOne = hasSourceBlock ? BLOCK_IDS.overrideSource : BLOCK_IDS.overrideValue;
  if (source === undefined && typed === undefined) return { kind: 'errors', errors: { [pickOne]: 'Choose a record, or type the value.' } };
  if (source !== undefined && typed !== undefined) return { kind: 'errors', errors: { [BLOCK_IDS.overrideValue]: 'Choose a record or type a value, not both.' } };
  if (source !== undefined && source.field !== field) return { kind: 'errors', errors: { [BLOCK_IDS.overrideSource]: `That value is for ${fieldNamePlain(source.field).toLowerCase()}: choose one for ${fieldNamePlain(field).toLowerCase()}.` } };
  if (typed !== undefined && metadata.wholeFields.includes(field)) {
    return { kind: 'errors', errors: { [BLOCK_IDS.overrideValue]: `${fieldNamePlain(field)} is taken whole from one record: choose a record above.` } };
  }
  return {
    kind: 'override',
    override: {
      unifiedId: metadata.unifiedId,
      rev: metadata.rev,
      field,
      ...(source === undefined ? {} : { sourceKey: source.sourceKey }),
      ...(typed === undefined ? {} : { value: typed }),
      reason,
    },
  };
};
