/**
 * `concord import`: a row becomes the canonical event a connector would publish, and identity
 * reads the stored record back as `concord resolve` reads the row. The command itself runs here
 * against an in-memory pipeline (a bus that applies each event as reconcile does); the real local
 * runtime is in test/integration/import.int.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { DoneRows } from '../../bin/commands/import-checkpoint';
import { columnsNotKept, importEventOf, isAlreadyStored, personNameOf, type ImportRun } from '../../bin/commands/import-event';
import { runImport, type ImportContext, type ImportFlags } from '../../bin/commands/import';
import type { ImportSummary } from '../../bin/commands/import-summary';
import { scalePeople } from '../../bench/scale-people';
import { csvLayout, rowToMatchInput } from '../../functions/identity/matching/csv-input';
import { matchInputOf } from '../../functions/identity/matching/from-source-record';
import { prepare, type EntityKind, type MatchInput, type Prepared } from '../../functions/identity/matching/match-record';
import { applySourceChange } from '../../functions/reconcile/apply-source-change';
import { CanonicalEvent, sourceKeyOf, type SourceRecord } from '../../functions/shared/canonical';
import type { BusEvent } from '../../functions/shared/ports';

const RUN: ImportRun = { startedAt: new Date('2026-03-02T10:00:00Z'), dayFirst: false, fileName: 'people.csv' };
const LATER: ImportRun = { ...RUN, startedAt: new Date('2026-03-03T10:00:00Z') };

type Row = Record<string, string>;

/** What the file's row says, and what the event it becomes is stored as (reconcile's pure core). */
const imported = (kind: EntityKind, header: readonly string[], row: Row, run = RUN, existing?: SourceRecord) => {
  const layout = csvLayout(header, kind);
  const input = rowToMatchInput(row, layout);
  const outcome = importEventOf(input, layout, run, 2, row);
  if (outcome.kind !== 'event') throw new Error(`rejected: ${outcome.reason}`);
  const applied = applySourceChange(existing, outcome.event, run.startedAt);
  const record = applied.kind === 'changed' ? applied.record : existing;
  return { input, layout, event: outcome.event, leftOut: outcome.leftOut, record: record as SourceRecord };
};

const PERSON_HEADER = ['record_id', 'source', 'first_name', 'last_name', 'email', 'phone', 'title', 'street', 'city', 'postcode', 'region', 'country', 'birth_date', 'id:concord_id'];

