/**
 * Erasure end to end, on the real local runtime (signed webhooks → ingest → reconcile → identity,
 * on DynamoDB Local) with the write-back adapters pointed at the sandbox: a person's PII leaves
 * the source records, the match records and the golden record; tombstones keep only hashes; every
 * system holding the person is asked to erase; the log and the audit say so; replayed deliveries
 * and a new record with the same email do not bring the person back.
 */
import { Writable } from 'node:stream';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { latestRecords } from '../../../bench/generate/latest-records';
import { generateWorld } from '../../../bench/generate/world';
import { runErase, runErasures, type EraseContext } from '../../../bin/commands/erase';
import { erasureIdFor, PersonEraser } from '../../../functions/identity/erase-person';
import { tombstoneHashes } from '../../../functions/identity/erasure';
import { ErasureStore } from '../../../functions/identity/erasure.store';
import { IdentityStore, type EntityItem } from '../../../functions/identity/identity.store';
import { normalizeEmail } from '../../../functions/identity/normalize/email';
import { createWriteBack } from '../../../functions/identity/writeback/create-write-back';
import type { WriteBack } from '../../../functions/identity/writeback/ports';
import { createDocumentClient } from '../../../functions/shared/aws/dynamo';
import { formatSourceVersion, type SourceRecord, type SourceSystem } from '../../../functions/shared/canonical';
import { systemClock } from '../../../functions/shared/ports';
import type { LocalRuntime } from '../../../local/runtime';
import { startSandbox, type RunningSandbox } from '../../../local/sandbox/sandbox-server';
import { sendChanges } from '../../../local/send-webhooks';
import { startTestRuntime } from '../../support/runtime';
import { clearFault, orderFault, writeBackConfigFor } from './writeback/sandbox-fixtures';

jest.setTimeout(240_000);

let runtime: LocalRuntime;
let sandbox: RunningSandbox;
let db: DynamoDBDocumentClient;
let store: IdentityStore;
let erasures: ErasureStore;
let writeBack: WriteBack;
let eraser: PersonEraser;

const now = new Date();
const world = generateWorld({ accounts: 8, seed: 5, now });
const people = latestRecords(world).records.filter((r) => r.entityType === 'person');
const actor = { by: 'U-dpo', reason: 'DSR-1042: erasure request by email' };

const mailboxOf = (v: unknown): string | undefined => {
  const e = typeof v === 'string' ? normalizeEmail(v) : undefined;
  return e?.kind === 'valid' ? e.matchKey : undefined;
};

interface Person {
  entity: EntityItem;
  records: SourceRecord[];
  /** Every value that must be gone: emails, phones, names, as the systems sent them. */
  pii: string[];
}

/**
 * People the tests may erase: entities of two or more live records from at least two systems,
 * every record with an email that no record of anyone else holds (so "gone everywhere" is a
 * fair thing to check).
 */
const erasablePeople = async (): Promise<Person[]> => {
  const stored = (await runtime.sourceRecords.getMany(people.map((p) => p.sourceKey))).filter((r) => r.status === 'active');
  const byEntity = new Map<string, { entity: EntityItem; records: SourceRecord[] }>();
  for (const r of stored) {
    const entity = await store.entityOfRecord(r.sourceKey);
    if (!entity) continue;
    byEntity.set(entity.unifiedId, { entity, records: [...(byEntity.get(entity.unifiedId)?.records ?? []), r] });
  }
  const owners = new Map<string, Set<string>>();
  for (const [id, { records }] of byEntity) for (const r of records) owners.set(mailboxOf(r.fields.email) ?? '', new Set([...(owners.get(mailboxOf(r.fields.email) ?? '') ?? []), id]));
  return [...byEntity.values()]
    .filter(({ entity, records }) => records.length === entity.members.length && records.length >= 2 && new Set(records.map((r) => r.sourceSystem)).size >= 2)
    .filter(({ records }) => records.every((r) => mailboxOf(r.fields.email) !== undefined && owners.get(mailboxOf(r.fields.email)!)!.size === 1))
    .map(({ entity, records }) => ({
      entity,
      records,
      pii: [...new Set(records.flatMap((r) => [r.fields.email, r.fields.phone, r.fields.firstName, r.fields.lastName].filter((v): v is string => typeof v === 'string' && v.length >= 3)))],
    }))
    .sort((a, b) => a.entity.unifiedId.localeCompare(b.entity.unifiedId));
};

