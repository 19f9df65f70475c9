/**
 * Ids shaped like the ones Slack issues, so code that parses or pattern-matches them (a `ts` as a
 * decimal string, a view id starting with V) meets the real thing. Counters make them
 * deterministic for a given clock; only the secrets a caller must not guess (the hex part of a
 * trigger id, a response_url's path) are random, as they are in Slack.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../functions/shared/ports';

export interface SlackIds {
  /** A message timestamp: seconds and microseconds, `1732500000.000100`; strictly increasing. */
  messageTs(): string;
  /** `V` and ten characters, like `V0A1B2C3D4E`. */
  viewId(): string;
  /** A view's version for views.update and views.publish: `1732500000.Ab3dE5gH`. */
  viewHash(): string;
  /** `<ms>.<counter>.<32 hex>`, the shape of Slack's trigger ids. */
  triggerId(): string;
  /** `Ev` and ten characters. */
  eventId(): string;
  /** A direct message channel: `D` and ten characters. */
  imChannelId(): string;
  /** What Slack fills in for a block or an element that came without an id. */
  blockId(): string;
  actionId(): string;
  /** The unguessable last path segment of a response_url. */
  responseUrlSecret(): string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export const createSlackIds = (clock: Clock): SlackIds => {
  let lastMicros = 0n;
  let counter = 0;
  const next = (): number => (counter += 1);
  const padded = (width: number): string => next().toString(36).toUpperCase().padStart(width, '0');

  return {
    messageTs() {
      // Two posts within one millisecond still get distinct, ordered timestamps, as in Slack.
      const micros = BigInt(clock.now().getTime()) * 1000n;
      lastMicros = micros > lastMicros ? micros : lastMicros + 1n;
      const text = lastMicros.toString().padStart(7, '0');
      return `${text.slice(0, -6)}.${text.slice(-6)}`;
    },
    viewId: () => `V${padded(10)}`,
    viewHash() {
      const seconds = Math.floor(clock.now().getTime() / 1000);
      const tail = Array.from(randomBytes(8), (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
      return `${seconds}.${tail}`;
    },
    triggerId: () => `${clock.now().getTime()}.${next()}.${randomBytes(16).toString('hex')}`,
    eventId: () => `Ev${padded(10)}`,
    imChannelId: () => `D${padded(10)}`,
    blockId: () => next().toString(36).padStart(4, '0'),
    actionId: () => next().toString(36).padStart(5, '0'),
    responseUrlSecret: () => randomBytes(18).toString('base64url'),
  };
};
