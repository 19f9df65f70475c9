/**
 * The objects Slack's Web API answers with (users, conversations, user groups, messages, views),
 * rendered from the workspace seed and the emulator's state. Pure: the time they speak of is
 * passed in. Fields follow Slack's own responses, so code reading `user.profile.real_name`,
 * `channel.is_member` or `message.bot_id` meets them where Slack puts them.
 */
import type { SeedApp, SeedChannel, SeedTeam, SeedUser, SeedUserGroup } from './workspace';

export interface SlackMessage {
  type: 'message';
  ts: string;
  /** The author: a person's id, or the bot user's for the app's messages. */
  user: string;
  text: string;
  team: string;
  blocks?: unknown[];
  attachments?: unknown[];
  bot_id?: string;
  app_id?: string;
  bot_profile?: { id: string; app_id: string; name: string; deleted: boolean; team_id: string; updated: number };
  thread_ts?: string;
  reply_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  /** Set by chat.update. */
  edited?: { user: string; ts: string };
  metadata?: unknown;
}

export interface SlackView {
  id: string;
  team_id: string;
  type: 'modal' | 'home';
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  blocks: unknown[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: Record<string, Record<string, unknown>> };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  submit_disabled: boolean;
  previous_view_id: string | null;
  root_view_id: string;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
}

export interface ConversationRecord {
  id: string;
  name: string;
  isPrivate: boolean;
  /** A direct message between the bot and `imUser`. */
  isIm: boolean;
  imUser?: string;
  topic: string;
  purpose: string;
  created: number;
  creator: string;
  archived: boolean;
  members: Set<string>;
}

const seconds = (at: Date): number => Math.floor(at.getTime() / 1000);

const zonePart = (tz: string, at: Date, style: 'long' | 'longOffset'): string =>
  new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: style }).formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? '';

/** `tz_label` and `tz_offset` (seconds east of UTC) as Slack gives them for the zone at that instant. */
export const timeZoneFacts = (tz: string, at: Date): { tz_label: string; tz_offset: number } => {
  const offset = /GMT([+-])(\d{2}):(\d{2})/.exec(zonePart(tz, at, 'longOffset'));
  const tzOffset = offset === null ? 0 : (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 3600 + Number(offset[3]) * 60);
  return { tz_label: zonePart(tz, at, 'long'), tz_offset: tzOffset };
};

export const userObject = (user: SeedUser, team: SeedTeam, at: Date): Record<string, unknown> => {
  const [first = user.realName, ...rest] = user.realName.split(' ');
  return {
    id: user.id,
    team_id: team.id,
    name: user.name,
    deleted: false,
    color: '9f69e7',
    real_name: user.realName,
    tz: user.tz,
    ...timeZoneFacts(user.tz, at),
    profile: {
      title: user.title,
      phone: '',
      skype: '',
      real_name: user.realName,
      real_name_normalized: user.realName,
      display_name: user.realName,
      display_name_normalized: user.realName,
      fields: null,
      status_text: '',
      status_emoji: '',
      status_expiration: 0,
      avatar_hash: '',
      ...(user.email === undefined ? {} : { email: user.email }),
      first_name: first,
      last_name: rest.join(' '),
      team: team.id,
    },
    is_admin: user.isAdmin || user.isOwner,
    is_owner: user.isOwner,
    is_primary_owner: user.isOwner,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: false,
    is_app_user: false,
    updated: seconds(at),
    is_email_confirmed: user.email !== undefined,
    who_can_share_contact_card: 'EVERYONE',
  };
};

export const botUserObject = (app: SeedApp, team: SeedTeam, at: Date): Record<string, unknown> => ({
  id: app.botUserId,
  team_id: team.id,
  name: app.name,
  deleted: false,
  real_name: app.name,
  tz: 'America/Los_Angeles',
  ...timeZoneFacts('America/Los_Angeles', at),
  profile: { real_name: app.name, real_name_normalized: app.name, display_name: '', display_name_normalized: '', bot_id: app.botId, api_app_id: app.appId, always_active: true, first_name: app.name, last_name: '', team: team.id },
  is_admin: false,
  is_owner: false,
  is_primary_owner: false,
  is_restricted: false,
  is_ultra_restricted: false,
  is_bot: true,
  is_app_user: false,
  updated: seconds(at),
  is_email_confirmed: false,
  who_can_share_contact_card: 'EVERYONE',
});

