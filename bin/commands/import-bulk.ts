/**
 * `concord import FILE --bulk`: the whole file into the store at once (functions/identity/bulk/)
 * rather than row by row through the bus. The rows are read and made canonical exactly as the live
 * path makes them (import-rows.ts); the source records, the identity graph, the golden records and
 * the events end as the live pipeline leaves them, and the rows the store already knows otherwise
 * go to the live engine. The checkpoint is the live path's: a stopped bulk import continues with
 * the same command, and an import completed either way is not done again.
 */
import { basename } from 'node:path';
import { bulkBackfill, type BulkBackfillDeps, type BulkPhase, type BulkReport, type SourceVerdict } from '../../functions/identity/bulk/bulk-backfill';
import { ErasureStore } from '../../functions/identity/erasure.store';
import { IdentityStore } from '../../functions/identity/identity.store';
import { sourceKeyOf } from '../../functions/shared/canonical';
import type { Clock } from '../../functions/shared/ports';
import type { ImportContext, RunDeps, Ending } from './import';
import { isAlreadyStored } from './import-event';
import { importRunOf, readImportFile, settle, type BatchRow, type Verdict } from './import-rows';

/** What the summary tells of a bulk import. */
export type BulkImportSummary = Omit<BulkReport, 'verdicts' | 'status'>;

const VERDICT_OF: Record<SourceVerdict, Verdict> = { written: 'published', unchanged: 'unchanged', erased: 'erased' };

const PHASE_LABEL: Record<BulkPhase, string> = {
  read: 'read',
  match: 'match',
  before: 'store',
  plan: 'plan',
  sources: 'records',
  index: 'index',
  entities: 'entities',
  proposals: 'proposals',
  publish: 'events',
  live: 'live',
};

const bulkDepsOf = ({ db, tables, identity, sourceRecords, bus }: ImportContext, clock: Clock): BulkBackfillDeps | undefined =>
  db &&
  tables &&
  identity && { db, tables, identity, sourceRecords, bus, clock, identityStore: new IdentityStore(db, tables.identity), erasures: new ErasureStore(db, tables.identity) };

/** Reads every row, writes the file in bulk, and counts the rows not done before by what became of them. */
export const importBulk = async (d: RunDeps & { clock: Clock }): Promise<{ ending: Ending; bulk?: BulkImportSummary }> => {
  const { ctx, file, options, state } = d;
  const deps = bulkDepsOf(ctx, d.clock);
  if (deps === undefined) return { ending: { kind: 'invalid', message: `--bulk cannot write to ${ctx.where}: it needs the tables themselves` } };
  const rows: BatchRow[] = [];
  const read = await readImportFile(file, options, importRunOf(file, state, options), d.warn, async (row, bytes) => {
    rows.push(row);
    d.progress.update('read', bytes, d.bytes, `${rows.length} rows`);
    return !d.signal?.aborted;
  });
  if (read.kind === 'invalid') return { ending: read };
  if (read.kind === 'stopped') return { ending: { kind: 'interrupted' } };

  let report: BulkReport;
  try {
    report = await bulkBackfill(deps, {
      kind: options.entity,
      events: rows.flatMap((r) => (r.outcome.kind === 'event' ? [r.outcome.event] : [])),
      // Every run of one import links at its start, so a run after a stop writes what the first would have.
      at: new Date(state.checkpoint.startedAt),
      origin: basename(file),
      isUnchanged: isAlreadyStored,
      ...(d.signal ? { signal: d.signal } : {}),
      onProgress: (phase, done, total) => d.progress.update(PHASE_LABEL[phase], done, total),
    });
  } catch (e) {
    return { ending: { kind: 'failed', error: e instanceof Error ? e.message : String(e) } };
  }
  const { verdicts, status, ...summary } = report;
  if (status === 'interrupted') return { ending: { kind: 'interrupted' }, bulk: summary };
  const verdictOf = new Map(rows.flatMap((r) => (r.outcome.kind === 'event' ? [[r.index, VERDICT_OF[verdicts.get(sourceKeyOf(r.outcome.event)) ?? 'unchanged']] as const] : [])));
  settle(
    state,
    rows.filter((r) => !state.done.has(r.index)),
    verdictOf,
  );
  await d.save();
  return { ending: { kind: 'eof' }, bulk: summary };
};
