/**
 * Who may act on a handoff from Slack (Retry, Assign, Resolve, Confirm, Resume). For now: anyone
 * in the channel the receipt is in; Slack only shows them the buttons there, and each action is
 * audited in the handoff's history with their Slack user id. A click on a copy of the receipt
 * shared elsewhere is refused, so the people who can act are exactly the channel's members.
 * The one place to narrow it (a role, a user group, the receiving team) when a team asks.
 */
export type HandoffPermission = { ok: true } | { ok: false; why: string };

export interface HandoffActor {
  userId: string;
  /** The conversation the click came from. */
  channelId: string;
}

/** @param receiptChannel the channel id the receipt (or alert) was posted to, when known. */
export const mayActOnHandoff = (actor: HandoffActor, receiptChannel: string | undefined): HandoffPermission =>
  receiptChannel === undefined || actor.channelId === receiptChannel ? { ok: true } : { ok: false, why: 'handoffs are acted on from their receipt in the handoffs channel' };
