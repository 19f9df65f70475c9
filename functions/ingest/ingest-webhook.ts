/**
 * Receiving one webhook delivery: decide (pure) whether it is genuine and what it means, then
 * publish its canonical events or quarantine it. The Lambda handler and the local server both
 * call `createWebhookIngest`; `concord quarantine replay` goes through the same decision.
 */
import { CanonicalEvent, detailTypeOf, INGEST_EVENT_SOURCE, SourceSystem } from '../shared/canonical';
import { entrySize, MAX_PUT_EVENTS_BYTES } from '../shared/bus-limits';
import type { BusEvent, Clock, EventBus, IdGenerator } from '../shared/ports';
import type { WebhookSecrets } from '../shared/aws/webhook-secrets';
import type { Connector, Translation, WebhookRequest } from './connector';
import { translateRelayEvent } from './connectors/salesforce';
import { noUsableSecret } from './signature';
import { quarantineEntryOf, requestOf, type QuarantineEntry, type Rejection } from './quarantine';
import type { QuarantineStore } from './quarantine.store';

export type WebhookDecision =
  | { kind: 'accepted'; events: CanonicalEvent[] }
  | { kind: 'rejected'; status: number; rejection: Rejection };

export interface DecideContext {
  connectors: Readonly<Record<SourceSystem, Connector>>;
  secrets: WebhookSecrets;
  receivedAt: Date;
  maxBodyBytes: number;
}

const reject = (status: number, rejection: Rejection): WebhookDecision => ({ kind: 'rejected', status, rejection });

export const decideWebhook = (systemName: string, request: WebhookRequest, ctx: DecideContext): WebhookDecision => {
  const system = SourceSystem.safeParse(systemName);
  if (!system.success) {
    return reject(404, { system: systemName, stage: 'routing', reason: 'unknown-system', detail: `no connector for "${systemName}"; known: ${SourceSystem.options.join(', ')}` });
  }
  const connector = ctx.connectors[system.data];
  const at = (stage: Rejection['stage'], reason: string, detail: string): Rejection => ({ system: system.data, stage, reason, detail });

  if (request.rawBody.length > ctx.maxBodyBytes) {
    return reject(413, at('size', 'payload-too-large', `${request.rawBody.length} bytes exceeds the ${ctx.maxBodyBytes}-byte limit`));
  }
  const secrets = ctx.secrets(system.data);
  if (noUsableSecret(secrets)) {
    return reject(401, at('verification', 'no-secret-configured', `no webhook secret is configured for ${system.data}`));
  }
  const verification = connector.verify(request, { secrets, receivedAt: ctx.receivedAt });
  if (verification.kind === 'rejected') return reject(401, at('verification', verification.reason, verification.detail));

  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch (error) {
    return reject(400, at('parsing', 'malformed-json', (error as Error).message));
  }
  return decideTranslation(system.data, () => connector.translate(body, request, ctx.receivedAt));
};

/** The part of the decision after the payload is trusted: is what it means valid? */
export const decideTranslation = (system: SourceSystem, translate: () => Translation): WebhookDecision => {
  const at = (reason: string, detail: string): Rejection => ({ system, stage: 'validation', reason, detail });
  let translation: Translation;
  try {
    translation = translate();
  } catch (error) {
    // A connector must answer bad input with a value; if one throws anyway, the delivery is
    // still kept and answered, never lost behind a 500.
    return reject(422, at('translation-failed', `${(error as Error).name}: ${(error as Error).message}`));
  }
  if (translation.kind === 'invalid') {
    return reject(translation.reason === 'malformed-json' ? 400 : 422, at(translation.reason, translation.detail));
  }
  // Connectors build canonical events; parsing them again here keeps the bus clean even if one errs.
  const events: CanonicalEvent[] = [];
  for (const [index, candidate] of translation.events.entries()) {
    const parsed = CanonicalEvent.safeParse(candidate);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return reject(422, at('schema-violation', `event ${index}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`));
    }
    events.push(parsed.data);
    // An event EventBridge would refuse can never be delivered: refuse the delivery now, clearly,
    // instead of answering 503 and letting the vendor retry it for days.
    const size = entrySize(busEventOf(parsed.data));
    if (size > MAX_PUT_EVENTS_BYTES) return reject(413, at('event-too-large', `event ${index} is ${size} bytes; the bus carries at most ${MAX_PUT_EVENTS_BYTES}`));
  }
  return { kind: 'accepted', events };
};

/**
 * Salesforce Event Relay delivers through EventBridge, where AWS is the trust boundary: no
 * signature to check. Quarantined relay events are marked with this method so replay knows.
 */
