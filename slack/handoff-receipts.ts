/**
 * The handoffs in Slack, for the worker: one receipt per handoff in the handoffs channel, posted
 * once and then updated in place; what people do on it (Retry, Assign, Resolve, Confirm) done
 * through HandoffService; the circuit breaker's alerts with Resume; and the direct messages a
 * handoff sends its new owner.
 *
 * Deliveries are at least once and may arrive late or out of order, so an event only says "look
 * again": the receipt is always drawn from the handoff as stored now. Its message (channel, ts)
 * is kept on the handoff's item; posting goes through PostOnce keyed by the handoff id, so a crash
 * between posting and keeping it finds the same message on the retry.
 */
import { ErrorCode, type WebAPIPlatformError, type WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { OwnerNotice, PlaybookPaused } from '../functions/handoffs/events';
import type { HandoffItem } from '../functions/handoffs/handoff';
import type { HandoffService } from '../functions/handoffs/handoff-service';
import type { HandoffStore } from '../functions/handoffs/handoff.store';
import type { Clock } from '../functions/shared/ports';
import {
  handoffHomeException,
  handoffReceipt,
  ownerNoticeMessage,
  playbookPausedAlert,
  playbookResumedAlert,
  playbookResumedNote,
  refused,
  type AppHomeException,
  type ReceiptPlaybook,
  type SlackMessage,
} from './blocks';
import { isHandoffsChannel, mayActOnHandoff } from './handoff-permission';
import type { PostedMessage, PostOnce } from './post-once';
import type { SlackSettings } from './settings';
import type { SlackWork } from './work';

export type HandoffWork = Extract<SlackWork, { type: 'handoff' }>;
export type ResumeWork = Extract<SlackWork, { type: 'resumePlaybook' }>;

/** What `handoff.playbookResumed` carries (HandoffService.resumePlaybook publishes it; events.ts has no schema for it). */
export const PlaybookResumed = z.object({ playbook: z.string().min(1), by: z.string().min(1), released: z.number().int().nonnegative(), at: z.string().min(1) });
export type PlaybookResumed = z.infer<typeof PlaybookResumed>;

/**
 * How often one delivery draws the receipt again when a newer state was drawn while its own
 * chat.update was on the way; each round reads the newest, so two rounds settle all but a storm.
 */
const DRAW_ROUNDS = 3;

export interface HandoffReceiptsDeps {
  client: WebClient;
  service: Pick<HandoffService, 'playbooks' | 'retry' | 'resolve' | 'assign' | 'confirm' | 'resumePlaybook'>;
  store: Pick<HandoffStore, 'get' | 'list' | 'receiptOf' | 'saveReceipt' | 'claimReceiptDrawing' | 'playbookState'>;
  postOnce: PostOnce;
  settings: Pick<SlackSettings, 'handoffsChannel'>;
  clock: Clock;
  log: { info(message: string, extra: Record<string, unknown>): void };
}

export class HandoffReceipts {
  constructor(private readonly deps: HandoffReceiptsDeps) {}

  /** Posts the handoff's receipt, or brings it up to date: always from the handoff as stored now. */
  async show(handoffId: string): Promise<void> {
    let handoff = await this.deps.store.get(handoffId);
    if (!handoff) return this.deps.log.info('no such handoff to show', { handoffId });
    const known = await this.deps.store.receiptOf(handoffId);
    let receipt: PostedMessage | undefined = known;
    // The version the message already shows, when this delivery just posted it.
    let shown: number | undefined;
    if (receipt === undefined) {
      const drawn = handoff;
      const posted = await this.deps.postOnce.post(`handoff:${handoffId}`, async () => {
        const message = await this.postToHandoffs(this.receiptOf(drawn));
        shown = drawn.version;
        return message;
      });
      // Another delivery is posting it right now; this one fails, comes back, and updates that message.
      if (posted === undefined) throw new Error(`the receipt of ${handoffId} is being posted by another delivery`);
      await this.deps.store.saveReceipt(handoffId, posted);
      receipt = posted;
    }
    for (let round = 0; round < DRAW_ROUNDS; round++) {
      // A later state was drawn already: leave it, never put an older one over it.
      if (!(await this.deps.store.claimReceiptDrawing(handoffId, handoff.version))) return;
      if (shown !== handoff.version) await this.deps.client.chat.update({ channel: receipt.channel, ts: receipt.ts, ...this.receiptOf(handoff) });
      const drawn = (await this.deps.store.receiptOf(handoffId))?.drawnVersion ?? handoff.version;
      // A newer state was claimed while this update was on its way and may have landed first: draw the newest.
      if (drawn <= handoff.version) return;
      handoff = (await this.deps.store.get(handoffId)) ?? handoff;
    }
  }

  /** Retry, Assign, Resolve or Confirm from the receipt; a refusal is told to the clicker alone. */
  async act(work: HandoffWork): Promise<void> {
    const receipt = await this.deps.store.receiptOf(work.handoffId);
    const permission = mayActOnHandoff(work, receipt?.channel);
    if (!permission.ok) return this.ephemeral(work.channelId, work.userId, refused({ kind: 'not-applicable', why: permission.why }));
    const by = work.userId;
    const outcome = await (() => {
      switch (work.action) {
        case 'retry':
          return this.deps.service.retry(work.handoffId, by);
        case 'resolve':
          return this.deps.service.resolve(work.handoffId, by, 'resolved in Slack');
        case 'confirm':
          return this.deps.service.confirm(work.handoffId, by);
        case 'assign':
          return this.deps.service.assign(work.handoffId, work.assignee, by);
      }
    })();
    if (!outcome.ok) await this.ephemeral(work.channelId, work.userId, refused({ kind: 'not-applicable', why: outcome.why }));
    // Either way the receipt shows where the handoff stands now.
    await this.show(work.handoffId);
  }

  /** Resume on a paused playbook's alert: the alert then says who resumed it and drops the button. */
  async resume(work: ResumeWork): Promise<void> {
    // A paused playbook's alert lives in the handoffs channel: a Resume from anywhere else is refused.
    const info = await this.deps.client.conversations.info({ channel: work.channelId }).catch(() => undefined);
    const inHandoffs = info?.channel?.id !== undefined && isHandoffsChannel(this.deps.settings.handoffsChannel, { id: info.channel.id, ...(info.channel.name ? { name: info.channel.name } : {}) });
    const permission = mayActOnHandoff(work, inHandoffs ? work.channelId : 'the handoffs channel');
    if (!permission.ok) return this.ephemeral(work.channelId, work.userId, refused({ kind: 'not-applicable', why: permission.why }));
    const state = await this.deps.store.playbookState(work.playbook);
    const title = this.titleOf(work.playbook);
    if (!state.paused) return this.ephemeral(work.channelId, work.userId, refused({ kind: 'not-applicable', why: `${title} is running (it was resumed already)` }));
    const outcome = await this.deps.service.resumePlaybook(work.playbook, work.userId);
    if (!outcome.ok) return this.ephemeral(work.channelId, work.userId, refused({ kind: 'not-applicable', why: outcome.why }));
    const paused = { playbook: work.playbook, title, ...(state.reason ? { reason: state.reason } : {}), ...(state.pausedAt ? { at: state.pausedAt } : {}) };
    const resumed = { by: work.userId, at: this.deps.clock.now().toISOString(), released: outcome.released };
    await this.deps.client.chat.update({ channel: work.channelId, ts: work.messageTs, ...playbookResumedAlert(paused, resumed) });
  }

  /** The circuit breaker paused a playbook: one alert per pause. */
  async alertPaused(paused: PlaybookPaused): Promise<void> {
    const at = paused.at ?? (await this.deps.store.playbookState(paused.playbook)).pausedAt ?? 'unknown';
    await this.deps.postOnce.post(`playbook-paused:${paused.playbook}:${at}`, () => this.postToHandoffs(playbookPausedAlert({ ...paused, ...(at === 'unknown' ? {} : { at }) })));
  }

  /** However it was resumed (Slack or the command line), the channel hears it once. */
  async noteResumed(resumed: PlaybookResumed): Promise<void> {
    const note = playbookResumedNote({ playbook: resumed.playbook, title: this.titleOf(resumed.playbook) }, resumed);
    await this.deps.postOnce.post(`playbook-resumed:${resumed.playbook}:${resumed.at}`, () => this.postToHandoffs(note));
  }

  /**
   * A direct message to the person a handoff made an owner, found by email, once per notice. A
   * person who is not in the workspace cannot be told in Slack: that is logged, not retried.
   */
  async tellOwner(notice: OwnerNotice): Promise<void> {
    const userId = await this.userByEmail(notice.email);
    if (userId === undefined) return this.deps.log.info('the owner to tell is not in Slack; not told', { handoffId: notice.handoffId, key: notice.key });
    await this.deps.postOnce.post(`owner-notice:${notice.key}`, async () => {
      const posted = await this.deps.client.chat.postMessage({ channel: userId, ...ownerNoticeMessage(notice.text) });
      return { channel: posted.channel as string, ts: posted.ts as string };
    });
  }

  /** Handoffs stopped at an exception, newest first, for App Home. */
  async openExceptions(limit: number): Promise<AppHomeException[]> {
    const stopped = await this.deps.store.list('exception', limit);
    return stopped.map((handoff) => handoffHomeException({ handoff, ...this.playbookOf(handoff.playbook) }));
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private receiptOf(handoff: HandoffItem): SlackMessage {
    return handoffReceipt({ handoff, ...this.playbookOf(handoff.playbook) });
  }

  private playbookOf(name: string): { playbook?: ReceiptPlaybook } {
    const playbook = this.deps.service.playbooks.find((p) => p.name === name);
    return playbook === undefined ? {} : { playbook };
  }

  private titleOf(name: string): string {
    return this.playbookOf(name).playbook?.title ?? name;
  }

  private async postToHandoffs(message: SlackMessage): Promise<PostedMessage> {
    const posted = await this.deps.client.chat.postMessage({ channel: this.deps.settings.handoffsChannel, ...message, unfurl_links: false, unfurl_media: false });
    return { channel: posted.channel as string, ts: posted.ts as string };
  }

  private async userByEmail(email: string): Promise<string | undefined> {
    try {
      const found = await this.deps.client.users.lookupByEmail({ email });
      return found.user?.id;
    } catch (error) {
      // Slack answers users_not_found (older docs: user_not_found) for an address no member has.
      const platform = error as Partial<WebAPIPlatformError>;
      if (platform.code === ErrorCode.PlatformError && /^users?_not_found$/.test(platform.data?.error ?? '')) return undefined;
      throw error;
    }
  }

  private async ephemeral(channel: string, user: string, message: SlackMessage): Promise<void> {
    await this.deps.client.chat.postEphemeral({ channel, user, ...message });
  }
}
