/**
 * `concord import --bulk` against the real local runtime on DynamoDB Local: a file written in bulk
 * ends as the live pipeline leaves it (entities, golden records, lookups), a second run changes
 * nothing, a run stopped after some batches and run again converges, a record arriving live later
 * joins the bulk entity, and records the store already knows go through the live engine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { runImport, type ImportContext, type ImportFlags } from '../../bin/commands/import';
import type { ImportSummary } from '../../bin/commands/import-summary';
import type { EntityItem } from '../../functions/identity/identity.store';
import { unifiedIdFor } from '../../functions/identity/matching/unified-id';
import { createDocumentClient } from '../../functions/shared/aws/dynamo';
import { HttpBus } from '../../local/http-bus';
import type { LocalRuntime, LocalRuntimeOptions } from '../../local/runtime';
import { sendChanges } from '../../local/send-webhooks';
import { startTestRuntime } from '../support/runtime';

jest.setTimeout(300_000);

type Row = Record<string, string>;

const FIRST = ['Robert', 'Maria', 'Jonathan', 'Aisha', 'Pieter', 'Mei', 'Carlos', 'Fatima', 'Olga', 'Kwame', 'Sofia', 'Liam'];
const LAST = ['Smith', 'Garcia', 'Okafor', 'Jansen', 'Chen', 'Rossi', 'Haddad', 'Ivanova', 'Mensah', 'Silva', 'Murphy', 'Khan'];
const CITIES = ['London', 'Leeds', 'Bristol', 'York'];

const emailOf = (p: number) => `${FIRST[p]}.${LAST[p]}@gmail.com`.toLowerCase();
const phoneOf = (p: number) => `+44 20 7946 ${String(1000 + p)}`;

/** Twelve people as a CRM holds them, eight of them again in billing (one name column), and four strangers. */
const crmRows = (): Row[] =>
  FIRST.map((first, p) => ({ source: 'crm', record_id: `c${p}`, first_name: first, last_name: LAST[p] as string, full_name: '', email: emailOf(p), phone: phoneOf(p), city: CITIES[p % 4] as string, birth_date: `19${60 + p}-0${1 + (p % 9)}-1${p % 10}` }));
const billingRows = (): Row[] =>
  FIRST.slice(0, 8).map((first, p) => ({ source: 'billing', record_id: `b${p}`, first_name: '', last_name: '', full_name: `${(LAST[p] as string).toUpperCase()}, ${first}`, email: emailOf(p), phone: phoneOf(p), city: CITIES[p % 4] as string, birth_date: `19${60 + p}-0${1 + (p % 9)}-1${p % 10}` }));
const strangerRows = (): Row[] =>
  ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra'].map((name, s) => ({ source: 'crm', record_id: `s${s}`, first_name: '', last_name: '', full_name: name, email: `${name.split(' ')[1]?.toLowerCase()}@outlook.com`, phone: '', city: 'Cambridge', birth_date: '' }));
const allRows = () => [...crmRows(), ...billingRows(), ...strangerRows()];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-import-bulk-int-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A runtime of its own (tables of their own) for each test, so their stores can be compared. */
const withRuntime = async <T>(work: (runtime: LocalRuntime, db: DynamoDBDocumentClient) => Promise<T>, options: LocalRuntimeOptions = {}): Promise<T> => {
  const runtime = await startTestRuntime(options);
  const db = createDocumentClient({ endpoint: runtime.dynamoEndpoint });
  try {
    return await work(runtime, db);
  } finally {
    db.destroy();
    await runtime.stop();
  }
};

const contextOf = (runtime: LocalRuntime, db: DynamoDBDocumentClient): ImportContext => ({
  where: `local (${runtime.url})`,
  bus: new HttpBus(runtime.url),
  sourceRecords: runtime.sourceRecords,
  identityStore: runtime.identityStore,
  runtimeUrl: runtime.url,
  db,
  tables: runtime.tables,
  identity: runtime.identity,
  close: () => {},
});

const sink = () => {
  const chunks: string[] = [];
  return { stream: new Writable({ write: (chunk, _enc, done) => (chunks.push(String(chunk)), done()) }), text: () => chunks.join('') };
};

const importFile = async (ctx: ImportContext, file: string, flags: ImportFlags, signal?: AbortSignal) => {
  const stdout = sink();
  const stderr = sink();
  const code = await runImport(async () => ctx, file, { entity: 'person', json: true, ...flags }, { stdout: stdout.stream, stderr: stderr.stream, ...(signal ? { signal } : {}) });
  return { code, summary: JSON.parse(stdout.text() || '{}') as ImportSummary, stderr: stderr.text() };
};

let files = 0;
const csv = (rows: readonly Row[]): string => {
  const file = join(dir, `people-${files++}.csv`);
  writeFileSync(file, stringify([...rows], { header: true, columns: Object.keys(rows[0] ?? {}) }));
  return file;
};

