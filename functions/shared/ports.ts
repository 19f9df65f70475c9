/**
 * The ports the application needs from its runtime. AWS adapters (functions/shared/aws/) and the
 * local runtime (local/) implement them; handlers receive them, never construct them.
 */

/** An event to publish on the bus, in EventBridge's PutEvents terms. */
export interface BusEvent {
  source: string;
  detailType: string;
  detail: unknown;
  time?: Date;
  resources?: string[];
}

/** The event as EventBridge delivers it to a target (and so as an SQS message body holds it). */
export interface DeliveredBusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export interface EventBus {
  /** Resolves once every event is accepted; throws if any entry was refused. */
  publish(events: readonly BusEvent[]): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface IdGenerator {
  next(): string;
}
