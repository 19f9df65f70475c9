/**
 * chat.postMessage, chat.update, chat.postEphemeral and chat.getPermalink, with the refusals a
 * real workspace gives a bot: a channel it is not in, someone else's message, content Slack
 * cannot show.
 */
import type { EmulatorContext } from './emulator-context';
import { checkMessageContent, type ContentCheck } from './message-content';
import { botMessage, type ConversationRecord, type SlackMessage } from './slack-objects';
import { missingArgument, refuse, type ApiArgs, type ApiResult, type WebApiMethod } from './web-api-args';

type Found<T> = { kind: 'found'; value: T } | { kind: 'refused'; result: ApiResult };

const USER_ID = /^[UW][A-Z0-9]+$/;

/**
 * The conversation `channel` names for a bot post: an id, a `#name` or name, or a person's id
 * (their direct message with the bot, opened on first use).
 */
const conversationToPostIn = (context: EmulatorContext, channel: string | undefined): Found<ConversationRecord> => {
  const { state, workspace, ids, clock } = context;
  if (channel === undefined) return { kind: 'refused', result: refuse('channel_not_found') };
  let conversation = state.conversation(channel) ?? state.conversationNamed(channel.replace(/^#/, ''));
  if (conversation === undefined && USER_ID.test(channel) && workspace.users.some((user) => user.id === channel)) conversation = state.openIm(channel, () => ids.imChannelId(), clock.now());
  if (conversation === undefined) return { kind: 'refused', result: refuse('channel_not_found') };
  if (conversation.archived) return { kind: 'refused', result: refuse('is_archived') };
  if (!conversation.members.has(workspace.app.botUserId)) return { kind: 'refused', result: refuse(conversation.isPrivate ? 'channel_not_found' : 'not_in_channel') };
  return { kind: 'found', value: conversation };
};

/** The message the `channel` argument (an id) and the `tsArgument` name. */
const messageNamed = (args: ApiArgs, { state }: EmulatorContext, tsArgument: string): Found<{ conversation: ConversationRecord; message: SlackMessage }> => {
  const channel = args.string('channel');
  const conversation = channel === undefined ? undefined : state.conversation(channel);
  if (conversation === undefined) return { kind: 'refused', result: refuse('channel_not_found') };
  const ts = args.string(tsArgument);
  const message = ts === undefined ? undefined : state.message(conversation.id, ts);
  if (message === undefined) return { kind: 'refused', result: refuse('message_not_found') };
  return { kind: 'found', value: { conversation, message } };
};

const contentOf = (args: ApiArgs, context: EmulatorContext, requireSomething = true): ContentCheck =>
  checkMessageContent({ text: args.raw('text'), blocks: args.raw('blocks'), attachments: args.raw('attachments') }, context.ids, requireSomething);

const refusalOf = (check: Extract<ContentCheck, { kind: 'refused' }>): ApiResult => refuse(check.error, check.messages);

const metadataOf = (args: ApiArgs): unknown => {
  const raw = args.raw('metadata');
  if (typeof raw !== 'string') return raw ?? undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
};

export const chatPostMessage: WebApiMethod = (args, context) => {
  const target = conversationToPostIn(context, args.string('channel'));
  if (target.kind === 'refused') return target.result;
  const check = contentOf(args, context);
  if (check.kind === 'refused') return refusalOf(check);
  const { workspace, ids, clock, state } = context;
  const threadTs = args.string('thread_ts');
  const metadata = metadataOf(args);
  const message = botMessage(workspace.app, workspace.team, ids.messageTs(), { ...check.content, ...(threadTs === undefined ? {} : { thread_ts: threadTs }), ...(metadata === undefined ? {} : { metadata }) }, clock.now());
  state.postMessage(target.value.id, message);
  return { ok: true, channel: target.value.id, ts: message.ts, message };
};

export const chatUpdate: WebApiMethod = (args, context) => {
  const { state, workspace, ids } = context;
  const found = messageNamed(args, context, 'ts');
  if (found.kind === 'refused') return found.result;
  const { conversation, message: current } = found.value;
  if (current.bot_id !== workspace.app.botId) return refuse('cant_update_message');
  if (args.raw('text') === undefined && args.raw('blocks') === undefined && args.raw('attachments') === undefined) return refuse('no_text');
  const check = contentOf(args, context, false);
  if (check.kind === 'refused') return refusalOf(check);
  // Slack keeps what the call leaves out; an empty list removes the blocks (or attachments).
  const { blocks: _oldBlocks, attachments: _oldAttachments, ...rest } = current;
  const blocks = args.raw('blocks') === undefined ? current.blocks : check.content.blocks;
  const attachments = args.raw('attachments') === undefined ? current.attachments : check.content.attachments;
  const updated: SlackMessage = {
    ...rest,
    text: args.raw('text') === undefined ? current.text : check.content.text,
    ...(blocks === undefined || blocks.length === 0 ? {} : { blocks }),
    ...(attachments === undefined || attachments.length === 0 ? {} : { attachments }),
    edited: { user: workspace.app.botUserId, ts: ids.messageTs() },
  };
  state.replaceMessage(conversation.id, updated);
  return { ok: true, channel: conversation.id, ts: updated.ts, text: updated.text, message: updated };
};

export const chatPostEphemeral: WebApiMethod = (args, context) => {
  const { state, workspace, ids, clock } = context;
  const user = args.string('user');
  if (user === undefined) return missingArgument('user');
  if (!workspace.users.some((person) => person.id === user)) return refuse('user_not_found');
  const target = conversationToPostIn(context, args.string('channel'));
  if (target.kind === 'refused') return target.result;
  if (!target.value.members.has(user)) return refuse('user_not_in_channel');
  const check = contentOf(args, context);
  if (check.kind === 'refused') return refusalOf(check);
  const threadTs = args.string('thread_ts');
  const message = botMessage(workspace.app, workspace.team, ids.messageTs(), { ...check.content, ...(threadTs === undefined ? {} : { thread_ts: threadTs }) }, clock.now());
  state.postEphemeral(target.value.id, user, message);
  return { ok: true, message_ts: message.ts };
};

export const chatGetPermalink: WebApiMethod = (args, context) => {
  const found = messageNamed(args, context, 'message_ts');
  if (found.kind === 'refused') return found.result;
  const { conversation, message } = found.value;
  const reply = message.thread_ts !== undefined && message.thread_ts !== message.ts;
  const permalink = `https://${context.workspace.team.domain}.slack.com/archives/${conversation.id}/p${message.ts.replace('.', '')}${reply ? `?thread_ts=${message.thread_ts}&cid=${conversation.id}` : ''}`;
  return { ok: true, channel: conversation.id, permalink };
};