export const RELAY_METHOD = 'EVENTBRIDGE';

export const decideRelayEvent = (event: unknown, receivedAt: Date): WebhookDecision =>
  decideTranslation('salesforce', () => translateRelayEvent(event, receivedAt));

export const busEventOf = (event: CanonicalEvent): BusEvent => ({
  source: INGEST_EVENT_SOURCE,
  detailType: detailTypeOf(event.changeKind),
  detail: event,
  resources: [],
});

export interface WebhookResponse {
  status: number;
  body: Record<string, unknown>;
}

export interface WebhookIngestDeps {
  connectors: Readonly<Record<SourceSystem, Connector>>;
  secrets: WebhookSecrets;
  bus: EventBus;
  quarantine: QuarantineStore;
  clock: Clock;
  ids: IdGenerator;
  maxBodyBytes: number;
}

export type ReplayOutcome =
  | { kind: 'accepted'; events: number }
  | { kind: 'rejected'; reason: string; detail: string }
  | { kind: 'not-found' }
  | { kind: 'not-replayable'; detail: string };

export const createWebhookIngest = (deps: WebhookIngestDeps) => {
  const decide = (system: string, request: WebhookRequest, receivedAt: Date) =>
    decideWebhook(system, request, { connectors: deps.connectors, secrets: deps.secrets, receivedAt, maxBodyBytes: deps.maxBodyBytes });

  const quarantine = async (rejection: Rejection, request: WebhookRequest, receivedAt: Date): Promise<string> => {
    const entry = quarantineEntryOf(rejection, request, receivedAt, deps.ids.next());
    await deps.quarantine.put(entry);
    return entry.quarantineId;
  };

  const receive = async (system: string, request: WebhookRequest): Promise<WebhookResponse> => {
    const receivedAt = deps.clock.now();
    const decision = decide(system, request, receivedAt);
    if (decision.kind === 'rejected') {
      const { rejection } = decision;
      // Probes of paths we do not serve are answered, not stored: they are not deliveries.
      if (rejection.stage === 'routing') return { status: decision.status, body: { error: rejection.reason, detail: rejection.detail } };
      const quarantineId = await quarantine(rejection, request, receivedAt);
      return { status: decision.status, body: { error: rejection.reason, detail: rejection.detail, quarantineId } };
    }
    try {
      await deps.bus.publish(decision.events.map(busEventOf));
    } catch (error) {
      // Keep the delivery so it can be replayed, and answer 503 so the vendor retries as well;
      // consumers are idempotent, so both arriving is harmless.
      const quarantineId = await quarantine({ system, stage: 'publishing', reason: 'bus-unavailable', detail: (error as Error).message }, request, receivedAt);
      return { status: 503, body: { error: 'bus-unavailable', quarantineId } };
    }
    return { status: 202, body: { accepted: decision.events.length } };
  };

  /** Runs a quarantined delivery through the same decision, judged as of when it was received. */
  const replay = async (quarantineId: string): Promise<ReplayOutcome> => {
    const entry: QuarantineEntry | undefined = await deps.quarantine.get(quarantineId);
    if (entry === undefined) return { kind: 'not-found' };
    if (entry.bodyTruncated) return { kind: 'not-replayable', detail: `the ${entry.bodyBytes}-byte body was too large to keep whole` };
    const request = requestOf(entry);
    const receivedAt = new Date(entry.receivedAt);
    const decision =
      entry.method === RELAY_METHOD ? decideRelayEvent(JSON.parse(request.rawBody.toString('utf8')), receivedAt) : decide(entry.system, request, receivedAt);
    const at = deps.clock.now().toISOString();
    if (decision.kind === 'rejected') {
      const { reason, detail } = decision.rejection;
      await deps.quarantine.recordReplay(quarantineId, { at, outcome: 'rejected', reason, detail });
      return { kind: 'rejected', reason, detail };
    }
    try {
      await deps.bus.publish(decision.events.map(busEventOf));
    } catch (error) {
      const detail = (error as Error).message;
      await deps.quarantine.recordReplay(quarantineId, { at, outcome: 'rejected', reason: 'bus-unavailable', detail });
      return { kind: 'rejected', reason: 'bus-unavailable', detail };
    }
    await deps.quarantine.recordReplay(quarantineId, { at, outcome: 'accepted' });
    return { kind: 'accepted', events: decision.events.length };
  };

  return { receive, replay };
};

export type WebhookIngest = ReturnType<typeof createWebhookIngest>;