describe('a row as a canonical event', () => {
  it('is an upsert of the generic system, keyed by source and record id, valid against the canonical schema', () => {
    const { event } = imported('person', ['record_id', 'source', 'email'], { record_id: '42', source: 'crm', email: 'ann@example.com' });
    expect(CanonicalEvent.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      sourceSystem: 'generic',
      entityType: 'person',
      externalId: 'crm:42',
      changeKind: 'upsert',
      sourceVersion: '0001772445600000:0000000000',
      occurredAt: '2026-03-02T10:00:00.000Z',
      vendorEventId: 'people.csv:2',
      raw: { record_id: '42', source: 'crm', email: 'ann@example.com' },
    });
    expect(sourceKeyOf(event)).toBe('generic#person#crm:42');
  });

  it('comes back to identity with the names, email, phone, address, birth date and trusted id of the row', () => {
    const row = {
      record_id: 'p1', source: 'crm', first_name: 'Ann', last_name: 'Smith-Jones', email: 'Ann.Smith@Example.com', phone: '+44 20 7946 0958', title: 'CFO',
      street: '1 High Street', city: 'London', postcode: 'SW1A 1AA', region: 'England', country: 'GB', birth_date: '1980-04-03', 'id:concord_id': 'per_123',
    };
    const { input, record } = imported('person', PERSON_HEADER, row);
    expect(matchInputOf(record)).toEqual({ ...input, key: 'generic#person#crm:p1', source: 'generic' });
  });

  it('keeps an account’s name, domain, website, phone, address and tax id, customer number and concord id', () => {
    const header = ['record_id', 'name', 'domain', 'website', 'phone', 'city', 'country', 'id:tax', 'id:customer_number', 'id:concord_id'];
    const row = { record_id: 'a1', name: 'Acme GmbH', domain: 'acme.example', website: 'https://www.acme.example', phone: '+49 30 1234567', city: 'Berlin', country: 'DE', 'id:tax': 'DE 123.456', 'id:customer_number': 'C-9', 'id:concord_id': 'cus_1' };
    const { input, record } = imported('account', header, row);
    expect(matchInputOf(record)).toEqual({
      ...input,
      key: 'generic#account#import:a1',
      source: 'generic',
      // The live matcher names and normalizes these as it does for every system.
      trustedIds: { concord_id: 'cus_1', tax_id: 'DE123456', 'customer_number@generic': 'C-9' },
    });
  });

  it('names the columns the canonical records have no place for', () => {
    expect(columnsNotKept(csvLayout(['record_id', 'first_name', 'company', 'company_domain', 'id:ssn', 'id:concord_id'], 'person'))).toEqual(['company', 'company_domain', 'id:ssn']);
    expect(columnsNotKept(csvLayout(['record_id', 'name', 'email', 'id:tax_id'], 'account'))).toEqual(['email']);
  });

  it('writes a birth date as an ISO date, read as resolve reads it (month first unless --day-first), and leaves out one that is no date, saying why', () => {
    const birthDate = (cell: string, run = RUN) =>
      (imported('person', ['record_id', 'first_name', 'birth_date'], { record_id: '1', first_name: 'Ann', birth_date: cell }, run).event.fields as { birthDate?: string }).birthDate;
    expect(birthDate('12/25/1990')).toBe('1990-12-25');
    expect(birthDate('03/04/1990')).toBe('1990-03-04');
    expect(birthDate('03/04/1990', { ...RUN, dayFirst: true })).toBe('1990-04-03');
    const impossible = imported('person', ['record_id', 'first_name', 'birth_date'], { record_id: '1', first_name: 'Ann', birth_date: '1990-02-30' });
    expect(impossible.event.fields).toEqual({ firstName: 'Ann' });
    expect(impossible.event.clearedFields).toBeUndefined();
    expect(impossible.leftOut).toEqual(['birth_date "1990-02-30" left out: impossible-date']);
  });

  it('clears what a blank cell empties, and leaves alone what the header does not name', () => {
    const { event } = imported('person', ['record_id', 'first_name', 'email', 'city', 'postcode'], { record_id: '1', first_name: 'Ann', email: ' ', city: 'Leeds', postcode: '' });
    expect(event.fields).toEqual({ firstName: 'Ann', address: { city: 'Leeds' } });
    expect(event.clearedFields).toEqual(['email', 'address.postalCode']);
    expect(event.changedFields).toEqual(['firstName', 'address', 'email', 'address.postalCode']);
  });

  it('rejects a row with nothing Concord keeps, and a record key too long for an external id', () => {
    const layout = csvLayout(['record_id', 'company'], 'person');
    const empty = importEventOf(rowToMatchInput({ record_id: '1', company: 'Acme' }, layout), layout, RUN, 7, {});
    expect(empty).toEqual({ kind: 'rejected', reason: 'nothing to import: no person field Concord keeps has a value' });
    const long = csvLayout(['record_id', 'first_name'], 'person');
    expect(importEventOf(rowToMatchInput({ record_id: 'x'.repeat(600), first_name: 'A' }, long), long, RUN, 8, {})).toMatchObject({ kind: 'rejected', reason: expect.stringMatching(/at most 512/) });
  });
});

describe('a full name', () => {
  it.each([
    ['John Smith', { first: 'John', last: 'Smith' }],
    ['Smith, John', { first: 'John', last: 'Smith' }],
    ['Dr. María García', { first: 'Dr. María', last: 'García' }],
    ['Jan van der Berg', { first: 'Jan', last: 'van der Berg' }],
    ['Madonna', { first: 'Madonna' }],
  ])('%s is split where the matcher splits it, in the file’s own spelling', (full, expected) => {
    expect(personNameOf({ full_name: full })).toEqual(expected);
  });

  it('fills only the part the separate columns leave empty', () => {
    expect(personNameOf({ first_name: 'Johnny', full_name: 'John Smith' })).toEqual({ first: 'Johnny', last: 'Smith' });
  });
});

