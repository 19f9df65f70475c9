/**
 * Ingest on the local runtime: signed vendor webhooks over HTTP → verify → canonical events →
 * bus → queue → reconcile → DynamoDB Local. Prints throughput (events stored per second) and
 * the latency from a webhook being sent to its event being stored (p50/p99).
 *
 *   npm run bench -- ingest [--accounts 200] [--concurrency 16] [--seed 7]
 */
import { connectors } from '../functions/ingest/connectors';
import type { SourceSystem } from '../functions/shared/canonical';
import { startLocalRuntime } from '../local/runtime';
import { signingSecretFor } from '../local/local-secrets';
import { postWebhook } from '../local/send-webhooks';
import { simulators } from '../local/vendors';
import type { OutboundWebhook } from '../local/vendors/vendor-simulator';
import { generateWorld } from './generate/world';
import { flag, percentile } from './stats';

export const run = async (args: string[]): Promise<void> => {
  const accounts = flag(args, 'accounts', 200);
  const concurrency = flag(args, 'concurrency', 16);
  const seed = flag(args, 'seed', 7);

  const processedAt = new Map<string, number>();
  const runtime = await startLocalRuntime({
    port: 0,
    env: {},
    onProcessed: (_consumer, bodies, at) => {
      for (const body of bodies) processedAt.set((JSON.parse(body) as { detail: { eventId: string } }).detail.eventId, at);
    },
  });
  try {
    const now = new Date();
    const world = generateWorld({ accounts, seed, now });
    const deliveries: { system: SourceSystem; delivery: OutboundWebhook; eventIds: string[] }[] = [];
    for (const [system, changes] of Object.entries(world.changes) as [SourceSystem, typeof world.changes[SourceSystem]][]) {
      if (changes.length === 0) continue;
      const rendered = simulators[system].deliveries(changes, { secret: signingSecretFor(system, runtime.secretEnv), baseUrl: runtime.url, now });
      for (const delivery of rendered) {
        // The connectors are pure, so the bench can learn each delivery's event ids up front.
        const translation = connectors[system].translate(JSON.parse(delivery.body), { method: 'POST', url: '', headers: delivery.headers, rawBody: Buffer.from(delivery.body) }, now);
        deliveries.push({ system, delivery, eventIds: translation.kind === 'events' ? translation.events.map((e) => e.eventId) : [] });
      }
    }
    const sentAt = new Map<string, number>();
    let next = 0;
    let rejected = 0;
    const started = Date.now();
    const worker = async () => {
      while (next < deliveries.length) {
        const item = deliveries[next++]!;
        const t = Date.now();
        for (const id of item.eventIds) if (!sentAt.has(id)) sentAt.set(id, t);
        const result = await postWebhook(runtime.url, item.system, item.delivery);
        if (result.status !== 202) rejected++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const accepted = Date.now();
    await runtime.drain(600_000);
    const finished = Math.max(...processedAt.values());

    const latencies = [...sentAt].flatMap(([id, t]) => (processedAt.has(id) ? [processedAt.get(id)! - t] : []));
    const events = processedAt.size;
    const seconds = (finished - started) / 1000;
    console.log(`ingest benchmark: ${accounts} accounts, seed ${seed}, ${concurrency} concurrent senders, local runtime (DynamoDB Local)`);
    console.log(`  deliveries      ${deliveries.length} (${rejected} rejected), accepted in ${((accepted - started) / 1000).toFixed(2)} s`);
    console.log(`  events stored   ${events} in ${seconds.toFixed(2)} s`);
    console.log(`  throughput      ${(events / seconds).toFixed(0)} events/s`);
    console.log(`  event→stored    p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms (n=${latencies.length})`);
  } finally {
    await runtime.stop();
  }
};
