/**
 * `concord erase REF --yes --reason TEXT`: the right to be forgotten, from the command line. REF is
 * a unified person id, a member's source key or the person's email address. Without --yes it only
 * says whom REF names: an erasure cannot be undone. `concord erasures` lists erasures, newest first.
 *
 * The command holds no logic of its own: functions/identity/erase-person.ts does the erasure, and
 * running it again finishes one that stopped or asks again the systems that failed.
 */
import { userInfo } from 'node:os';
import type { Writable } from 'node:stream';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { ulid } from 'ulid';
import { z } from 'zod';
import { PersonEraser, type ErasureOutcome, type PersonEraserDeps } from '../../functions/identity/erase-person';
import { ErasureStore, type ErasureLog } from '../../functions/identity/erasure.store';
import type { IdentityService } from '../../functions/identity/identity-service';
import { IdentityStore } from '../../functions/identity/identity.store';
import type { ErasureRequester } from '../../functions/identity/writeback/ports';
import { SourceRecordStore } from '../../functions/reconcile/source-record.store';
import { systemClock, type Clock } from '../../functions/shared/ports';
import type { TableNames } from '../../functions/shared/tables';

/** What the commands need from where they act (bin/cli-context.ts's CliContext can provide it). */
export interface EraseContext {
  /** Said in messages: 'local (http://127.0.0.1:3000)', 'AWS (eu-west-1)'. */
  where: string;
  db: DynamoDBDocumentClient;
  tables: Pick<TableNames, 'identity' | 'sourceRecords'>;
  identity: Pick<IdentityService, 'entityOf' | 'processSourceRecord' | 'rebuildViews'>;
  /** The write-back adapters of the systems Concord may ask (functions/identity/writeback/create-write-back.ts). */
  erasureRequester: ErasureRequester;
  close(): void;
}

export interface EraseIo {
  stdout: Writable;
  stderr: Writable;
}

/** Usage errors exit with 2, like `concord resolve`; 1 says the erasure did not (fully) happen. */
export const EXIT_INVALID = 2;

export interface EraseFlags {
  yes?: boolean;
  reason?: string;
  by?: string;
  json?: boolean;
}

export const EraseOptions = z.object({
  yes: z.boolean().default(false),
  reason: z.string().trim().min(1, { error: '--reason must say why (a ticket or request reference)' }).optional(),
  by: z.string().trim().min(1).optional(),
  json: z.boolean().default(false),
});

export const eraserOf = (ctx: EraseContext, clock: Clock = systemClock): PersonEraser => {
  const deps: PersonEraserDeps = {
    store: new IdentityStore(ctx.db, ctx.tables.identity),
    identity: ctx.identity,
    sourceRecords: new SourceRecordStore(ctx.db, ctx.tables.sourceRecords),
    erasures: new ErasureStore(ctx.db, ctx.tables.identity),
    requester: ctx.erasureRequester,
    clock,
    ids: { next: () => ulid() },
  };
  return new PersonEraser(deps);
};

const line = (out: Writable, text = '') => out.write(`${text}\n`);

const describeMembers = (out: Writable, log: ErasureLog): void => {
  for (const m of log.members) {
    const request = m.request ? `${m.request.method} ${m.request.url}` : '';
    const note = [m.status === 'failed' && m.retryable ? 'retryable' : '', m.detail ?? ''].filter(Boolean).join(': ');
    line(out, `  ${m.sourceKey.padEnd(44)} ${m.status.padEnd(8)} ${[request, note].filter(Boolean).join('  ')}`);
  }
};

const exitCodeOf = (outcome: ErasureOutcome): number => (outcome.kind === 'already-erased' || (outcome.kind === 'erased' && outcome.log.status === 'erased') ? 0 : 1);

const json = (io: EraseIo, outcome: ErasureOutcome): number => {
  line(io.stdout, JSON.stringify(outcome, null, 2));
  return exitCodeOf(outcome);
};

