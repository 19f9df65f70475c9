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

/**
 * @param receiptChannel the channel id the receipt (or alert) was posted to; unknown means it is
 * still being posted, and nothing is allowed on a message Concord cannot place.
 */
export const mayActOnHandoff = (actor: HandoffActor, receiptChannel: string | undefined): HandoffPermission => {
  if (receiptChannel === undefined) return { ok: false, why: 'this handoff’s receipt is still being posted; try again in a moment' };
  return actor.channelId === receiptChannel ? { ok: true } : { ok: false, why: 'handoffs are acted on from their receipt in the handoffs channel' };
};

/** Whether a channel (its id and name) is the configured handoffs channel (`#handoffs`, `handoffs` or an id). */
export const isHandoffsChannel = (configured: string, channel: { id: string; name?: string }): boolean => {
  const wanted = configured.replace(/^#/, '');
  return channel.id === wanted || (channel.name !== undefined && channel.name === wanted);
};
