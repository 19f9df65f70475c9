/**
 * EventBridge's size rules, shared by the EventBridge adapter, the local bus and ingest (which
 * refuses a delivery whose events could never be published, rather than retrying it forever).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
import type { BusEvent } from './ports';
import { slicesOf } from './slices';

/** The most a PutEvents request's entries may add up to, and so the most one entry may be. */
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;
export const MAX_PUT_EVENTS_ENTRIES = 10;

/** An entry's size as EventBridge counts it: source, detail type, detail, resources, 14 for the time. */
export const entrySize = (event: BusEvent): number =>
  Buffer.byteLength(event.source) +
  Buffer.byteLength(event.detailType) +
  Buffer.byteLength(JSON.stringify(event.detail) ?? '') +
  (event.resources ?? []).reduce((sum, r) => sum + Buffer.byteLength(r), 0) +
  (event.time ? 14 : 0);

/** Splits events into PutEvents requests that respect both the count and the size limit. */
export const putEventsBatches = (events: readonly BusEvent[]): BusEvent[][] => slicesOf(events, MAX_PUT_EVENTS_ENTRIES, MAX_PUT_EVENTS_BYTES, entrySize);
