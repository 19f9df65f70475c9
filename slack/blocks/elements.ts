/**
 * Small constructors for the blocks and elements the builders use, each keeping its own part of
 * Slack's limits (limits.ts) by cutting text, so a builder composes them without counting.
 * Text passed as mrkdwn must already be escaped (mrkdwn.ts); plain text is shown as is.
 */
import type {
  ActionsBlock,
  ActionsBlockElement,
  Button,
  ConfirmationDialog,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  KnownBlock,
  SectionBlock,
  SectionBlockAccessory,
} from '@slack/types';
import { SLACK_LIMITS } from './limits';
import { mrkdwnText, plainText, truncateMrkdwn } from './mrkdwn';

export const header = (text: string): HeaderBlock => ({ type: 'header', text: plainText(text, SLACK_LIMITS.headerText) });

export const divider = (): DividerBlock => ({ type: 'divider' });

export const section = (text: string, accessory?: SectionBlockAccessory): SectionBlock => ({
  type: 'section',
  text: mrkdwnText(text, SLACK_LIMITS.sectionText),
  ...(accessory === undefined ? {} : { accessory }),
});

/** Items shown two by two; a section holds ten, so more make several sections. */
export const fieldSections = (items: readonly string[]): SectionBlock[] => {
  const sections: SectionBlock[] = [];
  for (let i = 0; i < items.length; i += SLACK_LIMITS.sectionFields) {
    sections.push({ type: 'section', fields: items.slice(i, i + SLACK_LIMITS.sectionFields).map((item) => mrkdwnText(item, SLACK_LIMITS.fieldText)) });
  }
  return sections;
};

/** Small grey text; at most ten pieces, the rest dropped. */
export const context = (texts: readonly string[]): ContextBlock => ({
  type: 'context',
  elements: texts.slice(0, SLACK_LIMITS.contextElements).map((t) => mrkdwnText(t)),
});

export const actions = (elements: readonly ActionsBlockElement[], blockId?: string): ActionsBlock => ({
  type: 'actions',
  ...(blockId === undefined ? {} : { block_id: blockId }),
  elements: elements.slice(0, SLACK_LIMITS.actionsElements),
});

export interface ButtonProps {
  text: string;
  actionId: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmationDialog;
  /** Read by screen readers instead of the text. */
  accessibilityLabel?: string;
}

export const button = (props: ButtonProps): Button => ({
  type: 'button',
  text: plainText(props.text, SLACK_LIMITS.buttonText),
  action_id: props.actionId,
  value: props.value,
  ...(props.style === undefined ? {} : { style: props.style }),
  ...(props.confirm === undefined ? {} : { confirm: props.confirm }),
  ...(props.accessibilityLabel === undefined ? {} : { accessibility_label: props.accessibilityLabel.slice(0, SLACK_LIMITS.buttonText) }),
});

export const confirmDialog = (props: { title: string; text: string; confirm: string; deny: string; style?: 'primary' | 'danger' }): ConfirmationDialog => ({
  title: plainText(props.title, SLACK_LIMITS.confirmTitle),
  text: mrkdwnText(props.text, SLACK_LIMITS.confirmText),
  confirm: plainText(props.confirm, SLACK_LIMITS.confirmButton),
  deny: plainText(props.deny, SLACK_LIMITS.confirmButton),
  ...(props.style === undefined ? {} : { style: props.style }),
});

/**
 * Lines joined into one mrkdwn text of at most `maxChars` characters and `maxRows` lines: as many
 * whole lines as fit, then `more(n)` for the n left out, so a long list says how much is missing
 * instead of breaking a limit.
 */
export const fitLines = (
  lines: readonly string[],
  more: (omitted: number) => string,
  { maxChars = SLACK_LIMITS.sectionText, maxRows = Number.POSITIVE_INFINITY }: { maxChars?: number; maxRows?: number } = {},
): string => {
  const whole = lines.join('\n');
  if (lines.length <= maxRows && whole.length <= maxChars) return whole;
  // The most lines that fit together with the note about the rest (at least one line is left out).
  let kept = 0;
  let used = 0;
  for (const line of lines.slice(0, Math.min(maxRows, lines.length - 1))) {
    const next = used + (kept > 0 ? 1 : 0) + line.length;
    if (next + 1 + more(lines.length - kept - 1).length > maxChars) break;
    used = next;
    kept += 1;
  }
  const note = more(lines.length - Math.max(kept, 1));
  // Not even the first line fits next to the note: it is cut rather than dropped.
  const shown = kept > 0 ? lines.slice(0, kept) : [truncateMrkdwn(lines[0] ?? '', Math.max(1, maxChars - note.length - 1))];
  return [...shown, note].join('\n');
};

/**
 * At most `max` blocks: when there are more, the last ones give way to a note saying how many
 * were left out. Builders plan to stay under the limit; this is their last line of defence.
 */
export const capBlocks = (blocks: readonly KnownBlock[], max: number, note: (omitted: number) => string): KnownBlock[] => {
  if (blocks.length <= max) return [...blocks];
  const kept = blocks.slice(0, max - 1);
  return [...kept, context([note(blocks.length - kept.length)])];
};
