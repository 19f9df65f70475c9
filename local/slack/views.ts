/**
 * Views (modals and Home tabs) as Slack stores and returns them: the app's view payload checked,
 * then completed with the fields Slack adds (id, hash, state, root and previous view ids, app and
 * team ids), and the `state.values` Slack reports for the input blocks when a person submits.
 */
import { interactiveElements, isObject, withSlackIds, type JsonObject } from './block-kit-elements';
import { viewErrors } from './block-kit-validation';
import type { SlackView } from './slack-objects';
import type { SeedApp, SeedTeam } from './workspace';

export type ViewCheck = { kind: 'accepted'; payload: JsonObject } | { kind: 'refused'; error: 'invalid_arguments'; messages: string[] };

/** The `view` argument: JSON-encoded in form bodies, an object in JSON bodies. */
export const checkViewArgument = (value: unknown, types: readonly ('modal' | 'home')[]): ViewCheck => {
  let view = value;
  if (typeof value === 'string') {
    try {
      view = JSON.parse(value);
    } catch {
      return { kind: 'refused', error: 'invalid_arguments', messages: ['[ERROR] failed to parse the view as JSON [json-pointer:/view]'] };
    }
  }
  if (view === undefined || view === null || view === '') return { kind: 'refused', error: 'invalid_arguments', messages: ['[ERROR] missing required field: view'] };
  const messages = viewErrors(view, types);
  return messages.length > 0 ? { kind: 'refused', error: 'invalid_arguments', messages } : { kind: 'accepted', payload: view as JsonObject };
};

export interface ViewIdentity {
  id: string;
  hash: string;
  rootViewId: string;
  previousViewId: string | null;
  /** What the person had entered, carried over to inputs that keep their block_id and action_id. */
  values?: Record<string, Record<string, unknown>>;
}

type ValuesByBlock = Record<string, Record<string, unknown>>;

const keptValues = (blocks: readonly unknown[], values: ValuesByBlock | undefined): ValuesByBlock => {
  const kept: ValuesByBlock = {};
  if (values === undefined) return kept;
  for (const { block, element } of interactiveElements(blocks)) {
    if (block.type !== 'input') continue;
    const value = values[String(block.block_id)]?.[String(element.action_id)];
    if (value !== undefined) kept[String(block.block_id)] = { ...kept[String(block.block_id)], [String(element.action_id)]: value };
  }
  return kept;
};

/** A checked payload as Slack stores it. */
export const storedView = (payload: JsonObject, identity: ViewIdentity, app: SeedApp, team: SeedTeam, ids: { blockId(): string; actionId(): string }): SlackView => {
  const blocks = withSlackIds(Array.isArray(payload.blocks) ? payload.blocks : [], ids);
  const text = (name: string) => (payload[name] === undefined ? {} : { [name]: payload[name] });
  return {
    id: identity.id,
    team_id: team.id,
    type: payload.type === 'home' ? 'home' : 'modal',
    ...text('title'),
    ...text('submit'),
    ...text('close'),
    blocks,
    private_metadata: typeof payload.private_metadata === 'string' ? payload.private_metadata : '',
    callback_id: typeof payload.callback_id === 'string' ? payload.callback_id : '',
    external_id: typeof payload.external_id === 'string' ? payload.external_id : '',
    state: { values: keptValues(blocks, identity.values) },
    hash: identity.hash,
    clear_on_close: payload.clear_on_close === true,
    notify_on_close: payload.notify_on_close === true,
    submit_disabled: payload.submit_disabled === true,
    previous_view_id: identity.previousViewId,
    root_view_id: identity.rootViewId,
    app_id: app.appId,
    app_installed_team_id: team.id,
    bot_id: app.botId,
  };
};

