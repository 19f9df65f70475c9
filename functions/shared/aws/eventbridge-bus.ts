import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { putEventsBatches } from '../bus-limits';
import type { BusEvent, EventBus } from '../ports';

export class BusPublishError extends Error {
  constructor(readonly failures: { errorCode?: string; errorMessage?: string }[]) {
    super(`EventBridge refused ${failures.length} event(s): ${failures.map((f) => `${f.errorCode}: ${f.errorMessage}`).join('; ')}`);
    this.name = 'BusPublishError';
  }
}

/** The EventBus port on EventBridge (and, with `endpoint`, on the local runtime's PutEvents endpoint). */
export class EventBridgeBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: readonly BusEvent[]): Promise<void> {
    for (const batch of putEventsBatches(events)) {
      const entries: PutEventsRequestEntry[] = batch.map((e) => ({
        EventBusName: this.busName,
        Source: e.source,
        DetailType: e.detailType,
        Detail: JSON.stringify(e.detail),
        Time: e.time,
        Resources: e.resources,
      }));
      const result = await this.client.send(new PutEventsCommand({ Entries: entries }));
      if ((result.FailedEntryCount ?? 0) > 0) {
        const failures = (result.Entries ?? [])
          .filter((entry) => entry.ErrorCode !== undefined)
          .map((entry) => ({ errorCode: entry.ErrorCode, errorMessage: entry.ErrorMessage }));
        throw new BusPublishError(failures);
      }
    }
  }
}
