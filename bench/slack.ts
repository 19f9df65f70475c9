/**
 * How fast the Slack app acknowledges, which Slack needs within 3 s: bursts of concurrent
 * requests from the local Slack (slash commands, button clicks, Home opens, each signed as Slack
 * signs them) to Bolt's HTTP receiver on the local runtime, timed from send to the whole answer.
 * The worker does the real work behind them at the same time, as it would.
 *
 *   npm run bench -- slack [--concurrency 50] [--rounds 20] [--accounts 6]
 */
import { IDENTITY_EVENT_SOURCE } from '../functions/shared/bus-envelope';
import { startLocalRuntime, type LocalRuntime } from '../local/runtime';
import { sendChanges } from '../local/send-webhooks';
import { NON_STEWARD_USER_ID, STEWARD_USER_ID } from '../local/slack/workspace';
import { proposalBetween } from './generate/proposal';
import { generateWorld } from './generate/world';
import { flag, percentile } from './stats';

const STEWARDS = 'C0STEWARDS';

/** A proposal between two people, posted to the stewards, for the clicks to land on. */
const postProposal = async (runtime: LocalRuntime): Promise<string> => {
  const people = [];
  for await (const page of runtime.identityStore.scanEntities()) people.push(...page.filter((e) => e.kind === 'person'));
  const [a, b] = people;
  if (!a || !b) throw new Error('the sample world has fewer than two people');
  const proposal = proposalBetween(a, b, 'prp_BENCHSLACK', new Date());
  await runtime.identityStore.putProposal(proposal);
  await runtime.bus.publish([{ source: IDENTITY_EVENT_SOURCE, detailType: 'identity.mergeProposed', detail: proposal }]);
  await runtime.drain();
  const message = runtime.slack.emulator.state.messages(STEWARDS).find((m) => JSON.stringify(m.blocks ?? []).includes(proposal.proposalId));
  if (!message) throw new Error('the proposal was not posted');
  return message.ts;
};

export const run = async (args: string[]): Promise<void> => {
  const concurrency = flag(args, 'concurrency', 50);
  const rounds = flag(args, 'rounds', 20);
  const accounts = flag(args, 'accounts', 6);
  // A write-back the sandbox drops is retried after 10 s rather than 6 minutes, so the run can drain.
  const runtime = await startLocalRuntime({ port: 0, tablePrefix: `bench-slack-${Date.now()}-`, env: {}, visibilityTimeoutMs: 10_000 });
  try {
    const now = new Date();
    await sendChanges(runtime.url, generateWorld({ accounts, seed: 9, now }).changes, { secretEnv: runtime.secretEnv, now });
    await runtime.drain(300_000);
    const ts = await postProposal(runtime);
    const slack = runtime.slack.emulator;
    // Three kinds in turn: a lookup, a click the app must refuse (a non-steward deciding), a Home open.
    const request = (n: number) => {
      switch (n % 3) {
        case 0:
          return slack.act.slashCommand({ user: NON_STEWARD_USER_ID, channel: 'C0HANDOFFS', command: '/concord', text: 'lookup example' });
        case 1:
          return slack.act.blockAction({ user: NON_STEWARD_USER_ID, on: { channel: STEWARDS, ts }, actionId: 'proposal_approve' });
        default:
          return slack.act.openHome({ user: n % 2 === 0 ? STEWARD_USER_ID : NON_STEWARD_USER_ID });
      }
    };
    const burst = async (label: string) => {
      const acks: number[] = [];
      const failed: number[] = [];
      const started = performance.now();
      for (let round = 0; round < rounds; round++) {
        const sent = await Promise.all(Array.from({ length: concurrency }, (_, i) => request(round * concurrency + i)));
        for (const s of sent) (s.status === 200 ? acks : failed).push(s.elapsedMs);
      }
      const seconds = (performance.now() - started) / 1000;
      console.log(`  ${label.padEnd(40)} p50 ${percentile(acks, 50).toFixed(0)} ms, p99 ${percentile(acks, 99).toFixed(0)} ms, max ${Math.max(...acks).toFixed(0)} ms (${seconds.toFixed(1)} s)`);
      if (failed.length > 0) console.log(`  ${failed.length} requests were not answered 200`);
    };
    console.log(`slack: ${rounds} bursts of ${concurrency} concurrent requests (lookups, refused clicks, Home opens); ack latency, target p99 ≤ 300 ms (Slack gives up at 3000 ms)`);
    // On AWS the worker is another function; here it shares the process, so the acks are timed
    // both with it held back (its queue fills and is drained after) and with it running alongside.
    await runtime.queues.slack.stop();
    await burst('worker apart (as on AWS)');
    runtime.queues.slack.start();
    await runtime.drain(300_000);
    await burst('worker in the same process');
    await runtime.drain(300_000);
  } finally {
    await runtime.stop();
  }
};
