/**
 * A handoff's one receipt in the handoffs channel, drawn again from the stored handoff whenever it
 * changes: each step with what it made (a link to every record), who owns what next, the exception
 * a person must look at (Retry, Assign, Resolve), and the receiving team's Confirm until someone
 * confirms. Everything a CRM or a target system said (account names, summaries, errors) is escaped.
 */
import type { ActionsBlockElement, KnownBlock, UsersSelect } from '@slack/types';
import { recordsOf, type ExceptionReason, type HandoffItem, type HandoffStatus, type StepState, type TargetRecordItem } from '../../functions/handoffs/handoff';
import { STEP_KINDS } from '../../functions/handoffs/step-kinds';
import { ACTION_IDS, handoffValue } from './action-ids';
import type { AppHomeException } from './app-home';
import { actor, fieldNamePlain } from './describe';
import { actions, button, capBlocks, confirmDialog, context, fieldSections, fitLines, header, section } from './elements';
import { SLACK_LIMITS } from './limits';
import type { SlackMessage } from './message';
import { bold, code, inline, italic, link, mention, plainText, slackDate } from './mrkdwn';

/** What the receipt needs of the handoff's playbook; absent when the playbook is no longer shipped. */
export interface ReceiptPlaybook {
  title: string;
  receivingTeam: string;
  steps: readonly { id: string; kind: string }[];
}

export interface HandoffReceiptInput {
  handoff: HandoffItem;
  playbook?: ReceiptPlaybook;
}

const STATUS_LINES: Readonly<Record<HandoffStatus, string>> = {
  running: '⏳ *Running*: the steps below are under way.',
  completed: '✅ *Completed*: every step is done.',
  exception: '⚠️ *Stopped for a person*: see the exception below.',
  held: '⏸️ *Held*: its playbook is paused; it runs when the playbook is resumed.',
  skipped: '➖ *Skipped*: the trigger did not meet the playbook’s conditions.',
  resolved: '✔️ *Resolved by hand*: nothing more runs.',
};

const STATUS_PLAIN: Readonly<Record<HandoffStatus, string>> = {
  running: 'running',
  completed: 'completed',
  exception: 'stopped for a person',
  held: 'held (playbook paused)',
  skipped: 'skipped',
  resolved: 'resolved by hand',
};

export const EXCEPTION_REASONS: Readonly<Record<ExceptionReason, string>> = {
  'ambiguous-identity': 'The customer’s identity is ambiguous',
  'no-template': 'No template fits this deal',
  'legal-review': 'The contract is flagged for legal review',
  complaint: 'A complaint arrived during onboarding',
  'step-failed': 'A step failed',
  'outcome-unknown': 'Whether a step happened is unknown',
  'no-account': 'No unified customer was found',
};

/** The step that assigns the CS owner carries `{ email, name }` in its values. */
const CS_OWNER_KIND = 'cs.assignOwner';

const titlePlain = ({ handoff, playbook }: HandoffReceiptInput): string => `${playbook?.title ?? handoff.playbook} · ${handoff.accountName ?? handoff.trigger.title}`;

const stepTitle = (stepId: string, playbook: ReceiptPlaybook | undefined): string => {
  const kind = playbook?.steps.find((s) => s.id === stepId)?.kind;
  return kind !== undefined && Object.hasOwn(STEP_KINDS, kind) ? STEP_KINDS[kind as keyof typeof STEP_KINDS].title : stepId;
};

/** `Sales order 1042` as a link to the record in its system; `(already there)` when the run found it rather than made it. */
const recordLink = (record: TargetRecordItem): string => {
  const label = `${fieldNamePlain(record.kind)} ${record.id}`;
  return `${link(record.url, label, 600)}${record.existed ? ` ${italic('(already there)')}` : ''}`;
};

const stepLine = (title: string, state: StepState | undefined, records: readonly TargetRecordItem[]): string => {
  const name = bold(title, 200);
  switch (state?.status ?? 'pending') {
    case 'done': {
      const summary = state?.summary === undefined ? '' : ` — ${inline(state.summary, 500)}`;
      const links = records.length === 0 ? '' : ` · ${records.map(recordLink).join(', ')}`;
      return `✅ ${name}${summary}${links}`;
    }
    case 'failed':
      return `❌ ${name} — ${inline(state?.error ?? 'failed', 800)}`;
    case 'running':
      return `⏳ ${name} ${italic(`(attempt ${state?.attempts ?? 1})`)}`;
    case 'pending':
      return `⏳ ${name} ${italic('(waiting)')}`;
  }
};

const stepsText = (input: HandoffReceiptInput): string => {
  const { handoff, playbook } = input;
  const records = recordsOf(handoff);
  const lines = handoff.stepOrder.map((stepId) =>
    stepLine(
      stepTitle(stepId, playbook),
      handoff.steps[stepId],
      records.filter((r) => r.stepId === stepId).map((r) => r.record),
    ),
  );
  return fitLines([bold('Steps'), ...lines], (n) => `…and ${n} more steps`);
};

/** The CS owner the run assigned, from the cs-owner step's values. */
export const csOwnerOf = (handoff: HandoffItem, playbook: ReceiptPlaybook | undefined): { email: string; name: string } | undefined => {
  const stepId = playbook?.steps.find((s) => s.kind === CS_OWNER_KIND)?.id ?? 'cs-owner';
  const values = handoff.steps[stepId]?.values;
  if (typeof values?.email !== 'string') return undefined;
  return { email: values.email, name: typeof values.name === 'string' ? values.name : values.email };
};

