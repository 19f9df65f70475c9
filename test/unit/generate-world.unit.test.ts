import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { entityFieldSchemas, type EntityType, type SourceSystem } from '../../functions/shared/canonical';
import type { SourceChange } from '../../local/vendors/vendor-simulator';
import { salesforceChecksum } from '../../bench/generate/ids';
import { Trace, typo } from '../../bench/generate/perturb';
import { Rng } from '../../bench/generate/rng';
import { generateWorld, type World } from '../../bench/generate/world';
import { readChanges, writeWorld } from '../../bench/generate/write-world';

const NOW = new Date('2025-06-01T12:00:00Z');
const DAY = 86_400_000;
const SYSTEMS: SourceSystem[] = ['salesforce', 'hubspot', 'stripe', 'zendesk', 'netsuite'];
const REFS: Record<string, EntityType> = { accountRef: 'account', requesterRef: 'person', personRef: 'person' };

// One medium world shared by the read-only specifications below.
const world = generateWorld({ accounts: 400, seed: 11, now: NOW });

const creates = (w: World, system: SourceSystem) => {
  const out = new Map<string, { change: SourceChange; index: number }>();
  w.changes[system].forEach((change, index) => {
    if (!out.has(change.externalId)) out.set(change.externalId, { change, index });
  });
  return out;
};

const sfNames = (w: World, entityType: EntityType) => {
  const byId = new Map<string, Record<string, unknown>>();
  for (const c of w.changes.salesforce) if (c.entityType === entityType && !byId.has(c.externalId)) byId.set(c.externalId, c.fields);
  return byId;
};

