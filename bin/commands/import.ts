/**
 * `concord import FILE.csv --entity person|account`: a backfill into the running store through the
 * live pipeline. Each row becomes the canonical event a connector would publish (import-event.ts)
 * and goes on the bus, where reconcile stores it and identity matches it, as for any webhook. The
 * file's format is `concord resolve`'s.
 *
 * - Resumable: a checkpoint beside the file (import-checkpoint.ts) records the rows done; the same
 *   command after Ctrl-C or a crash continues there, and says so once the whole file is done.
 * - Idempotent: a row's record is `generic#<entity>#<source>:<record_id>`, every row of an import
 *   is written at the import's one version, and a row the store already holds as it is is not
 *   sent. So a row sent twice (after a crash) or a file imported again changes nothing, while a
 *   changed row, imported later and so at a newer version, updates its record.
 * - Paced: batches of rows go out a few at a time, and against the local runtime the import waits
 *   while its queues are full, so the bar shows real progress and the runtime's memory stays
 *   bounded.
 * - Or in bulk (`--bulk`, import-bulk.ts): the whole file written at once, ending in the same state.
 */
import { resolve as resolvePath } from 'node:path';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { z } from 'zod';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IdentityService } from '../../functions/identity/identity-service';
import type { IdentityStore } from '../../functions/identity/identity.store';
import { DEFAULT_SOURCE } from '../../functions/identity/matching/csv-input';
import { busEventOf } from '../../functions/ingest/ingest-webhook';
import type { SourceRecordStore } from '../../functions/reconcile/source-record.store';
import type { TableNames } from '../../functions/shared/tables';
import { putEventsBatches } from '../../functions/shared/bus-limits';
import { sourceKeyOf } from '../../functions/shared/canonical';
import { systemClock, type Clock, type EventBus } from '../../functions/shared/ports';
import { DoneRows, emptyCounts, readCheckpoint, writeCheckpoint, type ImportCheckpoint } from './import-checkpoint';
import { importVersionOf, isAlreadyStored } from './import-event';
import { importBulk, type BulkImportSummary } from './import-bulk';
import { importRunOf, readImportFile, settle, type BatchRow, type RunState, type Verdict } from './import-rows';
import { formatSummary, plural, type ImportStatus, type ImportSummary } from './import-summary';
import { progressOn, type Progress } from './progress-bar';
import { checkInput, checkOutput, EXIT_INVALID, ResolveOptions } from './resolve';
import { queueStateOf, untilDrained, untilQueuedBelow } from './runtime-queues';

/** Ctrl-C: the import stopped early and kept its checkpoint; the same command continues it. */
export const EXIT_INTERRUPTED = 130;

/** Rows read, looked up in the store and sent together: one BatchGet and one publish each. */
const ROWS_PER_BATCH = 100;
/** The local runtime keeps its queues in memory: past this many queued messages, the import waits. */
const MAX_QUEUED_LOCALLY = 2000;

/** The flags as commander hands them over: strings, or true for a bare switch. */
export interface ImportFlags {
  entity?: string;
  source?: string;
  state?: string;
  restart?: boolean;
  stopAfter?: string | number;
  concurrency?: string | number;
  dayFirst?: boolean;
  wait?: boolean;
  json?: boolean;
  bulk?: boolean;
}

export const ImportOptions = z.object({
  entity: ResolveOptions.shape.entity,
  source: z.string().trim().min(1, { error: '--source must name a source' }).default(DEFAULT_SOURCE),
  state: z.string().min(1).optional(),
  restart: z.boolean().default(false),
  stopAfter: z.coerce.number().int({ error: '--stop-after must be a whole number of rows' }).positive({ error: '--stop-after must be at least 1' }).optional(),
  concurrency: z.coerce.number().int().min(1).max(32, { error: '--concurrency must be between 1 and 32' }).default(4),
  dayFirst: z.boolean().default(false),
  wait: z.boolean().default(false),
  json: z.boolean().default(false),
  bulk: z.boolean().default(false),
});
export type ImportOptions = z.infer<typeof ImportOptions>;

