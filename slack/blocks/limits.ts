/**
 * Slack's documented Block Kit limits (docs.slack.dev, Block Kit reference: blocks, block
 * elements, composition objects, views), and a checker for a message or a view.
 *
 * Slack answers a payload that breaks one with `invalid_blocks` and drops the whole message, so a
 * customer card with one field too long would show nothing at all. The builders stay within these
 * limits by construction (they cut text and list "and N more" instead); this checker is how the
 * tests prove it, and it is cheap enough (one walk over the JSON) for the app to run before every
 * send and log what a builder got wrong.
 *
 * Lengths are UTF-16 code units, never fewer than the characters Slack counts.
 */
import type { KnownBlock, View } from '@slack/types';

export const SLACK_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  /** chat.postMessage truncates `text` beyond this. */
  messageText: 40_000,
  textObject: 3000,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  blockId: 255,
  actionId: 255,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  selectOptions: 100,
  optionGroups: 100,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  placeholder: 150,
  overflowOptions: 5,
  inputLabel: 2000,
  inputHint: 2000,
  plainTextInput: 3000,
  imageAltText: 2000,
  imageUrl: 3000,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
} as const;

export type LimitRule =
  | keyof typeof SLACK_LIMITS
  | 'emptyText'
  | 'emptyElements'
  | 'sectionWithoutText'
  | 'duplicateBlockId'
  | 'duplicateActionId'
  | 'initialOptionMissing'
  | 'submitRequired'
  | 'plainTextRequired';

export interface LimitViolation {
  /** Where, as a JSON path: `blocks[3].fields[2].text`. */
  path: string;
  rule: LimitRule;
  /** The limit, for length and count rules. */
  limit?: number;
  actual?: number;
}

export type Surface = 'message' | 'modal' | 'home';

export const describeViolation = (v: LimitViolation): string =>
  v.limit === undefined ? `${v.path}: ${v.rule}` : `${v.path}: ${v.rule} ${v.actual} > ${v.limit}`;

/** A builder broke a limit: a bug to fix, never something to show a user. */
export class SlackLimitError extends Error {
  override readonly name = 'SlackLimitError';
  constructor(readonly violations: readonly LimitViolation[]) {
    super(`Block Kit limits broken: ${violations.map(describeViolation).join('; ')}`);
  }
}

// ---- the walk ----------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

class Checker {
  readonly violations: LimitViolation[] = [];
  private readonly blockIds = new Map<string, string>();
  private readonly actionIds = new Map<string, string>();

  length(path: string, text: unknown, rule: keyof typeof SLACK_LIMITS): void {
    if (typeof text !== 'string') return;
    const limit = SLACK_LIMITS[rule];
    if (text.length > limit) this.violations.push({ path, rule, limit, actual: text.length });
  }

  count(path: string, items: readonly unknown[], rule: keyof typeof SLACK_LIMITS): void {
    const limit = SLACK_LIMITS[rule];
    if (items.length > limit) this.violations.push({ path, rule, limit, actual: items.length });
  }

  /** A text object: present, non-empty, within `rule`, and plain_text where Slack requires it. */
  text(path: string, object: unknown, rule: keyof typeof SLACK_LIMITS, plainOnly = false): void {
    if (!isObject(object)) return;
    if (plainOnly && object.type !== 'plain_text') this.violations.push({ path: `${path}.type`, rule: 'plainTextRequired' });
    const text = object.text;
    if (typeof text !== 'string' || text.length === 0) this.violations.push({ path: `${path}.text`, rule: 'emptyText' });
    this.length(`${path}.text`, text, rule);
  }

  blockId(path: string, id: unknown): void {
    if (typeof id !== 'string') return;
    this.length(path, id, 'blockId');
    if (this.blockIds.has(id)) this.violations.push({ path, rule: 'duplicateBlockId' });
    else this.blockIds.set(id, path);
  }