const entitiesOf = async (runtime: LocalRuntime): Promise<EntityItem[]> => {
  const out: EntityItem[] = [];
  for await (const page of runtime.identityStore.scanEntities()) out.push(...page);
  return out.sort((a, b) => (a.unifiedId < b.unifiedId ? -1 : 1));
};

/** The store as people see it: each entity's members, golden fields and label, by its smallest member. */
const picture = async (runtime: LocalRuntime) =>
  (await entitiesOf(runtime))
    .map((e) => ({ members: [...e.members].sort(), label: e.label, fields: (e.golden as { fields: unknown }).fields }))
    .sort((a, b) => ((a.members[0] as string) < (b.members[0] as string) ? -1 : 1));

/** Everything identity wrote, item by item, for comparing two states of one store. */
const identityItems = async (runtime: LocalRuntime, db: DynamoDBDocumentClient): Promise<string[]> => {
  const items: string[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: runtime.tables.identity, ExclusiveStartKey: cursor }));
    for (const item of page.Items ?? []) {
      // A views ticket moves on with every rebuild, whether or not anything changed.
      const { viewsTicket: _t, viewsUpdatedAt: _u, ...rest } = item;
      items.push(JSON.stringify(rest, (_k, v: unknown) => (v instanceof Set ? [...v].sort() : v)));
    }
    cursor = page.LastEvaluatedKey;
  } while (cursor !== undefined);
  return items.sort();
};

/** Calls `onBatchWrite` before each batch of writes the client sends (BatchWriteItem, TransactWriteItems: a DynamoDB client middleware). */
const onBatchWrites = (db: DynamoDBDocumentClient, name: string, onBatchWrite: () => void): void =>
  db.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'BatchWriteItemCommand' || context.commandName === 'TransactWriteItemsCommand') onBatchWrite();
      return next(args);
    },
    { step: 'initialize', name },
  );