/** What the import needs from where it acts (bin/cli-context.ts's CliContext provides it). */
export interface ImportContext {
  /** Said in messages: 'local (http://127.0.0.1:3000)', 'AWS (eu-west-1)'. */
  where: string;
  bus: EventBus;
  sourceRecords: Pick<SourceRecordStore, 'getMany'>;
  identityStore: Pick<IdentityStore, 'scanEntities'>;
  /** The local runtime, whose queues the import paces itself by; undefined on AWS. */
  runtimeUrl?: string;
  /** The tables and the live engine, which --bulk writes with (the CLI's context has them). */
  db?: DynamoDBDocumentClient;
  tables?: Pick<TableNames, 'identity' | 'sourceRecords'>;
  identity?: Pick<IdentityService, 'model' | 'processSourceRecord' | 'rebuildViews'>;
  close(): void;
}

export interface ImportIo {
  stdout: Writable;
  /** Warnings and (when it is a terminal) the progress bar. */
  stderr: Writable & { isTTY?: boolean };
  /** Ctrl-C: stop after the batches in flight, keeping the checkpoint. */
  signal?: AbortSignal;
  clock?: Clock;
}

// ---- the run ----------------------------------------------------------------------------------

const freshCheckpoint = (file: ImportCheckpoint['file'], options: ImportOptions, now: Date): ImportCheckpoint => ({
  format: 1,
  file,
  entity: options.entity,
  source: options.source,
  dayFirst: options.dayFirst,
  sourceVersion: importVersionOf(now),
  startedAt: now.toISOString(),
  updatedAt: now.toISOString(),
  done: [],
  counts: emptyCounts(),
  rejections: [],
  warnings: [],
});

/** Why a checkpoint cannot be continued with this file and these options, if it cannot. */
const resumeProblem = (c: ImportCheckpoint, file: ImportCheckpoint['file'], options: ImportOptions): string | undefined => {
  if (c.file.path !== file.path) return `it belongs to ${c.file.path}`;
  if (c.file.bytes !== file.bytes || c.file.modifiedMs !== file.modifiedMs) return 'the file changed since that import began';
  if (c.entity !== options.entity) return `that import was of --entity ${c.entity}`;
  if (c.source !== options.source) return `that import was of --source ${c.source}`;
  if (c.dayFirst !== options.dayFirst) return `that import was ${c.dayFirst ? 'with' : 'without'} --day-first`;
  return undefined;
};

/**
 * Sends a batch's events, except those the store already holds as they are, and says what became
 * of each. Against the local runtime, first waits until its queues have room: undefined when
 * Ctrl-C came during that wait, and nothing was sent.
 */
const sendBatch = async (ctx: ImportContext, rows: readonly BatchRow[], signal: AbortSignal | undefined): Promise<Map<number, Verdict> | undefined> => {
  const verdicts = new Map<number, Verdict>();
  const events = rows.flatMap((r) => (r.outcome.kind === 'event' ? [{ index: r.index, event: r.outcome.event }] : []));
  if (events.length === 0) return verdicts;
  if (ctx.runtimeUrl !== undefined && !(await untilQueuedBelow(ctx.runtimeUrl, MAX_QUEUED_LOCALLY, signal))) return undefined;
  const stored = new Map((await ctx.sourceRecords.getMany(events.map((e) => sourceKeyOf(e.event)))).map((r) => [r.sourceKey, r]));
  const toSend = [];
  for (const { index, event } of events) {
    const record = stored.get(sourceKeyOf(event));
    // A privacy deletion is final: reconcile would refuse the row, so it is not sent.
    const verdict: Verdict = record?.status === 'erased' ? 'erased' : record !== undefined && isAlreadyStored(event, record) ? 'unchanged' : 'published';
    verdicts.set(index, verdict);
    if (verdict === 'published') toSend.push(busEventOf(event));
  }
  // PutEvents' limits (10 entries, 256 KB), which also keep each local request small.
  for (const request of putEventsBatches(toSend)) await ctx.bus.publish(request);
  return verdicts;
};

export type Ending = { kind: 'eof' } | { kind: 'stopped' } | { kind: 'interrupted' } | { kind: 'failed'; error: string } | { kind: 'invalid'; message: string };