/** Every item of a table, as JSON text per item. */
const scanAll = async (table: string): Promise<string[]> => {
  const out: string[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: cursor }));
    out.push(...(page.Items ?? []).map((i) => JSON.stringify(i, (_k, v: unknown) => (v instanceof Set ? [...(v as Set<unknown>)] : v))));
    cursor = page.LastEvaluatedKey;
  } while (cursor !== undefined);
  return out;
};

const sandboxRequestCount = (): number => (['salesforce', 'hubspot', 'stripe', 'zendesk', 'netsuite', 'generic'] as SourceSystem[]).reduce((n, s) => n + sandbox.requests(s).length, 0);

let candidates: Person[];
let alice: Person;

beforeAll(async () => {
  [runtime, sandbox] = await Promise.all([startTestRuntime(), startSandbox()]);
  db = createDocumentClient({ endpoint: runtime.dynamoEndpoint });
  store = new IdentityStore(db, runtime.tables.identity);
  erasures = new ErasureStore(db, runtime.tables.identity);
  writeBack = createWriteBack(writeBackConfigFor(sandbox.url));
  eraser = new PersonEraser({ store, identity: runtime.identity, sourceRecords: runtime.sourceRecords, erasures, requester: writeBack, clock: systemClock, ids: { next: () => ulid() } });
  const results = await sendChanges(runtime.url, world.changes, { secretEnv: runtime.secretEnv, now });
  expect(results.filter((r) => r.status !== 202)).toEqual([]);
  await runtime.drain(120_000);
  candidates = await erasablePeople();
  expect(candidates.length).toBeGreaterThanOrEqual(4);
  alice = candidates[0]!;
});
afterAll(async () => {
  db.destroy();
  await Promise.all([runtime.stop(), sandbox.stop()]);
});

