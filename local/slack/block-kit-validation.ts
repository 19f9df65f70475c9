/**
 * What Slack checks in Block Kit before it accepts a message or a view, so the local Slack refuses
 * what a real workspace would refuse, with Slack's kind of explanation:
 * `[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]`.
 *
 * The limits are Block Kit's documented ones (blocks per surface, text lengths, fields, elements,
 * options, ids). Block types Slack knows but Concord does not build (video, table, rich text…) are
 * accepted with their common checks only. Action ids must be unique within their block, which is
 * Slack's rule (the same action_id in two blocks, say an Undo button on each line of a digest,
 * is valid); block ids must be unique within the message or view.
 */
import { interactiveElements, isInteractive, isObject, type JsonObject } from './block-kit-elements';

export type Surface = 'message' | 'modal' | 'home';

export const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };
export const MAX_MESSAGE_TEXT = 40_000;

const MESSAGE_ONLY_BLOCKS = new Set(['file', 'markdown', 'table']);
const BLOCK_TYPES = new Set([
  'actions', 'alert', 'card', 'carousel', 'container', 'context', 'context_actions', 'data_table', 'divider', 'file',
  'header', 'image', 'input', 'markdown', 'plan', 'rich_text', 'section', 'table', 'task_card', 'video',
]);
const ELEMENT_TYPES = new Set([
  'button', 'channels_select', 'checkboxes', 'conversations_select', 'datepicker', 'datetimepicker', 'email_text_input',
  'external_select', 'feedback_buttons', 'file_input', 'icon_button', 'image', 'multi_channels_select',
  'multi_conversations_select', 'multi_external_select', 'multi_static_select', 'multi_users_select', 'number_input',
  'overflow', 'plain_text_input', 'radio_buttons', 'rich_text_input', 'static_select', 'timepicker', 'url_text_input',
  'users_select', 'workflow_button',
]);
/** Elements an input block may hold: the ones that keep a value in the view's state. */
const INPUT_ELEMENTS = new Set([
  'channels_select', 'checkboxes', 'conversations_select', 'datepicker', 'datetimepicker', 'email_text_input', 'external_select',
  'file_input', 'multi_channels_select', 'multi_conversations_select', 'multi_external_select', 'multi_static_select',
  'multi_users_select', 'number_input', 'plain_text_input', 'radio_buttons', 'rich_text_input', 'static_select', 'timepicker',
  'url_text_input', 'users_select',
]);
const OPTION_LIMITS: Record<string, { min: number; max: number }> = {
  static_select: { min: 0, max: 100 },
  multi_static_select: { min: 0, max: 100 },
  overflow: { min: 1, max: 5 },
  radio_buttons: { min: 1, max: 10 },
  checkboxes: { min: 1, max: 10 },
};

/** Collects Slack-style error lines; every check says where it looked. */
class Findings {
  readonly messages: string[] = [];

  add(pointer: string, problem: string): void {
    this.messages.push(`[ERROR] ${problem} [json-pointer:${pointer}]`);
  }

  string(value: unknown, pointer: string, limits: { max: number; required?: boolean; min?: number }): void {
    if (value === undefined) {
      if (limits.required) this.add(pointer, 'missing required field');
      return;
    }
    if (typeof value !== 'string') return this.add(pointer, 'must provide a string');
    if (value.length > limits.max) this.add(pointer, `must be less than ${limits.max + 1} characters`);
    if (limits.min !== undefined && value.length < limits.min) this.add(pointer, `must be more than ${limits.min - 1} characters`);
  }

  /** A text object: `{ type: 'plain_text' | 'mrkdwn', text }`, its text 1..max characters. */
  text(value: unknown, pointer: string, limits: { max: number; required?: boolean; plainOnly?: boolean }): void {
    if (value === undefined) {
      if (limits.required) this.add(pointer, 'missing required field');
      return;
    }
    if (!isObject(value)) return this.add(pointer, 'must provide an object');
    const allowed = limits.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
    if (typeof value.type !== 'string' || !allowed.includes(value.type)) this.add(`${pointer}/type`, `must be one of: ${allowed.join(', ')}`);
    this.string(value.text, `${pointer}/text`, { max: limits.max, min: 1, required: true });
  }

  array(value: unknown, pointer: string, limits: { min: number; max: number; required?: boolean }): unknown[] {
    if (value === undefined) {
      if (limits.required) this.add(pointer, 'missing required field');
      return [];
    }
    if (!Array.isArray(value)) {
      this.add(pointer, 'must provide an array');
      return [];
    }
    if (value.length > limits.max) this.add(pointer, `no more than ${limits.max} items allowed`);
    if (value.length < limits.min) this.add(pointer, `must provide at least ${limits.min} items`);
    return value;
  }
}

