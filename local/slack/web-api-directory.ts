/**
 * What the bot may read about the workspace: who it is (auth.test), its people (users.info,
 * users.lookupByEmail, users.list), its conversations (conversations.list, .info, .history) and
 * user groups (usergroups.list, usergroups.users.list). Private conversations the bot is not in
 * do not exist for it, as in Slack.
 */
import type { EmulatorContext } from './emulator-context';
import { botUserObject, conversationObject, userGroupObject, userObject, type ConversationRecord, type SlackMessage } from './slack-objects';
import { missingArgument, paginate, refuse, type WebApiMethod } from './web-api-args';

export const authTest: WebApiMethod = (_args, { workspace }) => ({
  ok: true,
  url: `https://${workspace.team.domain}.slack.com/`,
  team: workspace.team.name,
  user: workspace.app.name,
  team_id: workspace.team.id,
  user_id: workspace.app.botUserId,
  bot_id: workspace.app.botId,
  is_enterprise_install: false,
});

const personObject = (context: EmulatorContext, id: string): Record<string, unknown> | undefined => {
  const { workspace, createdAt } = context;
  if (id === workspace.app.botUserId) return botUserObject(workspace.app, workspace.team, createdAt);
  const user = workspace.users.find((person) => person.id === id);
  return user === undefined ? undefined : userObject(user, workspace.team, createdAt);
};

export const usersInfo: WebApiMethod = (args, context) => {
  const id = args.string('user');
  if (id === undefined) return missingArgument('user');
  const user = personObject(context, id);
  return user === undefined ? refuse('user_not_found') : { ok: true, user };
};

/** The member with that address (compared without case, as addresses are), or `users_not_found` as Slack answers. */
export const usersLookupByEmail: WebApiMethod = (args, context) => {
  const email = args.string('email')?.trim().toLowerCase();
  if (email === undefined) return missingArgument('email');
  const user = context.workspace.users.find((person) => person.email?.toLowerCase() === email);
  return user === undefined ? refuse('users_not_found') : { ok: true, user: userObject(user, context.workspace.team, context.createdAt) };
};

export const usersList: WebApiMethod = (args, context) => {
  const ids = [...context.workspace.users.map((user) => user.id), context.workspace.app.botUserId];
  // Without a limit Slack answers the whole (small) workspace in one page.
  const page = paginate(ids, args, 'user', (id) => id, { default: ids.length, max: 1000 });
  if (page === 'invalid_cursor') return refuse('invalid_cursor');
  return { ok: true, members: page.page.map((id) => personObject(context, id)), cache_ts: Math.floor(context.clock.now().getTime() / 1000), response_metadata: { next_cursor: page.nextCursor } };
};

/** Whether the bot can see the conversation at all: public ones always, private ones and IMs only as a member. */
const visibleToBot = (conversation: ConversationRecord, botUserId: string): boolean => !conversation.isPrivate || conversation.members.has(botUserId);

const typeOf = (conversation: ConversationRecord): string => (conversation.isIm ? 'im' : conversation.isPrivate ? 'private_channel' : 'public_channel');

export const conversationsList: WebApiMethod = (args, context) => {
  const { state, workspace } = context;
  const types = new Set((args.string('types') ?? 'public_channel').split(',').map((type) => type.trim()));
  const excludeArchived = args.flag('exclude_archived');
  const listed = state
    .conversationRecords()
    .filter((c) => types.has(typeOf(c)) && visibleToBot(c, workspace.app.botUserId) && !(excludeArchived && c.archived));
  const page = paginate(listed, args, 'channel', (c) => c.id, { default: 100, max: 1000 });
  if (page === 'invalid_cursor') return refuse('invalid_cursor');
  return { ok: true, channels: page.page.map((c) => conversationObject(c, workspace.team, workspace.app.botUserId, true)), response_metadata: { next_cursor: page.nextCursor } };
};

const visibleConversation = (context: EmulatorContext, id: string | undefined): ConversationRecord | undefined => {
  const conversation = id === undefined ? undefined : context.state.conversation(id);
  return conversation !== undefined && visibleToBot(conversation, context.workspace.app.botUserId) ? conversation : undefined;
};

export const conversationsInfo: WebApiMethod = (args, context) => {
  const conversation = visibleConversation(context, args.string('channel'));
  if (conversation === undefined) return refuse('channel_not_found');
  return { ok: true, channel: conversationObject(conversation, context.workspace.team, context.workspace.app.botUserId, args.flag('include_num_members')) };
};

/** Slack compares timestamps as decimals; the fixed six-digit fraction makes the numbers exact enough to order. */
const tsValue = (ts: string): number => Number(ts);

export const conversationsHistory: WebApiMethod = (args, context) => {
  const conversation = visibleConversation(context, args.string('channel'));
  if (conversation === undefined) return refuse('channel_not_found');
  if (!conversation.members.has(context.workspace.app.botUserId)) return refuse('not_in_channel');
  const latest = args.string('latest');
  const oldest = args.string('oldest');
  const inclusive = args.flag('inclusive');
  const inRange = (message: SlackMessage): boolean => {
    const ts = tsValue(message.ts);
    if (latest !== undefined && (inclusive ? ts > tsValue(latest) : ts >= tsValue(latest))) return false;
    if (oldest !== undefined && (inclusive ? ts < tsValue(oldest) : ts <= tsValue(oldest))) return false;
    return true;
  };
  // Thread replies live in their thread (conversations.replies), not in the channel's history.
  const messages = context.state
    .messageList(conversation.id)
    .filter((message) => (message.thread_ts === undefined || message.thread_ts === message.ts) && inRange(message))
    .reverse();
  const page = paginate(messages, args, 'next_ts', (message) => message.ts, { default: 100, max: 999 });
  if (page === 'invalid_cursor') return refuse('invalid_cursor');
  return {
    ok: true,
    messages: page.page,
    has_more: page.nextCursor !== '',
    pin_count: 0,
    channel_actions_ts: null,
    channel_actions_count: 0,
    response_metadata: { next_cursor: page.nextCursor },
  };
};

export const usergroupsList: WebApiMethod = (args, { workspace, createdAt }) => {
  const creator = workspace.users.find((user) => user.isOwner)?.id ?? workspace.users[0]!.id;
  const options = { includeUsers: args.flag('include_users'), includeCount: args.flag('include_count') };
  return { ok: true, usergroups: workspace.userGroups.map((group) => userGroupObject(group, workspace.team, creator, createdAt, options)) };
};

export const usergroupsUsersList: WebApiMethod = (args, { workspace }) => {
  const id = args.string('usergroup');
  if (id === undefined) return missingArgument('usergroup');
  const group = workspace.userGroups.find((candidate) => candidate.id === id);
  return group === undefined ? refuse('no_such_subteam') : { ok: true, users: [...group.users] };
};
