/**
 * What the local Slack holds in memory: the conversations with their messages, the ephemeral
 * messages each person was shown, each person's modal stack and Home tab. The Web API, the
 * response_urls and the simulated users change it only through these operations, and every
 * change is announced to the listeners (the console page streams them to the browser).
 *
 * Readers hand out copies, so what a test or the console holds never changes under it.
 */
import { conversationRecordOf, type ConversationRecord, type SlackMessage, type SlackView } from './slack-objects';
import type { Workspace } from './workspace';

/** A conversation as the console and the tests read it: its record, with the members as a list. */
export type ConversationSummary = Omit<ConversationRecord, 'members'> & { members: string[] };

export interface EphemeralMessage {
  channel: string;
  /** The one person who sees it. */
  user: string;
  message: SlackMessage;
}

export type ModalChange = 'opened' | 'pushed' | 'updated' | 'closed' | 'errors';

export type SlackChange =
  | { kind: 'conversation-opened'; conversation: ConversationSummary }
  | { kind: 'message-posted' | 'message-updated'; channel: string; message: SlackMessage }
  | { kind: 'message-deleted'; channel: string; ts: string }
  | { kind: 'ephemeral-posted' | 'ephemeral-replaced'; channel: string; user: string; message: SlackMessage }
  | { kind: 'ephemeral-deleted'; channel: string; user: string; ts: string }
  | { kind: 'home-published'; user: string; view: SlackView }
  /** The person's whole modal stack after the change, root first; empty once closed. */
  | { kind: 'modal-changed'; user: string; change: ModalChange; stack: SlackView[]; errors?: Record<string, string> };

export type SlackChangeListener = (change: SlackChange) => void;

export interface ViewLocation {
  user: string;
  surface: 'modal' | 'home';
  view: SlackView;
}

interface Conversation {
  record: ConversationRecord;
  /** Oldest first. */
  messages: SlackMessage[];
}

const summaryOf = (record: ConversationRecord): ConversationSummary => ({ ...record, members: [...record.members] });

export class SlackState {
  private readonly conversations = new Map<string, Conversation>();
  private readonly ephemeralMessages: EphemeralMessage[] = [];
  private readonly modalStacks = new Map<string, SlackView[]>();
  private readonly homes = new Map<string, SlackView>();
  /** The errors an app answered a view_submission with, by view id, until the view changes. */
  private readonly submissionErrors = new Map<string, Record<string, string>>();
  private readonly listeners = new Set<SlackChangeListener>();

  constructor(
    readonly workspace: Workspace,
    createdAt: Date,
  ) {
    const creator = workspace.users.find((user) => user.isOwner)?.id ?? workspace.users[0]!.id;
    for (const channel of workspace.channels) this.conversations.set(channel.id, { record: conversationRecordOf(channel, creator, createdAt), messages: [] });
  }