describe('concord import --bulk', () => {
  it('has no rows in between to stop after: --stop-after is refused before anything is read', async () => {
    const stderr = sink();
    const code = await runImport(() => Promise.reject(new Error('must not open')), csv(allRows()), { entity: 'person', bulk: true, stopAfter: '5' }, { stdout: sink().stream, stderr: stderr.stream });
    expect(code).toBe(2);
    expect(stderr.text()).toMatch(/--stop-after stops the import row by row; --bulk writes the file as a whole/);
  });

  it('ends with the entities, golden records and lookups the live path makes of the same file', async () => {
    const file = csv(allRows());
    const live = await withRuntime(async (runtime, db) => {
      const run = await importFile(contextOf(runtime, db), file, { state: join(dir, 'live.state'), wait: true });
      expect(run.summary).toMatchObject({ status: 'completed', counts: { published: 24 } });
      return { picture: await picture(runtime), lookups: await Promise.all(FIRST.map(async (_, p) => (await runtime.identity.lookup(emailOf(p))).map((e) => [...e.members].sort()))) };
    });
    await withRuntime(async (runtime, db) => {
      const run = await importFile(contextOf(runtime, db), file, { state: join(dir, 'bulk.state'), bulk: true });
      expect(run.code).toBe(0);
      expect(run.summary).toMatchObject({ status: 'completed', rows: 24, counts: { published: 24, unchanged: 0, rejected: 0 } });
      expect(run.summary.bulk).toMatchObject({ records: { bulk: 24, alreadyLinked: 0, live: {} }, entities: 16, events: 24 });
      expect(await picture(runtime)).toEqual(live.picture);
      const lookups = await Promise.all(FIRST.map(async (_, p) => (await runtime.identity.lookup(emailOf(p))).map((e) => [...e.members].sort())));
      expect(lookups).toEqual(live.lookups);
      // Ids are the live rule's: derived from a member's key, the smallest, so any order of the file gives them.
      for (const e of await entitiesOf(runtime)) expect(e.unifiedId).toBe(unifiedIdFor('person', [...e.members].sort()[0] as string));
      // Write-back gives each record its entity's id, as after the live path.
      await runtime.drain(120_000);
      const ledger = await runtime.writeBackLedger.get('generic#person#billing:b0');
      expect(ledger?.unifiedId).toBe((await runtime.identityStore.entityOfRecord('generic#person#crm:c0'))?.unifiedId);
    });
  });

  it('changes nothing when run again, whether the import is done or begun anew', async () => {
    await withRuntime(async (runtime, db) => {
      const file = csv(allRows());
      const state = join(dir, 'again.state');
      const ctx = contextOf(runtime, db);
      expect((await importFile(ctx, file, { state, bulk: true })).summary.status).toBe('completed');
      await runtime.drain(120_000);
      const before = await identityItems(runtime, db);
      const published = runtime.bus.stats().published;

      expect((await importFile(ctx, file, { state, bulk: true })).summary.status).toBe('already-completed');
      const again = await importFile(ctx, file, { state, bulk: true, restart: true });
      expect(again.summary).toMatchObject({ status: 'completed', counts: { published: 0, unchanged: 24 } });
      expect(again.summary.bulk).toMatchObject({ records: { bulk: 0, alreadyLinked: 24, live: {} }, entities: 0, blocks: 0, proposals: 0, events: 0, itemsWritten: 0 });
      await runtime.drain(120_000);
      expect(await identityItems(runtime, db)).toEqual(before);
      expect(runtime.bus.stats().published).toBe(published);
    });
  });

  it('converges when stopped after some batches and run again, with no entity, link or event twice', async () => {
    const file = csv(allRows());
    let total = 0;
    const whole = await withRuntime(async (runtime, db) => {
      onBatchWrites(db, 'countBatchWrites', () => total++);
      await importFile(contextOf(runtime, db), file, { state: join(dir, 'whole.state'), bulk: true });
      return picture(runtime);
    });
    // Stopped at several points: among the source records and the blocking index, and among the entities.
    for (const stopAfter of [Math.ceil(total / 4), Math.ceil((total * 3) / 4)]) {
      // What write-back was asked to do: every identity.linked the bus delivered.
      const links: { sourceKey: string; unifiedId: string }[] = [];
      const onProcessed: LocalRuntimeOptions['onProcessed'] = (consumer, bodies) => {
        if (consumer !== 'writeback') return;
        for (const body of bodies) {
          const event = JSON.parse(body) as { 'detail-type': string; detail: { sourceKey: string; unifiedId: string } };
          if (event['detail-type'] === 'identity.linked') links.push(event.detail);
        }
      };
      await withRuntime(async (runtime, db) => {
        const interrupt = new AbortController();
        let batches = 0;
        // A stop after some writes: the DynamoDB client the import writes with aborts it after N BatchWrites.
        onBatchWrites(db, 'stopAfterBatches', () => {
          if (++batches === stopAfter) interrupt.abort();
        });
        const state = join(dir, `stopped-${stopAfter}.state`);
        const first = await importFile(contextOf(runtime, db), file, { state, bulk: true }, interrupt.signal);
        expect(first).toMatchObject({ code: 130, summary: { status: 'interrupted' } });
        const second = await importFile(contextOf(runtime, db), file, { state, bulk: true });
        expect(second.summary.status).toBe('completed');
        expect(await picture(runtime)).toEqual(whole);
        await runtime.drain(120_000);
        // Each record was linked once, to its entity, and that link announced (at least once, as the bus promises).
        const announced = new Map<string, Set<string>>();
        for (const link of links) announced.set(link.sourceKey, new Set([...(announced.get(link.sourceKey) ?? []), link.unifiedId]));
        expect(announced.size).toBe(24);
        for (const [sourceKey, ids] of announced) expect([...ids]).toEqual([(await runtime.identityStore.entityOfRecord(sourceKey))?.unifiedId]);
      }, { onProcessed });
    }
  });

  it('joins a record arriving live afterwards to the entity the bulk import made', async () => {
    await withRuntime(async (runtime, db) => {
      await importFile(contextOf(runtime, db), csv(allRows()), { state: join(dir, 'later.state'), bulk: true });
      const bulkEntity = await runtime.identityStore.entityOfRecord('generic#person#crm:c9');
      const now = new Date();
      const results = await sendChanges(
        runtime.url,
        { generic: [{ entityType: 'person', externalId: 'helpdesk:h9', fields: { firstName: 'Kwame', lastName: 'Mensah', email: emailOf(9), phone: phoneOf(9) }, changeKind: 'upsert', occurredAt: now }] },
        { secretEnv: runtime.secretEnv, now },
      );
      expect(results.map((r) => r.status)).toEqual([202]);
      await runtime.drain(120_000);
      const joined = await runtime.identityStore.entityOfRecord('generic#person#helpdesk:h9');
      expect(joined?.unifiedId).toBe(bulkEntity?.unifiedId);
      expect(joined?.members).toEqual(['generic#person#crm:c9', 'generic#person#helpdesk:h9']);
      expect(await entitiesOf(runtime)).toHaveLength(16);
    });
  });

  it('sends the records the store already knows through the live engine, which joins them to their entities', async () => {
    await withRuntime(async (runtime, db) => {
      const ctx = contextOf(runtime, db);
      // The CRM first, through the live path; then billing and the strangers in bulk.
      await importFile(ctx, csv(crmRows()), { state: join(dir, 'crm.state'), wait: true });
      const crmIds = await Promise.all(FIRST.map(async (_, p) => (await runtime.identityStore.entityOfRecord(`generic#person#crm:c${p}`))?.unifiedId));
      const run = await importFile(ctx, csv([...billingRows(), ...strangerRows()]), { state: join(dir, 'billing.state'), bulk: true });
      expect(run.summary.bulk).toMatchObject({ records: { bulk: 4, live: { 'meets-stored-records': 8 } }, entities: 4 });
      for (let p = 0; p < 8; p++) expect((await runtime.identityStore.entityOfRecord(`generic#person#billing:b${p}`))?.unifiedId).toBe(crmIds[p]);
      expect(await entitiesOf(runtime)).toHaveLength(16);
    });
  });
});
