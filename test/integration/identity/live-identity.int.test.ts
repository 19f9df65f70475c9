/**
 * The live identity path end to end: signed webhooks → ingest → reconcile → identity, on DynamoDB
 * Local. The generator's world (with planted duplicates and its truth) goes in; unified entities
 * with stable ids, golden records and lifecycle come out; merges and their undo round-trip.
 */
import { MIN_TRAINING_RECORDS } from '../../../functions/identity/identity-service';
import { IdentityStore, type EntityItem } from '../../../functions/identity/identity.store';
import { createTrainHandler } from '../../../functions/identity/train.handler';
import { generateWorld } from '../../../bench/generate/world';
import { latestRecords } from '../../../bench/generate/latest-records';
import type { LocalRuntime } from '../../../local/runtime';
import { createDocumentClient } from '../../../functions/shared/aws/dynamo';
import { formatSourceVersion } from '../../../functions/shared/canonical';
import { sendChanges } from '../../../local/send-webhooks';
import { startTestRuntime } from '../../support/runtime';

jest.setTimeout(180_000);

let runtime: LocalRuntime;
let store: IdentityStore;
const now = new Date();
const world = generateWorld({ accounts: 12, seed: 3, now });
const { records, truthOf } = latestRecords(world);
const matchable = records.filter((r) => r.entityType === 'account' || r.entityType === 'person');

const entityOfAll = async (): Promise<Map<string, EntityItem>> => {
  const out = new Map<string, EntityItem>();
  for (const r of matchable) {
    const e = await store.entityOfRecord(r.sourceKey);
    if (e) out.set(r.sourceKey, e);
  }
  return out;
};

beforeAll(async () => {
  runtime = await startTestRuntime();
  store = new IdentityStore(createDocumentClient({ endpoint: runtime.dynamoEndpoint }), runtime.tables.identity);
  const results = await sendChanges(runtime.url, world.changes, { secretEnv: runtime.secretEnv, now });
  expect(results.filter((r) => r.status !== 202)).toEqual([]);
  await runtime.drain(120_000);
});
afterAll(() => runtime.stop());

describe('live identity', () => {
  it('puts every stored account and person into exactly one unified entity', async () => {
    const entities = await entityOfAll();
    expect(entities.size).toBe(matchable.length);
    for (const [key, e] of entities) {
      expect(e.members).toContain(key);
      expect(e.unifiedId).toMatch(e.kind === 'account' ? /^cus_/ : /^per_/);
    }
  });

  it('never puts two different true accounts into one entity, and joins planted account duplicates', async () => {
    const entities = await entityOfAll();
    const accounts = matchable.filter((r) => r.entityType === 'account');
    const truthsPerEntity = new Map<string, Set<string>>();
    for (const r of accounts) {
      const id = entities.get(r.sourceKey)!.unifiedId;
      truthsPerEntity.set(id, new Set([...(truthsPerEntity.get(id) ?? []), truthOf.get(r.sourceKey)!]));
    }
    const mixed = [...truthsPerEntity].filter(([, truths]) => truths.size > 1);
    expect(mixed).toEqual([]);
    // Fewer entities than records: the systems' records of one customer were joined.
    expect(truthsPerEntity.size).toBeLessThan(accounts.length);
  });

  it('builds a golden record and a lifecycle stage for each account entity', async () => {
    const entities = [...(await entityOfAll()).values()].filter((e) => e.kind === 'account');
    for (const e of entities) {
      expect(e.label).toEqual(expect.any(String));
      expect((e.golden as { fields: Record<string, unknown> }).fields).toEqual(expect.objectContaining({ name: expect.any(String) }));
      expect((e.lifecycle as { stage: string }).stage).toMatch(/^(lead|prospect|customer|expanded|churned)$/);
    }
  });

  it('changes no id when every delivery arrives again', async () => {
    const before = new Map([...(await entityOfAll())].map(([k, e]) => [k, e.unifiedId]));
    await sendChanges(runtime.url, world.changes, { secretEnv: runtime.secretEnv, now });
    await runtime.drain(120_000);
    const after = new Map([...(await entityOfAll())].map(([k, e]) => [k, e.unifiedId]));
    expect(after).toEqual(before);
  });

  it('round-trips a merge and its undo exactly', async () => {
    const entities = await entityOfAll();
    const accountIds = [...new Set([...entities.values()].filter((e) => e.kind === 'account').map((e) => e.unifiedId))].sort();
    const [a, b] = accountIds as [string, string];
    const before = await store.getEntities([a, b]);
    const merged = await runtime.identity.merge(a, b, { by: 'U-steward', reason: 'same company, different names' });
    expect(merged.kind).toBe('merged');
    if (merged.kind !== 'merged') return;
    const survivor = await store.getEntity(merged.merge.survivor);
    expect(survivor?.members).toEqual([...before[0]!.members, ...before[1]!.members].sort());
    const absorbed = await store.getEntity(merged.merge.absorbed);
    expect(absorbed).toMatchObject({ status: 'merged', mergedInto: merged.merge.survivor, members: [] });

    const undone = await runtime.identity.unmerge(merged.merge.mergeId, { by: 'U-steward', reason: 'they are not' });
    expect(undone.kind).toBe('unmerged');
    const after = await store.getEntities([a, b]);
    const shape = (e: EntityItem) => ({ unifiedId: e.unifiedId, members: e.members, status: e.status, createdAt: e.createdAt, mergedInto: e.mergedInto });
    expect(after.map(shape).sort((x, y) => x.unifiedId.localeCompare(y.unifiedId))).toEqual(before.map(shape).sort((x, y) => x.unifiedId.localeCompare(y.unifiedId)));
    // The undo is a decision too: no later run merges them again.
    const again = await runtime.identity.unmerge(merged.merge.mergeId, { by: 'U-steward', reason: 'twice' });
    expect(again.kind).toBe('already-undone');
  });

  it('finds a customer by name, domain, external id and unified id', async () => {
    const entities = await entityOfAll();
    const account = [...entities.values()].find((e) => e.kind === 'account' && e.members.length > 1)!;
    const golden = (account.golden as { fields: { name: string; domain?: string } }).fields;
    expect((await runtime.identity.lookup(golden.name)).map((e) => e.unifiedId)).toContain(account.unifiedId);
    if (golden.domain) expect((await runtime.identity.lookup(golden.domain.toUpperCase())).map((e) => e.unifiedId)).toContain(account.unifiedId);
    const externalId = account.members[0]!.split('#')[2]!;
    expect((await runtime.identity.lookup(externalId)).map((e) => e.unifiedId)).toContain(account.unifiedId);
    expect((await runtime.identity.lookup(account.unifiedId)).map((e) => e.unifiedId)).toEqual([account.unifiedId]);
  });

  it('makes one merge of two approvals of one proposal at once', async () => {
    const entities = await entityOfAll();
    const ids = [...new Set([...entities.values()].filter((e) => e.kind === 'person').map((e) => e.unifiedId))].sort();
    const [x, y] = [await store.getEntity(ids[0]!), await store.getEntity(ids[1]!)];
    const proposal = {
      proposalId: 'prp_TESTTWOCLICKS0000000',
      kind: 'person' as const,
      a: x!.members[0]!,
      b: y!.members[0]!,
      entityA: x!.unifiedId,
      entityB: y!.unifiedId,
      probability: 0.8,
      weight: 2,
      prior: -9,
      evidence: [],
      reason: 'in the review band',
      status: 'pending' as const,
      createdAt: new Date().toISOString(),
    };
    expect(await store.putProposal(proposal)).toBe(true);
    const outcomes = await Promise.all([
      runtime.identity.decideProposal(proposal.proposalId, true, { by: 'U-one', reason: 'same person' }),
      runtime.identity.decideProposal(proposal.proposalId, true, { by: 'U-two', reason: 'same person' }),
    ]);
    expect(outcomes.filter((o) => o.kind === 'merged')).toHaveLength(1);
    expect((await store.getProposal(proposal.proposalId))?.status).toBe('approved');
    const merges = (await store.merges(50)).filter((m) => [m.survivor, m.absorbed].sort().join() === [x!.unifiedId, y!.unifiedId].sort().join());
    expect(merges).toHaveLength(1);
  });
});