/** What the matcher compares of a person, less the employer: the canonical person has no company. */
const comparable = (p: Prepared) => {
  const { key: _key, source: _source, name: _name, nameTokens: _tokens, nameSquashed: _squashed, ...rest } = p;
  return rest;
};

describe('the round trip through the store, on many realistic people', () => {
  const { inputs } = scalePeople(400, 5);
  const header = ['record_id', 'source', 'first_name', 'last_name', 'full_name', 'email', 'phone', 'street', 'city', 'postcode', 'region', 'birth_date', 'company', 'id:concord_id'];

  it('gives the matcher the same person as the row itself, with a full name or separate names', () => {
    inputs.forEach((person, i) => {
      const [source, recordId] = person.key.split(':') as [string, string];
      const f = person.fields as Row;
      // Every third row spells the name as one column, as many exports do.
      const names: Row = i % 3 === 0 ? { full_name: i % 2 === 0 ? `${f.first_name} ${f.last_name}` : `${f.last_name}, ${f.first_name}` } : { first_name: f.first_name ?? '', last_name: f.last_name ?? '' };
      const row: Row = { ...f, first_name: '', last_name: '', ...names, source, record_id: recordId, 'id:concord_id': i % 5 === 0 ? `per_${i}` : '' };
      const outcome = importEventOf(rowToMatchInput(row, csvLayout(header, 'person')), csvLayout(header, 'person'), RUN, i + 2, row);
      // A birth date the generator garbled is left out; the row itself is not lost.
      if (outcome.kind !== 'event') throw new Error(`line ${i + 2} rejected: ${outcome.reason}`);
      const stored = applySourceChange(undefined, outcome.event, RUN.startedAt);
      if (stored.kind !== 'changed') throw new Error('not stored');
      const live = prepare(matchInputOf(stored.record) as MatchInput);
      const file = prepare(rowToMatchInput(row, csvLayout(header, 'person')));
      const expected = comparable(file);
      if (outcome.leftOut.length > 0) delete expected.birthDate;
      expect({ line: i + 2, ...comparable(live) }).toEqual({ line: i + 2, ...expected });
    });
  });
});

describe('already stored', () => {
  const header = ['record_id', 'first_name', 'email', 'city', 'postcode'];
  const row = { record_id: '1', first_name: 'Ann', email: 'ann@example.com', city: 'Leeds', postcode: '' };

  it('is true for the same row imported again later, false once a cell changed or was emptied', () => {
    const { record } = imported('person', header, row);
    expect(isAlreadyStored(imported('person', header, row, LATER).event, record)).toBe(true);
    expect(isAlreadyStored(imported('person', header, { ...row, city: 'York' }, LATER).event, record)).toBe(false);
    expect(isAlreadyStored(imported('person', header, { ...row, email: '' }, LATER).event, record)).toBe(false);
  });

  it('agrees with reconcile: the same row imported later would change only versions, a changed one its value', () => {
    const first = imported('person', header, row);
    const same = applySourceChange(first.record, imported('person', header, row, LATER).event, LATER.startedAt);
    expect(same.kind === 'changed' && same.record.fields).toEqual(first.record.fields);
    const changed = imported('person', header, { ...row, city: 'York' }, LATER, first.record);
    expect(changed.record.fields).toEqual({ firstName: 'Ann', email: 'ann@example.com', address: { city: 'York' } });
  });
});

describe('the rows done', () => {
  it('are the rows added, in whatever order, kept as few ranges', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(200), { maxLength: 150 }), (rows) => {
        const done = new DoneRows();
        for (const r of rows) done.add(r);
        const again = new DoneRows(done.toJSON());
        for (let r = 0; r <= 201; r++) expect(again.has(r)).toBe(rows.includes(r));
        expect(again.size()).toBe(rows.length);
        const ranges = again.toJSON();
        ranges.forEach(([from, to], i) => {
          expect(from).toBeLessThan(to);
          if (i > 0) expect(from).toBeGreaterThan((ranges[i - 1] as [number, number])[1]);
        });
      }),
    );
  });
});

// ---- the command, on an in-memory pipeline ----------------------------------------------------