describe('erasing a person named by email', () => {
  let outcome: Awaited<ReturnType<PersonEraser['erasePerson']>>;
  let aliceEmail: string;

  beforeAll(async () => {
    // given the person's email as the requester wrote it: other case, padded
    aliceEmail = String(alice.records[0]!.fields.email);
    outcome = await eraser.erasePerson(`  ${aliceEmail.toUpperCase()} `, actor);
  });

  it('erases the whole entity, and every system answers', () => {
    expect(outcome.kind).toBe('erased');
    if (outcome.kind !== 'erased') return;
    expect(outcome.log).toMatchObject({ erasureId: erasureIdFor(alice.entity.unifiedId), unifiedId: alice.entity.unifiedId, requestedAs: 'email', status: 'erased', runs: 1, by: actor.by, reason: actor.reason });
    expect(outcome.log.members.map((m) => m.sourceKey).sort()).toEqual([...alice.entity.members].sort());
    expect(outcome.log.members.every((m) => m.status === 'done' || m.status === 'skipped')).toBe(true);
    expect(outcome.log.tombstones).toBeGreaterThan(0);
  });

  it('blanks every member source record, as a vendor privacy deletion would', async () => {
    const records = await runtime.sourceRecords.getMany(alice.entity.members);
    expect(records).toHaveLength(alice.entity.members.length);
    for (const r of records) {
      expect(r).toMatchObject({ status: 'erased', fields: {}, fieldVersions: {} });
      expect(r.rawJson).toBeUndefined();
      expect(r.lastEventId).toBe(`erasure:${erasureIdFor(alice.entity.unifiedId)}:${r.sourceKey}`);
    }
  });

  it('leaves no match input, block key or golden value of the person', async () => {
    for (const m of await store.getMatchRecords(alice.entity.members)) expect(m).toMatchObject({ active: false, blockKeys: [] });
    for (const m of await store.getMatchRecords(alice.entity.members)) expect(m.input).toBeUndefined();
    const entity = await store.getEntity(alice.entity.unifiedId);
    expect(entity).toMatchObject({ status: 'active', members: alice.entity.members, label: alice.entity.unifiedId });
    expect((entity?.golden as { fields: Record<string, unknown> }).fields).toEqual({});
  });

  it('keeps no email, phone or name of the person in any item of the identity or source-record tables', async () => {
    const items = [...(await scanAll(runtime.tables.identity)), ...(await scanAll(runtime.tables.sourceRecords))];
    // Names may be shared with other people; the email is the person's alone, and so are the
    // members' items: each of those must hold none of the values.
    const mailbox = mailboxOf(aliceEmail)!;
    expect(items.filter((i) => i.toLowerCase().includes(mailbox))).toEqual([]);
    const theirs = items.filter((i) => alice.entity.members.some((k) => i.includes(k)) || i.includes(alice.entity.unifiedId));
    expect(theirs.length).toBeGreaterThan(0);
    for (const value of alice.pii) expect(theirs.filter((i) => i.includes(value))).toEqual([]);
  });

  it('keeps a tombstone per email and phone, holding only the hash and the erasure', async () => {
    const hashes = [...new Set(alice.records.flatMap((r) => tombstoneHashes(r.fields)))];
    const tombstones = await erasures.tombstones(hashes);
    expect(tombstones.map((t) => t.hash).sort()).toEqual(hashes.sort());
    for (const t of tombstones) expect(t.erasureId).toBe(erasureIdFor(alice.entity.unifiedId));
    const items = (await scanAll(runtime.tables.identity)).filter((i) => i.includes('"ERASED#'));
    for (const item of items) expect(Object.keys(JSON.parse(item) as object).sort()).toEqual(['erasedAt', 'erasureId', 'pk', 'sk']);
  });

  it('asked each member’s system to erase it, with the erasure’s idempotency key', async () => {
    if (outcome.kind !== 'erased') throw new Error('not erased');
    for (const m of outcome.log.members.filter((x) => x.status === 'done')) {
      expect(m.request).toBeDefined();
      const path = m.request!.url.slice(`${sandbox.url}/${m.sourceSystem}`.length);
      expect(sandbox.requests(m.sourceSystem).some((r) => r.method === m.request!.method && r.path === path)).toBe(true);
    }
    // A person lives in at least one system that can erase them.
    expect(outcome.log.members.some((m) => m.status === 'done')).toBe(true);
  });

  it('lists the erasure and audits it on the entity', async () => {
    expect((await erasures.list()).map((l) => l.erasureId)).toContain(erasureIdFor(alice.entity.unifiedId));
    const audit = await store.auditOf(alice.entity.unifiedId);
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'erase', by: actor.by, reason: actor.reason, sourceKeys: alice.entity.members, detail: expect.objectContaining({ erasureId: erasureIdFor(alice.entity.unifiedId), status: 'erased' }) }),
    );
  });

  it('answers "already erased" the second time, by id or by email, and asks no system again', async () => {
    const before = sandboxRequestCount();
    expect(await eraser.erasePerson(alice.entity.unifiedId, actor)).toMatchObject({ kind: 'already-erased', log: { erasureId: erasureIdFor(alice.entity.unifiedId), runs: 1 } });
    expect(await eraser.erasePerson(aliceEmail, actor)).toMatchObject({ kind: 'already-erased', log: { unifiedId: alice.entity.unifiedId } });
    expect(sandboxRequestCount()).toBe(before);
  });

  it('does not bring the person back when every original delivery arrives again', async () => {
    await sendChanges(runtime.url, world.changes, { secretEnv: runtime.secretEnv, now });
    await runtime.drain(120_000);
    for (const r of await runtime.sourceRecords.getMany(alice.entity.members)) expect(r).toMatchObject({ status: 'erased', fields: {} });
    for (const m of await store.getMatchRecords(alice.entity.members)) expect(m.input).toBeUndefined();
    expect(((await store.getEntity(alice.entity.unifiedId))?.golden as { fields: Record<string, unknown> }).fields).toEqual({});
  });

  it('recognises a new record with the same email, however written, as the erased person', async () => {
    // given a new HubSpot contact, a new external id, carrying the erased address in capitals
    const externalId = '990000001';
    const results = await sendChanges(
      runtime.url,
      { hubspot: [{ entityType: 'person', externalId, changeKind: 'upsert', occurredAt: new Date(), fields: { email: aliceEmail.toUpperCase(), firstName: 'Someone', lastName: 'Else' } }] },
      { secretEnv: runtime.secretEnv, now: new Date() },
    );
    expect(results.map((r) => r.status)).toEqual([202]);
    await runtime.drain(60_000);
    const arrived = (await runtime.sourceRecords.get(`hubspot#person#${externalId}`))!;
    expect(await erasures.isTombstoned(arrived.fields)).toBe(true);
    expect(await erasures.isTombstoned({ email: 'somebody.new@unrelated.example' })).toBe(false);

    // and screening it notes the refusal in the erased person's audit log, by key only
    const screened = await erasures.screenArrival(arrived.sourceKey, arrived.fields, arrived.updatedAt, `refused#${arrived.sourceKey}#${arrived.version}`);
    expect(screened).toEqual({ kind: 'erased', erasureIds: [erasureIdFor(alice.entity.unifiedId)] });
    const audit = await store.auditOf(alice.entity.unifiedId);
    expect(audit).toContainEqual(expect.objectContaining({ action: 'erase', sourceKeys: [arrived.sourceKey], detail: { refused: arrived.sourceKey, erasureIds: [erasureIdFor(alice.entity.unifiedId)] } }));
    expect(JSON.stringify(audit)).not.toContain(aliceEmail.toUpperCase());
  });
});

