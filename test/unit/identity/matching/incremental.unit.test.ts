/**
 * The live matcher's decision for one record: join, found, merge, propose, refuse, with the batch
 * matcher's scoring (the bundled model) and people's decisions as constraints.
 */
import fc from 'fast-check';
import { defaultLiveModel } from '../../../../functions/identity/matching/default-model';
import { createScorer, decideIncremental, type Candidate, type EntityView } from '../../../../functions/identity/matching/incremental';
import { prepare, type MatchInput } from '../../../../functions/identity/matching/match-record';

const scorer = createScorer(defaultLiveModel('account'));

const account = (key: string, fields: Record<string, string>, trustedIds: Record<string, string> = {}) =>
  prepare({ key, source: key.split('#')[0] as string, kind: 'account', fields, trustedIds } satisfies MatchInput);

const acme = { name: 'Acme Analytics Inc.', domain: 'acme-analytics.com', phone: '+1 617 555 0100', street: '1 Main Street', city: 'Boston', postcode: '02110', country: 'US' };
const globex = { name: 'Globex Corporation', domain: 'globex.com', phone: '+1 212 555 0199', street: '9 Broad Street', city: 'New York', postcode: '10004', country: 'US' };

const entity = (unifiedId: string, members: string[], trustedIds: Record<string, string[]> = {}): EntityView => ({ unifiedId, members, trustedIds });

const decide = (record: ReturnType<typeof account>, candidates: Candidate[], entities: EntityView[], constraints: { cannot?: string[]; must?: string[] } = {}, current?: EntityView) =>
  decideIncremental({
    record,
    currentEntity: current,
    candidates,
    entities: new Map(entities.map((e) => [e.unifiedId, e])),
    cannotLink: new Set(constraints.cannot ?? []),
    mustLink: new Set(constraints.must ?? []),
    scorer,
  });

describe('decideIncremental', () => {
  const existing = account('salesforce#account#1', acme);

  it('joins the entity of a record that is clearly the same customer', () => {
    const record = account('hubspot#account#9', { ...acme, name: 'ACME Analytics' });
    const d = decide(record, [{ record: existing, unifiedId: 'cus_A' }], [entity('cus_A', ['salesforce#account#1'])]);
    expect(d.join?.unifiedId).toBe('cus_A');
    expect(d.join?.verdict).toBe('link');
    expect(d.proposals).toEqual([]);
  });

  it('founds a new entity when no candidate is the same customer', () => {
    const record = account('hubspot#account#9', globex);
    const d = decide(record, [{ record: existing, unifiedId: 'cus_A' }], [entity('cus_A', ['salesforce#account#1'])]);
    expect(d.join).toBeUndefined();
    expect(d.assessed[0]?.verdict).toBe('apart');
  });

  it('refuses a link a person ruled out, and asks no one again', () => {
    const record = account('hubspot#account#9', acme);
    const d = decide(record, [{ record: existing, unifiedId: 'cus_A' }], [entity('cus_A', ['salesforce#account#1'])], { cannot: ['salesforce#account#1'] });
    expect(d.join).toBeUndefined();
    expect(d.proposals).toEqual([]);
    expect(d.assessed[0]).toMatchObject({ verdict: 'refused', refusal: 'cannot-link' });
  });

  it('refuses a link across conflicting tax ids, however alike the rest', () => {
    const record = account('netsuite#account#9', acme, { tax_id: '111' });
    const d = decide(record, [{ record: existing, unifiedId: 'cus_A' }], [entity('cus_A', ['salesforce#account#1'], { tax_id: ['222'] })]);
    expect(d.join).toBeUndefined();
    expect(d.assessed[0]).toMatchObject({ verdict: 'refused', refusal: 'trusted-id-conflict' });
  });

  it('joins a must-link partner whatever the scores say', () => {
    const record = account('hubspot#account#9', globex);
    const d = decide(record, [{ record: existing, unifiedId: 'cus_A' }], [entity('cus_A', ['salesforce#account#1'])], { must: ['salesforce#account#1'] });
    expect(d.join).toMatchObject({ unifiedId: 'cus_A', verdict: 'must-link' });
  });

  it('joins a must-link partner no blocking key found', () => {
    const record = account('hubspot#account#9', globex);
    const d = decide(record, [], [entity('cus_A', ['salesforce#account#1'])], { must: ['salesforce#account#1'] });
    expect(d.join?.unifiedId).toBe('cus_A');
  });

  it('puts a pair in the review band to a person instead of linking', () => {
    // 'Acme' extends to 'Acme Analytics', but also to 'Acme Logistics'; the country says little.
    // How little depends on the bundled model, so the band is set wide around it here.
    const record = account('zendesk#account#9', { name: 'Acme', country: 'US' });
    const d = decideIncremental({
      record,
      candidates: [{ record: existing, unifiedId: 'cus_A' }],
      entities: new Map([['cus_A', entity('cus_A', ['salesforce#account#1'])]]),
      cannotLink: new Set(),
      mustLink: new Set(),
      scorer,
      thresholds: { link: 0.95, review: 0.05 },
    });
    expect(d.join).toBeUndefined();
    expect(d.proposals.map((p) => p.unifiedId)).toEqual(['cus_A']);
  });

  it('merges two entities a record links strongly to only if they match each other as wholes', () => {
    const other = account('stripe#account#2', { ...acme, name: 'Acme Analytics' });
    const record = account('hubspot#account#9', acme);
    const both = [entity('cus_A', ['salesforce#account#1']), entity('cus_B', ['stripe#account#2'])];
    const d = decide(record, [{ record: existing, unifiedId: 'cus_A' }, { record: other, unifiedId: 'cus_B' }], both);
    expect(d.join).toBeDefined();
    expect(d.merges.map((m) => m.unifiedId)).toHaveLength(1);
  });

  it('does not depend on the order of the candidates', () => {
    const others = [account('stripe#account#2', acme), account('zendesk#account#3', { name: 'Acme' }), account('netsuite#account#4', globex)];
    const candidates = [{ record: existing, unifiedId: 'cus_A' }, ...others.map((r, i) => ({ record: r, unifiedId: `cus_${i}` }))];
    const entities = candidates.map((c) => entity(c.unifiedId, [c.record.key]));
    const record = account('hubspot#account#9', acme);
    const expected = decide(record, candidates, entities);
    fc.assert(
      fc.property(fc.shuffledSubarray(candidates, { minLength: candidates.length, maxLength: candidates.length }), (shuffled) => {
        const d = decide(record, shuffled, entities);
        expect(d.join?.unifiedId).toBe(expected.join?.unifiedId);
        expect(d.merges.map((m) => m.unifiedId)).toEqual(expected.merges.map((m) => m.unifiedId));
        expect(d.proposals.map((m) => m.unifiedId)).toEqual(expected.proposals.map((m) => m.unifiedId));
      }),
    );
  });
});
