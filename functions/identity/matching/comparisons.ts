/**
 * How two records are compared: field by field, each comparison putting a pair into one of a few
 * graded levels (exact, a typo away, similar, different), or none when either record lacks the
 * field. Fellegi–Sunter then learns how much each level says about a match (fellegi-sunter.ts).
 *
 * Levels run from the strongest agreement to 'different', which is always last. A comparison's
 * `tfValue` names the value whose frequency tempers an exact agreement: two 'smith's say less than
 * two 'oyelaran's. Priors are what the model assumes before (or without) learning from the data.
 */
import type { Prepared } from './match-record';
import { jaroWinklerSimilarity, levenshtein, softTokenSimilarity, unpairedWords } from './similarity';

/** The pair has no level: one of the records does not say. */
export const NO_LEVEL = -1;

export interface CompareContext {
  /** A company-name word's weight (inverse document frequency over the run's records). */
  wordWeight(word: string): number;
}

export interface Comparison {
  name: string;
  /** Level labels, strongest agreement first; the last is 'different'. */
  levels: readonly string[];
  compare(a: Prepared, b: Prepared, ctx: CompareContext): number;
  /** The value whose frequency adjusts the weight of an exact agreement (level 0). */
  tfValue?: (r: Prepared) => string | undefined;
  /** P(level | match) assumed before learning; one per level, summing to 1. */
  priorM: readonly number[];
  /**
   * Levels at which agreement alone is ambiguous: a pair whose only positive evidence is one of
   * these goes to a person, however strong the level's weight.
   */
  ambiguousLevels?: readonly number[];
  /**
   * Parameters that are not learned: trusted identifiers mean what they mean whatever the data
   * says. Fixed comparisons still count in every score.
   */
  fixed?: { m: readonly number[]; u: readonly number[] };
}

/** A level from graded similarity thresholds: the first threshold met gives its level. */
const graded = (similarity: number, thresholds: readonly number[]): number => {
  for (let i = 0; i < thresholds.length; i++) if (similarity >= (thresholds[i] as number)) return i;
  return thresholds.length;
};

// ---- people ----------------------------------------------------------------------------------------

type Names = Pick<Prepared, 'first' | 'firstCandidates' | 'last'>;

/**
 * How b's names line up with a's, with the similarities the decision computed. The first-name and
 * last-name comparisons of one pair each need it, one right after the other, so the last pair's
 * alignment is kept (by record identity: a prepared record never changes): that halves the
 * Jaro-Winkler work on names, the bulk of comparing people.
 */
interface NameAlignment {
  a: Names | undefined;
  b: Names | undefined;
  swapped: boolean;
  /** Jaro-Winkler of a's first name and b's aligned first name; NaN when not computed. */
  firstSimilarity: number;
  /** Jaro-Winkler of a's last name and b's aligned last name; NaN when not computed. */
  lastSimilarity: number;
}

const lastAlignment: NameAlignment = { a: undefined, b: undefined, swapped: false, firstSimilarity: Number.NaN, lastSimilarity: Number.NaN };

const alignmentOf = (a: Names, b: Names): NameAlignment => {
  const m = lastAlignment;
  if (m.a === a && m.b === b) return m;
  m.a = a;
  m.b = b;
  m.swapped = false;
  m.firstSimilarity = Number.NaN;
  m.lastSimilarity = Number.NaN;
  if (a.first === undefined || a.last === undefined || b.first === undefined || b.last === undefined || a.first === b.first) return m;
  const firstFirst = jaroWinklerSimilarity(a.first, b.first);
  const lastLast = jaroWinklerSimilarity(a.last, b.last);
  const firstLast = jaroWinklerSimilarity(a.first, b.last);
  const lastFirst = jaroWinklerSimilarity(a.last, b.first);
  m.swapped = firstLast + lastFirst > firstFirst + lastLast + 0.1;
  m.firstSimilarity = m.swapped ? firstLast : firstFirst;
  m.lastSimilarity = m.swapped ? lastFirst : lastLast;
  return m;
};