/** Tells what happened in words, and returns the exit code. */
const report = (outcome: ErasureOutcome, ref: string, ctx: EraseContext, io: EraseIo): number => {
  switch (outcome.kind) {
    case 'erased': {
      const { log } = outcome;
      line(io.stdout, `Erased ${log.unifiedId} (${log.erasureId}, run ${log.runs}): ${log.members.length} record(s) blanked in Concord, ${log.tombstones} tombstone(s).`);
      describeMembers(io.stdout, log);
      if (exitCodeOf(outcome) === 0) return 0;
      const open = log.members.filter((m) => m.status === 'failed' || m.status === 'pending').length;
      line(io.stderr, `${open} system request(s) did not succeed; run \`concord erase ${log.unifiedId} --yes --reason …\` again to ask them again.`);
      return 1;
    }
    case 'already-erased':
      line(io.stdout, `${outcome.log.unifiedId} was already erased (${outcome.log.erasureId}, ${outcome.log.requestedAt}, by ${outcome.log.by}).`);
      describeMembers(io.stdout, outcome.log);
      return 0;
    case 'not-found':
      line(io.stderr, `No person ${ref} (${ctx.where}).`);
      return 1;
    case 'ambiguous':
      line(io.stderr, `${ref} names ${outcome.candidates.length} different people: ${outcome.candidates.join(', ')}. Erase by unified id.`);
      return 1;
    case 'refused':
      line(io.stderr, `Not erased: ${outcome.reason}.`);
      return 1;
  }
};

export const runErase = async (ctx: EraseContext, ref: string, flags: EraseFlags, io: EraseIo, clock: Clock = systemClock): Promise<number> => {
  const parsed = EraseOptions.safeParse(flags);
  if (!parsed.success) {
    line(io.stderr, parsed.error.issues.map((i) => i.message).join('\n'));
    return EXIT_INVALID;
  }
  const options = parsed.data;
  const eraser = eraserOf(ctx, clock);
  if (!options.yes) {
    // Only whom it names, by id and source key: printing the person's data would defeat the point.
    const target = await eraser.find(ref);
    if (target.kind !== 'found') return options.json ? json(io, target) : report(target, ref, ctx, io);
    if (options.json) line(io.stdout, JSON.stringify({ kind: 'plan', unifiedId: target.entity.unifiedId, members: target.entity.members }, null, 2));
    else {
      line(io.stdout, `${ref} names ${target.entity.unifiedId}, with ${target.entity.members.length} record(s):`);
      for (const k of target.entity.members) line(io.stdout, `  ${k}`);
    }
    line(io.stderr, 'Erasure cannot be undone: pass --yes and --reason to erase.');
    return EXIT_INVALID;
  }
  if (options.reason === undefined) {
    line(io.stderr, '--reason is required with --yes: say why (a ticket or request reference).');
    return EXIT_INVALID;
  }
  const outcome = await eraser.erasePerson(ref, { by: options.by ?? `cli:${userInfo().username}`, reason: options.reason });
  return options.json ? json(io, outcome) : report(outcome, ref, ctx, io);
};

export const runErasures = async (ctx: EraseContext, flags: { limit?: string; json?: boolean }, io: EraseIo): Promise<number> => {
  const limit = z.coerce.number().int().positive().safeParse(flags.limit ?? '20');
  if (!limit.success) {
    line(io.stderr, '--limit must be a positive whole number');
    return EXIT_INVALID;
  }
  const logs = await new ErasureStore(ctx.db, ctx.tables.identity).list(limit.data);
  if (flags.json) line(io.stdout, JSON.stringify(logs, null, 2));
  else if (logs.length === 0) line(io.stdout, `No erasures (${ctx.where}).`);
  else for (const l of logs) line(io.stdout, `${l.requestedAt}  ${l.erasureId.padEnd(40)} ${l.status.padEnd(11)} ${String(l.members.length).padStart(3)} record(s)  by ${l.by}: ${l.reason}`);
  return 0;
};

/** Registers `erase` and `erasures`; `open` gives a context per run, closed when the command ends. */
export const registerErase = (program: Command, open: () => Promise<EraseContext>): void => {
  const io: EraseIo = { stdout: process.stdout, stderr: process.stderr };
  const withContext = async (run: (ctx: EraseContext) => Promise<number>) => {
    const ctx = await open();
    try {
      process.exitCode = await run(ctx);
    } finally {
      ctx.close();
    }
  };
  program
    .command('erase <ref>')
    .description('erase a person (unified id, source key or email) from Concord and ask every source system to erase them')
    .option('--yes', 'erase: without it, only show whom REF names')
    .option('--reason <text>', 'why: the request or ticket reference (kept in the erasure log and the audit log)')
    .option('--by <who>', 'who asks (default: cli:<your user name>)')
    .option('--json', 'print the outcome as JSON')
    .action((ref: string, flags: EraseFlags) => withContext((ctx) => runErase(ctx, ref, flags, io)));
  program
    .command('erasures')
    .description('list erasures, newest first, with each source system’s answer')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print JSON')
    .action((flags: { limit?: string; json?: boolean }) => withContext((ctx) => runErasures(ctx, flags, io)));
};
