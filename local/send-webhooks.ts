/**
 * Sends vendor deliveries to a Concord server over real HTTP, signed with each vendor's scheme:
 * how the sample data, the benchmarks and the tests feed the real ingest path.
 */
import type { SourceSystem } from '../functions/shared/canonical';
import { signingSecretFor } from './local-secrets';
import { simulators } from './vendors';
import type { OutboundWebhook, SourceChange } from './vendors/vendor-simulator';

export interface DeliveryResult {
  system: SourceSystem;
  status: number;
  body: string;
  /** When the request was sent and its answer came back (ms since epoch). */
  sentAt: number;
  answeredAt: number;
}

export const postWebhook = async (baseUrl: string, system: SourceSystem, delivery: OutboundWebhook): Promise<DeliveryResult> => {
  const sentAt = Date.now();
  const response = await fetch(new URL(delivery.path, baseUrl), { method: delivery.method, headers: delivery.headers, body: delivery.body });
  return { system, status: response.status, body: await response.text(), sentAt, answeredAt: Date.now() };
};

/** Renders each system's changes as its vendor would and posts them, `concurrency` at a time. */
export const sendChanges = async (
  baseUrl: string,
  changes: Partial<Record<SourceSystem, readonly SourceChange[]>>,
  options: { secretEnv: NodeJS.ProcessEnv; now: Date; concurrency?: number },
): Promise<DeliveryResult[]> => {
  const queue: { system: SourceSystem; delivery: OutboundWebhook }[] = [];
  for (const [system, systemChanges] of Object.entries(changes) as [SourceSystem, readonly SourceChange[]][]) {
    if (systemChanges.length === 0) continue;
    const secret = signingSecretFor(system, options.secretEnv);
    for (const delivery of simulators[system].deliveries(systemChanges, { secret, baseUrl, now: options.now })) queue.push({ system, delivery });
  }
  const results: DeliveryResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      const item = queue[next++]!;
      results.push(await postWebhook(baseUrl, item.system, item.delivery));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return results;
};
