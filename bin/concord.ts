/**
 * The `concord` command line. It acts on the running local runtime by default and on the
 * deployed stack with --aws.
 */
// Lambdas run on Node 22; locally on Node 20 the SDK would warn on every client it creates.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { gunzipSync } from 'node:zlib';
import { Command } from 'commander';
import { openContext, RuntimeNotFoundError, type CliContext } from './cli-context';
import { registerErase } from './commands/erase';
import { registerPlaybook } from './commands/playbook';
import { registerIdentity } from './commands/identity';
import { registerImport } from './commands/import';
import { registerResolve } from './commands/resolve';

const program = new Command('concord').description('Concord: one customer across CRM, ERP, helpdesk and billing').option('--aws', 'act on the deployed stack instead of the local runtime');

const withContext =
  <A extends unknown[]>(action: (ctx: CliContext, ...args: A) => Promise<void>) =>
  async (...args: A): Promise<void> => {
    const ctx = await openContext(program.opts<{ aws?: boolean }>());
    try {
      await action(ctx, ...args);
    } finally {
      ctx.close();
    }
  };

const prettyBody = (bytes: Buffer): string => {
  const text = bytes.toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

const quarantine = program.command('quarantine').description('deliveries that failed verification or validation, kept for replay');

quarantine
  .command('list')
  .description('list quarantined deliveries, newest first')
  .option('--status <status>', 'open or replayed', 'open')
  .option('--limit <n>', 'how many', '50')
  .option('--json', 'print JSON')
  .action(
    withContext(async (ctx, opts: { status: 'open' | 'replayed'; limit: string; json?: boolean }) => {
      const entries = await ctx.quarantine.list(opts.status, Number(opts.limit));
      if (opts.json) return console.log(JSON.stringify(entries.map(({ body: _body, ...rest }) => rest), null, 2));
      if (entries.length === 0) return console.log(`No ${opts.status} quarantined deliveries (${ctx.where}).`);
      for (const e of entries) console.log(`${e.quarantineId}  ${e.receivedAt}  ${e.system.padEnd(10)} ${e.stage.padEnd(12)} ${e.reason}: ${e.detail}`);
    }),
  );

quarantine
  .command('show <id>')
  .description('show one quarantined delivery: reason, headers (credentials removed) and body')
  .action(
    withContext(async (ctx, id: string) => {
      const entry = await ctx.quarantine.get(id);
      if (!entry) {
        process.exitCode = 1;
        return console.error(`No quarantined delivery ${id}.`);
      }
      const { body, ...rest } = entry;
      console.log(JSON.stringify(rest, null, 2));
      console.log(`\nbody (${entry.bodyBytes} bytes${entry.bodyTruncated ? ', truncated' : ''}):`);
      console.log(prettyBody(gunzipSync(body)));
    }),
  );

quarantine
  .command('replay <id>')
  .description('run a quarantined delivery through the ingest path again (after fixing its cause)')
  .action(
    withContext(async (ctx, id: string) => {
      const outcome = await ctx.replay(id);
      switch (outcome.kind) {
        case 'accepted':
          return console.log(`Replayed ${id}: ${outcome.events} event(s) published.`);
        case 'rejected':
          process.exitCode = 1;
          return console.error(`Replay of ${id} was rejected again: ${outcome.reason}: ${outcome.detail}`);
        case 'not-found':
          process.exitCode = 1;
          return console.error(`No quarantined delivery ${id}.`);
        case 'not-replayable':
          process.exitCode = 1;
          return console.error(`${id} cannot be replayed: ${outcome.detail}`);
      }
    }),
  );

program
  .command('records')
  .description('list stored source records')
  .option('--system <system>', 'salesforce, hubspot, stripe, zendesk, netsuite or generic')
  .option('--type <entityType>', 'account, person, opportunity, order, subscription, invoice, ticket or activity')
  .option('--reread', 'only records to read again from their source (after a Salesforce gap or a HubSpot creation)')
  .option('--limit <n>', 'how many', '20')
  .option('--json', 'print JSON')
  .action(
    withContext(async (ctx, opts: { system?: string; type?: string; reread?: boolean; limit: string; json?: boolean }) => {
      const records = await ctx.sourceRecords.list({ sourceSystem: opts.system, entityType: opts.type, rereadRequested: opts.reread, limit: Number(opts.limit) });
      if (opts.json) return console.log(JSON.stringify(records, null, 2));
      if (records.length === 0) return console.log(`No source records match (${ctx.where}).`);
      for (const r of records) {
        const label = String(r.fields.name ?? [r.fields.firstName, r.fields.lastName].filter(Boolean).join(' ') ?? '') || String(r.fields.subject ?? r.fields.number ?? '');
        console.log(`${r.sourceKey.padEnd(48)} ${r.status.padEnd(8)} ${label}${r.rereadRequestedAt ? '  (re-read requested)' : ''}`);
      }
    }),
  );

program
  .command('record <sourceKey>')
  .description('show one source record, e.g. salesforce#account#001…')
  .action(
    withContext(async (ctx, sourceKey: string) => {
      const record = await ctx.sourceRecords.get(sourceKey);
      if (!record) {
        process.exitCode = 1;
        return console.error(`No source record ${sourceKey}.`);
      }
      console.log(JSON.stringify(record, null, 2));
    }),
  );

registerResolve(program);
registerIdentity(program, withContext);
registerErase(program, () => openContext(program.opts<{ aws?: boolean }>()));
registerImport(program, () => openContext(program.opts<{ aws?: boolean }>()));
registerPlaybook(program, () => openContext(program.opts<{ aws?: boolean }>()));

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof RuntimeNotFoundError ? error.message : error);
  process.exit(1);
});
