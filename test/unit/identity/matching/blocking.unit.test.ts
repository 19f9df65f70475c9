import fc from 'fast-check';
import { blockPairCount, candidatePairs, keyIndex, PERSON_BLOCKING, rulesIn, type BlockingRule, type BlockLimits } from '../../../../functions/identity/matching/blocking';
import type { Prepared } from '../../../../functions/identity/matching/match-record';

/**
 * Records with few distinct values, so they share keys under several rules at once. Up to seven
 * words: a rule with more than four keys on one record keeps them apart from the others.
 */
const recordsArb = fc
  .integer({ min: 3, max: 7 })
  .chain((words) =>
    fc.array(
      fc.record({
        a: fc.constantFrom('x', 'y', 'z'),
        b: fc.option(fc.constantFrom('p', 'q'), { nil: undefined }),
        c: fc.array(fc.constantFrom('m', 'n', 'o', 'r', 's', 't', 'u'), { maxLength: words }),
        city: fc.option(fc.constantFrom('k', 'l', 'v'), { nil: undefined }),
      }),
      { minLength: 0, maxLength: 40 },
    ),
  )
  .map((rows) =>
    rows.map((row, i) => ({ key: `r${i}`, source: 't', kind: 'person', trustedIds: {}, first: row.a, last: row.b, nameTokens: row.c, city: row.city }) as Prepared),
  );

/** Single-key, optional and multi-key rules (a key listed twice by one record included), with and without an order. */
const RULES: BlockingRule[] = [
  { name: 'a', covers: [], keys: (r) => [r.first as string], order: (r) => r.city },
  { name: 'b', covers: [], keys: (r) => (r.last === undefined ? undefined : [r.last]) },
  { name: 'c', covers: [], keys: (r) => r.nameTokens, order: (r, nth) => `${r.nameTokens?.[nth + 1] ?? ''}${r.first}` },
  { name: 'a+b', covers: [], keys: (r) => (r.last === undefined ? undefined : [`${r.first}|${r.last}`]), order: (r) => r.city },
];

/**
 * The pairs as the definition has them. A rule finds a pair when the records share one of its
 * keys held by at most `maxBlockSize` records and, when more than 2 window - 1 records hold it, their
 * order values are fewer than `window` apart among the block's distinct values (records without
 * one count as ''). Each pair comes once, from the first rule that finds it, with the later rules
 * that find it too.
 */
const expectedPairs = (records: readonly Prepared[], rules: readonly BlockingRule[], { window, maxBlockSize }: BlockLimits) => {
  const finds = rules.map((rule) => {
    const keysOf = records.map((r) => [...new Set(rule.keys(r) ?? [])]);
    const blocks = new Map<string, number[]>();
    keysOf.forEach((ks, i) => ks.forEach((k) => blocks.set(k, [...(blocks.get(k) ?? []), i])));
    const rank = new Map<string, number>();
    for (const [k, members] of blocks) {
      const value = (i: number) => rule.order?.(records[i] as Prepared, (rule.keys(records[i] as Prepared) ?? []).indexOf(k)) ?? '';
      const values = [...new Set(members.map(value))].sort();
      for (const i of members) rank.set(`${k}\u0000${i}`, values.indexOf(value(i)));
    }
    return (i: number, j: number) =>
      (keysOf[i] as string[]).some((k) => {
        const size = blocks.get(k)?.length ?? 0;
        if (!(keysOf[j] as string[]).includes(k) || size > maxBlockSize) return false;
        return size <= 2 * window - 1 || Math.abs((rank.get(`${k}\u0000${i}`) as number) - (rank.get(`${k}\u0000${j}`) as number)) < window;
      });
  });
  const out: string[] = [];
  for (let i = 0; i < records.length; i++)
    for (let j = i + 1; j < records.length; j++) {
      const rule = finds.findIndex((found) => found(i, j));
      if (rule < 0) continue;
      const later = rules.map((_, r) => r).filter((r) => r > rule && (finds[r] as (i: number, j: number) => boolean)(i, j));
      out.push(`${i},${j},${rule},${later.join('+')}`);
    }
  return out.sort();
};

const limitsArb = fc.record({ window: fc.integer({ min: 2, max: 8 }), maxBlockSize: fc.integer({ min: 2, max: 30 }) });