  onChange(listener: SlackChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private announce(change: SlackChange): void {
    for (const listener of this.listeners) {
      try {
        listener(structuredClone(change));
      } catch (error) {
        // A broken listener (a closed browser stream) must not fail the Web API call that changed the state.
        console.error('local Slack: a change listener failed', error);
      }
    }
  }

  // ---- conversations

  /** The conversation record itself (not a copy): for the Web API, which reads membership often. */
  conversation(id: string): ConversationRecord | undefined {
    return this.conversations.get(id)?.record;
  }

  conversationNamed(name: string): ConversationRecord | undefined {
    for (const { record } of this.conversations.values()) if (!record.isIm && record.name === name) return record;
    return undefined;
  }

  conversationRecords(): ConversationRecord[] {
    return [...this.conversations.values()].map((c) => c.record);
  }

  /** The bot's direct message with a person, opened on first use as Slack does. */
  openIm(user: string, newId: () => string, at: Date): ConversationRecord {
    const botUserId = this.workspace.app.botUserId;
    for (const { record } of this.conversations.values()) if (record.isIm && record.imUser === user) return record;
    const record: ConversationRecord = { id: newId(), name: user, isPrivate: true, isIm: true, imUser: user, topic: '', purpose: '', created: Math.floor(at.getTime() / 1000), creator: botUserId, archived: false, members: new Set([botUserId, user]) };
    this.conversations.set(record.id, { record, messages: [] });
    this.announce({ kind: 'conversation-opened', conversation: summaryOf(record) });
    return record;
  }

  // ---- messages

  /** The stored message itself (not a copy), or undefined. */
  message(channel: string, ts: string): SlackMessage | undefined {
    return this.conversations.get(channel)?.messages.find((message) => message.ts === ts);
  }

  /** Messages of a channel, oldest first (thread replies included, each with its thread_ts). */
  messageList(channel: string): readonly SlackMessage[] {
    return this.conversations.get(channel)?.messages ?? [];
  }

  postMessage(channel: string, message: SlackMessage): void {
    const conversation = this.conversations.get(channel);
    if (conversation === undefined) throw new Error(`local Slack: no conversation ${channel}`);
    conversation.messages.push(message);
    if (message.thread_ts !== undefined && message.thread_ts !== message.ts) this.noteReply(channel, message);
    this.announce({ kind: 'message-posted', channel, message });
  }

  private noteReply(channel: string, reply: SlackMessage): void {
    const parent = this.message(channel, reply.thread_ts!);
    if (parent === undefined) return;
    parent.thread_ts = parent.ts;
    parent.reply_count = (parent.reply_count ?? 0) + 1;
    parent.reply_users = [...new Set([...(parent.reply_users ?? []), reply.user])];
    parent.latest_reply = reply.ts;
    this.announce({ kind: 'message-updated', channel, message: parent });
  }

  replaceMessage(channel: string, message: SlackMessage): void {
    const messages = this.conversations.get(channel)?.messages;
    const index = messages?.findIndex((m) => m.ts === message.ts) ?? -1;
    if (messages === undefined || index < 0) throw new Error(`local Slack: no message ${message.ts} in ${channel}`);
    messages[index] = message;
    this.announce({ kind: 'message-updated', channel, message });
  }

  deleteMessage(channel: string, ts: string): void {
    const messages = this.conversations.get(channel)?.messages;
    const index = messages?.findIndex((m) => m.ts === ts) ?? -1;
    if (messages === undefined || index < 0) return;
    messages.splice(index, 1);
    this.announce({ kind: 'message-deleted', channel, ts });
  }

  // ---- ephemeral messages

  ephemeral(channel: string, user: string, ts: string): EphemeralMessage | undefined {
    return this.ephemeralMessages.find((e) => e.channel === channel && e.user === user && e.message.ts === ts);
  }

  postEphemeral(channel: string, user: string, message: SlackMessage): void {
    this.ephemeralMessages.push({ channel, user, message });
    this.announce({ kind: 'ephemeral-posted', channel, user, message });
  }

  replaceEphemeral(channel: string, user: string, message: SlackMessage): void {
    const found = this.ephemeral(channel, user, message.ts);
    if (found === undefined) throw new Error(`local Slack: no ephemeral message ${message.ts} for ${user} in ${channel}`);
    found.message = message;
    this.announce({ kind: 'ephemeral-replaced', channel, user, message });
  }

  deleteEphemeral(channel: string, user: string, ts: string): void {
    const index = this.ephemeralMessages.findIndex((e) => e.channel === channel && e.user === user && e.message.ts === ts);
    if (index < 0) return;
    this.ephemeralMessages.splice(index, 1);
    this.announce({ kind: 'ephemeral-deleted', channel, user, ts });
  }

  // ---- views

  modalStack(user: string): readonly SlackView[] {
    return this.modalStacks.get(user) ?? [];
  }

  setModalStack(user: string, stack: SlackView[], change: ModalChange): void {
    // Errors shown under a view's inputs go with that version of it: closed or updated, they are gone.
    const versions = new Map(stack.map((view) => [view.id, view.hash]));
    for (const view of this.modalStack(user)) if (versions.get(view.id) !== view.hash) this.submissionErrors.delete(view.id);
    if (stack.length === 0) this.modalStacks.delete(user);
    else this.modalStacks.set(user, stack);
    this.announce({ kind: 'modal-changed', user, change, stack });
  }

  /** Keeps the modal open with the app's errors by block id, as Slack shows them under the inputs. */
  setSubmissionErrors(user: string, viewId: string, errors: Record<string, string>): void {
    this.submissionErrors.set(viewId, errors);
    this.announce({ kind: 'modal-changed', user, change: 'errors', stack: [...this.modalStack(user)], errors });
  }

  submissionErrorsOf(viewId: string): Record<string, string> | undefined {
    return this.submissionErrors.get(viewId);
  }

  home(user: string): SlackView | undefined {
    return this.homes.get(user);
  }

  publishHome(user: string, view: SlackView): void {
    this.homes.set(user, view);
    this.announce({ kind: 'home-published', user, view });
  }

  /** Where an open modal or a published Home view with this id (or external_id) is. */
  findView(match: { id?: string; externalId?: string }): ViewLocation | undefined {
    const fits = (view: SlackView) => (match.id !== undefined ? view.id === match.id : match.externalId !== undefined && view.external_id === match.externalId);
    for (const [user, stack] of this.modalStacks) for (const view of stack) if (fits(view)) return { user, surface: 'modal', view };
    for (const [user, view] of this.homes) if (fits(view)) return { user, surface: 'home', view };
    return undefined;
  }

  /**
   * Records what a person entered in a view's inputs. Not announced: in Slack the input stays in
   * the person's client until they submit or use an element, and the payload then carries it.
   */
  setViewValues(viewId: string, values: Record<string, Record<string, unknown>>): void {
    const location = this.findView({ id: viewId });
    if (location === undefined) throw new Error(`local Slack: no open view ${viewId}`);
    location.view.state = { values };
  }

  /** Replaces a view in place, wherever it is (a modal in a stack, or a Home tab). */
  replaceView(location: ViewLocation, view: SlackView): void {
    if (location.surface === 'home') return this.publishHome(location.user, view);
    const stack = this.modalStack(location.user).map((open) => (open.id === view.id ? view : open));
    this.setModalStack(location.user, stack, 'updated');
  }

  // ---- copies for the console and the tests

  conversationSummaries(): ConversationSummary[] {
    return [...this.conversations.values()].map(({ record }) => summaryOf(record));
  }

  snapshotMessages(channel: string): SlackMessage[] {
    return structuredClone([...this.messageList(channel)]);
  }

  snapshotEphemerals(user: string, channel?: string): EphemeralMessage[] {
    return structuredClone(this.ephemeralMessages.filter((e) => e.user === user && (channel === undefined || e.channel === channel)));
  }

  snapshotModalStack(user: string): SlackView[] {
    return structuredClone([...this.modalStack(user)]);
  }

  snapshotHome(user: string): SlackView | undefined {
    const view = this.homes.get(user);
    return view === undefined ? undefined : structuredClone(view);
  }
}
