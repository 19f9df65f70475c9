/* global document, window */
/**
 * Block Kit blocks as DOM nodes, the way Slack lays them out: header, section (text, two-column
 * fields, an accessory on the right), context, divider, actions, image, and the input blocks of
 * modals. Text objects go through mrkdwn.js (mrkdwn) or straight into textContent (plain_text):
 * never markup. A block or element the console does not draw is named, not dropped in silence.
 *
 * Interactive elements call `surface.act(element, block, choice)`: a button with a `confirm`
 * dialog asks first (`surface.confirm`), as Slack does, before anything is sent. A users_select
 * lists the people `surface.directory.people()` gives, and sends the chosen one's id.
 */
import { renderMrkdwn } from './mrkdwn.js';

const element = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A text object: mrkdwn rendered, plain_text as is. */
export const textObject = (text, directory, tag = 'div', className) => {
  const node = element(tag, className);
  if (!isObject(text)) return node;
  if (text.type === 'mrkdwn') node.append(renderMrkdwn(String(text.text ?? ''), directory));
  else node.textContent = String(text.text ?? '');
  return node;
};

const plain = (text) => (isObject(text) ? String(text.text ?? '') : '');

const unsupported = (what) => element('span', 'unsupported', `[${what} — not shown by the console]`);

/** Every option of a select, grouped options included, with the group's label. */
const optionsOf = (select) => {
  const direct = Array.isArray(select.options) ? select.options.map((option) => ({ option })) : [];
  const grouped = Array.isArray(select.option_groups)
    ? select.option_groups.flatMap((group) => (Array.isArray(group.options) ? group.options.map((option) => ({ option, group: plain(group.label) })) : []))
    : [];
  return [...direct, ...grouped];
};

/** A `<select>` for a static select or overflow menu; `selected` is the chosen option's value (or values). */
const selectElement = (select, selected, { multiple = false, placeholder } = {}) => {
  const node = element('select', 'select');
  node.multiple = multiple;
  if (!multiple) {
    const prompt = element('option', undefined, placeholder ?? (plain(select.placeholder) || 'Choose…'));
    prompt.value = '';
    prompt.disabled = true;
    node.append(prompt);
  }
  const chosen = new Set([selected ?? []].flat());
  const groups = new Map();
  for (const { option, group } of optionsOf(select)) {
    const item = element('option', undefined, plain(option.text));
    item.value = String(option.value ?? '');
    item.selected = chosen.has(item.value);
    if (group === undefined) node.append(item);
    else {
      if (!groups.has(group)) {
        const optgroup = element('optgroup');
        optgroup.label = group;
        groups.set(group, optgroup);
        node.append(optgroup);
      }
      groups.get(group).append(item);
    }
  }
  if (!multiple && chosen.size === 0) node.value = '';
  return node;
};

/** A users_select as a `<select>` of the workspace's people (Slack searches them as one types). */
const usersSelectElement = (el, selected, directory) => {
  const people = directory?.people?.() ?? [];
  const options = people.map((person) => ({ text: { type: 'plain_text', text: person.name }, value: person.id }));
  return selectElement({ ...el, options, option_groups: undefined }, selected, { placeholder: plain(el.placeholder) || 'Choose a person…' });
};

const initialValueOf = (el) => {
  if (isObject(el.initial_option)) return el.initial_option.value;
  if (Array.isArray(el.initial_options)) return el.initial_options.map((o) => o.value);
  return el.initial_value ?? el.initial_date ?? el.initial_time ?? el.initial_user;
};

const buttonElement = (el, block, surface) => {
  const node = element('button', `button${el.style ? ` ${el.style}` : ''}`, plain(el.text));
  node.type = 'button';
  node.dataset.actionId = String(el.action_id ?? '');
  if (el.accessibility_label) node.setAttribute('aria-label', String(el.accessibility_label));
  node.addEventListener('click', async () => {
    if (isObject(el.confirm) && !(await surface.confirm(el.confirm))) return;
    if (typeof el.url === 'string' && /^https?:/i.test(el.url)) window.open(el.url, '_blank', 'noopener,noreferrer');
    surface.act(el, block);
  });
  return node;
};

