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

const missing = (part: string | undefined): part is undefined | '' => part === undefined || part === '';

// A rule's single key, its parts joined by '|'; none when a part is missing.
const one = (a: string | undefined): readonly string[] | undefined => (missing(a) ? undefined : [a]);
const two = (a: string | undefined, b: string | undefined): readonly string[] | undefined => (missing(a) || missing(b) ? undefined : [`${a}|${b}`]);
const three = (a: string | undefined, b: string | undefined, c: string | undefined): readonly string[] | undefined =>
  missing(a) || missing(b) || missing(c) ? undefined : [`${a}|${b}|${c}`];

const trustedIdKeys = (r: Prepared): readonly string[] | undefined => {
  let keys: string[] | undefined;
  // for…in rather than Object.entries: most records have no trusted ids, and this runs for each.
  for (const name in r.trustedIds) if (Object.hasOwn(r.trustedIds, name)) (keys ??= []).push(`${name}=${r.trustedIds[name]}`);
  return keys;
};

const year = (iso: string | undefined) => iso?.slice(0, 4);
const CONSONANTS = new Set('bcdfghjklmnpqrstvwxz'.split('').map((c) => c.charCodeAt(0)));

/**
 * A crude sound-alike key: the first letter and the next two consonants, a consonant repeated
 * (even across vowels: 'lala') counting once.
 */
const consonantKey = (s: string | undefined): string | undefined => {
  if (s === undefined || s === '') return undefined;
  let key = s.charAt(0);
  let previous = -1;
  for (let i = 1, taken = 0; i < s.length && taken < 2; i++) {
    const c = s.charCodeAt(i);
    if (!CONSONANTS.has(c) || c === previous) continue;
    key += s.charAt(i);
    previous = c;
    taken++;
  }
  return key;
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
  { name: 'first name + birth year', covers: [], keys: (r) => two(firstKey(r), year(r.birthDate)) },
  { name: 'last name + birth year', covers: [], keys: (r) => two(r.last, year(r.birthDate)) },
  { name: 'name sounds', covers: [], keys: (r) => eitherWayRound(r, consonantKey) },
  { name: 'last name + postcode', covers: ['postcode'], keys: (r) => two(r.last, r.postcode) },
  { name: 'first name + postcode', covers: ['postcode'], keys: (r) => two(firstKey(r), r.postcode) },
  { name: 'house number + postcode', covers: ['postcode'], keys: (r) => two(r.houseNumber, r.postcode) },
  { name: 'house number + street sound', covers: [], keys: (r) => two(r.houseNumber, consonantKey(r.street?.replace(/ /g, ''))) },
  { name: 'first name + city', covers: ['city'], keys: (r) => two(firstKey(r), r.city) },
  { name: 'last name + city', covers: ['city'], keys: (r) => two(r.last, r.city) },
  { name: 'birth date + city', covers: ['birth_date', 'city'], keys: (r) => two(r.birthDate, r.city) },
  { name: 'mailbox name', covers: [], keys: (r) => (r.emailIsRole || (r.emailLocal ?? '').length < 4 ? undefined : one(r.emailLocal)) },
];

