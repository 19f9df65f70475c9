/**
 * `concord playbook …` and `concord handoff …`: the playbooks and their handoffs from the command
 * line. list, simulate (the dry run), resume (a paused playbook), sweep (renewals due, onboarding
 * projects completed — what the schedule runs every 15 minutes); handoffs by status, one handoff's
 * steps and history, retry and resolve. The commands hold no logic: functions/handoffs does it.
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { ulid } from 'ulid';
import { HandoffStatus, recordsOf, type HandoffItem } from '../../functions/handoffs/handoff';
import type { HandoffService } from '../../functions/handoffs/handoff-service';
import { HandoffStore } from '../../functions/handoffs/handoff.store';
import { handoffServiceOn, settingsFromSecret } from '../../functions/handoffs/handoffs.handler';
import { SimulatedEvent, type Simulation } from '../../functions/handoffs/simulate';
import { systemClock } from '../../functions/shared/ports';
import { sandboxHandoffSettings } from '../../local/sandbox/sandbox-handoff-settings';
import type { CliContext } from '../cli-context';

type OpenContext = () => Promise<CliContext>;

const handoffsOf = async (ctx: CliContext): Promise<{ service: HandoffService; store: HandoffStore }> => {
  const settings = ctx.runtimeUrl ? sandboxHandoffSettings(ctx.runtimeUrl, process.env) : await settingsFromSecret(process.env.HANDOFF_SETTINGS_ARN);
  const service = handoffServiceOn({ db: ctx.db, tables: ctx.tables, bus: ctx.bus, clock: systemClock, ids: { next: () => ulid() }, settings, entityOf: (ref) => ctx.identity.entityOf(ref) });
  return { service, store: new HandoffStore(ctx.db, ctx.tables.handoffs) };
};

const by = (flag: string | undefined): string => flag ?? `cli:${userInfo().username}`;

const run =
  <A extends unknown[]>(open: OpenContext, action: (h: { service: HandoffService; store: HandoffStore; ctx: CliContext }, ...args: A) => Promise<void>) =>
  async (...args: A): Promise<void> => {
    const ctx = await open();
    try {
      await action({ ...(await handoffsOf(ctx)), ctx }, ...args);
    } finally {
      ctx.close();
    }
  };

const printSimulation = (s: Simulation): void => {
  console.log(`${s.playbook}: ${s.decision}${s.reason ? ` — ${s.reason}` : ''}`);
  if (s.trigger) console.log(`  trigger   ${s.trigger.title}`);
  if (s.handoffId) console.log(`  handoff   ${s.handoffId}`);
  if (s.account) console.log(`  customer  ${s.account.name} (${s.account.unifiedId})`);
  if (s.template) console.log(`  template  ${s.template}`);
  for (const [i, step] of s.steps.entries()) {
    console.log(`  ${String(i + 1).padStart(2)}. ${step.title} [${step.id}]`);
    console.log(`      where: ${step.where}`);
    console.log(`      what:  ${step.what}`);
    if (step.who) console.log(`      who:   ${step.who}`);
  }
  if (s.decision === 'run') console.log('\nNothing was created: this was a dry run.');
};

const printHandoff = (h: HandoffItem): void => {
  console.log(`${h.handoffId}  ${h.playbook}  ${h.status}${h.accountName ? `  ${h.accountName}` : ''}`);
  console.log(`  trigger   ${h.trigger.title}`);
  if (h.template) console.log(`  template  ${h.template}`);
  for (const id of h.stepOrder) {
    const step = h.steps[id];
    console.log(`  ${(step?.status ?? 'pending').padEnd(8)} ${id}${step?.attempts ? ` (${step.attempts} attempt${step.attempts > 1 ? 's' : ''})` : ''}${step?.summary ? ` — ${step.summary}` : ''}${step?.error ? ` — ${step.error}` : ''}`);
  }
  for (const { record } of recordsOf(h)) console.log(`  record    ${record.system} ${record.kind} ${record.id}${record.url ? `  ${record.url}` : ''}`);
  if (h.exception) console.log(`  exception ${h.exception.reason}: ${h.exception.detail}${h.exception.assignee ? ` (assigned to ${h.exception.assignee})` : ''}`);
  if (h.confirmation) console.log(`  confirmed by ${h.confirmation.by} at ${h.confirmation.at}`);
  for (const entry of h.history) console.log(`  ${entry.at}  ${entry.by.padEnd(14)} ${entry.action}${entry.detail ? `: ${entry.detail}` : ''}`);
};

export const registerPlaybook = (program: Command, open: OpenContext): void => {
  const playbook = program.command('playbook').description('the handoff playbooks: list, dry-run, resume, sweep');

  playbook
    .command('list')
    .description('the playbooks this deployment runs (and any it refuses, with why), and whether each is paused')
    .option('--json', 'print JSON')
    .action(
      run(open, async ({ service, store }, opts: { json?: boolean }) => {
        const rows = await Promise.all(service.playbooks.map(async (p) => ({ name: p.name, title: p.title, trigger: p.trigger, steps: p.steps.map((s) => s.id), state: await store.playbookState(p.name) })));
        if (opts.json) return console.log(JSON.stringify({ playbooks: rows, refused: service.refused.map((r) => ({ source: r.source, problems: r.problems })) }, null, 2));
        for (const r of rows) console.log(`${r.name.padEnd(24)} ${r.state.paused ? `PAUSED (${r.state.reason ?? ''}) ` : ''}${r.title}\n${' '.repeat(25)}on ${r.trigger.kind}: ${r.steps.join(' → ')}`);
        for (const r of service.refused) console.log(`${r.source.padEnd(24)} REFUSED\n${r.problems.map((p) => `${' '.repeat(25)}- ${p}`).join('\n')}`);
      }),
    );

  playbook
    .command('simulate <name>')
    .description('what the playbook would create, where and for whom, for an event file — touching nothing')
    .requiredOption('--event <file>', 'JSON: { sourceSystem, entityType, externalId, fields } as the record would be, or an identity.lifecycleChanged event')
    .option('--json', 'print JSON')
    .action(
      run(open, async ({ service }, name: string, opts: { event: string; json?: boolean }) => {
        const parsed = SimulatedEvent.safeParse(JSON.parse(await readFile(opts.event, 'utf8')));
        if (!parsed.success) {
          process.exitCode = 2;
          return console.error(`${opts.event} is not an event to simulate: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        }
        const simulation = await service.simulate(name, parsed.data);
        if (simulation.decision === 'unknown-playbook') {
          process.exitCode = 2;
          return console.error(simulation.reason);
        }
        if (opts.json) return console.log(JSON.stringify(simulation, null, 2));
        printSimulation(simulation);
      }),
    );

  playbook
    .command('resume <name>')
    .description('resume a playbook its circuit breaker paused; the handoffs it held run now')
    .option('--by <who>', 'who resumes it (audited)')
    .action(
      run(open, async ({ service }, name: string, opts: { by?: string }) => {
        const outcome = await service.resumePlaybook(name, by(opts.by));
        if (!outcome.ok) {
          process.exitCode = 1;
          return console.error(outcome.why);
        }
        console.log(`Resumed ${name}; ${outcome.released} held handoff(s) released.`);
      }),
    );

  playbook
    .command('sweep')
    .description('start the renewals now due and the handoffs of onboarding projects now completed (the schedule does this every 15 minutes)')
    .action(
      run(open, async ({ service }) => {
        const { renewals, projects, restarted } = await service.sweep();
        console.log(`Requested ${renewals} renewal(s) and ${projects} customer-success takeover(s); restarted ${restarted} stalled handoff(s).`);
      }),
    );

  const handoff = program.command('handoff').description('handoffs: list, show, retry, resolve');

  handoff
    .command('list')
    .description('handoffs by status, newest first')
    .option('--status <status>', HandoffStatus.options.join(' | '), 'exception')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(
      run(open, async ({ store }, opts: { status: string; limit: string; json?: boolean }) => {
        const status = HandoffStatus.parse(opts.status);
        const rows = await store.list(status, Number(opts.limit));
        if (opts.json) return console.log(JSON.stringify(rows, null, 2));
        if (rows.length === 0) return console.log(`No ${status} handoffs.`);
        for (const h of rows) console.log(`${h.handoffId}  ${h.updatedAt}  ${h.playbook.padEnd(22)} ${h.accountName ?? ''}${h.exception ? `  — ${h.exception.reason}: ${h.exception.detail}` : ''}`);
      }),
    );

  handoff
    .command('show <id>')
    .description("one handoff's steps, records, exception and history")
    .option('--json', 'print JSON')
    .action(
      run(open, async ({ store }, id: string, opts: { json?: boolean }) => {
        const found = await store.get(id);
        if (!found) {
          process.exitCode = 1;
          return console.error(`No handoff ${id}.`);
        }
        if (opts.json) return console.log(JSON.stringify(found, null, 2));
        printHandoff(found);
      }),
    );

  for (const [verb, description] of [
    ['retry', 'run a handoff stopped at an exception again, from the step it stopped at'],
    ['resolve', 'close an exception as handled by hand; nothing more runs'],
  ] as const) {
    handoff
      .command(`${verb} <id>`)
      .description(description)
      .option('--by <who>', 'who does it (audited)')
      .action(
        run(open, async ({ service }, id: string, opts: { by?: string }) => {
          const outcome = verb === 'retry' ? await service.retry(id, by(opts.by)) : await service.resolve(id, by(opts.by));
          if (!outcome.ok) {
            process.exitCode = 1;
            return console.error(outcome.why);
          }
          console.log(`${verb === 'retry' ? 'Retrying' : 'Resolved'} ${id}.`);
        }),
      );
  }
};
