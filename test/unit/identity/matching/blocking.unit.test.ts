import fc from 'fast-check';
import {
  blockPairCount,
  candidatePairs,
  generatePairs,
  keyIndex,
  keyTable,
  PERSON_BLOCKING,
  rulesIn,
  type BlockingRule,
} from '../../../../functions/identity/matching/blocking';
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
      }),
      { minLength: 0, maxLength: 40 },
    ),
  )
  .map((rows) => rows.map((row, i) => ({ key: String(i), source: 't', kind: 'person', trustedIds: {}, first: row.a, last: row.b, nameTokens: row.c }) as Prepared));

/** Single-key, optional and multi-key rules (a key listed twice by one record included). */
const RULES: BlockingRule[] = [
  { name: 'a', covers: [], keys: (r) => [r.first as string] },
  { name: 'b', covers: [], keys: (r) => (r.last === undefined ? undefined : [r.last]) },
  { name: 'c', covers: [], keys: (r) => r.nameTokens },
  { name: 'a+b', covers: [], keys: (r) => (r.last === undefined ? undefined : [`${r.first}|${r.last}`]) },
];

/**
 * The pairs as the definition has them: each pair once, from the first rule whose keys the two
 * records share, with the later rules sharing one too. A rule produces a pair under the first key
 * they share (in the first record's order); when more than `maxBlockSize` records hold that key,
 * the pair is dropped, and later rules do not step in.
 */
const expectedPairs = (records: readonly Prepared[], rules: readonly BlockingRule[], maxBlockSize: number) => {
  const keys = rules.map((rule) => records.map((r) => new Set(rule.keys(r) ?? [])));
  const blockSize = rules.map((_, r) => {
    const size = new Map<string, number>();
    for (const ks of keys[r] as Set<string>[]) for (const k of ks) size.set(k, (size.get(k) ?? 0) + 1);
    return size;
  });
  const firstShared = (r: number, i: number, j: number) => [...(keys[r]?.[i] ?? [])].find((k) => keys[r]?.[j]?.has(k));
  const shares = (r: number, i: number, j: number) => firstShared(r, i, j) !== undefined;
  const out: string[] = [];
  for (let i = 0; i < records.length; i++)
    for (let j = i + 1; j < records.length; j++) {
      const rule = rules.findIndex((_, r) => shares(r, i, j));
      if (rule < 0 || (blockSize[rule]?.get(firstShared(rule, i, j) as string) ?? 0) > maxBlockSize) continue;
      const later = rules.map((_, r) => r).filter((r) => r > rule && shares(r, i, j));
      out.push(`${i},${j},${rule},${later.join('+')}`);
    }
  return out.sort();
};

describe('candidatePairs', () => {
  it('produces every pair once, by the first rule that finds it, with the later rules that would too', () => {
    fc.assert(
      fc.property(recordsArb, fc.integer({ min: 2, max: 12 }), (records, maxBlockSize) => {
        const found: string[] = [];
        const stats = candidatePairs(keyIndex(records, RULES), RULES, (i, j, rule, later) => found.push(`${i},${j},${rule},${rulesIn(later).join('+')}`), maxBlockSize);
        expect(found.sort()).toEqual(expectedPairs(records, RULES, maxBlockSize));
        expect(stats.pairs).toBe(found.length);
      }),
    );
  });

  it('checks no more pairs than blockPairCount says the blocks hold', () => {
    fc.assert(
      fc.property(recordsArb, (records) => {
        const index = keyIndex(records, RULES);
        let checked = 0;
        let found = 0;
        candidatePairs(index, RULES, () => found++, 1000, (n) => (checked = n));
        expect(found).toBeLessThanOrEqual(blockPairCount(index));
        expect(checked).toBeLessThanOrEqual(blockPairCount(index));
      }),
    );
  });

  it('agrees with generatePairs over the same keys as strings', () => {
    fc.assert(
      fc.property(recordsArb, (records) => {
        const fromIndex: string[] = [];
        const fromTable: string[] = [];
        candidatePairs(keyIndex(records, RULES), RULES, (i, j, rule, later) => fromIndex.push(`${i},${j},${rule},${rulesIn(later)}`));
        generatePairs(keyTable(records, RULES), RULES, (i, j, rule, later) => fromTable.push(`${i},${j},${rule},${later}`));
        expect(fromIndex).toEqual(fromTable);
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