  actionId(path: string, id: unknown): void {
    if (typeof id !== 'string') return;
    this.length(path, id, 'actionId');
    if (this.actionIds.has(id)) this.violations.push({ path, rule: 'duplicateActionId' });
    else this.actionIds.set(id, path);
  }

  confirm(path: string, dialog: unknown): void {
    if (!isObject(dialog)) return;
    this.text(`${path}.title`, dialog.title, 'confirmTitle', true);
    this.text(`${path}.text`, dialog.text, 'confirmText');
    this.text(`${path}.confirm`, dialog.confirm, 'confirmButton', true);
    this.text(`${path}.deny`, dialog.deny, 'confirmButton', true);
  }

  option(path: string, option: unknown): void {
    if (!isObject(option)) return;
    this.text(`${path}.text`, option.text, 'optionText');
    this.length(`${path}.value`, option.value, 'optionValue');
    if (option.description !== undefined) this.text(`${path}.description`, option.description, 'optionDescription');
  }

  element(path: string, element: unknown): void {
    if (!isObject(element)) return;
    this.actionId(`${path}.action_id`, element.action_id);
    if (element.confirm !== undefined) this.confirm(`${path}.confirm`, element.confirm);
    if (element.placeholder !== undefined) this.text(`${path}.placeholder`, element.placeholder, 'placeholder', true);
    switch (element.type) {
      case 'button':
        this.text(`${path}.text`, element.text, 'buttonText', true);
        this.length(`${path}.value`, element.value, 'buttonValue');
        this.length(`${path}.url`, element.url, 'buttonUrl');
        return;
      case 'static_select':
      case 'multi_static_select':
        return this.select(path, element);
      case 'overflow': {
        const options = arrayOf(element.options);
        this.count(`${path}.options`, options, 'overflowOptions');
        options.forEach((o, i) => this.option(`${path}.options[${i}]`, o));
        return;
      }
      case 'plain_text_input': {
        const max = typeof element.max_length === 'number' ? element.max_length : SLACK_LIMITS.plainTextInput;
        if (max > SLACK_LIMITS.plainTextInput) this.violations.push({ path: `${path}.max_length`, rule: 'plainTextInput', limit: SLACK_LIMITS.plainTextInput, actual: max });
        if (typeof element.initial_value === 'string' && element.initial_value.length > max) {
          this.violations.push({ path: `${path}.initial_value`, rule: 'plainTextInput', limit: max, actual: element.initial_value.length });
        }
        return;
      }
      case 'image':
        this.length(`${path}.alt_text`, element.alt_text, 'imageAltText');
        this.length(`${path}.image_url`, element.image_url, 'imageUrl');
        return;
    }
  }

  private select(path: string, element: Json): void {
    const options = arrayOf(element.options);
    const groups = arrayOf(element.option_groups);
    this.count(`${path}.options`, options, 'selectOptions');
    this.count(`${path}.option_groups`, groups, 'optionGroups');
    options.forEach((o, i) => this.option(`${path}.options[${i}]`, o));
    const values = new Set(options.flatMap((o) => (isObject(o) ? [o.value] : [])));
    groups.forEach((g, gi) => {
      if (!isObject(g)) return;
      this.text(`${path}.option_groups[${gi}].label`, g.label, 'optionText', true);
      const inGroup = arrayOf(g.options);
      this.count(`${path}.option_groups[${gi}].options`, inGroup, 'selectOptions');
      inGroup.forEach((o, i) => {
        this.option(`${path}.option_groups[${gi}].options[${i}]`, o);
        if (isObject(o)) values.add(o.value);
      });
    });
    // Slack refuses an initial option that is not one of the options.
    const initial = [...(isObject(element.initial_option) ? [element.initial_option] : []), ...arrayOf(element.initial_options)];
    initial.forEach((o, i) => {
      if (isObject(o) && !values.has(o.value)) this.violations.push({ path: `${path}.initial_option${initial.length > 1 ? `[${i}]` : ''}`, rule: 'initialOptionMissing' });
    });
  }

