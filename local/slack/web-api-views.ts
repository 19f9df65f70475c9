/**
 * views.open, views.push, views.update and views.publish: modals open only with a fresh,
 * unexchanged trigger_id; a person has at most three modals stacked; `hash` guards updates
 * against a race; `external_id`s are unique in the team.
 */
import type { EmulatorContext } from './emulator-context';
import type { SlackView } from './slack-objects';
import type { ViewLocation } from './slack-state';
import { missingArgument, refuse, type ApiArgs, type ApiResult, type WebApiMethod } from './web-api-args';
import { checkViewArgument, storedView, type ViewIdentity } from './views';
import type { JsonObject } from './block-kit-elements';

const MAX_STACKED_MODALS = 3;

type Prepared = { kind: 'ready'; payload: JsonObject; user: string; triggerId: string } | { kind: 'refused'; result: ApiResult };

/** The checks views.open and views.push share: a view, and a trigger the app may still exchange. */
const prepareModal = (args: ApiArgs, context: EmulatorContext): Prepared => {
  const triggerId = args.string('trigger_id') ?? args.string('interactivity_pointer');
  if (triggerId === undefined) return { kind: 'refused', result: missingArgument('trigger_id') };
  const check = checkViewArgument(args.raw('view'), ['modal']);
  if (check.kind === 'refused') return { kind: 'refused', result: refuse(check.error, check.messages) };
  const trigger = context.triggers.check(triggerId);
  if (trigger.kind === 'refused') return { kind: 'refused', result: refuse(trigger.error) };
  if (externalIdTaken(context, check.payload)) return { kind: 'refused', result: refuse('duplicate_external_id') };
  return { kind: 'ready', payload: check.payload, user: trigger.user, triggerId };
};

const externalIdTaken = (context: EmulatorContext, payload: JsonObject, except?: string): boolean => {
  if (typeof payload.external_id !== 'string' || payload.external_id === '') return false;
  const holder = context.state.findView({ externalId: payload.external_id });
  return holder !== undefined && holder.view.id !== except;
};

const render = (context: EmulatorContext, payload: JsonObject, identity: Omit<ViewIdentity, 'hash'>): SlackView =>
  storedView(payload, { ...identity, hash: context.ids.viewHash() }, context.workspace.app, context.workspace.team, context.ids);

export const viewsOpen: WebApiMethod = (args, context) => {
  const prepared = prepareModal(args, context);
  if (prepared.kind === 'refused') return prepared.result;
  const id = context.ids.viewId();
  const view = render(context, prepared.payload, { id, rootViewId: id, previousViewId: null });
  context.triggers.exchange(prepared.triggerId);
  // A new modal replaces whatever stack the person had open.
  context.state.setModalStack(prepared.user, [view], 'opened');
  return { ok: true, view };
};

export const viewsPush: WebApiMethod = (args, context) => {
  const prepared = prepareModal(args, context);
  if (prepared.kind === 'refused') return prepared.result;
  const stack = context.state.modalStack(prepared.user);
  if (stack.length >= MAX_STACKED_MODALS) return refuse('push_limit_reached');
  const top = stack.at(-1);
  const id = context.ids.viewId();
  const view = render(context, prepared.payload, { id, rootViewId: top?.root_view_id ?? id, previousViewId: top?.id ?? null });
  context.triggers.exchange(prepared.triggerId);
  context.state.setModalStack(prepared.user, [...stack, view], top === undefined ? 'opened' : 'pushed');
  return { ok: true, view };
};

export const viewsUpdate: WebApiMethod = (args, context) => {
  const viewId = args.string('view_id');
  const externalId = args.string('external_id');
  if (viewId === undefined && externalId === undefined) return missingArgument('view_id');
  const location: ViewLocation | undefined = context.state.findView(viewId !== undefined ? { id: viewId } : { externalId });
  if (location === undefined) return refuse('not_found');
  const check = checkViewArgument(args.raw('view'), [location.surface]);
  if (check.kind === 'refused') return refuse(check.error, check.messages);
  const hash = args.string('hash');
  if (hash !== undefined && hash !== location.view.hash) return refuse('hash_conflict');
  if (externalIdTaken(context, check.payload, location.view.id)) return refuse('duplicate_external_id');
  const current = location.view;
  const view = render(context, check.payload, { id: current.id, rootViewId: current.root_view_id, previousViewId: current.previous_view_id, values: current.state.values });
  context.state.replaceView(location, view);
  return { ok: true, view };
};

export const viewsPublish: WebApiMethod = (args, context) => {
  const user = args.string('user_id');
  if (user === undefined) return missingArgument('user_id');
  if (!context.workspace.users.some((person) => person.id === user)) return refuse('user_not_found');
  const check = checkViewArgument(args.raw('view'), ['home']);
  if (check.kind === 'refused') return refuse(check.error, check.messages);
  const current = context.state.home(user);
  const hash = args.string('hash');
  if (hash !== undefined && current !== undefined && hash !== current.hash) return refuse('hash_conflict');
  if (externalIdTaken(context, check.payload, current?.id)) return refuse('duplicate_external_id');
  // A person's Home tab keeps its view id across publishes, as in Slack.
  const id = current?.id ?? context.ids.viewId();
  const view = render(context, check.payload, { id, rootViewId: id, previousViewId: null, ...(current === undefined ? {} : { values: current.state.values }) });
  context.state.publishHome(user, view);
  return { ok: true, view };
};
