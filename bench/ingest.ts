/**
 * Ingest on the local runtime: signed vendor webhooks over HTTP → verify → canonical events →
 * bus → queue → reconcile → DynamoDB Local. Two phases:
 *  1. throughput: every delivery sent as fast as `--concurrency` senders can; events stored per second;
 *  2. latency: a second world sent at a steady `--rate` events per second, below saturation (a
 *     HubSpot or Salesforce delivery carries up to 100 events, so deliveries are paced by the
 *     events they carry); the time from a webhook being sent to its event being stored, p50/p99.
 *
 *   npm run bench -- ingest [--accounts 200] [--concurrency 16] [--rate 150] [--seed 7]
 */
import { connectors } from '../functions/ingest/connectors';
import type { SourceSystem } from '../functions/shared/canonical';
import { startLocalRuntime, type LocalRuntime } from '../local/runtime';
import { signingSecretFor } from '../local/local-secrets';
import { postWebhook } from '../local/send-webhooks';
import { simulators } from '../local/vendors';
import type { OutboundWebhook } from '../local/vendors/vendor-simulator';
import { generateWorld } from './generate/world';
import { flag, percentile } from './stats';

interface Delivery {
  system: SourceSystem;
  delivery: OutboundWebhook;
  eventIds: string[];
}

const renderWorld = (runtime: LocalRuntime, accounts: number, seed: number, now: Date): Delivery[] => {
  const world = generateWorld({ accounts, seed, now });
  const deliveries: Delivery[] = [];
  for (const [system, changes] of Object.entries(world.changes) as [SourceSystem, (typeof world.changes)[SourceSystem]][]) {
    if (changes.length === 0) continue;
    for (const delivery of simulators[system].deliveries(changes, { secret: signingSecretFor(system, runtime.secretEnv), baseUrl: runtime.url, now })) {
      // The connectors are pure, so the bench learns each delivery's event ids up front.
      const translation = connectors[system].translate(JSON.parse(delivery.body), { method: 'POST', url: '', headers: delivery.headers, rawBody: Buffer.from(delivery.body) }, now);
      deliveries.push({ system, delivery, eventIds: translation.kind === 'events' ? translation.events.map((e) => e.eventId) : [] });
    }
  }
  return deliveries;
};

interface PhaseResult {
  deliveries: number;
  rejected: number;
  events: number;
  seconds: number;
  latencies: number[];
}

const sendAll = async (runtime: LocalRuntime, processedAt: Map<string, number>, deliveries: Delivery[], options: { concurrency: number; ratePerSecond?: number }): Promise<PhaseResult> => {
  processedAt.clear();
  const sentAt = new Map<string, number>();
  let next = 0;
  let rejected = 0;
  const started = Date.now();
  // When paced, each delivery is due once the events before it have had their share of time.
  const eventsBefore: number[] = [];
  deliveries.reduce((sum, d, i) => ((eventsBefore[i] = sum), sum + d.eventIds.length), 0);
  const worker = async () => {
    while (next < deliveries.length) {
      const index = next++;
      const item = deliveries[index]!;
      if (options.ratePerSecond) {
        const due = started + (eventsBefore[index]! * 1000) / options.ratePerSecond;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
      const t = Date.now();
      for (const id of item.eventIds) if (!sentAt.has(id)) sentAt.set(id, t);
      if ((await postWebhook(runtime.url, item.system, item.delivery)).status !== 202) rejected++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  await runtime.drain(600_000);
  const finished = Math.max(...processedAt.values());
  return {
    deliveries: deliveries.length,
    rejected,
    events: processedAt.size,
    seconds: (finished - started) / 1000,
    latencies: [...sentAt].flatMap(([id, t]) => (processedAt.has(id) ? [processedAt.get(id)! - t] : [])),
  };
};

export const run = async (args: string[]): Promise<void> => {
  const accounts = flag(args, 'accounts', 200);
  const concurrency = flag(args, 'concurrency', 16);
  const rate = flag(args, 'rate', 150);
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
    const throughput = await sendAll(runtime, processedAt, renderWorld(runtime, accounts, seed, now), { concurrency });
    const latency = await sendAll(runtime, processedAt, renderWorld(runtime, Math.max(10, Math.round(accounts / 4)), seed + 1, now), { concurrency, ratePerSecond: rate });

    console.log(`ingest benchmark on the local runtime (DynamoDB Local, in-process bus and queues), seed ${seed}`);
    console.log(`  throughput  ${accounts} accounts: ${throughput.deliveries} deliveries (${throughput.rejected} rejected), ${throughput.events} events stored in ${throughput.seconds.toFixed(2)} s`);
    console.log(`              ${(throughput.events / throughput.seconds).toFixed(0)} events/s with ${concurrency} concurrent senders`);
    console.log(`  latency     ${latency.deliveries} deliveries paced at ${rate} events/s (${latency.events} events), ${latency.rejected} rejected`);
    console.log(`              event→stored p50 ${percentile(latency.latencies, 50)} ms, p99 ${percentile(latency.latencies, 99)} ms (n=${latency.latencies.length})`);
  } finally {
    await runtime.stop();
  }
};