/** How each element reports its value in `state.values` (and in a block_actions action): the field, and where its initial value is. */
const STATE_FIELDS: Record<string, { field: string; initial: string; options?: true; multi?: true }> = {
  plain_text_input: { field: 'value', initial: 'initial_value' },
  email_text_input: { field: 'value', initial: 'initial_value' },
  url_text_input: { field: 'value', initial: 'initial_value' },
  number_input: { field: 'value', initial: 'initial_value' },
  rich_text_input: { field: 'rich_text_value', initial: 'initial_value' },
  static_select: { field: 'selected_option', initial: 'initial_option', options: true },
  external_select: { field: 'selected_option', initial: 'initial_option', options: true },
  radio_buttons: { field: 'selected_option', initial: 'initial_option', options: true },
  overflow: { field: 'selected_option', initial: 'initial_option', options: true },
  multi_static_select: { field: 'selected_options', initial: 'initial_options', options: true, multi: true },
  multi_external_select: { field: 'selected_options', initial: 'initial_options', options: true, multi: true },
  checkboxes: { field: 'selected_options', initial: 'initial_options', options: true, multi: true },
  users_select: { field: 'selected_user', initial: 'initial_user' },
  multi_users_select: { field: 'selected_users', initial: 'initial_users', multi: true },
  conversations_select: { field: 'selected_conversation', initial: 'initial_conversation' },
  multi_conversations_select: { field: 'selected_conversations', initial: 'initial_conversations', multi: true },
  channels_select: { field: 'selected_channel', initial: 'initial_channel' },
  multi_channels_select: { field: 'selected_channels', initial: 'initial_channels', multi: true },
  datepicker: { field: 'selected_date', initial: 'initial_date' },
  timepicker: { field: 'selected_time', initial: 'initial_time' },
  datetimepicker: { field: 'selected_date_time', initial: 'initial_date_time' },
};

/**
 * What a person entered, the way a test (or the console) says it: a string for a text input or
 * a single choice (the option's value, a user or channel id), a list for a multiple choice.
 */
export type EnteredValue = string | number | readonly string[] | null;
export type EnteredValues = Record<string, Record<string, EnteredValue>>;

const optionsOf = (element: JsonObject): JsonObject[] => {
  const direct = Array.isArray(element.options) ? element.options : [];
  const grouped = Array.isArray(element.option_groups) ? element.option_groups.flatMap((group) => (isObject(group) && Array.isArray(group.options) ? group.options : [])) : [];
  return [...direct, ...grouped].filter(isObject);
};

const optionWithValue = (element: JsonObject, value: string): JsonObject => {
  const option = optionsOf(element).find((o) => o.value === value);
  if (option === undefined) throw new Error(`local Slack: ${String(element.type)} ${String(element.action_id)} has no option with value "${value}"`);
  return option;
};

/** One element's entry in state.values, from what was entered (or its initial value when nothing was). */
export const elementState = (element: JsonObject, entered: EnteredValue | undefined): Record<string, unknown> => {
  const type = String(element.type);
  const fields = STATE_FIELDS[type];
  if (fields === undefined) return { type };
  if (entered === undefined) return { type, [fields.field]: element[fields.initial] ?? (fields.multi ? [] : null) };
  if (entered === null) return { type, [fields.field]: fields.multi ? [] : null };
  if (fields.multi) {
    const list = typeof entered === 'string' || typeof entered === 'number' ? [String(entered)] : [...entered];
    return { type, [fields.field]: fields.options ? list.map((value) => optionWithValue(element, value)) : list };
  }
  const single = typeof entered === 'string' || typeof entered === 'number' ? String(entered) : entered[0];
  if (single === undefined) return { type, [fields.field]: null };
  return { type, [fields.field]: fields.options ? optionWithValue(element, single) : single };
};

/** The view's `state.values` after a person entered `entered` on top of what the view already held. */
export const viewStateValues = (view: SlackView, entered: EnteredValues = {}): ValuesByBlock => {
  const values: ValuesByBlock = {};
  for (const { block, element } of interactiveElements(view.blocks)) {
    if (block.type !== 'input' || typeof block.block_id !== 'string' || typeof element.action_id !== 'string') continue;
    const blockId = block.block_id;
    const actionId = element.action_id;
    const previous = view.state.values[blockId]?.[actionId];
    const given = entered[blockId]?.[actionId];
    values[blockId] = { ...values[blockId], [actionId]: given === undefined && previous !== undefined ? previous : elementState(element, given) };
  }
  return values;
};
