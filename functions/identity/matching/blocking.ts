/**
 * Candidate generation: which pairs are worth comparing at all. Comparing every pair of a million
 * records is half a trillion comparisons; instead each blocking rule gives every record a few keys
 * and only records sharing a key are compared. The union of the rules has to find the true pairs
 * (pair completeness, measured by the bench); each rule alone may miss many.
 *
 * Blocks grow with the data: 'john|s' holds 1,700 records of a million, and comparing it whole
 * costs 1.4 million pairs, nearly all strangers. So a block larger than a window costs (2 window
 * - 1 records) is compared as a sorted neighbourhood: its records are sorted by the rule's `order`
 * (what the key leaves open, such as the other name, then the birth date), and each meets the
 * records whose value is its own or one of the `window - 1` nearest values either side. A record
 * then meets a few dozen records per key, whatever the size of the data, and they are the ones
 * most like it. Records with the same value always meet: a big customer's four hundred records of
 * one name are one block of equal values, and splitting them would leave matching to chains of
 * neighbours. A key held by more than `maxBlockSize` records (a placeholder value) is skipped and
 * reported.
 *
 * A rule finds a pair when the two records share one of its keys whose block is within the cap
 * and, in a block compared by window, are neighbours. Every pair is produced once, by the first
 * rule that finds it, under the first such key. Training looks at each rule's pairs separately
 * (all of them, whichever rule produced them): a rule's pairs agree on the fields the rule
 * `covers` by construction, so those fields' agreement says nothing within that rule.
 */
import type { Prepared } from './match-record';

export interface BlockingRule {
  name: string;
  /** The comparisons whose exact agreement this rule's keys imply. */
  covers: readonly string[];
  keys(r: Prepared): readonly string[] | undefined;
  /**
   * Where r stands in the block of its `nth` key when that block is compared by window: what
   * the key leaves open, so that records next to each other are the likeliest matches. Records
   * without one come first, together.
   */
  order?(r: Prepared, nth: number): string | undefined;
}

export interface BlockLimits {
  /**
   * A larger block is compared by window: each record meets the records of its own order value
   * and of the `window - 1` nearest values either side.
   */
  window: number;
  /** Keys held by more records than this are skipped. */
  maxBlockSize: number;
}

export const DEFAULT_BLOCK_LIMITS: BlockLimits = { window: 5, maxBlockSize: 50_000 };

/**
 * The largest block compared whole: a window gives each record up to 2 (window - 1) others, and
 * a block this size costs no more compared whole.
 */
const wholeUpTo = (window: number) => 2 * window - 1;

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
/** Per character code below 128, 1 for a consonant: a table, as this runs for every name of every record. */
const CONSONANTS = new Uint8Array(128);
for (const c of 'bcdfghjklmnpqrstvwxz') CONSONANTS[c.charCodeAt(0)] = 1;

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
    if (CONSONANTS[c] !== 1 || c === previous) continue;
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

// Orders within a block: the name the key leaves open (both when it fixes neither), then the birth
// date, so that among the namesakes a crowded block holds ('john' in 'smith|j'), the records of
// one person stand together instead of in one crowd of equal values.
const thenBirthDate = (name: string | undefined, r: Prepared) => (r.birthDate === undefined ? name : `${name ?? ''} ${r.birthDate}`);
/** The name the nth key of `eitherWayRound` leaves open: the first name beside the last, and back. */
const otherName = (r: Prepared, nth: number) => thenBirthDate(nth === 0 ? r.first : r.last, r);
const byFirst = (r: Prepared) => thenBirthDate(r.first, r);
const byLast = (r: Prepared) => thenBirthDate(r.last, r);
const byNames = (r: Prepared) => thenBirthDate(r.last === undefined ? r.first : r.first === undefined ? r.last : `${r.last} ${r.first}`, r);
const byCompanyName = (r: Prepared) => r.name;
const nameWords = (r: Prepared) => r.nameTokens?.filter((t) => t.length >= 3);
/** The name read from the block's word on ('philips electronics koninklijke'), so names that go on alike stand together. */
const fromWord = (r: Prepared, nth: number): string | undefined => {
  const tokens = r.nameTokens;
  const at = tokens?.indexOf(nameWords(r)?.[nth] as string) ?? -1;
  return tokens === undefined || at < 0 ? r.name : [...tokens.slice(at), ...tokens.slice(0, at)].join(' ');
};