/** An element of an actions block, a context block or a section's accessory. */
const interactive = (el, block, surface) => {
  if (!isObject(el)) return unsupported('element');
  switch (el.type) {
    case 'button':
      return buttonElement(el, block, surface);
    case 'static_select':
    case 'overflow': {
      const node = selectElement(el, isObject(el.initial_option) ? el.initial_option.value : undefined, el.type === 'overflow' ? { placeholder: '⋯' } : {});
      node.dataset.actionId = String(el.action_id ?? '');
      node.addEventListener('change', () => surface.act(el, block, node.value));
      return node;
    }
    case 'users_select': {
      const node = usersSelectElement(el, el.initial_user, surface.directory);
      // Outside a modal's input block no label names it: its placeholder does.
      node.setAttribute('aria-label', plain(el.placeholder) || 'Choose a person');
      node.dataset.actionId = String(el.action_id ?? '');
      node.addEventListener('change', () => surface.act(el, block, node.value));
      return node;
    }
    case 'image':
      return element('span', 'image-alt', `[image: ${String(el.alt_text ?? '')}]`);
    case 'mrkdwn':
    case 'plain_text':
      return textObject(el, surface.directory, 'span');
    default:
      return unsupported(el.type);
  }
};

// ---- inputs (modals) -----------------------------------------------------------------------------

const TEXT_INPUTS = { plain_text_input: 'text', email_text_input: 'email', url_text_input: 'url', number_input: 'number', datepicker: 'date', timepicker: 'time' };

/**
 * The control of an input block. Its value is what the person entered so far (`entered`, kept
 * across redraws), else what the view's state holds, else the element's initial value; the
 * control carries `data-block-id`, `data-action-id` and `data-kind` for `enteredValues`.
 */
const inputControl = (el, block, surface, entered) => {
  const label = { blockId: String(block.block_id ?? ''), actionId: String(el.action_id ?? '') };
  const mark = (node, kind) => {
    node.dataset.blockId = label.blockId;
    node.dataset.actionId = label.actionId;
    node.dataset.kind = kind;
    return node;
  };
  const value = entered ?? initialValueOf(el);
  if (TEXT_INPUTS[el.type] !== undefined) {
    const node = el.multiline ? element('textarea', 'text-input') : element('input', 'text-input');
    if (!el.multiline) node.type = TEXT_INPUTS[el.type];
    if (typeof el.max_length === 'number') node.maxLength = el.max_length;
    if (isObject(el.placeholder)) node.placeholder = plain(el.placeholder);
    node.value = value === undefined || value === null ? '' : String(value);
    return mark(node, 'text');
  }
  if (el.type === 'users_select') {
    const node = mark(usersSelectElement(el, value, surface.directory), 'select');
    if (block.dispatch_action === true) node.addEventListener('change', () => surface.act(el, block, node.value));
    return node;
  }
  if (el.type === 'static_select' || el.type === 'multi_static_select') {
    const multiple = el.type === 'multi_static_select';
    const node = mark(selectElement(el, value, { multiple }), multiple ? 'multi' : 'select');
    // A select with dispatch_action (on its block) tells the app at once: the app may redraw the modal.
    if (block.dispatch_action === true) node.addEventListener('change', () => surface.act(el, block, multiple ? [...node.selectedOptions].map((o) => o.value) : node.value));
    return node;
  }
  if (el.type === 'radio_buttons' || el.type === 'checkboxes') {
    const group = mark(element('div', 'choices'), el.type === 'radio_buttons' ? 'radio' : 'checkboxes');
    const chosen = new Set([value ?? []].flat());
    for (const option of Array.isArray(el.options) ? el.options : []) {
      const row = element('label', 'choice');
      const box = element('input');
      box.type = el.type === 'radio_buttons' ? 'radio' : 'checkbox';
      box.name = `${label.blockId}/${label.actionId}`;
      box.value = String(option.value ?? '');
      box.checked = chosen.has(box.value);
      row.append(box, textObject(option.text, surface.directory, 'span'));
      group.append(row);
    }
    return group;
  }
  return unsupported(el.type);
};