/**
 * b's names in the order that best lines up with a's. First and last names swap places often
 * enough (a form filled in the wrong order, 'Quilliam Ashleigh') that the comparisons of both
 * look at the better of the two readings.
 */
export const alignedNames = (a: Names, b: Names): Names =>
  alignmentOf(a, b).swapped ? { first: b.last, firstCandidates: [b.last as string], last: b.first } : b;

/** Whether two lists of candidate first names share one (both lists hold a few names at most). */
const shareCandidate = (xs: readonly string[] | undefined, ys: readonly string[] | undefined): boolean => {
  if (xs === undefined || ys === undefined) return false;
  for (const x of xs) if (ys.includes(x)) return true;
  return false;
};

/** The similarity an alignment computed, or a fresh one when it had no need to. */
const similarityOr = (computed: number, a: string, b: string): number => (Number.isNaN(computed) ? jaroWinklerSimilarity(a, b) : computed);

const firstName: Comparison = {
  name: 'first_name',
  levels: ['exact', 'nickname', 'typo', 'similar', 'initial', 'different'],
  priorM: [0.7, 0.08, 0.1, 0.05, 0.02, 0.05],
  tfValue: (r) => r.first,
  compare(a, b) {
    const x = a.first;
    if (x === undefined || b.first === undefined) return NO_LEVEL;
    const alignment = alignmentOf(a, b);
    const y = (alignment.swapped ? b.last : b.first) as string;
    if (x === y) return 0;
    if (shareCandidate(a.firstCandidates, alignment.swapped ? [y] : b.firstCandidates)) return 1;
    const s = similarityOr(alignment.firstSimilarity, x, y);
    if (s >= 0.92) return 2;
    if (s >= 0.8) return 3;
    // 'J' against 'John': an initial agrees with the name it starts.
    if ((x.length === 1 || y.length === 1) && x.charCodeAt(0) === y.charCodeAt(0)) return 4;
    return 5;
  },
};

const lastName: Comparison = {
  name: 'last_name',
  levels: ['exact', 'typo', 'similar', 'different'],
  priorM: [0.8, 0.1, 0.05, 0.05],
  tfValue: (r) => r.last,
  compare(a, b) {
    const x = a.last;
    if (x === undefined) return NO_LEVEL;
    const alignment = alignmentOf(a, b);
    const y = alignment.swapped ? b.first : b.last;
    if (y === undefined) return NO_LEVEL;
    if (x === y) return 0;
    return 1 + graded(similarityOr(alignment.lastSimilarity, x, y), [0.92, 0.8]);
  },
};

/** Whether `x` and `y` are one ISO date with the day and month written the other way round. */
const dayAndMonthSwapped = (x: string, y: string): boolean =>
  x.slice(0, 4) === y.slice(0, 4) && x.slice(5, 7) === y.slice(8, 10) && x.slice(8, 10) === y.slice(5, 7);

const birthDate: Comparison = {
  name: 'birth_date',
  levels: ['exact', 'one typo', 'day and month swapped', 'two typos', 'within a year', 'different'],
  priorM: [0.8, 0.1, 0.02, 0.04, 0.02, 0.02],
  compare(a, b) {
    const x = a.birthDate;
    const y = b.birthDate;
    if (x === undefined || y === undefined) return NO_LEVEL;
    if (x === y) return 0;
    const edits = levenshtein(x, y);
    if (edits <= 1) return 1;
    if (dayAndMonthSwapped(x, y)) return 2;
    if (edits <= 2) return 3;
    // Years at least two apart are more than a year apart: no need to parse the dates.
    if (Math.abs(yearOf(x) - yearOf(y)) >= 2) return 5;
    const days = Math.abs(Date.parse(x) - Date.parse(y)) / 86_400_000;
    return Number.isFinite(days) && days <= 366 ? 4 : 5;
  },
};

/** The year of an ISO date, or NaN (which never rules a pair out) when it does not start with one. */
const yearOf = (iso: string): number => {
  let year = 0;
  for (let i = 0; i < 4; i++) {
    const d = iso.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return Number.NaN;
    year = year * 10 + d;
  }
  return iso.charCodeAt(4) === 45 ? year : Number.NaN;
};