export const PERSON_BLOCKING: readonly BlockingRule[] = [
  { name: 'trusted id', covers: ['trusted_ids'], keys: trustedIdKeys, order: byNames },
  { name: 'email', covers: ['email'], keys: (r) => one(r.email), order: byNames },
  { name: 'phone', covers: ['phone'], keys: (r) => one(r.phone), order: byNames },
  { name: 'name + other initial', covers: [], keys: (r) => eitherWayRound(r, (x) => x.charAt(0)), order: otherName },
  { name: 'birth date + an initial', covers: ['birth_date'], keys: (r) => withEach(r.birthDate, initialsOf(r)), order: byNames },
  { name: 'first name + birth year', covers: [], keys: (r) => two(firstKey(r), year(r.birthDate)), order: byLast },
  { name: 'last name + birth year', covers: [], keys: (r) => two(r.last, year(r.birthDate)), order: byFirst },
  { name: 'name sounds', covers: [], keys: (r) => eitherWayRound(r, consonantKey), order: otherName },
  { name: 'last name + postcode', covers: ['postcode'], keys: (r) => two(r.last, r.postcode), order: byFirst },
  { name: 'first name + postcode', covers: ['postcode'], keys: (r) => two(firstKey(r), r.postcode), order: byLast },
  { name: 'house number + postcode', covers: ['postcode'], keys: (r) => two(r.houseNumber, r.postcode), order: byNames },
  { name: 'house number + street sound', covers: [], keys: (r) => two(r.houseNumber, consonantKey(r.street?.replace(/ /g, ''))), order: byNames },
  { name: 'first name + city', covers: ['city'], keys: (r) => two(firstKey(r), r.city), order: byLast },
  { name: 'last name + city', covers: ['city'], keys: (r) => two(r.last, r.city), order: byFirst },
  { name: 'birth date + city', covers: ['birth_date', 'city'], keys: (r) => two(r.birthDate, r.city), order: byNames },
  { name: 'mailbox name', covers: [], keys: (r) => (r.emailIsRole || (r.emailLocal ?? '').length < 4 ? undefined : one(r.emailLocal)), order: byNames },
];

export const ACCOUNT_BLOCKING: readonly BlockingRule[] = [
  { name: 'trusted id', covers: ['trusted_ids'], keys: trustedIdKeys, order: byCompanyName },
  { name: 'domain', covers: ['domain'], keys: (r) => one(r.domain), order: byCompanyName },
  { name: 'phone', covers: ['phone'], keys: (r) => one(r.phone), order: byCompanyName },
  { name: 'name without spaces', covers: ['name'], keys: (r) => one(r.nameSquashed), order: byCompanyName },
  { name: 'name word', covers: [], keys: nameWords, order: fromWord },
  { name: 'name start', covers: [], keys: (r) => one(r.nameSquashed?.slice(0, 5)), order: byCompanyName },
  { name: 'street + postcode', covers: ['postcode'], keys: (r) => three(r.houseNumber, r.street, r.postcode), order: byCompanyName },
];

export const blockingFor = (kind: 'person' | 'account'): readonly BlockingRule[] => (kind === 'person' ? PERSON_BLOCKING : ACCOUNT_BLOCKING);

export interface BlockingStats {
  rules: {
    name: string;
    pairs: number;
    /** Keys over `maxBlockSize`, and the records they held (a record once per key). */
    skippedKeys: number;
    skippedRecords: number;
    /** Blocks compared by window, and the records they held. */
    windowedKeys: number;
    windowedRecords: number;
  }[];
  pairs: number;
}