export const ACCOUNT_BLOCKING: readonly BlockingRule[] = [
  { name: 'trusted id', covers: ['trusted_ids'], keys: trustedIdKeys },
  { name: 'domain', covers: ['domain'], keys: (r) => one(r.domain) },
  { name: 'phone', covers: ['phone'], keys: (r) => one(r.phone) },
  { name: 'name without spaces', covers: ['name'], keys: (r) => one(r.nameSquashed) },
  { name: 'name word', covers: [], keys: (r) => r.nameTokens?.filter((t) => t.length >= 3) },
  { name: 'name start', covers: [], keys: (r) => one(r.nameSquashed?.slice(0, 5)) },
  { name: 'street + postcode', covers: ['postcode'], keys: (r) => three(r.houseNumber, r.street, r.postcode) },
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

/**
 * Strings to small integers, equal strings to equal numbers in the order first met: an open
 * addressing table over a typed array, which numbers millions of short keys in about half the
 * time a Map takes.
 */
class KeyNumbers {
  private readonly keys: string[] = [];
  private hashes: number[] = [];
  private table: Int32Array;
  private mask: number;

  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.table = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  numberOf(key: string): number {
    // FNV-1a over the UTF-16 code units.
    let h = 0x811c9dc5;
    for (let c = 0; c < key.length; c++) h = Math.imul(h ^ key.charCodeAt(c), 0x01000193);
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.table[slot] as number;
      if (entry === 0) break;
      if (this.hashes[entry - 1] === h && this.keys[entry - 1] === key) return entry - 1;
    }
    const id = this.keys.length;
    this.keys.push(key);
    this.hashes.push(h);
    if (this.keys.length * 2 > this.table.length) this.grow();
    else this.place(id);
    return id;
  }

  get count(): number {
    return this.keys.length;
  }

  private place(id: number) {
    let slot = (this.hashes[id] as number) & this.mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
    this.table[slot] = id + 1;
  }

  private grow() {
    this.table = new Int32Array(this.table.length * 2);
    this.mask = this.table.length - 1;
    for (let id = 0; id < this.keys.length; id++) this.place(id);
  }
}

/** One rule's keys per record as numbers: record i's are ids[start[i]] up to ids[start[i + 1]], each once, in the rule's order. */
interface RuleKeyList {
  count: number;
  start: Int32Array;
  ids: Int32Array;
  /** The most keys one record has. */
  widest: number;
}

const ruleKeyListOf = (size: number, keysOf: (i: number) => readonly string[] | undefined): RuleKeyList => {
  const numbers = new KeyNumbers(size);
  const start = new Int32Array(size + 1);
  let ids = new Int32Array(Math.max(16, size));
  let length = 0;
  let widest = 0;
  for (let i = 0; i < size; i++) {
    const keys = keysOf(i);
    const from = length;
    for (let k = 0; k < (keys?.length ?? 0); k++) {
      const id = numbers.numberOf((keys as readonly string[])[k] as string);
      // A key written twice by one record ('lee lee' either way round) is one key.
      let seen = false;
      for (let x = from; x < length && !seen; x++) seen = ids[x] === id;
      if (seen) continue;
      if (length === ids.length) {
        const more = new Int32Array(ids.length * 2);
        more.set(ids);
        ids = more;
      }
      ids[length++] = id;
    }
    start[i + 1] = length;
    widest = Math.max(widest, length - from);
  }
  return { count: numbers.count, start, ids: ids.slice(0, length), widest };
};

/** Rules with at most this many keys on any record keep them in the records' rows. */
const MAX_SLOTS = 4;

/** Where one rule's keys are found. */
export interface RuleKeys {
  /** Distinct keys. */
  count: number;
  /** The rule's slots in a row ('slots' of them from 'offset', -1 when unused) … */
  offset: number;
  slots: number;
  /** … or, for a rule with more keys on some record, a list per record. */
  list?: RuleKeyList;
}

/**
 * Every record's blocking keys as small integers, equal keys getting equal numbers in the order
 * keys are first met. A million records hold about twenty million keys: as strings in per-record
 * arrays they took gigabytes and every pair check compared strings. A record's keys under every
 * rule sit side by side in its row, so asking whether two records share a key under each of the
 * other rules (for every candidate pair) reads two short rows, not one array per rule.
 */
export interface KeyIndex {
  size: number;
  /** Ints per row: record i's row is rows[i * width] up to rows[(i + 1) * width]. */
  width: number;
  rows: Int32Array;
  rules: RuleKeys[];
}

/** Rules whose later findings fit in one 32-bit mask. */
const MAX_RULES = 31;