describe('generateWorld', () => {
  it('is deterministic: the same options give an identical world', () => {
    const options = { accounts: 60, seed: 42, now: NOW };
    expect(generateWorld(options)).toEqual(generateWorld(options));
  });

  it('gives a different world for a different seed', () => {
    const a = generateWorld({ accounts: 20, seed: 1, now: NOW });
    const b = generateWorld({ accounts: 20, seed: 2, now: NOW });
    expect(a.changes.salesforce[0]?.fields).not.toEqual(b.changes.salesforce[0]?.fields);
  });

  it('emits fields that satisfy the canonical schemas, for any seed', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 25 }), fc.double({ min: 0, max: 0.5, noNaN: true }), (seed, accounts, duplicateRate) => {
        const w = generateWorld({ accounts, seed, now: NOW, duplicateRate });
        for (const system of SYSTEMS) {
          for (const change of w.changes[system]) {
            if (change.changeKind === 'upsert') entityFieldSchemas[change.entityType].parse(change.fields);
            else expect(change.fields).toEqual({});
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  it('passes the canonical schemas in a medium world too', () => {
    const invalid = SYSTEMS.flatMap((s) =>
      world.changes[s].filter((c) => c.changeKind === 'upsert' && !entityFieldSchemas[c.entityType].safeParse(c.fields).success),
    );
    expect(invalid).toEqual([]);
  });

  it('keeps every change within the 180 days before now, in time order, numbered by sequence', () => {
    const now = NOW.getTime();
    for (const system of SYSTEMS) {
      const changes = world.changes[system];
      expect(changes.length).toBeGreaterThan(0);
      const misplaced = changes.filter((c, i) => {
        const t = c.occurredAt.getTime();
        const previous = changes[i - 1]?.occurredAt.getTime() ?? -Infinity;
        return c.sequence !== i || t > now || t < now - 180 * DAY || t < previous;
      });
      expect(misplaced).toEqual([]);
    }
    expect(world.changes.generic).toEqual([]);
  });

  it('creates each record with a full upsert before any update, and nothing follows a delete or erase', () => {
    for (const system of SYSTEMS) {
      const seen = new Map<string, SourceChange['changeKind']>();
      const wrong: SourceChange[] = [];
      for (const c of world.changes[system]) {
        const before = seen.get(c.externalId);
        if ((before === undefined && c.changeKind !== 'upsert') || (before !== undefined && before !== 'upsert')) wrong.push(c);
        seen.set(c.externalId, c.changeKind);
      }
      expect(wrong).toEqual([]);
    }
  });

  it('resolves every reference to an earlier record of the right type in the same system', () => {
    let checked = 0;
    for (const system of SYSTEMS) {
      const created = creates(world, system);
      const dangling: string[] = [];
      for (const [, { change, index }] of created) {
        for (const [field, targetType] of Object.entries(REFS)) {
          const ref = (change.fields as Record<string, unknown>)[field];
          if (ref === undefined) continue;
          checked++;
          const target = created.get(ref as string);
          if (target?.change.entityType !== targetType || target.index >= index) dangling.push(`${system} ${change.externalId}.${field} -> ${String(ref)}`);
        }
      }
      expect(dangling).toEqual([]);
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('has a truth line for every source record and for nothing else', () => {
    const fromChanges = SYSTEMS.flatMap((s) => [...creates(world, s).values()].map(({ change }) => `${s}#${change.entityType}#${change.externalId}`));
    const fromTruth = world.truth.records.map((r) => `${r.sourceSystem}#${r.entityType}#${r.externalId}`);
    expect(new Set(fromTruth).size).toBe(fromTruth.length);
    expect([...fromTruth].sort()).toEqual([...fromChanges].sort());
  });

  it('points every duplicate at an original of the same true entity in the same system', () => {
    const byKey = new Map(world.truth.records.map((r) => [`${r.sourceSystem}#${r.externalId}`, r]));
    const duplicates = world.truth.records.filter((r) => r.duplicateOf !== undefined);
    expect(duplicates.length).toBe(world.summary.plantedDuplicates.total);
    for (const dup of duplicates) {
      const original = byKey.get(`${dup.sourceSystem}#${dup.duplicateOf}`);
      expect(original).toBeDefined();
      expect(original!.trueEntityId).toBe(dup.trueEntityId);
      expect(original!.entityType).toBe(dup.entityType);
      expect(original!.duplicateOf).toBeUndefined();
      expect(dup.perturbations.length).toBeGreaterThan(0);
    }
  });

  it('plants duplicates at the requested rate of each system’s accounts and people', () => {
    for (const duplicateRate of [0, 0.1, 0.25]) {
      const w = duplicateRate === 0.1 ? world : generateWorld({ accounts: 400, seed: 11, now: NOW, duplicateRate });
      for (const system of SYSTEMS) {
        for (const entityType of ['account', 'person'] as const) {
          const lines = w.truth.records.filter((r) => r.sourceSystem === system && r.entityType === entityType);
          if (lines.length === 0) continue;
          const dups = lines.filter((r) => r.duplicateOf !== undefined).length;
          expect(dups).toBe(Math.round(duplicateRate * (lines.length - dups)));
        }
      }
    }
    expect(world.summary.plantedDuplicates.account).toBeGreaterThan(0);
    expect(world.summary.plantedDuplicates.person).toBeGreaterThan(0);
  });

  it('defaults the duplicate rate to 0.1', () => {
    const w = generateWorld({ accounts: 100, seed: 3, now: NOW });
    const sfAccounts = w.truth.records.filter((r) => r.sourceSystem === 'salesforce' && r.entityType === 'account');
    expect(sfAccounts.filter((r) => r.duplicateOf).length).toBe(10);
  });

  it('plants hard negatives: similar company names and same-named people that are different entities', () => {
    const kinds = new Set(world.truth.hardNegatives.map((h) => h.kind));
    expect(kinds).toEqual(new Set(['similar-name', 'same-name', 'shared-email']));
    for (const h of world.truth.hardNegatives) expect(h.trueEntityIds[0]).not.toBe(h.trueEntityIds[1]);

    // Same first and last name in Salesforce, different true people at different accounts.
    const people = [...sfNames(world, 'person')];
    const truthOf = new Map(world.truth.records.filter((r) => r.sourceSystem === 'salesforce').map((r) => [r.externalId, r.trueEntityId]));
    const byName = new Map<string, Set<string>>();
    for (const [id, f] of people) {
      const key = `${String(f.firstName)} ${String(f.lastName)}`;
      byName.set(key, (byName.get(key) ?? new Set()).add(truthOf.get(id)!));
    }
    expect([...byName.values()].some((ids) => ids.size > 1)).toBe(true);

    // A company whose distinctive first word another, different company also uses.
    const similar = world.truth.hardNegatives.find((h) => h.kind === 'similar-name')!;
    const sfAccountNames = world.truth.records
      .filter((r) => r.sourceSystem === 'salesforce' && r.entityType === 'account' && !r.duplicateOf && similar.trueEntityIds.includes(r.trueEntityId))
      .map((r) => String(sfNames(world, 'account').get(r.externalId)?.name));
    expect(sfAccountNames).toHaveLength(2);
    expect(sfAccountNames[0]!.split(/\W/)[0]!.toLowerCase()).toBe(sfAccountNames[1]!.split(/\W/)[0]!.toLowerCase());
  });

  it('records the traps a matcher must see through', () => {
    const applied = new Set(world.truth.records.flatMap((r) => r.perturbations));
    for (const kind of [
      'typo',
      'nickname',
      'transliteration',
      'legal-suffix',
      'name-case',
      'phone-format',
      'address-format',
      'website-format',
      'missing-fields',
      'email-variant',
      'generic-email',
      'title-variant',
      'value-drift',
      'hard-negative-similar-name',
      'hard-negative-same-name',
    ] as const) {
      expect({ kind, applied: applied.has(kind) }).toEqual({ kind, applied: true });
    }
  });

  it('writes the same company differently across systems', () => {
    const namesOf = new Map<string, Set<string>>();
    const nameById = new Map<string, string>();
    for (const s of SYSTEMS) for (const c of world.changes[s]) if (c.entityType === 'account' && c.changeKind === 'upsert' && 'name' in c.fields) nameById.set(`${s}#${c.externalId}`, String(c.fields.name));
    for (const r of world.truth.records) {
      if (r.entityType !== 'account' || r.duplicateOf) continue;
      const name = nameById.get(`${r.sourceSystem}#${r.externalId}`);
      if (name !== undefined) namesOf.set(r.trueEntityId, (namesOf.get(r.trueEntityId) ?? new Set()).add(name));
    }
    const spelledDifferently = [...namesOf.values()].filter((names) => names.size > 1).length;
    expect(spelledDifferently / namesOf.size).toBeGreaterThan(0.3);
  });

  it('spreads records over the systems the way companies run them', () => {
    const originals = (system: SourceSystem, entityType: EntityType) =>
      world.truth.records.filter((r) => r.sourceSystem === system && r.entityType === entityType && !r.duplicateOf);
    expect(originals('salesforce', 'account')).toHaveLength(400);
    const hubspotShare = originals('hubspot', 'account').length / 400;
    expect(hubspotShare).toBeGreaterThan(0.5);
    expect(hubspotShare).toBeLessThan(0.7);
    expect(originals('netsuite', 'account')).toHaveLength(world.summary.customers);
    expect(originals('stripe', 'account')).toHaveLength(world.summary.subscriptionCustomers);
    expect(originals('zendesk', 'account').length).toBeLessThanOrEqual(world.summary.customers);
    expect(world.summary.records.salesforce).toEqual(expect.objectContaining({ opportunity: expect.any(Number), activity: expect.any(Number) }));
    expect(Object.keys(world.summary.records.netsuite).sort()).toEqual(['account', 'invoice', 'order']);
    expect(Object.keys(world.summary.records.stripe).sort()).toEqual(['account', 'invoice', 'subscription']);
    expect(Object.keys(world.summary.records.zendesk).sort()).toEqual(['account', 'person', 'ticket']);
    expect(Object.keys(world.summary.records.hubspot).sort()).toEqual(['account', 'opportunity', 'person']);
  });

  it('gives every account 2–8 contacts and 1–4 opportunities', () => {
    const contacts = new Map<string, Set<string>>();
    const opportunities = new Map<string, number>();
    const sfTruth = new Map(world.truth.records.filter((r) => r.sourceSystem === 'salesforce').map((r) => [r.externalId, r.trueEntityId]));
    for (const c of creates(world, 'salesforce').values()) {
      const f = c.change.fields as Record<string, unknown>;
      const account = sfTruth.get(String(f.accountRef));
      if (c.change.entityType === 'person' && account) contacts.set(account, (contacts.get(account) ?? new Set()).add(sfTruth.get(c.change.externalId)!));
      if (c.change.entityType === 'opportunity' && account) opportunities.set(account, (opportunities.get(account) ?? 0) + 1);
    }
    // Salesforce holds 95% of contacts, so the true count bounds it from above.
    expect([...contacts.values()].filter((people) => people.size < 1 || people.size > 8)).toEqual([]);
    expect([...opportunities.values()].filter((n) => n < 1 || n > 4)).toEqual([]);
    expect(opportunities.size).toBe(400);
  });

  it('uses each vendor’s id format', () => {
    const ids = (system: SourceSystem, entityType: EntityType) =>
      world.truth.records.filter((r) => r.sourceSystem === system && r.entityType === entityType).map((r) => r.externalId);
    const prefixes: [EntityType, string][] = [['account', '001'], ['person', '003'], ['opportunity', '006'], ['activity', '00T']];
    const malformed = (list: string[], pattern: RegExp) => list.filter((id) => !pattern.test(id));
    for (const [entityType, prefix] of prefixes) {
      const sf = ids('salesforce', entityType);
      expect(sf.length).toBeGreaterThan(0);
      expect(malformed(sf, new RegExp(`^${prefix}[0-9A-Za-z]{15}$`))).toEqual([]);
      expect(sf.filter((id) => id.slice(15) !== salesforceChecksum(id.slice(0, 15)))).toEqual([]);
    }
    for (const system of ['hubspot', 'zendesk', 'netsuite'] as const) {
      expect(malformed(world.truth.records.filter((x) => x.sourceSystem === system).map((r) => r.externalId), /^[1-9]\d*$/)).toEqual([]);
    }
    expect(malformed(ids('stripe', 'account'), /^cus_[0-9A-Za-z]{14}$/)).toEqual([]);
    expect(malformed(ids('stripe', 'subscription'), /^sub_[0-9A-Za-z]{24}$/)).toEqual([]);
    expect(malformed(ids('stripe', 'invoice'), /^in_[0-9A-Za-z]{24}$/)).toEqual([]);
  });

  it('computes Salesforce’s case-safe suffix as Salesforce does', () => {
    expect(salesforceChecksum('001A0000006Vm9r')).toBe('IAC');
  });

  it('moves things on over time: deals close, subscriptions change status, companies move', () => {
    const updates = (system: SourceSystem, entityType: EntityType) =>
      world.changes[system].filter((c) => c.entityType === entityType && c.changeKind === 'upsert').filter((c, i, all) => all.findIndex((x) => x.externalId === c.externalId) !== i);
    expect(updates('salesforce', 'opportunity').some((c) => 'stage' in c.fields && c.fields.stage === 'Closed Won' && c.fields.isWon === true)).toBe(true);
    expect(updates('stripe', 'subscription').some((c) => 'status' in c.fields && c.fields.status !== undefined)).toBe(true);
    expect(updates('salesforce', 'account').some((c) => 'address' in c.fields)).toBe(true);
    expect(updates('zendesk', 'ticket').some((c) => 'status' in c.fields && c.fields.status === 'solved')).toBe(true);
    expect(updates('stripe', 'invoice').some((c) => 'paymentFailed' in c.fields && c.fields.paymentFailed)).toBe(true);
  });

  it('has a couple of deletes and exactly one privacy erasure, of a HubSpot contact', () => {
    const all = SYSTEMS.flatMap((s) => world.changes[s].map((c) => ({ s, c })));
    const erasures = all.filter(({ c }) => c.changeKind === 'erase');
    expect(erasures).toHaveLength(1);
    expect(erasures[0]).toMatchObject({ s: 'hubspot', c: { entityType: 'person' } });
    expect(all.filter(({ c }) => c.changeKind === 'delete').length).toBeGreaterThanOrEqual(2);
    expect(world.truth.records.filter((r) => r.status === 'erased')).toHaveLength(1);
  });

  it('never deletes a record that another record refers to', () => {
    for (const system of SYSTEMS) {
      const deleted = new Set(world.changes[system].filter((c) => c.changeKind === 'delete').map((c) => c.externalId));
      const referring = [...creates(world, system).values()].filter(({ change }) =>
        Object.keys(REFS).some((field) => deleted.has(String((change.fields as Record<string, unknown>)[field]))),
      );
      expect(referring).toEqual([]);
    }
  });

  it('handles an empty and a one-account world', () => {
    const empty = generateWorld({ accounts: 0, seed: 1, now: NOW });
    expect(SYSTEMS.every((s) => empty.changes[s].length === 0)).toBe(true);
    const one = generateWorld({ accounts: 1, seed: 1, now: NOW });
    expect(one.changes.salesforce.length).toBeGreaterThan(0);
    expect(one.changes.hubspot.some((c) => c.changeKind === 'erase')).toBe(true);
  });

  it('rejects options it cannot honour', () => {
    expect(() => generateWorld({ accounts: -1, seed: 1, now: NOW })).toThrow(RangeError);
    expect(() => generateWorld({ accounts: 1.5, seed: 1, now: NOW })).toThrow(RangeError);
    expect(() => generateWorld({ accounts: 1, seed: 1, now: NOW, duplicateRate: 2 })).toThrow(RangeError);
    expect(() => generateWorld({ accounts: 1, seed: 1, now: new Date('nope') })).toThrow(RangeError);
  });
});

describe('writeWorld', () => {
  it('writes one changes file per system and the truth, and reads back the same changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-world-'));
    try {
      const w = generateWorld({ accounts: 5, seed: 9, now: NOW });
      const files = writeWorld(w, dir);
      expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual([
        'changes.generic.json',
        'changes.hubspot.json',
        'changes.netsuite.json',
        'changes.salesforce.json',
        'changes.stripe.json',
        'changes.zendesk.json',
        'truth.json',
      ]);
      expect(readChanges(join(dir, 'changes.salesforce.json'))).toEqual(w.changes.salesforce);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('building blocks', () => {
  it('Rng forks are independent of how much the parent has drawn', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    b.next();
    expect(a.fork('x', 1).next()).toBe(b.fork('x', 1).next());
    expect(a.fork('x', 1).next()).not.toBe(a.fork('x', 2).next());
  });

  it('typo always changes a word long enough to have one, and keeps its first letter', () => {
    fc.assert(
      fc.property(fc.integer(), fc.stringMatching(/^[A-Za-z]{4,12}$/), (seed, word) => {
        const out = typo(new Rng(seed), word);
        expect(out).not.toBe(word);
        expect(out[0]).toBe(word[0]);
      }),
    );
  });

  it('Trace lists its kinds in a stable order', () => {
    expect(Trace.of(['typo'], new Trace().add('missing-fields').add('nickname')).kinds()).toEqual(['typo', 'nickname', 'missing-fields']);
  });
});