/** What a person entered in a modal's inputs, by block_id and action_id, as the local Slack takes it. */
export const enteredValues = (container) => {
  const values = {};
  for (const node of container.querySelectorAll('[data-kind]')) {
    const { blockId, actionId, kind } = node.dataset;
    let value;
    if (kind === 'text') value = node.value === '' ? null : node.value;
    else if (kind === 'select') value = node.value === '' ? null : node.value;
    else if (kind === 'multi') value = [...node.selectedOptions].map((o) => o.value);
    else if (kind === 'radio') value = node.querySelector('input:checked')?.value ?? null;
    else value = [...node.querySelectorAll('input:checked')].map((box) => box.value);
    values[blockId] = { ...values[blockId], [actionId]: value };
  }
  return values;
};

/** Values as the view's state reports them (`state.values`), in the shape `enteredValues` gives. */
export const stateValues = (view) => {
  const values = {};
  for (const [blockId, actions] of Object.entries(view?.state?.values ?? {})) {
    for (const [actionId, entry] of Object.entries(actions ?? {})) {
      const picked = entry.selected_option?.value ?? entry.selected_options?.map((o) => o.value) ?? entry.value ?? entry.selected_date ?? entry.selected_time ?? entry.selected_user;
      if (picked !== undefined && picked !== null) values[blockId] = { ...values[blockId], [actionId]: picked };
    }
  }
  return values;
};

const inputBlock = (block, surface) => {
  const node = element('div', 'input-block');
  const el = isObject(block.element) ? block.element : {};
  const title = element('label', 'input-label', plain(block.label));
  if (block.optional === true) title.append(element('span', 'optional', ' (optional)'));
  const control = inputControl(el, block, surface, surface.values?.[block.block_id]?.[el.action_id]);
  if (['INPUT', 'SELECT', 'TEXTAREA'].includes(control.tagName)) {
    control.id = `input-${String(block.block_id)}`;
    title.htmlFor = control.id;
  }
  node.append(title, control);
  if (isObject(block.hint)) node.append(element('div', 'hint', plain(block.hint)));
  const error = surface.errors?.[block.block_id];
  if (error !== undefined) {
    node.classList.add('has-error');
    node.append(element('div', 'field-error', String(error)));
  }
  return node;
};

// ---- blocks --------------------------------------------------------------------------------------

const sectionBlock = (block, surface) => {
  const node = element('div', 'section');
  const body = element('div', 'section-body');
  if (isObject(block.text)) body.append(textObject(block.text, surface.directory, 'div', 'section-text'));
  if (Array.isArray(block.fields)) {
    const fields = element('div', 'fields');
    for (const field of block.fields) fields.append(textObject(field, surface.directory, 'div', 'field'));
    body.append(fields);
  }
  node.append(body);
  if (isObject(block.accessory)) {
    const accessory = element('div', 'accessory');
    accessory.append(interactive(block.accessory, block, surface));
    node.append(accessory);
  }
  return node;
};

const blockNode = (block, surface) => {
  if (!isObject(block)) return unsupported('block');
  switch (block.type) {
    case 'header':
      return textObject(block.text, surface.directory, 'h3', 'header');
    case 'section':
      return sectionBlock(block, surface);
    case 'divider':
      return element('hr', 'divider');
    case 'context': {
      const node = element('div', 'context');
      for (const el of Array.isArray(block.elements) ? block.elements : []) node.append(interactive(el, block, surface));
      return node;
    }
    case 'actions': {
      const node = element('div', 'actions');
      for (const el of Array.isArray(block.elements) ? block.elements : []) node.append(interactive(el, block, surface));
      return node;
    }
    case 'image':
      return element('div', 'image-alt', `[image: ${String(block.alt_text ?? '')}]`);
    case 'input':
      return inputBlock(block, surface);
    default:
      return unsupported(`${String(block.type)} block`);
  }
};

/**
 * Blocks as a fragment. `surface` says where they are shown and what a click does:
 * `{ directory, act(element, block, choice), confirm(dialog) → Promise<boolean>, values?, errors? }`
 * (`values` and `errors` by block_id, for the inputs of a modal).
 */
export const renderBlocks = (blocks, surface) => {
  const fragment = document.createDocumentFragment();
  for (const block of Array.isArray(blocks) ? blocks : []) {
    const node = blockNode(block, surface);
    if (isObject(block) && typeof block.block_id === 'string') node.dataset.blockId = block.block_id;
    fragment.append(node);
  }
  return fragment;
};