const ownersFields = (input: HandoffReceiptInput): string[] => {
  const owner = csOwnerOf(input.handoff, input.playbook);
  return [
    `${bold('CS owner')}\n${owner === undefined ? italic('not assigned yet') : `${inline(owner.name, 200)} (${inline(owner.email, 300)})`}`,
    `${bold('Receiving team')}\n${input.playbook === undefined ? italic('unknown') : inline(input.playbook.receivingTeam, 200)}`,
  ];
};

/** The last time someone did `action`, for "resolved by …". */
const lastEntry = (handoff: HandoffItem, action: string) => [...handoff.history].reverse().find((h) => h.action === action);

const exceptionBlocks = (handoff: HandoffItem): KnownBlock[] => {
  const exception = handoff.exception;
  if (exception === undefined || (handoff.status !== 'exception' && handoff.status !== 'resolved')) return [];
  const lines = [`⚠️ ${bold(EXCEPTION_REASONS[exception.reason])}`, inline(exception.detail, 2000)];
  if (exception.assignee !== undefined) lines.push(`Assigned to ${mention(exception.assignee)}`);
  const resolved = handoff.status === 'resolved' ? lastEntry(handoff, 'resolved') : undefined;
  if (resolved !== undefined) lines.push(`✔️ Resolved by ${actor(resolved.by)} ${slackDate(resolved.at)}${resolved.detail === undefined ? '' : `: ${inline(resolved.detail, 500)}`}`);
  const blocks: KnownBlock[] = [section(lines.join('\n')), context([`Raised ${slackDate(exception.at)}${exception.stepId === undefined ? '' : ` at step ${code(exception.stepId)}`}`])];
  if (handoff.status === 'exception') blocks.push(actions(exceptionActions(handoff), handoffValue(handoff.handoffId)));
  return blocks;
};

/** Retry from where it stopped, give it to someone, or close it as handled by hand (asks first). */
const exceptionActions = (handoff: HandoffItem): ActionsBlockElement[] => {
  const value = handoffValue(handoff.handoffId);
  const assignee = handoff.exception?.assignee;
  const assign: UsersSelect = {
    type: 'users_select',
    action_id: ACTION_IDS.handoffAssign,
    placeholder: plainText('Assign to…', SLACK_LIMITS.placeholder),
    ...(assignee !== undefined && /^[UW][A-Z0-9]+$/.test(assignee) ? { initial_user: assignee } : {}),
  };
  return [
    button({ text: 'Retry', actionId: ACTION_IDS.handoffRetry, value, style: 'primary', accessibilityLabel: 'Retry the handoff from the step it stopped at' }),
    assign,
    button({
      text: 'Resolve',
      actionId: ACTION_IDS.handoffResolve,
      value,
      style: 'danger',
      confirm: confirmDialog({
        title: 'Resolve by hand?',
        text: 'Concord will stop this handoff here: the steps not yet done will not run. Do this when you have handled the rest yourself.',
        confirm: 'Resolve',
        deny: 'Cancel',
        style: 'danger',
      }),
    }),
  ];
};

const confirmationBlocks = ({ handoff, playbook }: HandoffReceiptInput): KnownBlock[] => {
  if (handoff.confirmation !== undefined) return [context([`✅ Confirmed by ${actor(handoff.confirmation.by)} ${slackDate(handoff.confirmation.at)}`])];
  // Only what was handed over is confirmed: a finished handoff, or one a person finished by hand.
  if (handoff.status !== 'completed' && handoff.status !== 'resolved') return [];
  const team = playbook === undefined ? 'The receiving team' : inline(playbook.receivingTeam, 200);
  return [
    section(
      `${team}: confirm you have taken this over.`,
      button({ text: 'Confirm', actionId: ACTION_IDS.handoffConfirm, value: handoffValue(handoff.handoffId), accessibilityLabel: 'Confirm the receiving team has taken this handoff over' }),
    ),
  ];
};

export const handoffReceipt = (input: HandoffReceiptInput): SlackMessage => {
  const { handoff } = input;
  const blocks: KnownBlock[] = [
    header(titlePlain(input)),
    context([inline(handoff.trigger.title, 1000), `Handoff ${code(handoff.handoffId)} · started ${slackDate(handoff.createdAt)}`]),
    section(STATUS_LINES[handoff.status]),
    section(stepsText(input)),
    ...fieldSections(ownersFields(input)),
    ...exceptionBlocks(handoff),
    ...confirmationBlocks(input),
  ];
  const confirmed = handoff.confirmation === undefined ? '' : ', confirmed';
  return {
    text: inline(`${titlePlain(input)}: ${STATUS_PLAIN[handoff.status]}${confirmed}`, 500),
    blocks: capBlocks(blocks, SLACK_LIMITS.messageBlocks, (n) => `…and ${n} more sections`),
  };
};

/** A handoff stopped at an exception, as a row of App Home's open exceptions. */
export const handoffHomeException = ({ handoff, playbook }: HandoffReceiptInput): AppHomeException => {
  const exception = handoff.exception;
  const reason = exception === undefined ? 'Stopped' : EXCEPTION_REASONS[exception.reason];
  return {
    title: `Handoff stopped: ${playbook?.title ?? handoff.playbook} · ${handoff.accountName ?? handoff.trigger.title}`,
    detail: `${reason}${exception === undefined ? '' : `: ${exception.detail}`}`,
    at: exception?.at ?? handoff.updatedAt,
  };
};

/** The direct message a handoff sends its new owner (the text is the handoff's, escaped). */
export const ownerNoticeMessage = (text: string): SlackMessage => ({ text: inline(text, 1000), blocks: [section(inline(text, SLACK_LIMITS.sectionText))] });
