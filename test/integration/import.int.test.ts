/**
 * `concord import` against the real local runtime on DynamoDB Local: rows go on the bus through
 * the runtime's `POST /local/events`, reconcile stores them, identity joins one person's records
 * from two sources. An interrupted import continues without sending a row twice, and importing a
 * file again changes nothing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { runImport, type ImportContext, type ImportFlags } from '../../bin/commands/import';
import type { ImportSummary } from '../../bin/commands/import-summary';
import type { BusEvent, EventBus } from '../../functions/shared/ports';
import { HttpBus } from '../../local/http-bus';
import type { LocalRuntime } from '../../local/runtime';
import { startTestRuntime } from '../support/runtime';

jest.setTimeout(180_000);

type Row = Record<string, string>;

let runtime: LocalRuntime;
let dir: string;
/** How many times reconcile stored each import event (by event id): at least once is the bus's promise, exactly once the import's. */
const reconciled = new Map<string, number>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'concord-import-int-'));
  runtime = await startTestRuntime({
    onProcessed: (consumer, bodies) => {
      if (consumer !== 'reconcile') return;
      for (const body of bodies) {
        const eventId = (JSON.parse(body) as { detail: { eventId: string } }).detail.eventId;
        reconciled.set(eventId, (reconciled.get(eventId) ?? 0) + 1);
      }
    },
  });
});
afterAll(async () => {
  await runtime.stop();
  rmSync(dir, { recursive: true, force: true });
});

const contextOf = (bus: EventBus = new HttpBus(runtime.url)): ImportContext => ({
  where: `local (${runtime.url})`,
  bus,
  sourceRecords: runtime.sourceRecords,
  identityStore: runtime.identityStore,
  runtimeUrl: runtime.url,
  close: () => {},
});

const sink = () => {
  const chunks: string[] = [];
  return { stream: new Writable({ write: (chunk, _enc, done) => (chunks.push(String(chunk)), done()) }), text: () => chunks.join('') };
};

const importFile = async (file: string, flags: ImportFlags, options: { ctx?: ImportContext; signal?: AbortSignal } = {}) => {
  const stdout = sink();
  const code = await runImport(async () => options.ctx ?? contextOf(), file, { entity: 'person', json: true, ...flags }, { stdout: stdout.stream, stderr: sink().stream, signal: options.signal });
  return { code, summary: JSON.parse(stdout.text()) as ImportSummary };
};

const csv = (name: string, rows: readonly Row[]): string => {
  const file = join(dir, name);
  writeFileSync(file, stringify([...rows], { header: true, columns: Object.keys(rows[0] ?? {}) }));
  return file;
};

const FIRST = ['Robert', 'Maria', 'Jonathan', 'Aisha', 'Pieter', 'Mei', 'Carlos', 'Fatima', 'Olga', 'Kwame', 'Sofia', 'Liam'];
const LAST = ['Smith', 'Garcia', 'Okafor', 'Jansen', 'Chen', 'Rossi', 'Haddad', 'Ivanova', 'Mensah', 'Silva', 'Murphy', 'Khan'];

/** Twelve people as a CRM holds them (separate name columns) and as billing does (one name column, its own ids). */
const crmRows = (): Row[] =>
  FIRST.map((first, p) => ({ source: 'crm', record_id: `c${p}`, first_name: first, last_name: LAST[p] as string, ...contact(p) }));
const billingRows = (): Row[] =>
  FIRST.map((first, p) => ({ source: 'billing', record_id: `b${p}`, full_name: `${(LAST[p] as string).toUpperCase()}, ${first}`, 'id:concord_id': '', ...contact(p) }));
const contact = (p: number) => ({
  email: `${FIRST[p]}.${LAST[p]}@example${p}.com`.toLowerCase(),
  phone: `+44 20 7946 ${String(1000 + p)}`,
  city: 'London',
  birth_date: `19${60 + p}-0${1 + (p % 9)}-1${p % 10}`,
});

const many = (prefix: string, n: number): Row[] =>
  Array.from({ length: n }, (_, i) => ({ record_id: `${prefix}${i}`, first_name: `Given${prefix}${i}`, last_name: `Family${prefix}${i}`, email: `${prefix}${i}@mail${i}.example` }));

/** Per row (of the default source), how many times reconcile stored an event of its record, over all runs. */
const timesReconciled = (rows: readonly Row[]): number[] =>
  rows.map((r) => [...reconciled].filter(([eventId]) => eventId.startsWith(`import:person:import:${r.record_id}:`)).reduce((n, [, times]) => n + times, 0));

