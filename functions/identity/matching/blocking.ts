/**
 * Candidate generation: which pairs are worth comparing at all. Comparing every pair of a million
 * records is half a trillion comparisons; instead each blocking rule gives every record a few keys
 * and only records sharing a key are compared. The union of the rules has to find the true pairs
 * (pair completeness, measured by the bench); each rule alone may miss many.
 *
 * Every pair is produced once, by the first rule that finds it. Training looks at each rule's pairs
 * separately (all of them, whichever rule produced them): a rule's pairs agree on the fields the
 * rule `covers` by construction, so those fields' agreement says nothing within that rule.
 *
 * A key shared by more than `maxBlockSize` records ('smith j' in a national register) is skipped
 * and reported: its pairs would cost more than they find, and the other rules usually find them.
 */
import type { Prepared } from './match-record';

export interface BlockingRule {
  name: string;
  /** The comparisons whose exact agreement this rule's keys imply. */
  covers: readonly string[];
  keys(r: Prepared): readonly string[] | undefined;
}

const one = (...parts: (string | undefined)[]): readonly string[] | undefined =>
  parts.some((p) => p === undefined || p === '') ? undefined : [parts.join('|')];

const trustedIdKeys = (r: Prepared): readonly string[] | undefined => {
  const entries = Object.entries(r.trustedIds);
  return entries.length === 0 ? undefined : entries.map(([name, value]) => `${name}=${value}`);
};

const year = (iso: string | undefined) => iso?.slice(0, 4);
/** A crude sound-alike key: the first letter and the next two consonants. */
const consonantKey = (s: string | undefined): string | undefined => {
  if (s === undefined || s === '') return undefined;
  const rest = s.slice(1).replace(/[^bcdfghjklmnpqrstvwxz]/g, '').replace(/(.)\1+/g, '$1');
  return s.charAt(0) + rest.slice(0, 2);
};
const firstKey = (r: Prepared) => r.firstCandidates?.[0] ?? r.first;

/**
 * Keys that survive a swapped first and last name ('Quilliam Ashleigh' / 'Ashleigh Quilliam'):
 * each name with the other's initial, both ways round.
 */
const eitherWayRound = (r: Prepared, other: (x: string) => string | undefined): readonly string[] | undefined => {
  if (r.first === undefined || r.last === undefined) return undefined;
  const a = other(r.first);
  const b = other(r.last);
  if (a === undefined || b === undefined) return undefined;
  return [`${r.last}|${a}`, `${r.first}|${b}`];
};
const initialsOf = (r: Prepared): readonly string[] => [r.first?.charAt(0), r.last?.charAt(0)].filter((x): x is string => x !== undefined && x !== '');
const withEach = (prefix: string | undefined, xs: readonly string[]): readonly string[] | undefined =>
  prefix === undefined || xs.length === 0 ? undefined : [...new Set(xs)].map((x) => `${prefix}|${x}`);

export const PERSON_BLOCKING: readonly BlockingRule[] = [
  { name: 'trusted id', covers: ['trusted_ids'], keys: trustedIdKeys },
  { name: 'email', covers: ['email'], keys: (r) => one(r.email) },
  { name: 'phone', covers: ['phone'], keys: (r) => one(r.phone) },
  { name: 'name + other initial', covers: [], keys: (r) => eitherWayRound(r, (x) => x.charAt(0)) },
  { name: 'birth date + an initial', covers: ['birth_date'], keys: (r) => withEach(r.birthDate, initialsOf(r)) },
  { name: 'first name + birth year', covers: [], keys: (r) => one(firstKey(r), year(r.birthDate)) },
  { name: 'last name + birth year', covers: [], keys: (r) => one(r.last, year(r.birthDate)) },
  { name: 'name sounds', covers: [], keys: (r) => eitherWayRound(r, consonantKey) },
  { name: 'last name + postcode', covers: ['postcode'], keys: (r) => one(r.last, r.postcode) },
  { name: 'first name + postcode', covers: ['postcode'], keys: (r) => one(firstKey(r), r.postcode) },
  { name: 'house number + postcode', covers: ['postcode'], keys: (r) => one(r.houseNumber, r.postcode) },
  { name: 'house number + street sound', covers: [], keys: (r) => one(r.houseNumber, consonantKey(r.street?.replace(/ /g, ''))) },
  { name: 'first name + city', covers: ['city'], keys: (r) => one(firstKey(r), r.city) },
  { name: 'last name + city', covers: ['city'], keys: (r) => one(r.last, r.city) },
  { name: 'birth date + city', covers: ['birth_date', 'city'], keys: (r) => one(r.birthDate, r.city) },
  { name: 'mailbox name', covers: [], keys: (r) => (r.emailIsRole || (r.emailLocal ?? '').length < 4 ? undefined : one(r.emailLocal)) },
];