const email: Comparison = {
  name: 'email',
  levels: ['exact', 'exact shared mailbox', 'same mailbox name', 'typo', 'different'],
  priorM: [0.75, 0.02, 0.08, 0.1, 0.05],
  tfValue: (r) => r.email,
  compare(a, b) {
    const x = a.email;
    const y = b.email;
    if (x === undefined || y === undefined) return NO_LEVEL;
    if (x === y) return a.emailIsRole ? 1 : 0;
    if (a.emailIsRole || b.emailIsRole) return 4;
    if (a.emailLocal === b.emailLocal && (a.emailLocal ?? '').length >= 4) return 2;
    // More than two characters apart in length is more than two edits apart.
    if (Math.abs(x.length - y.length) > 2) return 4;
    return levenshtein(x, y) <= 2 ? 3 : 4;
  },
};

/** Where the number ends and ';ext=…' begins. */
const numberLength = (phone: string): number => {
  const semicolon = phone.indexOf(';');
  return semicolon < 0 ? phone.length : semicolon;
};

/** Whether the last `n` characters of x's first `xn` and y's first `yn` are equal (all of them when shorter). */
const sameEnding = (x: string, xn: number, y: string, yn: number, n: number): boolean => {
  const k = Math.min(xn, n);
  if (Math.min(yn, n) !== k) return false;
  for (let i = 1; i <= k; i++) if (x.charCodeAt(xn - i) !== y.charCodeAt(yn - i)) return false;
  return true;
};

const phone: Comparison = {
  name: 'phone',
  levels: ['exact', 'same number, other extension', 'same last seven digits', 'different'],
  priorM: [0.75, 0.05, 0.05, 0.15],
  tfValue: (r) => r.phone,
  compare(a, b) {
    const x = a.phone;
    const y = b.phone;
    if (x === undefined || y === undefined) return NO_LEVEL;
    if (x === y) return 0;
    const xn = numberLength(x);
    const yn = numberLength(y);
    if (xn === yn && sameEnding(x, xn, y, yn, xn)) return 1;
    return sameEnding(x, xn, y, yn, 7) ? 2 : 3;
  },
};

const street: Comparison = {
  name: 'street',
  levels: ['exact', 'typo', 'same street, other number', 'different'],
  priorM: [0.7, 0.15, 0.05, 0.1],
  tfValue: (r) => (r.street === undefined ? undefined : `${r.houseNumber ?? ''} ${r.street}`),
  compare(a, b) {
    const x = a.street;
    const y = b.street;
    if (x === undefined || y === undefined) return NO_LEVEL;
    const sameNumber = a.houseNumber === b.houseNumber;
    if (x === y) return sameNumber ? 0 : 2;
    if (jaroWinklerSimilarity(x, y) >= 0.9) return sameNumber ? 1 : 2;
    return 3;
  },
};

const city: Comparison = {
  name: 'city',
  levels: ['exact', 'typo', 'different'],
  priorM: [0.8, 0.1, 0.1],
  tfValue: (r) => r.city,
  compare(a, b) {
    const x = a.city;
    const y = b.city;
    if (x === undefined || y === undefined) return NO_LEVEL;
    if (x === y) return 0;
    return jaroWinklerSimilarity(x, y) >= 0.9 ? 1 : 2;
  },
};

const postcode: Comparison = {
  name: 'postcode',
  levels: ['exact', 'one typo', 'different'],
  priorM: [0.8, 0.1, 0.1],
  tfValue: (r) => r.postcode,
  compare(a, b) {
    const x = a.postcode;
    const y = b.postcode;
    if (x === undefined || y === undefined) return NO_LEVEL;
    if (x === y) return 0;
    if (Math.abs(x.length - y.length) > 1) return 2;
    return levenshtein(x, y) <= 1 ? 1 : 2;
  },
};

/** A field that either agrees or not: no typo is likely or meaningful in it. */
const exactOnly = (name: string, field: 'region' | 'domain' | 'country', matchRate: number, termFrequencies: boolean): Comparison => ({
  name,
  levels: ['exact', 'different'],
  priorM: [matchRate, 1 - matchRate],
  ...(termFrequencies ? { tfValue: (r: Prepared) => r[field] } : {}),
  compare(a, b) {
    const x = a[field];
    const y = b[field];
    return x === undefined || y === undefined ? NO_LEVEL : x === y ? 0 : 1;
  },
});

