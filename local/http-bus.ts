/**
 * The bus of a running local runtime, seen from another process (the `concord` CLI): events go
 * to its `/local/events` endpoint and through its routing table, as PutEvents puts them on the
 * EventBridge bus on AWS.
 */
import type { BusEvent, EventBus } from '../functions/shared/ports';

export class HttpBus implements EventBus {
  constructor(private readonly baseUrl: string) {}

  async publish(events: readonly BusEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 100) {
      const response = await fetch(new URL('/local/events', this.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events: events.slice(i, i + 100) }),
      });
      if (!response.ok) throw new Error(`the local runtime refused ${events.length} event(s): ${response.status} ${await response.text()}`);
    }
  }
}
