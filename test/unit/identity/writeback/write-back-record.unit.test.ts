/**
 * Writing one record back, with in-memory ports: the outcome of each vendor answer, what the
 * ledger keeps, and how a writer that raced another one ends with the record's newest id.
 */
import type { UnifiedIdWrite, WriteResult } from '../../../../functions/identity/writeback/ports';
import type { LedgerRecord } from '../../../../functions/identity/writeback/write-back-ledger.store';
import type { CurrentIdentity, LedgerEntry } from '../../../../functions/identity/writeback/write-back-plan';
import { writeBackRecord, type WriteBackDeps } from '../../../../functions/identity/writeback/write-back-record';

const KEY = 'hubspot#account#4000000123';
const clock = { now: () => new Date('2026-11-24T12:00:00.000Z') };

/** A ledger with DynamoDB's conditional semantics, and a hook to let "another writer" act between our read and our record. */
const memoryLedger = () => {
  let entry: LedgerEntry | undefined;
  const hooks = { beforeRecord: undefined as undefined | (() => void) };
  const put = (record: LedgerRecord) => {
    entry = { ...record, version: (entry?.version ?? 0) + 1 };
  };
  return {
    hooks,
    entry: () => entry,
    put,
    ledger: {
      get: async (_key: string) => entry,
      async recordIfUnchanged(record: LedgerRecord, seen: LedgerEntry | undefined) {
        const hook = hooks.beforeRecord;
        hooks.beforeRecord = undefined;
        hook?.();
        if (entry?.version !== seen?.version) return false;
        put(record);
        return true;
      },
      recordAnyway: async (record: LedgerRecord) => put(record),
    },
  };
};

const setup = (answers: WriteResult[], current: CurrentIdentity = { unifiedId: 'cus_A', active: true }) => {
  const sent: UnifiedIdWrite[] = [];
  const state = { current };
  const memory = memoryLedger();
  const deps: WriteBackDeps = {
    identity: { currentIdentityOf: async () => state.current },
    ledger: memory.ledger,
    writer: { writeUnifiedId: async (write) => (sent.push(write), answers.shift() ?? { status: 'done' }) },
    clock,
  };
  return { deps, sent, state, memory };
};

describe('writing one record back', () => {
  it('writes the current id once, and records it as written', async () => {
    const { deps, sent, memory } = setup([{ status: 'done', request: { method: 'PATCH', url: 'http://x/crm/v3/objects/companies/4000000123' } }]);
    expect(await writeBackRecord(KEY, deps)).toEqual({ kind: 'written', unifiedId: 'cus_A', request: { method: 'PATCH', url: 'http://x/crm/v3/objects/companies/4000000123' } });
    expect(await writeBackRecord(KEY, deps)).toEqual({ kind: 'skipped', reason: 'already-held' });
    expect(sent.map((w) => w.unifiedId)).toEqual(['cus_A']);
    expect(memory.entry()).toMatchObject({ unifiedId: 'cus_A', status: 'written', version: 1 });
  });

  it('gives a failure that may pass back for a retry, and trusts nothing until a later write is confirmed', async () => {
    const { deps, sent, memory } = setup([{ status: 'failed', retryable: true, detail: 'HTTP 503: busy' }]);
    expect(await writeBackRecord(KEY, deps)).toEqual({ kind: 'retry', unifiedId: 'cus_A', detail: 'HTTP 503: busy' });
    expect(memory.entry()).toMatchObject({ status: 'unconfirmed' });
    expect(await writeBackRecord(KEY, deps)).toMatchObject({ kind: 'written' });
    expect(sent).toHaveLength(2);
    expect(sent[0]!.idempotencyKey).not.toBe(sent[1]!.idempotencyKey);
  });

  it('records a refusal with its reason, for a person, and does not ask for a retry', async () => {
    const { deps, memory } = setup([{ status: 'failed', retryable: false, detail: 'HTTP 400: VALIDATION_ERROR: Property "concord_id" does not exist' }]);
    expect(await writeBackRecord(KEY, deps)).toMatchObject({ kind: 'refused', unifiedId: 'cus_A', detail: expect.stringContaining('concord_id') });
    expect(memory.entry()).toMatchObject({ status: 'refused', detail: expect.stringContaining('concord_id') });
  });

  it('records nothing when the adapter sent nothing', async () => {
    const { deps, memory } = setup([{ status: 'skipped', detail: 'write-back to hubspot is not configured' }]);
    expect(await writeBackRecord(KEY, deps)).toEqual({ kind: 'skipped', reason: 'not-sent', detail: 'write-back to hubspot is not configured' });
    expect(memory.entry()).toBeUndefined();
  });

  it('after losing a race to a writer of an older id, writes the newest id again under a new key', async () => {
    // given our write of cus_B (the newest) and another writer's cus_A, both planned from an empty ledger;
    // theirs records first, so ours may have landed before theirs
    const { deps, sent, memory } = setup([], { unifiedId: 'cus_B', active: true });
    memory.hooks.beforeRecord = () => memory.put({ sourceKey: KEY, unifiedId: 'cus_A', status: 'written', at: clock.now().toISOString() });
    expect(await writeBackRecord(KEY, deps)).toMatchObject({ kind: 'written', unifiedId: 'cus_B' });
    expect(sent.map((w) => w.unifiedId)).toEqual(['cus_B', 'cus_B']);
    expect(sent[0]!.idempotencyKey).not.toBe(sent[1]!.idempotencyKey);
    expect(memory.entry()).toMatchObject({ unifiedId: 'cus_B', status: 'written' });
  });
});