const checkConfirm = (findings: Findings, confirm: unknown, pointer: string): void => {
  if (confirm === undefined) return;
  if (!isObject(confirm)) return findings.add(pointer, 'must provide an object');
  findings.text(confirm.title, `${pointer}/title`, { max: 100, required: true, plainOnly: true });
  findings.text(confirm.text, `${pointer}/text`, { max: 300, required: true });
  findings.text(confirm.confirm, `${pointer}/confirm`, { max: 30, required: true, plainOnly: true });
  findings.text(confirm.deny, `${pointer}/deny`, { max: 30, required: true, plainOnly: true });
};

const checkOptions = (findings: Findings, options: unknown[], pointer: string): void => {
  for (const [index, option] of options.entries()) {
    const at = `${pointer}/${index}`;
    if (!isObject(option)) {
      findings.add(at, 'must provide an object');
      continue;
    }
    findings.text(option.text, `${at}/text`, { max: 75, required: true });
    findings.string(option.value, `${at}/value`, { max: 150, required: true });
  }
};

const checkElement = (findings: Findings, element: JsonObject, pointer: string): void => {
  const type = element.type;
  if (typeof type !== 'string' || !ELEMENT_TYPES.has(type)) return findings.add(`${pointer}/type`, `unsupported type: ${String(type)}`);
  if (isInteractive(element)) findings.string(element.action_id, `${pointer}/action_id`, { max: 255, min: 1 });
  findings.text(element.placeholder, `${pointer}/placeholder`, { max: 150, plainOnly: true });
  checkConfirm(findings, element.confirm, `${pointer}/confirm`);
  switch (type) {
    case 'button':
      findings.text(element.text, `${pointer}/text`, { max: 75, required: true, plainOnly: true });
      findings.string(element.value, `${pointer}/value`, { max: 2000 });
      findings.string(element.url, `${pointer}/url`, { max: 3000 });
      if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') findings.add(`${pointer}/style`, 'must be one of: primary, danger');
      return;
    case 'image':
      findings.string(element.alt_text, `${pointer}/alt_text`, { max: 2000, required: true });
      return;
    case 'plain_text_input':
      findings.string(element.initial_value, `${pointer}/initial_value`, { max: 3000 });
      if (typeof element.max_length === 'number' && element.max_length > 3000) findings.add(`${pointer}/max_length`, 'must be at most 3000');
      return;
  }
  const limits = OPTION_LIMITS[type];
  if (limits === undefined) return;
  if (element.option_groups !== undefined && (type === 'static_select' || type === 'multi_static_select')) {
    for (const [index, group] of findings.array(element.option_groups, `${pointer}/option_groups`, { min: 1, max: 100 }).entries()) {
      if (isObject(group)) checkOptions(findings, findings.array(group.options, `${pointer}/option_groups/${index}/options`, { min: 1, max: 100, required: true }), `${pointer}/option_groups/${index}/options`);
    }
    return;
  }
  checkOptions(findings, findings.array(element.options, `${pointer}/options`, { ...limits, required: type !== 'static_select' && type !== 'multi_static_select' }), `${pointer}/options`);
};

const checkElementAt = (findings: Findings, value: unknown, pointer: string, required: boolean): void => {
  if (value === undefined) {
    if (required) findings.add(pointer, 'missing required field');
    return;
  }
  if (!isObject(value)) return findings.add(pointer, 'must provide an object');
  checkElement(findings, value, pointer);
};

const checkBlock = (findings: Findings, block: JsonObject, pointer: string): void => {
  switch (block.type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined) findings.add(pointer, 'must define either text or fields');
      findings.text(block.text, `${pointer}/text`, { max: 3000 });
      for (const [index, field] of findings.array(block.fields, `${pointer}/fields`, { min: 1, max: 10 }).entries()) findings.text(field, `${pointer}/fields/${index}`, { max: 2000, required: true });
      return checkElementAt(findings, block.accessory, `${pointer}/accessory`, false);
    }
    case 'header':
      return findings.text(block.text, `${pointer}/text`, { max: 150, required: true, plainOnly: true });
    case 'context':
      for (const [index, element] of findings.array(block.elements, `${pointer}/elements`, { min: 1, max: 10, required: true }).entries()) {
        const at = `${pointer}/elements/${index}`;
        if (isObject(element) && element.type === 'image') checkElement(findings, element, at);
        else findings.text(element, at, { max: 3000, required: true });
      }
      return;
    case 'actions':
      for (const [index, element] of findings.array(block.elements, `${pointer}/elements`, { min: 1, max: 25, required: true }).entries()) checkElementAt(findings, element, `${pointer}/elements/${index}`, true);
      return;
    case 'image':
      if (block.image_url === undefined && block.slack_file === undefined) findings.add(pointer, 'must define either image_url or slack_file');
      findings.string(block.image_url, `${pointer}/image_url`, { max: 3000 });
      findings.string(block.alt_text, `${pointer}/alt_text`, { max: 2000, required: true });
      return findings.text(block.title, `${pointer}/title`, { max: 2000, plainOnly: true });
    case 'input': {
      findings.text(block.label, `${pointer}/label`, { max: 2000, required: true, plainOnly: true });
      findings.text(block.hint, `${pointer}/hint`, { max: 2000, plainOnly: true });
      checkElementAt(findings, block.element, `${pointer}/element`, true);
      const type = isObject(block.element) ? block.element.type : undefined;
      if (typeof type === 'string' && ELEMENT_TYPES.has(type) && !INPUT_ELEMENTS.has(type)) findings.add(`${pointer}/element/type`, `${type} cannot be used in an input block`);
      return;
    }
    case 'markdown':
      return findings.string(block.text, `${pointer}/text`, { max: 12_000, min: 1, required: true });
    case 'rich_text':
      findings.array(block.elements, `${pointer}/elements`, { min: 0, max: Number.POSITIVE_INFINITY, required: true });
      return;
  }
};