/**
 * Strings to small integers, equal strings to equal numbers in the order first met: an open
 * addressing table over a typed array, which numbers millions of short keys in about half the
 * time a Map takes.
 */
export class KeyNumbers {
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
    const h = fnv1a(key);
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

  /** The strings, by number. */
  get strings(): readonly string[] {
    return this.keys;
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

/** FNV-1a over the UTF-16 code units. */
const fnv1a = (s: string): number => {
  let h = 0x811c9dc5;
  for (let c = 0; c < s.length; c++) h = Math.imul(h ^ s.charCodeAt(c), 0x01000193);
  return h;
};

/**
 * One rule's keys per record as numbers: record i's are ids[start[i]] up to ids[start[i + 1]],
 * each once, in the rule's order, with each one's rank in its block (0 throughout a block
 * compared whole). Keys over the cap are left out.
 */
export interface RuleKeyList {
  count: number;
  start: Int32Array;
  ids: Int32Array;
  ranks: Int32Array;
  /** Per key, the pairs its block holds: all of them, or those within the window. */
  blockPairs: Uint32Array;
  /** The most keys one record has. */
  widest: number;
  skippedKeys: number;
  skippedRecords: number;
  windowedKeys: number;
  windowedRecords: number;
}

const growInt32 = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
  const more = new Int32Array(a.length * 2);
  more.set(a);
  return more;
};

/** Every record's keys under the rule, numbered, each with its place in its record's `keys` (for `order`). */
const numberedKeys = (records: readonly Prepared[], rule: BlockingRule) => {
  const size = records.length;
  const numbers = new KeyNumbers(size);
  const start = new Int32Array(size + 1);
  let ids = new Int32Array(Math.max(16, size));
  let nths = new Int32Array(ids.length);
  let length = 0;
  for (let i = 0; i < size; i++) {
    const keys = rule.keys(records[i] as Prepared);
    const from = length;
    for (let k = 0; k < (keys?.length ?? 0); k++) {
      const id = numbers.numberOf((keys as readonly string[])[k] as string);
      // A key written twice by one record ('lee lee' either way round) is one key.
      let seen = false;
      for (let x = from; x < length && !seen; x++) seen = ids[x] === id;
      if (seen) continue;
      if (length === ids.length) {
        ids = growInt32(ids);
        nths = growInt32(nths);
      }
      ids[length] = id;
      nths[length++] = k;
    }
    start[i + 1] = length;
  }
  return { count: numbers.count, start, ids: ids.subarray(0, length), nths };
};

/**
 * Ranks every record within the blocks compared by window: the place of its order value among
 * the block's distinct values, so records the order cannot tell apart share a rank.
 */
const rankWindowedBlocks = (
  records: readonly Prepared[],
  rule: BlockingRule,
  keys: ReturnType<typeof numberedKeys>,
  sizes: Int32Array,
  windowed: (size: number) => boolean,
  window: number,
  ranks: Int32Array,
  blockPairs: Uint32Array,
): void => {
  const { count, start, ids, nths } = keys;
  // Slots (positions in ids) of each windowed block's records, grouped by block.
  const offset = new Int32Array(count + 1);
  for (let b = 0; b < count; b++) offset[b + 1] = (offset[b] as number) + (windowed(sizes[b] as number) ? (sizes[b] as number) : 0);
  const total = offset[count] as number;
  if (total === 0) return;
  const slots = new Int32Array(total);
  const slotRecord = new Int32Array(total);
  const fill = offset.slice(0, count);
  for (let i = 0; i < records.length; i++) {
    for (let x = start[i] as number; x < (start[i + 1] as number); x++) {
      const b = ids[x] as number;
      if (!windowed(sizes[b] as number)) continue;
      slots[fill[b] as number] = x;
      slotRecord[fill[b] as number] = i;
      fill[b] = (fill[b] as number) + 1;
    }
  }
  // Each distinct order value's place among all of them, from one sort of the distinct values;
  // a block then sorts its members by that number, not by comparing strings.
  const values = new KeyNumbers(total);
  const valueOf = new Int32Array(total);
  for (let m = 0; m < total; m++) {
    const slot = slots[m] as number;
    valueOf[m] = values.numberOf(rule.order?.(records[slotRecord[m] as number] as Prepared, nths[slot] as number) ?? '');
  }
  const placeOf = new Int32Array(values.count);
  [...values.strings.keys()].sort((x, y) => compareStrings(values.strings[x] as string, values.strings[y] as string)).forEach((id, place) => (placeOf[id] = place));
  // Place and member in one number (places < 2^26, members < 2^27), so a block sorts without a comparator.
  const entries = new Float64Array(total);
  for (let m = 0; m < total; m++) entries[m] = (placeOf[valueOf[m] as number] as number) * 2 ** 27 + m;
  const blockRanks = new Int32Array(total);
  for (let b = 0; b < count; b++) {
    const from = offset[b] as number;
    const to = offset[b + 1] as number;
    if (from === to) continue;
    entries.subarray(from, to).sort();
    let rank = 0;
    for (let x = from; x < to; x++) {
      const place = Math.floor((entries[x] as number) / 2 ** 27);
      if (x > from && place !== Math.floor((entries[x - 1] as number) / 2 ** 27)) rank++;
      ranks[slots[(entries[x] as number) - place * 2 ** 27] as number] = rank;
      blockRanks[x] = rank;
    }
    blockPairs[b] = pairsAmong(blockRanks, from, to, window);
  }
};

const compareStrings = (a: string, b: string): number => (a === b ? 0 : a < b ? -1 : 1);

/** The pairs among members[from] up to members[to] with these ranks, in order, that are within the window. */
const pairsAmong = (ranks: Int32Array, from: number, to: number, window: number): number => {
  // The members a member meets end no earlier than its predecessor's do.
  let last = from;
  let pairs = 0;
  for (let x = from; x < to; x++) {
    last = Math.max(last, x + 1);
    while (last < to && (ranks[last] as number) < (ranks[x] as number) + window) last++;
    pairs += last - x - 1;
  }
  return pairs;
};

const ruleKeyListOf = (records: readonly Prepared[], rule: BlockingRule, limits: BlockLimits): RuleKeyList => {
  const keys = numberedKeys(records, rule);
  const { count, start, ids } = keys;
  const sizes = new Int32Array(count);
  for (const id of ids) sizes[id] = (sizes[id] as number) + 1;
  const skipped = (size: number) => size > limits.maxBlockSize;
  const windowed = (size: number) => size > wholeUpTo(limits.window) && !skipped(size);
  const ranks = new Int32Array(ids.length);
  const blockPairs = new Uint32Array(count);
  rankWindowedBlocks(records, rule, keys, sizes, windowed, limits.window, ranks, blockPairs);

  const out: RuleKeyList = { count, start, ids, ranks, blockPairs, widest: 0, skippedKeys: 0, skippedRecords: 0, windowedKeys: 0, windowedRecords: 0 };
  sizes.forEach((size, key) => {
    if (skipped(size)) {
      out.skippedKeys++;
      out.skippedRecords += size;
    } else if (windowed(size)) {
      out.windowedKeys++;
      out.windowedRecords += size;
    } else blockPairs[key] = (size * (size - 1)) / 2;
  });
  // Keys over the cap leave the lists: no rule finds a pair by them, neither the rule whose
  // blocks are walked nor an earlier or later one asked whether it would have.
  let length = 0;
  for (let i = 0; i < records.length; i++) {
    const from = start[i] as number;
    const to = start[i + 1] as number;
    start[i] = length;
    for (let x = from; x < to; x++) {
      if (skipped(sizes[ids[x] as number] as number)) continue;
      ids[length] = ids[x] as number;
      ranks[length++] = ranks[x] as number;
    }
    out.widest = Math.max(out.widest, length - (start[i] as number));
  }
  start[records.length] = length;
  out.ids = ids.slice(0, length);
  out.ranks = ranks.slice(0, length);
  return out;
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
  /** Per key, the pairs its block holds (whole, or within the window). */
  blockPairs: Uint32Array;
  skippedKeys: number;
  skippedRecords: number;
  windowedKeys: number;
  windowedRecords: number;
}

/**
 * Every record's blocking keys as small integers, equal keys getting equal numbers in the order
 * keys are first met, each with the record's rank in that key's block. A million records hold
 * about twenty million keys: as strings in per-record arrays they took gigabytes and every pair
 * check compared strings. A record's keys under every rule sit side by side in its row, so
 * asking whether two records share a key under each of the other rules (for every candidate
 * pair) reads two short rows, not one array per rule.
 */
export interface KeyIndex {
  size: number;
  /** Ints per row: record i's row is rows[i * width] up to rows[(i + 1) * width]. */
  width: number;
  rows: Int32Array;
  /** Per entry of `rows`, the record's rank in that key's block. */
  ranks: Int32Array;
  rules: RuleKeys[];
  window: number;
}

/** Rules whose later findings fit in one 32-bit mask. */
export const MAX_RULES = 31;

/** Every record's keys under every rule, as numbers, over the cap left out. */
export const keyIndex = (records: readonly Prepared[], rules: readonly BlockingRule[], limits: BlockLimits = DEFAULT_BLOCK_LIMITS): KeyIndex =>
  keyIndexOf(records.length, ruleKeyLists(records, rules, limits, () => true) as RuleKeyList[], limits);

/**
 * The key lists of the rules `which` picks (the others undefined), asked in rule order: the
 * costly part of `keyIndex`, which two threads can share out by rule and put together with
 * `keyIndexOf`.
 */
export const ruleKeyLists = (
  records: readonly Prepared[],
  rules: readonly BlockingRule[],
  limits: BlockLimits,
  which: (rule: number) => boolean,
): (RuleKeyList | undefined)[] => {
  if (rules.length > MAX_RULES) throw new Error(`at most ${MAX_RULES} blocking rules, got ${rules.length}`);
  if (!(limits.window >= 2)) throw new Error(`a block window of at least 2 records, got ${limits.window}`);
  return rules.map((rule, r) => (which(r) ? ruleKeyListOf(records, rule, limits) : undefined));
};

/** The index of `size` records from every rule's key list. */
export const keyIndexOf = (size: number, lists: readonly RuleKeyList[], limits: BlockLimits): KeyIndex => {
  let width = 0;
  const placed = lists.map((list): RuleKeys => {
    const { count, blockPairs, skippedKeys, skippedRecords, windowedKeys, windowedRecords } = list;
    const stats = { count, blockPairs, skippedKeys, skippedRecords, windowedKeys, windowedRecords };
    if (list.widest > MAX_SLOTS) return { ...stats, offset: 0, slots: 0, list };
    const rule = { ...stats, offset: width, slots: list.widest };
    width += list.widest;
    return rule;
  });
  const rows = new Int32Array(size * width).fill(-1);
  const ranks = new Int32Array(size * width);
  lists.forEach((list, r) => {
    const { offset, slots } = placed[r] as RuleKeys;
    if (slots === 0) return;
    for (let i = 0; i < size; i++) {
      const from = list.start[i] as number;
      const to = list.start[i + 1] as number;
      for (let x = from; x < to; x++) {
        rows[i * width + offset + x - from] = list.ids[x] as number;
        ranks[i * width + offset + x - from] = list.ranks[x] as number;
      }
    }
  });
  return { size, width, rows, ranks, rules: placed, window: limits.window };
};

/**
 * The first key, in record i's order, that record j also has under the rule, within the window
 * of each other; -1 when none.
 */
const firstSharedKey = (index: KeyIndex, rule: RuleKeys, i: number, j: number): number => {
  const { window } = index;
  const list = rule.list;
  if (list) {
    const { start, ids, ranks } = list;
    for (let x = start[i] as number; x < (start[i + 1] as number); x++) {
      const key = ids[x] as number;
      for (let y = start[j] as number; y < (start[j + 1] as number); y++) {
        if (ids[y] === key && Math.abs((ranks[x] as number) - (ranks[y] as number)) < window) return key;
      }
    }
    return -1;
  }
  const { rows, ranks, width } = index;
  const bi = i * width + rule.offset;
  const bj = j * width + rule.offset;
  for (let s = 0; s < rule.slots; s++) {
    const key = rows[bi + s] as number;
    if (key < 0) return -1;
    for (let t = 0; t < rule.slots; t++) {
      const other = rows[bj + t] as number;
      if (other < 0) break;
      if (other === key && Math.abs((ranks[bi + s] as number) - (ranks[bj + t] as number)) < window) return key;
    }
  }
  return -1;
};

/** Calls `visit(i, key, rank)` for every key of every record under the rule, records in order. */
const eachKey = (index: KeyIndex, rule: RuleKeys, visit: (i: number, key: number, rank: number) => void): void => {
  const list = rule.list;
  for (let i = 0; i < index.size; i++) {
    if (list) {
      for (let x = list.start[i] as number; x < (list.start[i + 1] as number); x++) visit(i, list.ids[x] as number, list.ranks[x] as number);
      continue;
    }
    const base = i * index.width + rule.offset;
    for (let s = 0; s < rule.slots; s++) {
      const key = index.rows[base + s] as number;
      if (key < 0) break;
      visit(i, key, index.ranks[base + s] as number);
    }
  }
};

interface Blocks {
  /** Block b's members are members[offset[b]] up to members[offset[b + 1]], by rank, then record. */
  offset: Int32Array;
  members: Int32Array;
  ranks: Int32Array;
}

/** A rule's records grouped by key, for the blocks from `first` up to `end` (the others empty). */
const blocksOf = (index: KeyIndex, rule: RuleKeys, first: number, end: number): Blocks => {
  const offset = new Int32Array(rule.count + 1);
  eachKey(index, rule, (_, key) => {
    if (key >= first && key < end) offset[key + 1] = (offset[key + 1] as number) + 1;
  });
  for (let b = 0; b < rule.count; b++) offset[b + 1] = (offset[b + 1] as number) + (offset[b] as number);
  const fill = offset.slice(0, rule.count);
  // Rank and record in one number, so a block sorts without a comparator (ranks < 2^21).
  const entries = new Float64Array(offset[rule.count] as number);
  eachKey(index, rule, (i, key, rank) => {
    if (key < first || key >= end) return;
    entries[fill[key] as number] = rank * 2 ** 32 + i;
    fill[key] = (fill[key] as number) + 1;
  });
  for (let b = 0; b < rule.count; b++) {
    if ((offset[b + 1] as number) - (offset[b] as number) > wholeUpTo(index.window)) entries.subarray(offset[b], offset[b + 1]).sort();
  }
  const members = new Int32Array(entries.length);
  const ranks = new Int32Array(entries.length);
  for (let x = 0; x < entries.length; x++) {
    const rank = Math.floor((entries[x] as number) / 2 ** 32);
    ranks[x] = rank;
    members[x] = (entries[x] as number) - rank * 2 ** 32;
  }
  return { offset, members, ranks };
};

/** For the member at x of a block ending at `to`, where the members it meets end. */
const meetsUpTo = (blocks: Blocks, x: number, to: number, window: number): number => {
  const { ranks } = blocks;
  const limit = (ranks[x] as number) + window;
  let y = x + 1;
  while (y < to && (ranks[y] as number) < limit) y++;
  return y;
};

/**
 * One of `parts` shares of the work, to run apart (on another thread) and put together in part
 * order: part p walks, under every rule, the p-th run of blocks holding about a `parts`-th of the
 * rule's pairs.
 */
export interface Shard {
  part: number;
  parts: number;
}

/** The blocks of a rule that a shard walks: from `from` up to `to`. */
const blockRange = (pairs: Uint32Array, shard: Shard): { from: number; to: number } => {
  let total = 0;
  for (const n of pairs) total += n;
  const startOf = (part: number) => {
    if (part >= shard.parts) return pairs.length;
    const target = (total * part) / shard.parts;
    let before = 0;
    let block = 0;
    while (block < pairs.length && before + (pairs[block] as number) <= target) before += pairs[block++] as number;
    return part === 0 ? 0 : block;
  };
  return { from: startOf(shard.part), to: startOf(shard.part + 1) };
};

/**
 * Calls `emit(i, j, rule, laterRules)` once for every candidate pair (i < j), by the first rule
 * that finds it; bit e of `laterRules` is set when the later rule e finds it too. Blocks come in
 * the order their keys were first met. `onChecked` hears, now and then, how many of the
 * `blockPairCount` pairs have been checked.
 */
export const candidatePairs = (
  index: KeyIndex,
  rules: readonly BlockingRule[],
  emit: (i: number, j: number, rule: number, laterRules: number) => void,
  onChecked?: (checked: number) => void,
  shard: Shard = { part: 0, parts: 1 },
): BlockingStats => {
  let checked = 0;
  let nextReport = 0;
  const { window } = index;
  const stats: BlockingStats = {
    rules: rules.map((r, k) => {
      const { skippedKeys, skippedRecords, windowedKeys, windowedRecords } = index.rules[k] as RuleKeys;
      return { name: r.name, pairs: 0, skippedKeys, skippedRecords, windowedKeys, windowedRecords };
    }),
    pairs: 0,
  };
  for (let r = 0; r < rules.length; r++) {
    const rule = index.rules[r] as RuleKeys;
    const { from: firstBlock, to: endBlock } = shard.parts === 1 ? { from: 0, to: rule.count } : blockRange(rule.blockPairs, shard);
    const blocks = blocksOf(index, rule, firstBlock, endBlock);
    const { offset, members } = blocks;
    const ruleStats = stats.rules[r] as BlockingStats['rules'][number];
    for (let block = firstBlock; block < endBlock; block++) {
      const from = offset[block] as number;
      const to = offset[block + 1] as number;
      for (let x = from; x < to - 1; x++) {
        const a = members[x] as number;
        // In a block compared whole every rank is 0: every later member.
        const last = meetsUpTo(blocks, x, to, window);
        checked += last - x - 1;
        if (onChecked && checked >= nextReport) {
          onChecked(checked);
          nextReport = checked + 250_000;
        }
        for (let y = x + 1; y < last; y++) {
          const b = members[y] as number;
          const i = a < b ? a : b;
          const j = a < b ? b : a;
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
  onChecked?.(checked);
  return stats;
};

/**
 * How many pairs the blocks hold (whole, or by window), summed over the rules: the pairs
 * `candidatePairs` checks (some are then left to the earlier rule that also found them).
 */
export const blockPairCount = (index: KeyIndex): number => {
  let total = 0;
  for (const rule of index.rules) for (const n of rule.blockPairs) total += n;
  return total;
};

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

/** The later rules that also find the pair (training counts it for each), as bits. */
const foundLater = (index: KeyIndex, rule: number, i: number, j: number): number => {
  let mask = 0;
  for (let e = rule + 1; e < index.rules.length; e++) if (firstSharedKey(index, index.rules[e] as RuleKeys, i, j) >= 0) mask |= 1 << e;
  return mask;
};
