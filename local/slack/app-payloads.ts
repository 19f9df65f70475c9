/**
 * What Slack sends to an app's request URL, field for field: slash commands (form fields),
 * interactions (a form field `payload` holding JSON: block_actions, view_submission,
 * view_closed) and Events API envelopes (JSON). Pure builders; ./app-requests.ts signs and sends.
 */
import { isObject, type JsonObject } from './block-kit-elements';
import type { ConversationRecord, SlackMessage, SlackView } from './slack-objects';
import { elementState, type EnteredValue } from './views';
import type { SeedApp, SeedTeam, SeedUser } from './workspace';

/** Who acts, and in which workspace and app. */
export interface Acting {
  user: SeedUser;
  team: SeedTeam;
  app: SeedApp;
  /** The app's legacy verification token, which Slack still puts in every payload. */
  verificationToken: string;
}

/**
 * Slack's JSON escapes forward slashes (`https:\/\/…`). An app that verifies a signature over
 * anything but the raw bytes it received (a re-serialized body) fails on it, as it would in Slack.
 */
export const slackJson = (value: unknown): string => JSON.stringify(value).replace(/\//g, '\\/');

/** How Slack names the conversation in a slash command. */
const commandChannelName = (conversation: ConversationRecord): string => (conversation.isIm ? 'directmessage' : conversation.isPrivate ? 'privategroup' : conversation.name);

const payloadUser = ({ user, team }: Acting) => ({ id: user.id, username: user.name, name: user.name, team_id: team.id });
const payloadTeam = ({ team }: Acting) => ({ id: team.id, domain: team.domain });

export interface SlashCommand {
  conversation: ConversationRecord;
  /** With its slash: `/concord`. */
  command: string;
  text: string;
  responseUrl: string;
  triggerId: string;
}

export const slashCommandFields = (acting: Acting, command: SlashCommand): Record<string, string> => ({
  token: acting.verificationToken,
  team_id: acting.team.id,
  team_domain: acting.team.domain,
  channel_id: command.conversation.id,
  channel_name: commandChannelName(command.conversation),
  user_id: acting.user.id,
  user_name: acting.user.name,
  command: command.command,
  text: command.text,
  api_app_id: acting.app.appId,
  is_enterprise_install: 'false',
  response_url: command.responseUrl,
  trigger_id: command.triggerId,
});

/**
 * The action entry for a person using `element`: a button's value and text, a menu's selected
 * option(s), a picker's selection (`choice` names which, as an option value or an id).
 */
export const actionOf = (element: JsonObject, block: JsonObject, actionTs: string, choice?: EnteredValue): JsonObject => {
  const common = { action_id: element.action_id, block_id: block.block_id, action_ts: actionTs };
  if (element.type === 'button') {
    return {
      ...common,
      type: 'button',
      text: element.text,
      ...(element.value === undefined ? {} : { value: element.value }),
      ...(element.style === undefined ? {} : { style: element.style }),
      ...(element.url === undefined ? {} : { url: element.url }),
    };
  }
  return { ...common, ...elementState(element, choice), ...(isObject(element.placeholder) ? { placeholder: element.placeholder } : {}) };
};

interface BlockActionsBase {
  triggerId: string;
  action: JsonObject;
}

/** A person used an element of a message (or an ephemeral message) in a conversation. */
export const messageBlockActions = (
  acting: Acting,
  where: BlockActionsBase & { conversation: ConversationRecord; message: SlackMessage; ephemeral: boolean; responseUrl: string },
): JsonObject => ({
  type: 'block_actions',
  user: payloadUser(acting),
  api_app_id: acting.app.appId,
  token: acting.verificationToken,
  container: { type: 'message', message_ts: where.message.ts, channel_id: where.conversation.id, is_ephemeral: where.ephemeral },
  trigger_id: where.triggerId,
  team: payloadTeam(acting),
  enterprise: null,
  is_enterprise_install: false,
  channel: { id: where.conversation.id, name: where.conversation.isIm ? 'directmessage' : where.conversation.name },
  // Slack does not send an ephemeral message's content back to the app.
  ...(where.ephemeral ? {} : { message: where.message }),
  state: { values: {} },
  response_url: where.responseUrl,
  actions: [where.action],
});

/** A person used an element of a modal or of their Home tab. */
export const viewBlockActions = (acting: Acting, where: BlockActionsBase & { view: SlackView }): JsonObject => ({
  type: 'block_actions',
  user: payloadUser(acting),
  api_app_id: acting.app.appId,
  token: acting.verificationToken,
  container: { type: 'view', view_id: where.view.id },
  trigger_id: where.triggerId,
  team: payloadTeam(acting),
  enterprise: null,
  is_enterprise_install: false,
  view: where.view,
  actions: [where.action],
});

export const viewSubmission = (acting: Acting, view: SlackView, triggerId: string): JsonObject => ({
  type: 'view_submission',
  team: payloadTeam(acting),
  user: payloadUser(acting),
  api_app_id: acting.app.appId,
  token: acting.verificationToken,
  trigger_id: triggerId,
  view,
  response_urls: [],
  enterprise: null,
  is_enterprise_install: false,
});

export const viewClosed = (acting: Acting, view: SlackView, isCleared: boolean): JsonObject => ({
  type: 'view_closed',
  team: payloadTeam(acting),
  user: payloadUser(acting),
  api_app_id: acting.app.appId,
  token: acting.verificationToken,
  view,
  is_cleared: isCleared,
  enterprise: null,
  is_enterprise_install: false,
});

export interface EnvelopeIds {
  eventId: string;
  eventTime: number;
}

/** An Events API delivery: the event wrapped with who it is for. */
export const eventCallback = (team: SeedTeam, app: SeedApp, verificationToken: string, event: JsonObject, ids: EnvelopeIds): JsonObject => ({
  token: verificationToken,
  team_id: team.id,
  api_app_id: app.appId,
  event,
  type: 'event_callback',
  event_id: ids.eventId,
  event_time: ids.eventTime,
  authorizations: [{ enterprise_id: null, team_id: team.id, user_id: app.botUserId, is_bot: true, is_enterprise_install: false }],
  is_ext_shared_channel: false,
  event_context: `4-${Buffer.from(JSON.stringify({ et: event.type, tid: team.id, aid: app.appId, cid: event.channel })).toString('base64url')}`,
});

export const urlVerification = (verificationToken: string, challenge: string): JsonObject => ({ token: verificationToken, challenge, type: 'url_verification' });
