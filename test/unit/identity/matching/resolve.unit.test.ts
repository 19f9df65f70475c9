import { pairwiseQuality } from '../../../../functions/identity/matching/evaluate';
import type { MatchInput } from '../../../../functions/identity/matching/match-record';
import { resolve } from '../../../../functions/identity/matching/resolve';
import { foundingKeyOf, isUnifiedId, unifiedIdFor } from '../../../../functions/identity/matching/unified-id';

const FIRST = ['Robert', 'Maria', 'Jonathan', 'Aisha', 'Pieter', 'Mei', 'Carlos', 'Fatima', 'Olga', 'Kwame', 'Sofia', 'Liam', 'Noor', 'Hiro', 'Elena', 'Tomasz', 'Grace', 'Ibrahim', 'Chloe', 'Ravi'];
const LAST = ['Smith', 'Garcia', 'Okafor', 'Jansen', 'Chen', 'Rossi', 'Haddad', 'Ivanova', 'Mensah', 'Silva', 'Murphy', 'Khan', 'Tanaka', 'Petrova', 'Nowak', 'Brown', 'Aziz', 'Martin', 'Patel', 'Smith'];
const CITIES = ['London', 'Leeds', 'Bristol', 'York', 'Bath'];

/** Twenty people, each written two or three ways as systems do. */
const people = (): { inputs: MatchInput[]; truth: string[] } => {
  const inputs: MatchInput[] = [];
  const truth: string[] = [];
  FIRST.forEach((first, p) => {
    const last = LAST[p] as string;
    const dob = `19${50 + p}-0${1 + (p % 9)}-1${p % 10}`;
    const email = `${first}.${last}${p}@example${p}.com`.toLowerCase();
    const city = CITIES[p % CITIES.length] as string;
    const variants: MatchInput['fields'][] = [
      { first_name: first, last_name: last, birth_date: dob, email, city },
      { first_name: first.toUpperCase(), last_name: `${last.slice(0, -1)}${last.slice(-1) === 'a' ? 'e' : 'a'}`, birth_date: dob, city },
      { first_name: last, last_name: first, email: email.toUpperCase(), birth_date: dob.replace(/-1/, '-2') },
    ];
    variants.slice(0, 2 + (p % 2)).forEach((fields, v) => {
      inputs.push({ key: `crm:${p}-${v}`, source: 'crm', kind: 'person', fields, trustedIds: {} });
      truth.push(String(p));
    });
  });
  return { inputs, truth };
};

const partition = (keys: readonly string[], clusterOf: Int32Array) => {
  const groups = new Map<number, string[]>();
  clusterOf.forEach((c, i) => groups.set(c, [...(groups.get(c) ?? []), keys[i] as string]));
  return [...groups.values()].map((g) => g.sort().join(' ')).sort();
};

describe('resolve', () => {
  const { inputs, truth } = people();

  it('finds the people behind differently written records', () => {
    const result = resolve(inputs, { kind: 'person' });
    const q = pairwiseQuality(Array.from(result.clusterOf, String), truth);
    expect(q.precision).toBe(1);
    expect(q.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('gives the same partition on a re-run and whatever order the records come in', () => {
    const keys = inputs.map((i) => i.key);
    const once = partition(keys, resolve(inputs, { kind: 'person' }).clusterOf);
    expect(partition(keys, resolve(inputs, { kind: 'person' }).clusterOf)).toEqual(once);
    const reversed = [...inputs].reverse();
    expect(partition(reversed.map((i) => i.key), resolve(reversed, { kind: 'person' }).clusterOf)).toEqual(once);
  });

  it('respects people’s decisions: a cannot-link splits, a must-link joins', () => {
    const decisions = [
      { a: 'crm:0-0', b: 'crm:0-1', same: false },
      { a: 'crm:1-0', b: 'crm:2-0', same: true },
    ];
    const { records, clusterOf } = resolve(inputs, { kind: 'person', decisions });
    const at = (key: string) => clusterOf[records.findIndex((r) => r.key === key)];
    expect(at('crm:0-0')).not.toBe(at('crm:0-1'));
    expect(at('crm:1-0')).toBe(at('crm:2-0'));
  });

  it('explains each review pair field by field', () => {
    const result = resolve(inputs, { kind: 'person', thresholds: { link: 0.999999999, review: 0.01 } });
    expect(result.review.length).toBeGreaterThan(0);
    for (const pair of result.review) {
      const { evidence, prior, weight } = pair.score;
      expect(evidence.length).toBeGreaterThan(0);
      expect(prior + evidence.reduce((s, e) => s + e.weight, 0)).toBeCloseTo(weight, 9);
    }
  });

  it('keeps records with conflicting trusted identifiers apart however alike they are', () => {
    const twin = (key: string, tax: string): MatchInput => ({
      key, source: 'erp', kind: 'account', fields: { name: 'Northwind Traders Ltd', phone: '+44 20 7946 0018', city: 'London' }, trustedIds: { tax },
    });
    const result = resolve([twin('erp:1', 'GB1'), twin('erp:2', 'GB2'), twin('erp:3', 'GB1')], { kind: 'account' });
    expect(Array.from(result.clusterOf)).toEqual([0, 1, 0]);
  });
});

describe('blocking in resolve', () => {
  it('finds a pair under a later rule when the key it shares under an earlier one is over the size cap', () => {
    // Three records share one mailbox (the 'email' block is over a cap of two); only two of them
    // share a phone number too. The pair must still come from the 'phone' rule.
    const shared = (key: string, phone: string): MatchInput => ({
      key, source: 'crm', kind: 'person', fields: { first_name: 'Ann', last_name: `Lee${key}`, email: 'desk@example.com', phone }, trustedIds: {},
    });
    const result = resolve([shared('1', '+44 20 7946 0018'), shared('2', '+44 20 7946 0018'), shared('3', '+44 20 7946 0999')], { kind: 'person', maxBlockSize: 2 });
    const pairs = Array.from({ length: result.candidates.length }, (_, p) => `${result.candidates.i[p]},${result.candidates.j[p]}`);
    expect(pairs).toEqual(['0,1']);
  });
});

describe('resolve on two threads', () => {
  it('gives exactly what one thread gives: clusters, candidates, model and review', () => {
    const { inputs } = people();
    const one = resolve(inputs, { kind: 'person', thresholds: { link: 0.999, review: 0.01 } });
    const two = resolve(inputs, { kind: 'person', thresholds: { link: 0.999, review: 0.01 }, threads: 2 });
    expect(Array.from(two.clusterOf)).toEqual(Array.from(one.clusterOf));
    const pairsOf = (r: typeof one) => Array.from({ length: r.candidates.length }, (_, p) => `${r.candidates.i[p]},${r.candidates.j[p]}`);
    expect(pairsOf(two)).toEqual(pairsOf(one));
    expect(two.model).toEqual(one.model);
    expect(two.review).toEqual(one.review);
    expect(two.records).toEqual(one.records);
  });
});

describe('unified ids', () => {
  it('derives the same id from the same founding record, and different ids otherwise', () => {
    expect(unifiedIdFor('person', 'crm:1')).toBe(unifiedIdFor('person', 'crm:1'));
    expect(unifiedIdFor('person', 'crm:1')).not.toBe(unifiedIdFor('person', 'crm:2'));
    expect(unifiedIdFor('account', 'crm:1')).not.toBe(unifiedIdFor('person', 'crm:1').replace('per_', 'cus_'));
    expect(isUnifiedId(unifiedIdFor('account', 'x'))).toBe(true);
    expect(foundingKeyOf(['b', 'a', 'c'])).toBe('a');
  });
});