export const conversationRecordOf = (channel: SeedChannel, creator: string, at: Date): ConversationRecord => ({
  id: channel.id,
  name: channel.name,
  isPrivate: channel.isPrivate,
  isIm: false,
  topic: channel.topic,
  purpose: channel.purpose,
  created: seconds(at),
  creator,
  archived: false,
  members: new Set(channel.members),
});

/** A conversation as conversations.list/info describe it to the bot. */
export const conversationObject = (conversation: ConversationRecord, team: SeedTeam, botUserId: string, withMemberCount: boolean): Record<string, unknown> => {
  if (conversation.isIm) {
    return { id: conversation.id, created: conversation.created, is_archived: false, is_im: true, is_org_shared: false, context_team_id: team.id, updated: conversation.created * 1000, user: conversation.imUser, is_user_deleted: false, priority: 0 };
  }
  const text = (value: string) => ({ value, creator: value === '' ? '' : conversation.creator, last_set: value === '' ? 0 : conversation.created });
  return {
    id: conversation.id,
    name: conversation.name,
    is_channel: !conversation.isPrivate,
    is_group: conversation.isPrivate,
    is_im: false,
    is_mpim: false,
    is_private: conversation.isPrivate,
    created: conversation.created,
    is_archived: conversation.archived,
    is_general: false,
    unlinked: 0,
    name_normalized: conversation.name,
    is_shared: false,
    is_org_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    context_team_id: team.id,
    updated: conversation.created * 1000,
    parent_conversation: null,
    creator: conversation.creator,
    is_ext_shared: false,
    shared_team_ids: [team.id],
    pending_connected_team_ids: [],
    is_member: conversation.members.has(botUserId),
    topic: text(conversation.topic),
    purpose: text(conversation.purpose),
    previous_names: [],
    ...(withMemberCount ? { num_members: conversation.members.size } : {}),
  };
};

export const userGroupObject = (group: SeedUserGroup, team: SeedTeam, createdBy: string, at: Date, options: { includeUsers: boolean; includeCount: boolean }): Record<string, unknown> => ({
  id: group.id,
  team_id: team.id,
  is_usergroup: true,
  is_subteam: true,
  name: group.name,
  description: group.description,
  handle: group.handle,
  is_external: false,
  date_create: seconds(at),
  date_update: seconds(at),
  date_delete: 0,
  auto_type: null,
  auto_provision: false,
  enterprise_subteam_id: '',
  created_by: createdBy,
  updated_by: createdBy,
  deleted_by: null,
  prefs: { channels: [], groups: [] },
  ...(options.includeUsers ? { users: [...group.users] } : {}),
  ...(options.includeCount ? { user_count: group.users.length } : {}),
});

export interface MessageContent {
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  thread_ts?: string;
  metadata?: unknown;
}

/** A message the app posted (chat.postMessage, a response_url, an `in_channel` command answer). */
export const botMessage = (app: SeedApp, team: SeedTeam, ts: string, content: MessageContent, at: Date): SlackMessage => ({
  type: 'message',
  ts,
  user: app.botUserId,
  bot_id: app.botId,
  app_id: app.appId,
  text: content.text,
  team: team.id,
  bot_profile: { id: app.botId, app_id: app.appId, name: app.name, deleted: false, team_id: team.id, updated: seconds(at) },
  ...(content.blocks === undefined ? {} : { blocks: content.blocks }),
  ...(content.attachments === undefined ? {} : { attachments: content.attachments }),
  ...(content.thread_ts === undefined ? {} : { thread_ts: content.thread_ts }),
  ...(content.metadata === undefined ? {} : { metadata: content.metadata }),
});

/** A message a person (or Slackbot) wrote. */
export const personMessage = (user: string, team: SeedTeam, ts: string, text: string): SlackMessage => ({ type: 'message', ts, user, text, team: team.id });
