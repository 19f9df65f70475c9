/**
 * `npm start`: Concord on the embedded runtime, with sample data sent through the real,
 * signed webhook path. Ctrl-C stops everything.
 */
// Lambdas run on Node 22; locally on Node 20 the SDK would warn on every client it creates.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateWorld } from '../bench/generate/world';
import { WEBHOOK_SECRET_ENV } from '../functions/shared/config';
import type { SourceSystem } from '../functions/shared/canonical';
import { JavaMissingError } from '../local/dynamodb-local';
import { startLocalRuntime } from '../local/runtime';
import { sendChanges } from '../local/send-webhooks';

const env = process.env;
const port = Number(env.PORT ?? 3000);
const dataDir = resolve(env.CONCORD_DATA_DIR ?? '.data');
const sampleAccounts = Number(env.SAMPLE_ACCOUNTS ?? 12);

const main = async () => {
  mkdirSync(resolve(dataDir, 'dynamodb'), { recursive: true });
  console.log('Starting Concord locally…');
  const startedAt = new Date();
  const runtime = await startLocalRuntime({
    port,
    dbPath: resolve(dataDir, 'dynamodb'),
    dynamoPort: env.DYNAMODB_PORT ? Number(env.DYNAMODB_PORT) : undefined,
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Concord…`);
    await runtime.stop();
    console.log('Stopped. Data is kept in', dataDir);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const rows = (Object.entries(WEBHOOK_SECRET_ENV) as [SourceSystem, string][]).map(
    ([system, name]) => `  ${system.padEnd(11)} POST ${runtime.url}/webhooks/${system}\n  ${''.padEnd(11)} ${name}=${runtime.secretEnv[name]}`,
  );
  console.log(`
Concord is running.
  console      ${runtime.url}/
  health       ${runtime.url}/health
  DynamoDB     ${runtime.dynamoEndpoint} (DynamoDB Local, data in ${dataDir}/dynamodb)
  bus          in-process, routing table: functions/shared/routing.ts
  queues       ${Object.keys(runtime.queues).join(', ')} (each with a dead-letter queue)
  sandbox      ${runtime.url}/sandbox (fakes of Salesforce, HubSpot, Stripe, Zendesk, NetSuite and a generic
               receiver; unified ids are written back into them, and each lists what it was asked)
  Slack app    POST ${runtime.url}/slack/events (Bolt; ${env.SLACK_BOT_TOKEN ? 'talking to the workspace of SLACK_BOT_TOKEN' : `the local Slack's Web API at ${runtime.slack.emulator.apiUrl(runtime.url)}`})

Webhook endpoints and their local signing secrets:
${rows.join('\n')}
`);

  if (sampleAccounts > 0) {
    const now = new Date();
    const world = generateWorld({ accounts: sampleAccounts, seed: 1, now });
    console.log(`Sending sample data for ${sampleAccounts} accounts through the signed webhook path…`);
    const results = await sendChanges(runtime.url, world.changes, { secretEnv: runtime.secretEnv, now });
    // Identity rebuilds each customer as its records arrive: allow for a slow machine.
    await runtime.drain(900_000);
    const bySystem = new Map<string, { sent: number; accepted: number }>();
    for (const r of results) {
      const row = bySystem.get(r.system) ?? { sent: 0, accepted: 0 };
      row.sent++;
      if (r.status === 202) row.accepted++;
      bySystem.set(r.system, row);
    }
    for (const [system, row] of bySystem) console.log(`  ${system.padEnd(11)} ${row.accepted}/${row.sent} deliveries accepted`);
    const rejected = results.filter((r) => r.status !== 202);
    if (rejected.length > 0) console.log(`  ${rejected.length} deliveries were rejected and quarantined: npm run concord -- quarantine list`);
    const counts = { account: 0, person: 0 };
    let example: string | undefined;
    for await (const page of runtime.identityStore.scanEntities()) {
      for (const e of page) {
        counts[e.kind]++;
        if (e.kind === 'account' && e.members.length > 1 && example === undefined) example = e.label;
      }
    }
    console.log(`Identity: ${counts.account} unified customers and ${counts.person} unified people.`);
    const written = await runtime.writeBackLedger.writtenSince(startedAt);
    console.log(`Write-back: ${written.records} unified ids written to ${written.systems.length} systems (sandbox: ${runtime.url}/sandbox/<system>).`);
    const pending = await runtime.identityStore.proposals('pending', 100);
    const posted = runtime.slack.emulator.state.messages('data-stewards').length;
    console.log(`Slack: ${pending.length} merge proposal(s) waiting for a data steward; ${posted} message(s) in #data-stewards of the local Slack.`);
    console.log(`Sample data loaded. Try:
  npm run concord -- lookup ${JSON.stringify(example ?? 'acme')}
  npm run concord -- merges --pending
  npm run concord -- report disagreements`);
  }
  console.log('Press Ctrl-C to stop.');
};

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError) {
    console.error(error.message);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});
