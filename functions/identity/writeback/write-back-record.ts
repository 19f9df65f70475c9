/**
 * Writes one record's unified id back into its source system, through ports only: read the record
 * as identity holds it now and the ledger, plan (write-back-plan.ts), call the vendor adapter,
 * record the outcome.
 *
 * Two writers of one record can race (two events for it in different batches). Each reads the
 * ledger before writing and records only if the ledger is unchanged since; the loser cannot know
 * whether its write landed before or after the winner's, so it plans again without trusting the
 * ledger and writes the id the record carries by then. So the last write to land was planned from
 * the record's newest state, with one exception no client can rule out: a write that got no answer
 * and lands later still. That one is recorded "unconfirmed", and the next event for the record
 * writes again.
 */
import type { Clock } from '../../shared/ports';
import type { UnifiedIdWriter } from './ports';
import type { WriteBackLedger } from './write-back-ledger.store';
import { ledgerEntryAfter, planRecordWrite, type CurrentIdentity, type SkipReason } from './write-back-plan';

export interface IdentityReader {
  /** The record as identity holds it now; undefined when identity has never seen it. */
  currentIdentityOf(sourceKey: string): Promise<CurrentIdentity | undefined>;
}

export interface WriteBackDeps {
  identity: IdentityReader;
  ledger: Pick<WriteBackLedger, 'get' | 'recordIfUnchanged' | 'recordAnyway'>;
  writer: UnifiedIdWriter;
  clock: Clock;
}

export type RecordOutcome =
  | { kind: 'written'; unifiedId: string; request?: { method: string; url: string } }
  /** Nothing to do: the plan's reason, or the adapter's ('not-sent': the system holds no such record, or is not configured). */
  | { kind: 'skipped'; reason: SkipReason | 'not-sent'; detail?: string }
  /** Refused for good: recorded in the ledger, not retried. */
  | { kind: 'refused'; unifiedId: string; detail: string; request?: { method: string; url: string } }
  /** May succeed later: the message goes back to the queue. */
  | { kind: 'retry'; unifiedId: string; detail: string };

/** Rounds of racing another writer before giving the message back to the queue. */
const MAX_ROUNDS = 4;

export const writeBackRecord = async (sourceKey: string, deps: WriteBackDeps): Promise<RecordOutcome> => {
  let distrustLedger = false;
  let lastId = '';
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const [current, ledger] = await Promise.all([deps.identity.currentIdentityOf(sourceKey), deps.ledger.get(sourceKey)]);
    const plan = planRecordWrite({ sourceKey, current, ledger, distrustLedger });
    if (plan.kind === 'skip') return { kind: 'skipped', reason: plan.reason };
    lastId = plan.write.unifiedId;
    const result = await deps.writer.writeUnifiedId(plan.write);
    const entry = ledgerEntryAfter(sourceKey, plan.write, result, deps.clock.now());
    if (entry === undefined) return { kind: 'skipped', reason: 'not-sent', ...(result.detail === undefined ? {} : { detail: result.detail }) };
    const request = result.request === undefined ? {} : { request: result.request };
    switch (entry.status) {
      case 'unconfirmed':
        // The write may still land (after a timeout), so the ledger must vouch for nothing here.
        await deps.ledger.recordAnyway(entry);
        return { kind: 'retry', unifiedId: lastId, detail: entry.detail ?? 'failed' };
      case 'refused':
        // A refusal changed nothing at the vendor: losing a race to record it does not matter.
        await deps.ledger.recordIfUnchanged(entry, ledger);
        return { kind: 'refused', unifiedId: lastId, detail: entry.detail ?? 'refused', ...request };
      case 'written':
        if (await deps.ledger.recordIfUnchanged(entry, ledger)) return { kind: 'written', unifiedId: lastId, ...request };
        distrustLedger = true;
    }
  }
  const detail = `still racing other writers of this record after ${MAX_ROUNDS} rounds`;
  await deps.ledger.recordAnyway({ sourceKey, unifiedId: lastId, status: 'unconfirmed', at: deps.clock.now().toISOString(), detail });
  return { kind: 'retry', unifiedId: lastId, detail };
};