export const ACCOUNT_BLOCKING: readonly BlockingRule[] = [
  { name: 'trusted id', covers: ['trusted_ids'], keys: trustedIdKeys },
  { name: 'domain', covers: ['domain'], keys: (r) => one(r.domain) },
  { name: 'phone', covers: ['phone'], keys: (r) => one(r.phone) },
  { name: 'name without spaces', covers: ['name'], keys: (r) => one(r.nameSquashed) },
  { name: 'name word', covers: [], keys: (r) => r.nameTokens?.filter((t) => t.length >= 3) },
  { name: 'name start', covers: [], keys: (r) => one(r.nameSquashed?.slice(0, 5)) },
  { name: 'street + postcode', covers: ['postcode'], keys: (r) => one(r.houseNumber, r.street, r.postcode) },
];

export const blockingFor = (kind: 'person' | 'account'): readonly BlockingRule[] => (kind === 'person' ? PERSON_BLOCKING : ACCOUNT_BLOCKING);

export interface BlockingStats {
  rules: { name: string; pairs: number; skippedKeys: number; skippedRecords: number }[];
  pairs: number;
}

/** Keys per rule per record, computed once. */
export type KeyTable = (readonly string[] | undefined)[][];

export const keyTable = (records: readonly Prepared[], rules: readonly BlockingRule[]): KeyTable =>
  rules.map((rule) => records.map((r) => rule.keys(r)));

const shareKey = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean => {
  if (a === undefined || b === undefined) return false;
  for (const k of a) if (b.includes(k)) return true;
  return false;
};

/** The first key, in `a`'s order, that `b` also has. */
const firstSharedKey = (a: readonly string[], b: readonly string[]): string | undefined => a.find((k) => b.includes(k));

/**
 * Calls `emit(i, j, rule, alsoFoundBy)` once for every candidate pair (i < j), by the first rule
 * that finds it, with the later rules that would have found it too.
 */
export const generatePairs = (
  table: KeyTable,
  rules: readonly BlockingRule[],
  emit: (i: number, j: number, rule: number, alsoFoundBy: readonly number[]) => void,
  maxBlockSize = 1000,
): BlockingStats => {
  const stats: BlockingStats = { rules: rules.map((r) => ({ name: r.name, pairs: 0, skippedKeys: 0, skippedRecords: 0 })), pairs: 0 };
  for (let r = 0; r < rules.length; r++) {
    const keysOf = table[r] as (readonly string[] | undefined)[];
    const blocks = new Map<string, number[]>();
    keysOf.forEach((keys, i) => {
      for (const k of keys ?? []) {
        const block = blocks.get(k);
        if (block) block.push(i);
        else blocks.set(k, [i]);
      }
    });
    const ruleStats = stats.rules[r] as BlockingStats['rules'][number];
    for (const [key, members] of blocks) {
      if (members.length < 2) continue;
      if (members.length > maxBlockSize) {
        ruleStats.skippedKeys++;
        ruleStats.skippedRecords += members.length;
        continue;
      }
      for (let x = 0; x < members.length; x++) {
        const i = members[x] as number;
        const ki = keysOf[i] as readonly string[];
        for (let y = x + 1; y < members.length; y++) {
          const j = members[y] as number;
          // Within a multi-key rule, a pair sharing several keys is produced under the first.
          if (ki.length > 1 && firstSharedKey(ki, keysOf[j] as readonly string[]) !== key) continue;
          if (foundEarlier(table, r, i, j)) continue;
          ruleStats.pairs++;
          emit(i, j, r, foundLater(table, r, i, j));
        }
      }
    }
    stats.pairs += ruleStats.pairs;
  }
  return stats;
};

const foundEarlier = (table: KeyTable, rule: number, i: number, j: number): boolean => {
  for (let e = 0; e < rule; e++) {
    const keys = table[e] as (readonly string[] | undefined)[];
    if (shareKey(keys[i], keys[j])) return true;
  }
  return false;
};

/** The later rules that would also have produced the pair (training counts it for each). */
const foundLater = (table: KeyTable, rule: number, i: number, j: number): number[] => {
  const out: number[] = [];
  for (let e = rule + 1; e < table.length; e++) {
    const keys = table[e] as (readonly string[] | undefined)[];
    if (shareKey(keys[i], keys[j])) out.push(e);
  }
  return out;
};