describe('a system that fails', () => {
  it('leaves the erasure incomplete, and running again asks only the systems that have not answered', async () => {
    // given a person with a HubSpot or Zendesk record, whose system is down
    const person = candidates.slice(1).find((p) => p.records.some((r) => r.sourceSystem === 'hubspot' || r.sourceSystem === 'zendesk'));
    expect(person).toBeDefined();
    const down = person!.records.find((r) => r.sourceSystem === 'hubspot' || r.sourceSystem === 'zendesk')!.sourceSystem;
    await orderFault(sandbox.url, down, { mode: 'fail', status: 503 });
    let first: Awaited<ReturnType<PersonEraser['erasePerson']>>;
    try {
      first = await eraser.erasePerson(person!.entity.unifiedId, actor);
    } finally {
      await clearFault(sandbox.url, down);
    }
    // then Concord holds nothing of the person, but the log says who has not erased yet
    expect(first).toMatchObject({ kind: 'erased', log: { status: 'incomplete', runs: 1 } });
    if (first.kind !== 'erased') return;
    expect(first.log.members.filter((m) => m.status === 'failed').map((m) => m.sourceSystem)).toEqual(expect.arrayContaining([down]));
    expect(first.log.members.filter((m) => m.status === 'failed').every((m) => m.sourceSystem === down && m.retryable === true)).toBe(true);
    for (const r of await runtime.sourceRecords.getMany(person!.entity.members)) expect(r).toMatchObject({ status: 'erased', fields: {} });

    // when it runs again, once the system is back
    const others = person!.records.filter((r) => r.sourceSystem !== down).map((r) => r.sourceSystem);
    const before = new Map(others.map((s) => [s, sandbox.requests(s).length]));
    const second = await eraser.erasePerson(person!.entity.unifiedId, { by: 'U-dpo', reason: 'retry' });
    expect(second).toMatchObject({ kind: 'erased', log: { status: 'erased', runs: 2, reason: actor.reason } });
    for (const s of others) expect(sandbox.requests(s).length).toBe(before.get(s));
    expect((await store.auditOf(person!.entity.unifiedId)).filter((e) => String(e.action) === 'erase')).toHaveLength(2);
  });
});

describe('a vendor privacy deletion', () => {
  it('still tombstones the values of a record its vendor blanked first, from what identity had matched on', async () => {
    // given a person one of whose records the vendor erased (as reconcile applies a HubSpot
    // privacy deletion), before identity processed it
    const person = candidates.slice(2).find((p) => (p.records[0]?.fields.email ?? '') !== '')!;
    const blanked = person.records[0]!;
    const at = new Date();
    await runtime.sourceRecords.apply(
      { eventId: `privacy-${blanked.sourceKey}`, sourceSystem: blanked.sourceSystem, entityType: 'person', externalId: blanked.externalId, occurredAt: at.toISOString(), sourceVersion: formatSourceVersion(at.getTime()), changeKind: 'erase', fields: {} },
      at,
    );
    expect((await runtime.sourceRecords.get(blanked.sourceKey))?.fields).toEqual({});

    // when the person is erased through that record
    const outcome = await eraser.erasePerson(blanked.sourceKey, { by: blanked.sourceSystem, reason: 'privacy deletion at the vendor' });

    // then its email is tombstoned all the same
    expect(outcome).toMatchObject({ kind: 'erased', log: { requestedAs: 'source-key', status: 'erased' } });
    expect(await erasures.isTombstoned({ email: blanked.fields.email })).toBe(true);
  });
});

