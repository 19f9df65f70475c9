/**
 * The closed-won handoff on the local runtime (DynamoDB Local, in-process bus and queues, the
 * sandbox targets, the local Slack):
 *  1. latency: one deal at a time, from sending its signed closed-won webhook to every record made
 *     (ERP customer and order, project, email, kickoff, CS owner) and to the Slack receipt showing
 *     the finished handoff; p50/p99;
 *  2. throughput: `--burst` deals closed at once; handoffs finished per second, receipts included.
 * Customers are set up (and unified) before the clock starts: it times the handoff, not identity.
 *
 *   npm run bench -- handoff [--samples 40] [--burst 60] [--seed 5000]
 */
import { handoffIdOf } from '../functions/handoffs/handoff';
import { startLocalRuntime, type LocalRuntime } from '../local/runtime';
import { sampleDeal, type SampleDeal } from '../local/sample-deal';
import { sendChanges } from '../local/send-webhooks';
import { flag, percentile } from './stats';

const POLL_MS = 5;

const handoffIdFor = (deal: SampleDeal) => handoffIdOf('closed-won', `salesforce#opportunity#${deal.opportunityId}`);

/** Resolves with when the handoff completed and when its receipt showed that, in performance.now() time. */
const finished = async (runtime: LocalRuntime, handoffId: string, deadlineMs = 60_000): Promise<{ completed: number; receipt: number }> => {
  const deadline = performance.now() + deadlineMs;
  let completed: number | undefined;
  let version = Number.POSITIVE_INFINITY;
  while (performance.now() < deadline) {
    if (completed === undefined) {
      const handoff = await runtime.handoffStore.get(handoffId);
      if (handoff && handoff.status !== 'running') {
        if (handoff.status !== 'completed') throw new Error(`${handoffId} stopped at ${handoff.status}: ${handoff.exception?.detail ?? ''}`);
        completed = performance.now();
        version = handoff.version;
      }
    }
    if (completed !== undefined) {
      const receipt = await runtime.handoffStore.receiptOf(handoffId);
      if (receipt?.drawnVersion !== undefined && receipt.drawnVersion >= version) return { completed, receipt: performance.now() };
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`${handoffId} did not finish within ${deadlineMs} ms`);
};

const ms = (n: number) => `${Math.round(n)} ms`;

export const run = async (args: string[]): Promise<void> => {
  const samples = flag(args, 'samples', 40);
  const burst = flag(args, 'burst', 60);
  const seed = flag(args, 'seed', 5000);
  const now = new Date();
  const runtime = await startLocalRuntime({ port: 0, tablePrefix: `bench-handoff-${Date.now()}-`, env: {} });
  try {
    const deals = Array.from({ length: samples + burst }, (_, i) => sampleDeal({ seed: seed + i, now }));
    const setup = await sendChanges(runtime.url, { salesforce: deals.flatMap((d) => d.setup) }, { secretEnv: runtime.secretEnv, now, concurrency: 8 });
    if (setup.some((r) => r.status !== 202)) throw new Error('a setup webhook was refused');
    await runtime.drain(300_000);

    const toRecords: number[] = [];
    const toReceipt: number[] = [];
    for (const deal of deals.slice(0, samples)) {
      const started = performance.now();
      await sendChanges(runtime.url, { salesforce: [deal.closeWon] }, { secretEnv: runtime.secretEnv, now });
      const at = await finished(runtime, handoffIdFor(deal));
      toRecords.push(at.completed - started);
      toReceipt.push(at.receipt - started);
    }

    const burstDeals = deals.slice(samples);
    const started = performance.now();
    await sendChanges(runtime.url, { salesforce: burstDeals.map((d) => d.closeWon) }, { secretEnv: runtime.secretEnv, now, concurrency: 16 });
    const ends = await Promise.all(burstDeals.map((deal) => finished(runtime, handoffIdFor(deal), 300_000)));
    const seconds = (Math.max(...ends.map((e) => e.receipt)) - started) / 1000;

    const kinds = new Map<string, number>();
    for (const system of ['netsuite', 'asana', 'google-calendar', 'ses']) {
      for (const record of runtime.sandbox.records(system)) {
        const kind = `${system} ${record.key.split('/')[0]}`;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
    }
    const created = [...kinds].map(([kind, n]) => `${kind} ${n}`);
    // Where a handoff's time goes: each step's claim → recorded, over the one-at-a-time deals.
    const stepTimes = new Map<string, number[]>();
    for (const deal of deals.slice(0, samples)) {
      const handoff = await runtime.handoffStore.get(handoffIdFor(deal));
      for (const id of handoff?.stepOrder ?? []) {
        const step = handoff?.steps[id];
        if (step?.startedAt && step.finishedAt) stepTimes.set(id, [...(stepTimes.get(id) ?? []), Date.parse(step.finishedAt) - Date.parse(step.startedAt)]);
      }
    }
    console.log(`handoff bench: closed-won → ERP customer + sales order, CS owner, project, welcome email, kickoff, owner DM; Slack receipt`);
    console.log(`  latency (${samples} deals, one at a time):`);
    console.log(`    closed-won webhook → every record made:   p50 ${ms(percentile(toRecords, 50))}  p99 ${ms(percentile(toRecords, 99))}`);
    console.log(`    closed-won webhook → receipt shows done:  p50 ${ms(percentile(toReceipt, 50))}  p99 ${ms(percentile(toReceipt, 99))}`);
    console.log(`  throughput (${burst} deals closed at once): ${(burst / seconds).toFixed(1)} handoffs/s with receipts (${seconds.toFixed(1)} s)`);
    console.log(`  per step, p50 (claim → recorded): ${[...stepTimes].map(([id, times]) => `${id} ${ms(percentile(times, 50))}`).join(', ')}`);
    console.log(`  sandbox records: ${created.join(', ')}`);
  } finally {
    await runtime.stop();
  }
};