export interface RunDeps {
  ctx: ImportContext;
  file: string;
  options: ImportOptions;
  state: RunState;
  save: () => Promise<void>;
  progress: Progress;
  bytes: number;
  signal: AbortSignal | undefined;
  warn: (message: string) => void;
}

/** Reads the file, skipping the rows done, and sends the rest in batches; returns why it stopped. */
const importRows = async (d: RunDeps): Promise<Ending> => {
  const { ctx, file, options, state } = d;
  const inFlight = new Set<Promise<void>>();
  let failure: string | undefined;
  let rowsThisRun = 0;
  const launch = async (rows: BatchRow[]) => {
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    if (failure !== undefined) return;
    const task: Promise<void> = sendBatch(ctx, rows, d.signal)
      .then(async (verdicts) => {
        if (verdicts === undefined) return;
        settle(state, rows, verdicts);
        await d.save();
      })
      .catch((e: unknown) => {
        failure ??= e instanceof Error ? e.message : String(e);
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  let batch: BatchRow[] = [];
  let ending: Ending = { kind: 'eof' };
  const detail = () => {
    const c = state.checkpoint.counts;
    return `${state.done.size()} rows: ${c.published} published, ${c.unchanged} unchanged, ${c.rejected} rejected`;
  };
  const read = await readImportFile(file, options, importRunOf(file, state, options), d.warn, async (row, bytes) => {
    if (state.done.has(row.index)) return true;
    batch.push(row);
    rowsThisRun++;
    const stopping = options.stopAfter !== undefined && rowsThisRun >= options.stopAfter;
    if (batch.length === ROWS_PER_BATCH || stopping) {
      await launch(batch);
      batch = [];
      d.progress.update('import', bytes, d.bytes, detail());
    }
    if (stopping) ending = { kind: 'stopped' };
    else if (d.signal?.aborted) ending = { kind: 'interrupted' };
    return ending.kind === 'eof' && failure === undefined;
  });
  if (read.kind === 'invalid') ending = read;
  // A batch cut short by Ctrl-C or bad input is left for the next run; at the end of the file it goes.
  if (ending.kind === 'eof' && batch.length > 0) await launch(batch);
  await Promise.all([...inFlight]);
  d.progress.update('import', d.bytes, d.bytes, detail());
  return failure !== undefined ? { kind: 'failed', error: failure } : ending;
};

// ---- waiting for the runtime ------------------------------------------------------------------

const countEntities = async (store: ImportContext['identityStore']): Promise<{ person: number; account: number }> => {
  const counts = { person: 0, account: 0 };
  for await (const page of store.scanEntities()) for (const e of page) counts[e.kind]++;
  return counts;
};

/** The runtime once its queues are empty; undefined if Ctrl-C ended the wait. */
const waitForRuntime = async (ctx: ImportContext, runtimeUrl: string, progress: Progress, deadLettersBefore: number, signal: AbortSignal | undefined): Promise<ImportSummary['drained']> => {
  const started = performance.now();
  let peak = 0;
  const drained = await untilDrained(
    runtimeUrl,
    (s) => {
      peak = Math.max(peak, s.queued);
      progress.update('drain', peak - s.queued, peak, `${s.queued} messages queued`);
    },
    signal,
  );
  progress.stop();
  if (drained === undefined) return undefined;
  const entities = await countEntities(ctx.identityStore);
  return { elapsedMs: Math.round(performance.now() - started), unifiedPeople: entities.person, unifiedCustomers: entities.account, deadLetters: drained.deadLetters - deadLettersBefore };
};

// ---- the command ------------------------------------------------------------------------------

const DEFAULT_IO: ImportIo = { stdout: process.stdout, stderr: process.stderr };

const EXIT_OF: Record<ImportStatus, number> = { completed: 0, 'already-completed': 0, stopped: 0, interrupted: EXIT_INTERRUPTED, failed: 1 };

/**
 * Runs `concord import` and returns its exit code: 0 (rejected rows are reported, not fatal), 1
 * when the bus or the store failed, 2 for a usage error or bad input, 130 when interrupted.
 * `open` is called once the flags and the file are known to be good.
 */
export const runImport = async (open: () => Promise<ImportContext>, file: string, flags: ImportFlags, io: ImportIo = DEFAULT_IO): Promise<number> => {
  const fail = (message: string) => {
    io.stderr.write(`concord import: ${message}\n`);
    return EXIT_INVALID;
  };
  const request = await checkRequest(file, flags);
  if (request.kind === 'invalid') return fail(request.message);
  const { options, input, checkpointPath } = request;

  const clock = io.clock ?? systemClock;
  const fingerprint = { path: resolvePath(file), bytes: input.bytes, modifiedMs: input.modifiedMs };
  const previous = options.restart ? ({ kind: 'none' } as const) : await readCheckpoint(checkpointPath);
  if (previous.kind === 'unreadable') return fail(`${previous.message}; pass --restart to begin the import anew`);
  if (previous.kind === 'found') {
    const problem = resumeProblem(previous.checkpoint, fingerprint, options);
    if (problem) return fail(`cannot continue the import in ${checkpointPath}: ${problem}. Pass --restart to begin anew (rows the store already holds as they are are not sent again).`);
  }
  const checkpoint = previous.kind === 'found' ? previous.checkpoint : freshCheckpoint(fingerprint, options, clock.now());
  const state: RunState = { checkpoint, done: new DoneRows(checkpoint.done) };
  const rowsBefore = state.done.size();

  const ctx = await open();
  const progress = progressOn(io.stderr);
  const started = performance.now();
  try {
    if (options.wait && ctx.runtimeUrl === undefined) return fail('--wait works against the local runtime only; on AWS the queues drain by themselves');
    const deadLettersBefore = options.wait && ctx.runtimeUrl !== undefined ? (await queueStateOf(ctx.runtimeUrl)).deadLetters : 0;

    const alreadyCompleted = checkpoint.completedAt !== undefined;
    let ending: Ending = { kind: 'eof' };
    let bulk: BulkImportSummary | undefined;
    if (!alreadyCompleted) {
      let saving: Promise<void> = Promise.resolve();
      const save = () => {
        checkpoint.done = state.done.toJSON();
        checkpoint.updatedAt = clock.now().toISOString();
        const snapshot = structuredClone(checkpoint);
        saving = saving.then(() => writeCheckpoint(checkpointPath, snapshot));
        return saving;
      };
      await save();
      const warn = (message: string) => io.stderr.write(`concord import: warning: ${message}\n`);
      const deps: RunDeps = { ctx, file, options, state, save, progress, bytes: input.bytes, signal: io.signal, warn };
      if (options.bulk) ({ ending, bulk } = await importBulk({ ...deps, clock }));
      else ending = await importRows(deps);
      if (ending.kind === 'eof') checkpoint.completedAt = clock.now().toISOString();
      await save();
      progress.stop();
      if (ending.kind === 'invalid') return fail(`${ending.message}\n(the ${plural(state.done.size(), 'row')} done are kept in ${checkpointPath})`);
    }

    const elapsedMs = Math.round(performance.now() - started);
    const status: ImportStatus = ending.kind !== 'eof' ? ending.kind : alreadyCompleted ? 'already-completed' : 'completed';
    const summary: ImportSummary = {
      file,
      entity: options.entity,
      where: ctx.where,
      checkpoint: checkpointPath,
      status,
      rows: state.done.size(),
      rowsBefore,
      counts: checkpoint.counts,
      rejections: checkpoint.rejections,
      warnings: checkpoint.warnings,
      sourceVersion: checkpoint.sourceVersion,
      startedAt: checkpoint.startedAt,
      ...(checkpoint.completedAt !== undefined ? { completedAt: checkpoint.completedAt } : {}),
      elapsedMs,
      rowsPerSecond: elapsedMs > 0 ? ((state.done.size() - rowsBefore) * 1000) / elapsedMs : 0,
      ...(ending.kind === 'failed' ? { error: ending.error } : {}),
      ...(bulk ? { bulk } : {}),
    };
    if (options.wait && ctx.runtimeUrl !== undefined && status !== 'interrupted' && status !== 'failed') {
      const drained = await waitForRuntime(ctx, ctx.runtimeUrl, progress, deadLettersBefore, io.signal);
      if (drained !== undefined) summary.drained = drained;
    }
    progress.stop();
    io.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
    return EXIT_OF[summary.status];
  } finally {
    progress.stop();
    ctx.close();
  }
};

/** The options, the file's size and age and the checkpoint's path; or what is wrong with them. */
const checkRequest = async (
  file: string,
  flags: ImportFlags,
): Promise<{ kind: 'ok'; options: ImportOptions; input: { bytes: number; modifiedMs: number }; checkpointPath: string } | { kind: 'invalid'; message: string }> => {
  const parsed = ImportOptions.safeParse(flags);
  if (!parsed.success) return { kind: 'invalid', message: parsed.error.issues.map((i) => i.message).join('; ') };
  // The bulk path has no rows in between to stop after: Ctrl-C stops it, and the same command continues.
  if (parsed.data.bulk && parsed.data.stopAfter !== undefined) return { kind: 'invalid', message: '--stop-after stops the import row by row; --bulk writes the file as a whole (Ctrl-C stops it, and the same command continues)' };
  const input = await checkInput(file);
  if (input.kind === 'invalid') return input;
  const checkpointPath = parsed.data.state ?? `${file}.import-state`;
  const unwritable = await checkOutput('--state', checkpointPath);
  return unwritable !== undefined ? { kind: 'invalid', message: unwritable } : { kind: 'ok', options: parsed.data, input, checkpointPath };
};

const IMPORT_HELP = `
The file's format is concord resolve's (concord resolve --help): a header naming record_id, an
optional source, the person or account fields and any id:<name> trusted identifiers. Each row
becomes the source record generic#<entity>#<source>:<record_id>, so importing a file again changes
nothing, and a row changed since updates its record.

A checkpoint (FILE.import-state, or --state) records the rows done: after Ctrl-C or a crash, the
same command continues where it stopped.

--bulk writes the whole file at once instead of sending it row by row: the records in batches, the
batch matcher (concord resolve's) over all of them in memory, then the entities, the blocking index,
golden records, merge proposals, the audit log and the identity events, as the live pipeline leaves
them. Records the store already knows something about (they share a blocking key with records
already stored, they were matched before, an erased person's values) go through the live engine
instead, after the rest. It writes to the tables directly, so the runtime's queues do not pace it;
run it when nothing else writes these records. Ctrl-C stops it; the same command continues.

Examples:
  concord import people.csv --entity person --wait
  concord import people.csv --entity person --bulk`;

export const registerImport = (program: Command, open: () => Promise<ImportContext>): void => {
  program
    .command('import <file>')
    .description('backfill a CSV file of people or accounts into the running store, through the live pipeline or in bulk; resumable')
    .option('--entity <kind>', 'person or account (required)')
    .option('--source <name>', 'the source of rows whose source column is missing or empty', DEFAULT_SOURCE)
    .option('--state <file>', 'the checkpoint file (default: FILE.import-state)')
    .option('--restart', 'begin anew, ignoring the checkpoint (rows the store holds as they are are still not sent)')
    .option('--stop-after <rows>', 'stop after this many rows; the same command continues')
    .option('--concurrency <n>', `batches of ${ROWS_PER_BATCH} rows in flight at once`, '4')
    .option('--day-first', 'read NN/NN/YYYY birth dates as day first')
    .option('--wait', 'then wait until the local runtime has processed every row, and count the unified entities')
    .option('--json', 'print the summary as one JSON object')
    .option('--bulk', 'write the file in bulk (a large backfill): the same records, entities and events, minutes instead of hours')
    .addHelpText('after', IMPORT_HELP)
    // Usage errors exit with 2 here, like bad input; commander's own default is 1.
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : EXIT_INVALID))
    .action(async (file: string, flags: ImportFlags) => {
      const interrupt = new AbortController();
      const onSigint = () => {
        if (interrupt.signal.aborted) process.exit(EXIT_INTERRUPTED);
        interrupt.abort();
        process.stderr.write('\nconcord import: stopping after the batches in flight (Ctrl-C again to quit at once)…\n');
      };
      process.on('SIGINT', onSigint);
      try {
        process.exitCode = await runImport(open, file, flags, { ...DEFAULT_IO, signal: interrupt.signal });
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
};