/** A bus that stores each event as reconcile would, into a store the import reads. */
const memoryPipeline = () => {
  const records = new Map<string, SourceRecord>();
  const published: string[] = [];
  let failAfter = Infinity;
  const bus = {
    async publish(events: readonly BusEvent[]) {
      if (published.length >= failAfter) throw new Error('bus unavailable');
      for (const e of events) {
        const event = CanonicalEvent.parse(e.detail);
        published.push(sourceKeyOf(event));
        const outcome = applySourceChange(records.get(sourceKeyOf(event)), event, new Date());
        if (outcome.kind === 'changed') records.set(outcome.record.sourceKey, outcome.record);
      }
    },
  };
  const ctx: ImportContext = {
    where: 'memory',
    bus,
    sourceRecords: { getMany: async (keys) => keys.flatMap((k) => records.get(k) ?? []) },
    identityStore: { scanEntities: async function* () {} },
    close: () => {},
  };
  return { ctx, records, published, failAfterPublishing: (n: number) => (failAfter = n) };
};

const sink = () => {
  const chunks: string[] = [];
  return { stream: new Writable({ write: (chunk, _enc, done) => (chunks.push(String(chunk)), done()) }), text: () => chunks.join('') };
};

describe('concord import', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'concord-import-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const people = (n: number): Row[] =>
    Array.from({ length: n }, (_, i) => ({ record_id: `r${i}`, first_name: `Ann${i}`, last_name: 'Smith', email: `ann${i}@example.com` }));
  const write = (rows: readonly Row[], name = 'people.csv'): string => {
    const file = join(dir, name);
    writeFileSync(file, stringify([...rows], { header: true, columns: Object.keys(rows[0] ?? {}) }));
    return file;
  };
  const run = async (ctx: ImportContext, file: string, flags: ImportFlags = {}) => {
    const stdout = sink();
    const stderr = sink();
    const code = await runImport(async () => ctx, file, { entity: 'person', json: true, ...flags }, { stdout: stdout.stream, stderr: stderr.stream });
    return { code, summary: (stdout.text() ? JSON.parse(stdout.text()) : undefined) as ImportSummary, stderr: stderr.text() };
  };

  it('publishes every row once, and says so when run again', async () => {
    const pipeline = memoryPipeline();
    const file = write(people(250));
    const first = await run(pipeline.ctx, file);
    expect(first.code).toBe(0);
    expect(first.summary).toMatchObject({ status: 'completed', rows: 250, rowsBefore: 0, counts: { published: 250, unchanged: 0, rejected: 0 } });
    expect(new Set(pipeline.published).size).toBe(250);
    expect(pipeline.published).toHaveLength(250);

    const again = await run(pipeline.ctx, file);
    expect(again.summary).toMatchObject({ status: 'already-completed', rows: 250 });
    expect(pipeline.published).toHaveLength(250);
  });

  it('stops after N rows and continues where it stopped, publishing no row twice', async () => {
    const pipeline = memoryPipeline();
    const file = write(people(250));
    const stopped = await run(pipeline.ctx, file, { stopAfter: '130' });
    expect(stopped.summary).toMatchObject({ status: 'stopped', rows: 130, counts: { published: 130 } });
    expect(JSON.parse(readFileSync(`${file}.import-state`, 'utf8')).done).toEqual([[0, 130]]);

    const resumed = await run(pipeline.ctx, file);
    expect(resumed.summary).toMatchObject({ status: 'completed', rows: 250, rowsBefore: 130, counts: { published: 250 } });
    expect(pipeline.published).toHaveLength(250);
    expect(new Set(pipeline.published).size).toBe(250);
  });

  it('after a bus failure keeps the batches done, and sends the rest when run again', async () => {
    const pipeline = memoryPipeline();
    const file = write(people(250));
    pipeline.failAfterPublishing(100);
    const failed = await run(pipeline.ctx, file, { concurrency: '1' });
    expect(failed.code).toBe(1);
    expect(failed.summary).toMatchObject({ status: 'failed', error: 'bus unavailable', rows: 100 });

    pipeline.failAfterPublishing(Infinity);
    const resumed = await run(pipeline.ctx, file);
    expect(resumed.summary).toMatchObject({ status: 'completed', rows: 250 });
    expect(new Set(pipeline.published).size).toBe(250);
    expect(pipeline.published).toHaveLength(250);
  });

  it('sends nothing when the file is imported again from the start, and only the changed row of a changed file', async () => {
    const pipeline = memoryPipeline();
    const rows = people(30);
    const file = write(rows);
    await run(pipeline.ctx, file);
    const before = structuredClone([...pipeline.records.values()]);

    const restarted = await run(pipeline.ctx, file, { restart: true });
    expect(restarted.summary).toMatchObject({ status: 'completed', counts: { published: 0, unchanged: 30 } });
    expect([...pipeline.records.values()]).toEqual(before);

    rows[7] = { ...rows[7], email: 'ann.new@example.com' } as Row;
    const changed = write(rows, 'people-changed.csv');
    const update = await run(pipeline.ctx, changed);
    expect(update.summary).toMatchObject({ counts: { published: 1, unchanged: 29 } });
    expect(pipeline.records.get('generic#person#import:r7')?.fields.email).toBe('ann.new@example.com');
  });

  it('refuses to continue an import of a file that changed since', async () => {
    const pipeline = memoryPipeline();
    const file = write(people(20));
    await run(pipeline.ctx, file, { stopAfter: '5' });
    writeFileSync(file, stringify(people(21), { header: true, columns: ['record_id', 'first_name', 'last_name', 'email'] }));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const refused = await run(pipeline.ctx, file);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the file changed since that import began\. Pass --restart/);
  });

  it('reports each row it rejects with its line and reason, and imports the others', async () => {
    const pipeline = memoryPipeline();
    const file = join(dir, 'bad.csv');
    writeFileSync(file, ['record_id,first_name,birth_date,company', 'a,Ann,1980-01-02,', ',Bob,,', 'a,Ann again,,', 'c,Cid', 'd,Dee,1990-02-30,', 'e,,,Acme', 'f,Fay,,'].join('\n'));
    const { code, summary, stderr } = await run(pipeline.ctx, file);
    expect(code).toBe(0);
    expect(summary.counts).toMatchObject({ published: 3, rejected: 4, warned: 1 });
    expect(summary.rejections).toEqual([
      { line: 3, reason: 'a row has an empty record_id' },
      { line: 4, reason: 'duplicate record import:a (source:record_id), first on line 2' },
      { line: 5, reason: '2 cells, but the header names 4 columns' },
      { line: 7, reason: 'nothing to import: no person field Concord keeps has a value' },
    ]);
    expect(summary.warnings).toEqual([{ line: 6, reason: 'birth_date "1990-02-30" left out: impossible-date' }]);
    expect(stderr).toMatch(/no place for column\(s\) company/);

    // Run again, the text summary still names every rejected line: the checkpoint keeps them.
    const stdout = sink();
    expect(await runImport(async () => pipeline.ctx, file, { entity: 'person' }, { stdout: stdout.stream, stderr: sink().stream })).toBe(0);
    expect(stdout.text()).toContain(
      [
        '  rejected       4',
        '      line 3: a row has an empty record_id',
        '      line 4: duplicate record import:a (source:record_id), first on line 2',
        '      line 5: 2 cells, but the header names 4 columns',
        '      line 7: nothing to import: no person field Concord keeps has a value',
        '  warnings       1',
        '      line 6: birth_date "1990-02-30" left out: impossible-date',
      ].join('\n'),
    );
    expect(stdout.text()).toMatch(/imported completely at .*: nothing to do\. Pass --restart/);
  });

  it('says what is wrong with the flags or the file, with exit code 2, before reaching the store', async () => {
    const open = () => Promise.reject(new Error('must not open'));
    const io = () => ({ stdout: sink().stream, stderr: sink().stream });
    expect(await runImport(open, write(people(1)), {}, io())).toBe(2);
    expect(await runImport(open, join(dir, 'missing.csv'), { entity: 'person' }, io())).toBe(2);
    expect(await runImport(open, write(people(1)), { entity: 'person', stopAfter: '0' }, io())).toBe(2);
  });
});