const keyIndexFrom = (size: number, ruleCount: number, keysOf: (rule: number, i: number) => readonly string[] | undefined): KeyIndex => {
  const lists: RuleKeyList[] = [];
  for (let r = 0; r < ruleCount; r++) lists.push(ruleKeyListOf(size, (i) => keysOf(r, i)));
  let width = 0;
  const rules = lists.map((list): RuleKeys => {
    if (list.widest > MAX_SLOTS) return { count: list.count, offset: 0, slots: 0, list };
    const placed = { count: list.count, offset: width, slots: list.widest };
    width += list.widest;
    return placed;
  });
  const rows = new Int32Array(size * width).fill(-1);
  lists.forEach((list, r) => {
    const { offset, slots } = rules[r] as RuleKeys;
    if (slots === 0) return;
    for (let i = 0; i < size; i++) {
      const from = list.start[i] as number;
      const to = list.start[i + 1] as number;
      for (let x = from; x < to; x++) rows[i * width + offset + x - from] = list.ids[x] as number;
    }
  });
  return { size, width, rows, rules };
};

/** Every record's keys under every rule, as numbers. */
export const keyIndex = (records: readonly Prepared[], rules: readonly BlockingRule[]): KeyIndex =>
  keyIndexFrom(records.length, rules.length, (r, i) => (rules[r] as BlockingRule).keys(records[i] as Prepared));

const keyIndexOf = (table: KeyTable, size: number): KeyIndex => keyIndexFrom(size, table.length, (r, i) => table[r]?.[i]);

/** The first key, in record i's order, that record j also has under the rule; -1 when none. */
const firstSharedKey = (index: KeyIndex, rule: RuleKeys, i: number, j: number): number => {
  const list = rule.list;
  if (list) {
    for (let x = list.start[i] as number; x < (list.start[i + 1] as number); x++) {
      const key = list.ids[x] as number;
      for (let y = list.start[j] as number; y < (list.start[j + 1] as number); y++) if (list.ids[y] === key) return key;
    }
    return -1;
  }
  const { rows, width } = index;
  const bi = i * width + rule.offset;
  const bj = j * width + rule.offset;
  for (let s = 0; s < rule.slots; s++) {
    const key = rows[bi + s] as number;
    if (key < 0) return -1;
    for (let t = 0; t < rule.slots; t++) {
      const other = rows[bj + t] as number;
      if (other < 0) break;
      if (other === key) return key;
    }
  }
  return -1;
};

/** Calls `visit(i, key)` for every key of every record under the rule, records in order. */
const eachKey = (index: KeyIndex, rule: RuleKeys, visit: (i: number, key: number) => void): void => {
  const list = rule.list;
  for (let i = 0; i < index.size; i++) {
    if (list) {
      for (let x = list.start[i] as number; x < (list.start[i + 1] as number); x++) visit(i, list.ids[x] as number);
      continue;
    }
    const base = i * index.width + rule.offset;
    for (let s = 0; s < rule.slots; s++) {
      const key = index.rows[base + s] as number;
      if (key < 0) break;
      visit(i, key);
    }
  }
};

/** Per key of the rule, how many records hold it. */
const blockSizes = (index: KeyIndex, rule: RuleKeys): Int32Array => {
  const sizes = new Int32Array(rule.count);
  eachKey(index, rule, (_, key) => (sizes[key] = (sizes[key] as number) + 1));
  return sizes;
};

/** Records grouped by key: block b's members are members[offset[b]] up to members[offset[b + 1]], in record order. */
const blocksOf = (index: KeyIndex, rule: RuleKeys, sizes: Int32Array): { offset: Int32Array; members: Int32Array } => {
  const offset = new Int32Array(rule.count + 1);
  for (let b = 0; b < rule.count; b++) offset[b + 1] = (offset[b] as number) + (sizes[b] as number);
  const fill = offset.slice(0, rule.count);
  const members = new Int32Array(offset[rule.count] as number);
  eachKey(index, rule, (i, key) => {
    members[fill[key] as number] = i;
    fill[key] = (fill[key] as number) + 1;
  });
  return { offset, members };
};

/**
 * Calls `emit(i, j, rule, laterRules)` once for every candidate pair (i < j), by the first rule
 * that finds it; bit e of `laterRules` is set when the later rule e would have found it too.
 * Blocks come in the order their keys were first met, members in record order. `onChecked`
 * hears, now and then, how many of the `blockPairCount` pairs have been checked.
 */