const region = exactOnly('region', 'region', 0.9, true);

const companyOfPerson: Comparison = {
  name: 'company',
  levels: ['same domain', 'same name', 'similar name', 'different'],
  priorM: [0.5, 0.3, 0.1, 0.1],
  compare(a, b, ctx) {
    if (a.domain !== undefined && a.domain === b.domain) return 0;
    const x = a.nameTokens;
    const y = b.nameTokens;
    if (x === undefined || y === undefined) return a.domain !== undefined && b.domain !== undefined ? 3 : NO_LEVEL;
    if (a.nameSquashed === b.nameSquashed) return 1;
    return softTokenSimilarity(x, y, ctx.wordWeight) >= 0.8 ? 2 : 3;
  },
};

// ---- accounts --------------------------------------------------------------------------------------

const companyName: Comparison = {
  name: 'name',
  levels: ['exact', 'same letters', 'same words', 'one extends the other', 'similar', 'related', 'different'],
  priorM: [0.6, 0.05, 0.2, 0.05, 0.05, 0.02, 0.03],
  // 'DSM' and 'DSM IP Assets' are parent and subsidiary, 'Shell Canada' and 'Schlumberger Canada'
  // strangers: a name that only extends the other, or shares a word or two with it, needs a
  // domain, phone or address to agree before it merges without a person.
  ambiguousLevels: [3, 5],
  tfValue: (r) => r.name,
  compare(a, b, ctx) {
    const x = a.nameTokens;
    const y = b.nameTokens;
    if (x === undefined || y === undefined) return NO_LEVEL;
    if (a.name === b.name) return 0;
    if (a.nameSquashed === b.nameSquashed) return 1;
    const unpaired = unpairedWords(x, y);
    if (unpaired === 'none') return 2;
    if (unpaired !== 'both') return 3;
    return 4 + graded(softTokenSimilarity(x, y, ctx.wordWeight), [0.7, 0.5]);
  },
};

const domain = exactOnly('domain', 'domain', 0.9, true);
const country = exactOnly('country', 'country', 0.95, false);

// ---- trusted identifiers -------------------------------------------------------------------------

/** Whether two records share a trusted identifier's name, and then whether the values agree. */
export const trustedIdAgreement = (a: Prepared, b: Prepared): 'agree' | 'conflict' | undefined => {
  let verdict: 'agree' | 'conflict' | undefined;
  // for…in rather than Object.entries: this runs for every pair, and most records have no ids.
  for (const name in a.trustedIds) {
    if (!Object.hasOwn(a.trustedIds, name)) continue;
    const other = b.trustedIds[name];
    if (other === undefined) continue;
    if (other !== a.trustedIds[name]) return 'conflict';
    verdict = 'agree';
  }
  return verdict;
};

const trustedIds: Comparison = {
  name: 'trusted_ids',
  levels: ['agree', 'conflict'],
  priorM: [0.999, 0.001],
  // An agreement is nearly proof; a conflict nearly proof of two entities (a typo in a tax id is
  // rare, and a person can still merge them by hand).
  fixed: { m: [0.999, 0.001], u: [1e-7, 1 - 1e-7] },
  compare(a, b) {
    const v = trustedIdAgreement(a, b);
    return v === undefined ? NO_LEVEL : v === 'agree' ? 0 : 1;
  },
};

export const PERSON_COMPARISONS: readonly Comparison[] = [
  firstName, lastName, birthDate, email, phone, street, city, postcode, region, companyOfPerson, trustedIds,
];
export const ACCOUNT_COMPARISONS: readonly Comparison[] = [companyName, domain, phone, street, city, postcode, country, trustedIds];

export const comparisonsFor = (kind: 'person' | 'account'): readonly Comparison[] =>
  kind === 'person' ? PERSON_COMPARISONS : ACCOUNT_COMPARISONS;