const checkUniqueIds = (findings: Findings, blocks: readonly unknown[], pointer: string): void => {
  const blockIds = new Set<string>();
  for (const [index, block] of blocks.entries()) {
    if (!isObject(block) || typeof block.block_id !== 'string') continue;
    if (blockIds.has(block.block_id)) findings.add(`${pointer}/${index}/block_id`, `duplicate block_id: ${block.block_id}`);
    blockIds.add(block.block_id);
  }
  const actionIdsByBlock = new Map<unknown, Set<string>>();
  for (const placed of interactiveElements(blocks)) {
    const actionId = placed.element.action_id;
    if (typeof actionId !== 'string') continue;
    const seen = actionIdsByBlock.get(placed.block) ?? new Set<string>();
    if (seen.has(actionId)) findings.add(`${pointer}${placed.pointer}/action_id`, `duplicate action_id: ${actionId}`);
    seen.add(actionId);
    actionIdsByBlock.set(placed.block, seen);
  }
};

/** Slack's objections to `blocks` on a surface, as `response_metadata.messages` lines; empty when valid. */
export const blocksErrors = (blocks: readonly unknown[], surface: Surface, pointer = '/blocks'): string[] => {
  const findings = new Findings();
  if (blocks.length > MAX_BLOCKS[surface]) findings.add(pointer, `no more than ${MAX_BLOCKS[surface]} items allowed`);
  for (const [index, block] of blocks.entries()) {
    const at = `${pointer}/${index}`;
    if (!isObject(block)) {
      findings.add(at, 'must provide an object');
      continue;
    }
    if (typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type) || (surface !== 'message' && MESSAGE_ONLY_BLOCKS.has(block.type))) {
      findings.add(`${at}/type`, `unsupported type: ${String(block.type)}`);
      continue;
    }
    findings.string(block.block_id, `${at}/block_id`, { max: 255, min: 1 });
    checkBlock(findings, block, at);
  }
  checkUniqueIds(findings, blocks, pointer);
  return findings.messages;
};

/** Slack's objections to a view object (its type one of `types`), under `/view`; empty when valid. */
export const viewErrors = (view: unknown, types: readonly ('modal' | 'home')[]): string[] => {
  const findings = new Findings();
  if (!isObject(view)) {
    findings.add('/view', 'must provide an object');
    return findings.messages;
  }
  if (typeof view.type !== 'string' || !(types as readonly string[]).includes(view.type)) {
    findings.add('/view/type', `must be one of: ${types.join(', ')}`);
    return findings.messages;
  }
  const type = view.type as 'modal' | 'home';
  if (type === 'modal') {
    findings.text(view.title, '/view/title', { max: 24, required: true, plainOnly: true });
    findings.text(view.submit, '/view/submit', { max: 24, plainOnly: true });
    findings.text(view.close, '/view/close', { max: 24, plainOnly: true });
  } else {
    findings.text(view.title, '/view/title', { max: 24, plainOnly: true });
  }
  findings.string(view.callback_id, '/view/callback_id', { max: 255 });
  findings.string(view.private_metadata, '/view/private_metadata', { max: 3000 });
  findings.string(view.external_id, '/view/external_id', { max: 255 });
  const blocks = findings.array(view.blocks, '/view/blocks', { min: 0, max: Number.POSITIVE_INFINITY, required: true });
  const hasInput = blocks.some((block) => isObject(block) && block.type === 'input');
  if (type === 'modal' && hasInput && view.submit === undefined) findings.add('/view/submit', 'is required when the view has an input block');
  return [...findings.messages, ...blocksErrors(blocks, type, '/view/blocks')];
};