describe('candidatePairs', () => {
  it('produces every pair once, by the first rule that finds it, with the later rules that find it too', () => {
    fc.assert(
      fc.property(recordsArb, limitsArb, (records, limits) => {
        const found: string[] = [];
        const stats = candidatePairs(keyIndex(records, RULES, limits), RULES, (i, j, rule, later) => found.push(`${i},${j},${rule},${rulesIn(later).join('+')}`));
        expect(found.sort()).toEqual(expectedPairs(records, RULES, limits));
        expect(stats.pairs).toBe(found.length);
      }),
    );
  });

  it('leaves a pair to a later rule when the key it shares under an earlier one is over the cap', () => {
    // Three records share 'x' under rule a, over a cap of two; two of them share 'p' under rule b.
    const records = [
      { first: 'x', last: 'p' },
      { first: 'x', last: 'p' },
      { first: 'x', last: 'q' },
    ].map((f, i) => ({ key: `r${i}`, source: 't', kind: 'person', trustedIds: {}, ...f }) as Prepared);
    const rules = RULES.slice(0, 2);
    const found: string[] = [];
    const stats = candidatePairs(keyIndex(records, rules, { window: 10, maxBlockSize: 2 }), rules, (i, j, rule) => found.push(`${i},${j} by ${rules[rule]?.name}`));
    expect(found).toEqual(['0,1 by b']);
    expect(stats.rules.map((r) => r.skippedKeys)).toEqual([1, 0]);
  });

  it('meets each record of a large block with its nearest in the rule’s order', () => {
    // Six records under one key, window 3: sorted by city, each meets the two after it.
    const cities = ['f', 'a', 'e', 'b', 'd', 'c'];
    const records = cities.map((city, i) => ({ key: `r${i}`, source: 't', kind: 'person', trustedIds: {}, first: 'x', city }) as Prepared);
    const found: string[] = [];
    const stats = candidatePairs(keyIndex(records, RULES.slice(0, 1), { window: 3, maxBlockSize: 100 }), RULES.slice(0, 1), (i, j) =>
      found.push(`${cities[i]}${cities[j]}`.split('').sort().join('')),
    );
    expect(found.sort()).toEqual(['ab', 'ac', 'bc', 'bd', 'cd', 'ce', 'de', 'df', 'ef']);
    expect(stats.rules[0]).toMatchObject({ windowedKeys: 1, windowedRecords: 6 });
  });

  it('meets every record of the same value, however many', () => {
    // Four 'a's and 'b', 'c': window 2 reaches one value either side, and all 'a's meet.
    const cities = ['a', 'b', 'a', 'c', 'a', 'a'];
    const records = cities.map((city, i) => ({ key: `r${i}`, source: 't', kind: 'person', trustedIds: {}, first: 'x', city }) as Prepared);
    const found: string[] = [];
    candidatePairs(keyIndex(records, RULES.slice(0, 1), { window: 2, maxBlockSize: 100 }), RULES.slice(0, 1), (i, j) => found.push(`${i}${j}`));
    expect(found.sort()).toEqual(['01', '02', '04', '05', '12', '13', '14', '15', '24', '25', '45']);
  });

  it('checks exactly the pairs blockPairCount says the blocks hold', () => {
    fc.assert(
      fc.property(recordsArb, limitsArb, (records, limits) => {
        const index = keyIndex(records, RULES, limits);
        let checked = 0;
        let found = 0;
        candidatePairs(index, RULES, () => found++, (n) => (checked = n));
        expect(found).toBeLessThanOrEqual(blockPairCount(index));
        expect(checked).toBe(blockPairCount(index));
      }),
    );
  });

  it('splits into shards whose pairs, put together in part order, are the whole run’s, in order', () => {
    fc.assert(
      fc.property(recordsArb, limitsArb, fc.integer({ min: 1, max: 4 }), (records, limits, parts) => {
        const index = keyIndex(records, RULES, limits);
        const pairsOf = (part: number, of: number) => {
          const out: string[] = [];
          candidatePairs(index, RULES, (i, j, rule, later) => out.push(`${i},${j},${rule},${later}`), undefined, { part, parts: of });
          return out;
        };
        const byRule = (pairs: string[]) => RULES.map((_, r) => pairs.filter((p) => p.split(',')[2] === String(r)));
        const shards = Array.from({ length: parts }, (_, part) => byRule(pairsOf(part, parts)));
        // Within a rule, shard by shard: the order one thread walks the blocks in.
        const together = RULES.flatMap((_, r) => shards.flatMap((shard) => shard[r] as string[]));
        expect(together).toEqual(pairsOf(0, 1));
      }),
    );
  });

  it('gives the same pairs whatever order the records come in', () => {
    fc.assert(
      fc.property(recordsArb, limitsArb, (records, limits) => {
        const pairsOf = (rs: readonly Prepared[]) => {
          const out: string[] = [];
          candidatePairs(keyIndex(rs, RULES, limits), RULES, (i, j, rule) => out.push(`${[(rs[i] as Prepared).key, (rs[j] as Prepared).key].sort().join(',')} ${rule}`));
          return out.sort();
        };
        expect(pairsOf([...records].reverse())).toEqual(pairsOf(records));
      }),
    );
  });
});

describe('the name-sounds key', () => {
  // As first written, with regular expressions: the first letter, then the next two consonants
  // once repeated consonants are merged.
  const consonantKey = (s: string) => s.charAt(0) + s.slice(1).replace(/[^bcdfghjklmnpqrstvwxz]/g, '').replace(/(.)\1+/g, '$1').slice(0, 2);
  const nameSounds = PERSON_BLOCKING.find((r) => r.name === 'name sounds') as BlockingRule;

  it('is each name with the first letter and next two distinct consonants of the other', () => {
    const name = fc.stringMatching(/^[a-zäöü' -]{1,12}$/);
    fc.assert(
      fc.property(name, name, (first, last) => {
        const r = { key: 'k', source: 't', kind: 'person', trustedIds: {}, first, last } as Prepared;
        expect(nameSounds.keys(r)).toEqual([`${last}|${consonantKey(first)}`, `${first}|${consonantKey(last)}`]);
      }),
    );
  });
});
