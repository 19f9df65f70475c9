/**
 * How two records are compared: field by field, each comparison putting a pair into one of a few
 * graded levels (exact, a typo away, similar, different), or none when either record lacks the
 * field. Fellegi–Sunter then learns how much each level says about a match (fellegi-sunter.ts).
 *
 * Fellegi–Sunter adds fields up as if they were independent. For people in business data they are
 * not: colleagues share the employer's domain, its mailbox pattern, the switchboard and the office
 * address all at once, some 40 bits of agreement that no name disagreement could outweigh, and two
 * namesakes at two companies share a whole name. So for people, agreeing on what colleagues share
 * is not compared when the names clearly disagree, nor agreeing names when the employers clearly
 * differ (`colleagues`, `namesakes`); and an employer, a phone number or a shared mailbox never
 * links a pair on its own.
 *
 * Levels run from the strongest agreement to 'different', which is always last. A comparison's
 * `tfValue` names the value whose frequency tempers an exact agreement: two 'smith's say less than
 * two 'oyelaran's. Priors are what the model assumes before (or without) learning from the data.
 */
import { FREEMAIL_DOMAINS } from '../normalize/freemail-domains';
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
   * Agreement here adds weight but never settles an ambiguous level: two companies in the same
   * city or country are as likely neighbours as one company ('Bluefin Traders' and 'Harborpine
   * Traders', both in Chicago). A term-frequency adjustment makes a city look rare in a small store.
   */
  weakEvidence?: true;
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
  /** Whether the pair looks like two colleagues (see `colleagues`); undefined until asked. */
  colleagues: boolean | undefined;
  /** Whether the pair looks like two namesakes (see `namesakes`); undefined until asked. */
  namesakes: boolean | undefined;
}

const lastAlignment: NameAlignment = {
  a: undefined,
  b: undefined,
  swapped: false,
  firstSimilarity: Number.NaN,
  lastSimilarity: Number.NaN,
  colleagues: undefined,
  namesakes: undefined,
};