export const candidatePairs = (
  index: KeyIndex,
  rules: readonly BlockingRule[],
  emit: (i: number, j: number, rule: number, laterRules: number) => void,
  maxBlockSize = 1000,
  onChecked?: (checked: number) => void,
): BlockingStats => {
  let checked = 0;
  let nextReport = 0;
  if (rules.length > MAX_RULES) throw new Error(`at most ${MAX_RULES} blocking rules, got ${rules.length}`);
  const stats: BlockingStats = { rules: rules.map((r) => ({ name: r.name, pairs: 0, skippedKeys: 0, skippedRecords: 0 })), pairs: 0 };
  for (let r = 0; r < rules.length; r++) {
    const rule = index.rules[r] as RuleKeys;
    const { offset, members } = blocksOf(index, rule, blockSizes(index, rule));
    const ruleStats = stats.rules[r] as BlockingStats['rules'][number];
    for (let block = 0; block < rule.count; block++) {
      const from = offset[block] as number;
      const to = offset[block + 1] as number;
      if (to - from < 2) continue;
      if (to - from > maxBlockSize) {
        ruleStats.skippedKeys++;
        ruleStats.skippedRecords += to - from;
        continue;
      }
      for (let x = from; x < to; x++) {
        const i = members[x] as number;
        checked += to - x - 1;
        if (onChecked && checked >= nextReport) {
          onChecked(checked);
          nextReport = checked + 250_000;
        }
        for (let y = x + 1; y < to; y++) {
          const j = members[y] as number;
          // A pair sharing several keys of the rule is produced under the first.
          if (rule.slots !== 1 && firstSharedKey(index, rule, i, j) !== block) continue;
          if (foundEarlier(index, r, i, j)) continue;
          ruleStats.pairs++;
          emit(i, j, r, foundLater(index, r, i, j));
        }
      }
    }
    stats.pairs += ruleStats.pairs;
  }
  return stats;
};

/**
 * How many pairs the blocks under the size cap hold, summed over the rules: the pairs
 * `candidatePairs` checks (most are then left to the earlier rule that also found them).
 */
export const blockPairCount = (index: KeyIndex, maxBlockSize = 1000): number => {
  let total = 0;
  for (const rule of index.rules) {
    for (const size of blockSizes(index, rule)) if (size <= maxBlockSize) total += (size * (size - 1)) / 2;
  }
  return total;
};

/**
 * Calls `emit(i, j, rule, alsoFoundBy)` once for every candidate pair (i < j), by the first rule
 * that finds it, with the later rules that would have found it too.
 */
export const generatePairs = (
  table: KeyTable,
  rules: readonly BlockingRule[],
  emit: (i: number, j: number, rule: number, alsoFoundBy: readonly number[]) => void,
  maxBlockSize = 1000,
): BlockingStats =>
  candidatePairs(keyIndexOf(table, table[0]?.length ?? 0), rules, (i, j, rule, later) => emit(i, j, rule, rulesIn(later)), maxBlockSize);

/** The rule numbers whose bits are set, in order. */
export const rulesIn = (mask: number): number[] => {
  const out: number[] = [];
  for (let e = 0; mask >>> e !== 0; e++) if ((mask >>> e) & 1) out.push(e);
  return out;
};

const foundEarlier = (index: KeyIndex, rule: number, i: number, j: number): boolean => {
  for (let e = 0; e < rule; e++) if (firstSharedKey(index, index.rules[e] as RuleKeys, i, j) >= 0) return true;
  return false;
};

/** The later rules that would also have produced the pair (training counts it for each), as bits. */
const foundLater = (index: KeyIndex, rule: number, i: number, j: number): number => {
  let mask = 0;
  for (let e = rule + 1; e < index.rules.length; e++) if (firstSharedKey(index, index.rules[e] as RuleKeys, i, j) >= 0) mask |= 1 << e;
  return mask;
};