describe('the nightly training job', () => {
  it('trains each kind with enough records on the store, stores the model, and leaves the bundled one for a kind with too few', async () => {
    // given the loaded world: how many active records of each kind it holds
    const active = { account: 0, person: 0 };
    for (const kind of ['account', 'person'] as const) for await (const page of store.scanMatchRecords(kind)) active[kind] += page.filter((r) => r.active && r.input).length;

    // when the scheduled handler runs
    const outcomes = await createTrainHandler(runtime.identity)();

    // then a kind is trained exactly when it has enough records, and its model is stored with the count
    for (const kind of ['account', 'person'] as const) {
      const outcome = outcomes.find((o) => o.kind === kind)!;
      if (active[kind] >= MIN_TRAINING_RECORDS) {
        expect(outcome).toEqual({ kind, status: 'trained', records: active[kind] });
        expect(await store.getModel(kind)).toMatchObject({ kind, origin: 'trained', records: active[kind] });
        expect((await runtime.identity.model(kind)).origin).toBe('trained');
      } else {
        expect(outcome).toMatchObject({ kind, status: 'skipped', reason: expect.stringContaining('bundled model stays in use') });
        expect(await store.getModel(kind)).toBeUndefined();
      }
    }
    expect(outcomes.some((o) => o.status === 'trained')).toBe(true);
  });
});

describe('two records of one person arriving at once', () => {
  it('end in one entity, though each was decided while the other was still being linked', async () => {
    // given a new person's records in two systems, stored at the same moment
    const at = new Date();
    const person = { firstName: 'Marisol', lastName: 'Quintanilla-Reyes', email: 'marisol.qr@brightwater-analytics.example', phone: '+1 415 555 0199' };
    const keys = await Promise.all(
      (['salesforce', 'hubspot'] as const).map(async (system, n) => {
        const externalId = `race-${system}-${at.getTime()}`;
        await runtime.sourceRecords.apply(
          { eventId: `race-${n}-${at.getTime()}`, sourceSystem: system, entityType: 'person', externalId, occurredAt: at.toISOString(), sourceVersion: formatSourceVersion(at.getTime()), changeKind: 'upsert', fields: person },
          at,
        );
        return `${system}#person#${externalId}`;
      }),
    );

    // when identity processes both concurrently (two workers, two batches)
    await Promise.all(keys.map((k) => runtime.identity.processSourceRecord(k)));

    // then they are one entity
    const [a, b] = await Promise.all(keys.map((k) => store.entityOfRecord(k)));
    expect(a?.unifiedId).toBeDefined();
    expect(b?.unifiedId).toBe(a?.unifiedId);
    expect(a?.members.sort()).toEqual([...keys].sort());
  });
});
