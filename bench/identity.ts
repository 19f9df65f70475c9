/**
 * The live identity path on the local runtime (DynamoDB Local, in-process bus and queues):
 *  1. backfill: a generated world sent through signed webhooks as fast as the runtime takes it;
 *     source records matched into entities per second, and the entities it made;
 *  2. incremental: one new record at a time (a fresh duplicate or a fresh customer's record)
 *     against the loaded store; the time from sending its webhook to the entity updated (golden
 *     record and its account's views included), p50/p99: ingest, reconcile and identity.
 *
 *   npm run bench -- identity [--accounts 100] [--samples 200] [--seed 5]
 */
import type { DeliveredBusEvent } from '../functions/shared/ports';
import type { SourceSystem } from '../functions/shared/canonical';
import { startLocalRuntime } from '../local/runtime';
import { sendChanges } from '../local/send-webhooks';
import type { SourceChange } from '../local/vendors/vendor-simulator';
import { generateWorld } from './generate/world';
import { flag, percentile } from './stats';

export const run = async (args: string[]): Promise<void> => {
  const accounts = flag(args, 'accounts', 100);
  const samples = flag(args, 'samples', 200);
  const seed = flag(args, 'seed', 5);
  const identityDone = new Set<string>();
  // When identity batches finished; an event's time has whole seconds only, so latency is timed from the send.
  const identityFinished: number[] = [];
  const runtime = await startLocalRuntime({
    port: 0,
    tablePrefix: `bench-identity-${Date.now()}-`,
    env: {},
    onProcessed: (consumer, bodies, at) => {
      if (consumer !== 'identity') return;
      identityFinished.push(at);
      for (const body of bodies) identityDone.add((JSON.parse(body) as DeliveredBusEvent).id);
    },
  });
  try {
    const now = new Date();
    const world = generateWorld({ accounts, seed, now });
    const started = performance.now();
    await sendChanges(runtime.url, world.changes, { secretEnv: runtime.secretEnv, now, concurrency: 8 });
    await runtime.drain(3_600_000);
    const seconds = (performance.now() - started) / 1000;
    const counts = { account: 0, person: 0 };
    for await (const page of runtime.identityStore.scanEntities()) for (const e of page) counts[e.kind]++;
    const notices = identityDone.size;
    console.log(
      `backfill: ${Object.values(world.changes).reduce((n, c) => n + c.length, 0)} changes, ${notices} stored records through identity in ${seconds.toFixed(1)} s ` +
        `(${(notices / seconds).toFixed(1)} records/s) → ${counts.account} customers, ${counts.person} people (truth: ${accounts} accounts)`,
    );

    // Incremental: new records one at a time, each a person or account of the generic system.
    const latencies: number[] = [];
    const sampleWorld = generateWorld({ accounts: Math.max(10, Math.ceil(samples / 10)), seed: seed + 1, now });
    const singles: { system: SourceSystem; change: SourceChange }[] = (Object.entries(sampleWorld.changes) as [SourceSystem, SourceChange[]][]).flatMap(([system, changes]) =>
      changes.filter((c) => c.changeKind === 'upsert' && (c.entityType === 'account' || c.entityType === 'person')).map((change) => ({ system, change })),
    );
    for (const { system, change } of singles.slice(0, samples)) {
      identityFinished.length = 0;
      const sent = Date.now();
      await sendChanges(runtime.url, { [system]: [change] }, { secretEnv: runtime.secretEnv, now });
      await runtime.drain(60_000);
      // The last identity batch the change caused: the entity, its golden record and its account's views.
      if (identityFinished.length > 0) latencies.push(Math.max(...identityFinished) - sent);
    }
    console.log(
      `incremental: ${latencies.length} records, webhook sent → entity and golden record updated: p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`,
    );
  } finally {
    await runtime.stop();
  }
};