describe('concord import into the local runtime', () => {
  it('stores every row through the live pipeline, where identity joins one person’s records from two systems', async () => {
    // One system's export after the other, as a backfill of two systems goes.
    const crm = await importFile(csv('crm.csv', crmRows()), { wait: true });
    expect(crm.code).toBe(0);
    expect(crm.summary).toMatchObject({ status: 'completed', rows: 12, counts: { published: 12, unchanged: 0, rejected: 0 } });
    expect(crm.summary.drained).toMatchObject({ unifiedPeople: 12, unifiedCustomers: 0, deadLetters: 0 });
    const billing = await importFile(csv('billing.csv', billingRows()), { wait: true });
    expect(billing.summary).toMatchObject({ status: 'completed', rows: 12, counts: { published: 12 } });
    expect(billing.summary.drained).toMatchObject({ unifiedPeople: 12, deadLetters: 0 });

    for (let p = 0; p < FIRST.length; p++) {
      const inCrm = await runtime.identityStore.entityOfRecord(`generic#person#crm:c${p}`);
      const inBilling = await runtime.identityStore.entityOfRecord(`generic#person#billing:b${p}`);
      expect(inCrm?.unifiedId).toMatch(/^per_/);
      expect(inBilling?.unifiedId).toBe(inCrm?.unifiedId);
    }
    // The billing file's one name column is split as the matcher splits it, in the file's spelling.
    const record = await runtime.sourceRecords.get('generic#person#billing:b3');
    expect(record?.fields).toMatchObject({ firstName: 'Aisha', lastName: 'JANSEN', birthDate: '1963-04-13', address: { city: 'London' } });
    const [found] = await runtime.identity.lookup('aisha.jansen@example3.com');
    expect(found?.members.sort()).toEqual(['generic#person#billing:b3', 'generic#person#crm:c3']);
  });

  it('changes nothing when a file is imported again, and updates the one record whose row changed', async () => {
    const rows = crmRows();
    const file = join(dir, 'crm.csv');
    const keys = [...rows, ...billingRows()].map((r) => `generic#person#${r.source}:${r.record_id}`);
    const before = await runtime.sourceRecords.getMany(keys);
    const entitiesBefore = await Promise.all(keys.map((k) => runtime.identityStore.entityOfRecord(k)));

    const again = await importFile(file, {});
    expect(again.summary).toMatchObject({ status: 'already-completed', counts: { published: 12 } });
    const restarted = await importFile(file, { restart: true, wait: true });
    expect(restarted.summary).toMatchObject({ status: 'completed', counts: { published: 0, unchanged: 12 } });
    const sortByKey = <T extends { sourceKey: string }>(xs: T[]) => [...xs].sort((a, b) => a.sourceKey.localeCompare(b.sourceKey));
    expect(sortByKey(await runtime.sourceRecords.getMany(keys))).toEqual(sortByKey(before));

    const changed = rows.map((r) => (r.record_id === 'c5' ? { ...r, phone: '+44 20 7946 9999' } : r));
    const update = await importFile(csv('crm-changed.csv', changed), { wait: true });
    expect(update.summary).toMatchObject({ status: 'completed', counts: { published: 1, unchanged: 11 } });
    expect((await runtime.sourceRecords.get('generic#person#crm:c5'))?.fields.phone).toBe('+44 20 7946 9999');
    const entitiesAfter = await Promise.all(keys.map((k) => runtime.identityStore.entityOfRecord(k)));
    expect(entitiesAfter.map((e) => e?.unifiedId)).toEqual(entitiesBefore.map((e) => e?.unifiedId));
  });

  it('continues an interrupted import where it stopped: every row arrives, none is sent twice', async () => {
    const rows = many('int', 250);
    const file = csv('interrupted.csv', rows);
    // Ctrl-C as soon as the bus has taken its first events: the batch in flight finishes, no new one starts.
    const interrupt = new AbortController();
    const http = new HttpBus(runtime.url);
    const bus = {
      publish: async (events: readonly BusEvent[]) => {
        await http.publish(events);
        interrupt.abort();
      },
    };
    const first = await importFile(file, { concurrency: '1' }, { ctx: contextOf(bus), signal: interrupt.signal });
    expect(first.code).toBe(130);
    expect(first.summary.status).toBe('interrupted');
    expect(first.summary.rows).toBeGreaterThan(0);
    expect(first.summary.rows).toBeLessThan(rows.length);

    const stopped = await importFile(file, { stopAfter: '50' });
    expect(stopped.summary).toMatchObject({ status: 'stopped', rows: first.summary.rows + 50, rowsBefore: first.summary.rows });

    const rest = await importFile(file, {});
    expect(rest.summary).toMatchObject({ status: 'completed', rows: 250, counts: { published: 250, unchanged: 0 } });
    await runtime.drain(120_000);
    expect(timesReconciled(rows)).toEqual(rows.map(() => 1));
  });

  it('sends nothing twice after a crash between the bus taking a batch and the checkpoint saying so', async () => {
    const rows = many('crash', 60);
    const file = csv('crash.csv', rows);
    await importFile(file, {});
    await runtime.drain(120_000);
    // The checkpoint as a crash right after publishing would have left it: nothing recorded as done.
    const checkpointFile = `${file}.import-state`;
    const checkpoint = JSON.parse(readFileSync(checkpointFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(checkpointFile, JSON.stringify({ ...checkpoint, done: [], completedAt: undefined, counts: { published: 0, unchanged: 0, erased: 0, rejected: 0, warned: 0 } }));

    const resumed = await importFile(file, {});
    expect(resumed.summary).toMatchObject({ status: 'completed', rows: 60, counts: { published: 0, unchanged: 60 } });
    await runtime.drain(120_000);
    expect(timesReconciled(rows)).toEqual(rows.map(() => 1));
  });

  it('imports accounts, whose tax ids identity trusts', async () => {
    const accounts = [
      { record_id: 'a1', name: 'Acme GmbH', domain: 'acme.example', city: 'Berlin', country: 'DE', 'id:tax': 'DE123456789' },
      { record_id: 'a2', name: 'ACME', domain: 'acme.example', city: 'Berlin', country: 'DE', 'id:tax': 'DE123456789' },
      { record_id: 'a3', name: 'Globex Ltd', domain: 'globex.example', city: 'Leeds', country: 'GB', 'id:tax': 'GB999' },
    ];
    const { summary } = await importFile(csv('accounts.csv', accounts), { entity: 'account', source: 'erp', wait: true });
    expect(summary).toMatchObject({ status: 'completed', counts: { published: 3 } });
    const [a1, a2, a3] = await Promise.all(['a1', 'a2', 'a3'].map((id) => runtime.identityStore.entityOfRecord(`generic#account#erp:${id}`)));
    expect(a1?.unifiedId).toMatch(/^cus_/);
    expect(a2?.unifiedId).toBe(a1?.unifiedId);
    expect(a3?.unifiedId).not.toBe(a1?.unifiedId);
  });
});