const alignmentOf = (a: Names, b: Names): NameAlignment => {
  const m = lastAlignment;
  if (m.a === a && m.b === b) return m;
  m.a = a;
  m.b = b;
  m.swapped = false;
  m.firstSimilarity = Number.NaN;
  m.lastSimilarity = Number.NaN;
  m.colleagues = undefined;
  m.namesakes = undefined;
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

/**
 * Whether y is x with two neighbouring letters swapped ('raj' and 'rja'): a typing slip that
 * Jaro-Winkler misses in short names, whose matching window is too narrow to see it.
 */
const oneSwap = (x: string, y: string): boolean => {
  if (x.length !== y.length) return false;
  let i = 0;
  while (i < x.length && x.charCodeAt(i) === y.charCodeAt(i)) i++;
  if (i + 1 >= x.length || x.charCodeAt(i) !== y.charCodeAt(i + 1) || x.charCodeAt(i + 1) !== y.charCodeAt(i)) return false;
  return x.slice(i + 2) === y.slice(i + 2);
};

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
    if (s >= 0.92 || oneSwap(x, y)) return 2;
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
    if (oneSwap(x, y)) return 1;
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

const isFreeMail = (address: string): boolean => FREEMAIL_DOMAINS.has(address.slice(address.lastIndexOf('@') + 1));

/** Whether two addresses are at two different companies' own domains (free mail belongs to no company). */
const atTwoCompanies = (x: string, y: string): boolean =>
  x.slice(x.lastIndexOf('@') + 1) !== y.slice(y.lastIndexOf('@') + 1) && !isFreeMail(x) && !isFreeMail(y);

const email: Comparison = {
  name: 'email',
  // 'work and personal' is a disagreement, but a weaker one: people give their own address in one
  // system and their employer's in another, while two work addresses are two mailboxes.
  levels: ['exact', 'exact shared mailbox', 'same mailbox name', 'typo', 'work and personal', 'different'],
  priorM: [0.75, 0.02, 0.08, 0.1, 0.03, 0.02],
  // info@ is the company's mailbox, not a person's.
  ambiguousLevels: [1],
  tfValue: (r) => r.email,
  compare(a, b) {
    const x = a.email;
    const y = b.email;
    if (x === undefined || y === undefined) return NO_LEVEL;
    if (x === y) return a.emailIsRole ? 1 : 0;
    if (a.emailIsRole || b.emailIsRole) return 5;
    // 'jane.doe' at work and at gmail.com is one person's pair of addresses; 'pilar.blanco' at
    // two companies is only the two companies' address pattern applied to one name, which the
    // name comparisons already count.
    if (a.emailLocal === b.emailLocal && (a.emailLocal ?? '').length >= 4 && !atTwoCompanies(x, y)) return 2;
    // More than two characters apart in length is more than two edits apart.
    if (Math.abs(x.length - y.length) <= 2 && levenshtein(x, y) <= 2) return 3;
    return isFreeMail(x) !== isFreeMail(y) ? 4 : 5;
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

// ---- colleagues and namesakes --------------------------------------------------------------------

/** The comparisons' own context is not needed to compare names or birth dates. */
const NAMES_ONLY: CompareContext = { wordWeight: () => 1 };
const FIRST_NAMES_DIFFER = firstName.levels.length - 1;
const LAST_NAMES_DIFFER = lastName.levels.length - 1;
const EMPLOYERS_DIFFER = companyOfPerson.levels.length - 1;

/**
 * Whether two people's names clearly disagree: a first name that is not the other's, a nickname
 * of it, a slip or an initial of it ('Ana' and 'Tom'), or a last name that is not the other's nor
 * a slip of it ('Ruiz' and 'Berg'). Names one record lacks do not disagree.
 */
export const namesConflict = (a: Prepared, b: Prepared): boolean =>
  firstName.compare(a, b, NAMES_ONLY) === FIRST_NAMES_DIFFER || lastName.compare(a, b, NAMES_ONLY) === LAST_NAMES_DIFFER;

/**
 * Whether two people's employers clearly differ: both web domains are known, neither the same nor
 * a slip apart ('acme.com', 'acne.com'), and the company names, where given, are not alike either.
 * Names alone are written too many ways to tell employers apart ('IBM', 'International Business
 * Machines').
 */
const employersDiffer = (a: Prepared, b: Prepared, ctx: CompareContext): boolean =>
  a.domain !== undefined &&
  b.domain !== undefined &&
  companyOfPerson.compare(a, b, ctx) === EMPLOYERS_DIFFER &&
  levenshtein(a.domain, b.domain) > 2;

/** Whether something only one person has agrees: a birth date (give or take a slip), a personal mailbox, a trusted identifier. */
const somethingPersonalAgrees = (a: Prepared, b: Prepared): boolean => {
  const born = birthDate.compare(a, b, NAMES_ONLY);
  if (born === 0 || born === 1 || born === 2) return true;
  if (a.email !== undefined && a.email === b.email && !a.emailIsRole) return true;
  return trustedIdAgreement(a, b) === 'agree';
};

/**
 * Whether two people look like colleagues rather than one person: their names clearly disagree
 * and nothing personal says otherwise. Heavily corrupted records (a census keyed by hand) can
 * carry another person's name; a birth date or a personal mailbox still shows them to be one.
 * Kept with the pair's name alignment, as every shared field asks.
 */
export const colleagues = (a: Prepared, b: Prepared): boolean => {
  const alignment = alignmentOf(a, b);
  alignment.colleagues ??= namesConflict(a, b) && !somethingPersonalAgrees(a, b);
  return alignment.colleagues;
};

/**
 * Whether two people look like namesakes rather than one person: two 'Pilar Blanco's at two
 * companies, with nothing personal in common, not even a phone number. A contact who changed
 * employer is a new contact at the new customer, and needs more than the name to join the old.
 * Kept with the pair's name alignment too (a run has one context).
 */
export const namesakes = (a: Prepared, b: Prepared, ctx: CompareContext): boolean => {
  const alignment = alignmentOf(a, b);
  alignment.namesakes ??= employersDiffer(a, b, ctx) && (a.phone === undefined || a.phone !== b.phone) && !somethingPersonalAgrees(a, b);
  return alignment.namesakes;
};

/**
 * A comparison left out, for the pairs `explained` picks, at the given levels (all by default).
 * - Namesakes: the names, at every level. Two contacts at two employers with nothing personal in
 *   common are two contacts whatever their names; and as which pairs are namesakes does not
 *   depend on the names, u still learns the names from all other random pairs.
 * - Colleagues: only the agreements they share and strangers rarely do (the office, not merely
 *   the same street). Random pairs are nearly all 'colleagues' by their names, so leaving out
 *   every level would leave u nothing to learn from; disagreeing still counts, and u still sees
 *   how often strangers agree by chance.
 */
const leftOutFor =
  (explained: (a: Prepared, b: Prepared, ctx: CompareContext) => boolean) =>
  (c: Comparison, levels: readonly string[] = c.levels): Comparison => {
    const out = c.levels.map((label) => levels.includes(label));
    return {
      ...c,
      compare: (a, b, ctx) => {
        const level = c.compare(a, b, ctx);
        return level !== NO_LEVEL && out[level] === true && explained(a, b, ctx) ? NO_LEVEL : level;
      },
    };
  };

/** What colleagues share: the mailbox pattern (addresses a slip apart, a shared mailbox), the switchboard, the office, the employer. */
const sharedByColleagues = leftOutFor(colleagues);
/** What namesakes share: the name. */
const sharedByNamesakes = leftOutFor(namesakes);

/**
 * For people, a phone number or an employer in common says 'same company' before 'same person':
 * it may put a pair to a person, never link it alone. (An address may: in consumer data it is a
 * home, a person's strongest evidence besides the name.)
 */
const neverAlone = (c: Comparison): Comparison => ({ ...c, ambiguousLevels: c.levels.slice(0, -1).map((_, level) => level) });

export const PERSON_COMPARISONS: readonly Comparison[] = [
  sharedByNamesakes(firstName),
  sharedByNamesakes(lastName),
  birthDate,
  sharedByColleagues(email, ['exact shared mailbox', 'same mailbox name', 'typo']),
  sharedByColleagues(neverAlone(phone), ['exact', 'same number, other extension', 'same last seven digits']),
  sharedByColleagues(street, ['exact', 'typo']),
  city,
  sharedByColleagues(postcode, ['exact']),
  region,
  sharedByColleagues(neverAlone(companyOfPerson), ['same domain', 'same name', 'similar name']),
  trustedIds,
];
/** For companies, a place is where many are: see `weakEvidence`. */
const weak = (c: Comparison): Comparison => ({ ...c, weakEvidence: true });

export const ACCOUNT_COMPARISONS: readonly Comparison[] = [companyName, domain, phone, street, weak(city), postcode, weak(country), trustedIds];

export const comparisonsFor = (kind: 'person' | 'account'): readonly Comparison[] =>
  kind === 'person' ? PERSON_COMPARISONS : ACCOUNT_COMPARISONS;