  block(path: string, block: unknown): void {
    if (!isObject(block)) return;
    this.blockId(`${path}.block_id`, block.block_id);
    switch (block.type) {
      case 'section': {
        const fields = arrayOf(block.fields);
        if (block.text === undefined && fields.length === 0) this.violations.push({ path, rule: 'sectionWithoutText' });
        if (block.text !== undefined) this.text(`${path}.text`, block.text, 'sectionText');
        this.count(`${path}.fields`, fields, 'sectionFields');
        fields.forEach((f, i) => this.text(`${path}.fields[${i}]`, f, 'fieldText'));
        if (block.accessory !== undefined) this.element(`${path}.accessory`, block.accessory);
        return;
      }
      case 'header':
        return this.text(`${path}.text`, block.text, 'headerText', true);
      case 'context': {
        const elements = arrayOf(block.elements);
        if (elements.length === 0) this.violations.push({ path: `${path}.elements`, rule: 'emptyElements' });
        this.count(`${path}.elements`, elements, 'contextElements');
        elements.forEach((e, i) => {
          if (isObject(e) && e.type === 'image') this.element(`${path}.elements[${i}]`, e);
          else this.text(`${path}.elements[${i}]`, e, 'textObject');
        });
        return;
      }
      case 'actions': {
        const elements = arrayOf(block.elements);
        if (elements.length === 0) this.violations.push({ path: `${path}.elements`, rule: 'emptyElements' });
        this.count(`${path}.elements`, elements, 'actionsElements');
        elements.forEach((e, i) => this.element(`${path}.elements[${i}]`, e));
        return;
      }
      case 'input':
        this.text(`${path}.label`, block.label, 'inputLabel', true);
        if (block.hint !== undefined) this.text(`${path}.hint`, block.hint, 'inputHint', true);
        return this.element(`${path}.element`, block.element);
      case 'image':
        return this.element(path, block);
    }
  }

  blocks(blocks: readonly unknown[], surface: Surface): void {
    this.count('blocks', blocks, surface === 'message' ? 'messageBlocks' : 'viewBlocks');
    blocks.forEach((b, i) => this.block(`blocks[${i}]`, b));
  }
}

// ---- entry points ------------------------------------------------------------------------------------

export interface MessagePayload {
  text?: string;
  blocks: readonly KnownBlock[];
}

export const checkMessage = (message: MessagePayload): LimitViolation[] => {
  const checker = new Checker();
  if (message.text !== undefined) checker.length('text', message.text, 'messageText');
  checker.blocks(message.blocks, 'message');
  return checker.violations;
};

export const checkView = (view: View): LimitViolation[] => {
  const checker = new Checker();
  const json = view as unknown as Json;
  checker.blocks(arrayOf(json.blocks), view.type === 'home' ? 'home' : 'modal');
  checker.length('private_metadata', json.private_metadata, 'privateMetadata');
  checker.length('callback_id', json.callback_id, 'callbackId');
  if (view.type === 'modal') {
    checker.text('title', view.title, 'viewTitle', true);
    if (view.submit !== undefined) checker.text('submit', view.submit, 'viewButton', true);
    if (view.close !== undefined) checker.text('close', view.close, 'viewButton', true);
    if (view.submit === undefined && view.blocks.some((b) => (b as { type?: string }).type === 'input')) checker.violations.push({ path: 'submit', rule: 'submitRequired' });
  }
  return checker.violations;
};

/** Throws SlackLimitError when the message breaks a limit; returns it unchanged otherwise. */
export const assertMessageWithinLimits = <M extends MessagePayload>(message: M): M => {
  const violations = checkMessage(message);
  if (violations.length > 0) throw new SlackLimitError(violations);
  return message;
};

/** Throws SlackLimitError when the view breaks a limit; returns it unchanged otherwise. */
export const assertViewWithinLimits = <V extends View>(view: V): V => {
  const violations = checkView(view);
  if (violations.length > 0) throw new SlackLimitError(violations);
  return view;
};