describe('a HubSpot privacy deletion arriving through the live pipeline', () => {
  it('erases the person everywhere: every member blanked, tombstones from what identity matched on, every system asked, logged and audited', async () => {
    // given a person with a HubSpot contact and a record in another system (candidates 0–3 are other tests')
    const person = candidates.slice(4).find((p) => p.records.some((r) => r.sourceSystem === 'hubspot') && p.records.some((r) => r.sourceSystem !== 'hubspot'));
    expect(person).toBeDefined();
    const contact = person!.records.find((r) => r.sourceSystem === 'hubspot')!;
    const others = person!.records.filter((r) => r.sourceSystem !== 'hubspot');

    // when HubSpot sends the contact's deletion and privacy deletion, signed, to the webhook
    const sent = await sendChanges(runtime.url, { hubspot: [{ entityType: 'person', externalId: contact.externalId, fields: {}, changeKind: 'erase', occurredAt: new Date() }] }, { secretEnv: runtime.secretEnv, now: new Date() });
    expect(sent.filter((r) => r.status !== 202)).toEqual([]);
    await runtime.drain(120_000);

    // then the person's other records are blank too, and the email each held is tombstoned
    for (const r of await runtime.sourceRecords.getMany(person!.records.map((x) => x.sourceKey))) expect(r).toMatchObject({ status: 'erased', fields: {} });
    for (const r of person!.records) if (typeof r.fields.email === 'string') expect(await erasures.isTombstoned({ email: r.fields.email })).toBe(true);
    // and the erasure is the person's, requested by HubSpot's privacy deletion, with every system asked
    const log = await erasures.getLog(erasureIdFor(person!.entity.unifiedId));
    expect(log).toMatchObject({ status: 'erased', requestedAs: 'source-key', by: 'hubspot privacy deletion' });
    for (const other of others) {
      const member = log!.members.find((m) => m.sourceKey === other.sourceKey)!;
      expect(['done', 'skipped']).toContain(member.status);
      if (member.status === 'done') expect(runtime.sandbox.requests(other.sourceSystem).some((q) => q.path.includes(other.externalId) && q.method === member.request?.method)).toBe(true);
    }
    expect((await store.auditOf(person!.entity.unifiedId)).some((e) => String(e.action) === 'erase' && e.by === 'hubspot privacy deletion')).toBe(true);
  });
});

describe('what it refuses', () => {
  it('does not erase an account, and says nobody is named by an unknown id or email', async () => {
    const account = latestRecords(world).records.find((r) => r.entityType === 'account')!;
    expect(await eraser.erasePerson(account.sourceKey, actor)).toEqual({ kind: 'refused', reason: expect.stringContaining('is an account') });
    expect(await eraser.erasePerson('per_00000000000000000000000000', actor)).toEqual({ kind: 'not-found' });
    expect(await eraser.erasePerson('nobody.known@nowhere.example', actor)).toEqual({ kind: 'not-found' });
  });
});

describe('concord erase', () => {
  /** Keeps what is written, synchronously, so it is all there when the command returns. */
  class Collected extends Writable {
    text = '';
    override _write(chunk: unknown, _encoding: BufferEncoding, done: () => void): void {
      this.text += String(chunk);
      done();
    }
  }
  const capture = () => {
    const [stdout, stderr] = [new Collected(), new Collected()];
    return { io: { stdout, stderr }, text: { get out() { return stdout.text; }, get err() { return stderr.text; } } };
  };
  const context = (): EraseContext => ({ where: 'test', db, tables: runtime.tables, identity: runtime.identity, erasureRequester: writeBack, close: () => undefined });

  it('only shows whom it names without --yes, erases with --yes and --reason, and lists the erasure', async () => {
    const person = candidates[3]!;
    const plan = capture();
    expect(await runErase(context(), person.entity.unifiedId, {}, plan.io)).toBe(2);
    expect(plan.text.out).toContain(`names ${person.entity.unifiedId}`);
    for (const k of person.entity.members) expect(plan.text.out).toContain(k);
    expect(plan.text.err).toContain('--yes');
    expect((await runtime.sourceRecords.getMany(person.entity.members)).every((r) => r.status === 'active')).toBe(true);

    expect(await runErase(context(), person.entity.unifiedId, { yes: true }, capture().io)).toBe(2);

    const run = capture();
    expect(await runErase(context(), person.entity.unifiedId, { yes: true, reason: 'DSR-2001', by: 'U-cli' }, run.io)).toBe(0);
    expect(run.text.out).toContain(`Erased ${person.entity.unifiedId}`);
    for (const value of person.pii) expect(run.text.out).not.toContain(value);

    const again = capture();
    expect(await runErase(context(), person.entity.unifiedId, { yes: true, reason: 'DSR-2001', json: true }, again.io)).toBe(0);
    expect(JSON.parse(again.text.out)).toMatchObject({ kind: 'already-erased', log: { by: 'U-cli', reason: 'DSR-2001' } });

    const listed = capture();
    expect(await runErasures(context(), { json: true }, listed.io)).toBe(0);
    expect((JSON.parse(listed.text.out) as { erasureId: string }[]).map((l) => l.erasureId)).toContain(erasureIdFor(person.entity.unifiedId));
  });
});
