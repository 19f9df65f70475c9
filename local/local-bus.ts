/**
 * The in-process stand-in for the EventBridge bus: applies the routing table with EventBridge's
 * pattern semantics and delivers each matching event to its target queue, shaped as EventBridge
 * delivers it. Like EventBridge it keeps an archive that can be replayed.
 */
import { randomUUID } from 'node:crypto';
import type { Route } from '../functions/shared/routing';
import type { BusEvent, Clock, DeliveredBusEvent, EventBus } from '../functions/shared/ports';
import { systemClock } from '../functions/shared/ports';
import type { EventPattern } from '../functions/shared/routing';
import { matchesPattern } from './event-pattern';
import { entrySize, MAX_PUT_EVENTS_BYTES } from '../functions/shared/bus-limits';


export interface BusTarget {
  send(body: string): unknown;
}

export class EventTooLargeError extends Error {
  constructor(bytes: number) {
    super(`event of ${bytes} bytes exceeds EventBridge's ${MAX_PUT_EVENTS_BYTES}-byte limit`);
    this.name = 'EventTooLargeError';
  }
}

export class LocalBus implements EventBus {
  private readonly archived: DeliveredBusEvent[] = [];
  private published = 0;

  constructor(
    private readonly routes: readonly Route[],
    private readonly targets: Readonly<Record<string, BusTarget>>,
    private readonly options: { archivePattern?: EventPattern; archiveLimit?: number; clock?: Clock } = {},
  ) {
    for (const route of routes) if (!targets[route.target]) throw new Error(`route ${route.name} targets unknown consumer ${route.target}`);
  }

  async publish(events: readonly BusEvent[]): Promise<void> {
    // Validate the whole call first, as PutEvents does, so a refused call delivers nothing.
    const delivered = events.map((event) => this.envelopeOf(event));
    for (const event of delivered) this.deliver(event);
  }

  /** Sends archived events matching `pattern` through the routes again (EventBridge replay). */
  replay(pattern: EventPattern = {}): number {
    const selected = this.archived.filter((event) => matchesPattern(pattern, event));
    for (const event of selected) this.route(event);
    return selected.length;
  }

  stats() {
    return { published: this.published, archived: this.archived.length };
  }

  private envelopeOf(event: BusEvent): DeliveredBusEvent {
    const detail = JSON.stringify(event.detail);
    if (detail === undefined || typeof event.detail !== 'object' || event.detail === null) throw new Error('event detail must be a JSON object');
    const size = entrySize(event);
    if (size > MAX_PUT_EVENTS_BYTES) throw new EventTooLargeError(size);
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': event.detailType,
      source: event.source,
      account: '000000000000',
      time: (event.time ?? (this.options.clock ?? systemClock).now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: 'local',
      resources: event.resources ?? [],
      detail: JSON.parse(detail),
    };
  }

  private deliver(event: DeliveredBusEvent): void {
    this.published++;
    if (this.options.archivePattern && matchesPattern(this.options.archivePattern, event)) {
      this.archived.push(event);
      const limit = this.options.archiveLimit ?? 100_000;
      if (this.archived.length > limit) this.archived.splice(0, this.archived.length - limit);
    }
    this.route(event);
  }

  private route(event: DeliveredBusEvent): void {
    const body = JSON.stringify(event);
    for (const route of this.routes) if (matchesPattern(route.pattern, event)) this.targets[route.target]!.send(body);
  }
}
