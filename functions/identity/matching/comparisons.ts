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

const both = <T>(a: T | undefined, b: T | undefined): [T, T] | undefined => (a === undefined || b === undefined ? undefined : [a, b]);

/** A level from graded similarity thresholds: the first threshold met gives its level. */
const graded = (similarity: number, thresholds: readonly number[]): number => {
  for (let i = 0; i < thresholds.length; i++) if (similarity >= (thresholds[i] as number)) return i;
  return thresholds.length;
};

// ---- people ----------------------------------------------------------------------------------------

type Names = Pick<Prepared, 'first' | 'firstCandidates' | 'last'>;

/**
 * b's names in the order that best lines up with a's. First and last names swap places often
 * enough (a form filled in the wrong order, 'Quilliam Ashleigh') that the comparisons of both
 * look at the better of the two readings.
 */
export const alignedNames = (a: Names, b: Names): Names => {
  if (a.first === undefined || a.last === undefined || b.first === undefined || b.last === undefined || a.first === b.first) return b;
  const straight = jaroWinklerSimilarity(a.first, b.first) + jaroWinklerSimilarity(a.last, b.last);
  const swapped = jaroWinklerSimilarity(a.first, b.last) + jaroWinklerSimilarity(a.last, b.first);
  return swapped > straight + 0.1 ? { first: b.last, firstCandidates: [b.last], last: b.first } : b;
};

const firstName: Comparison = {
  name: 'first_name',
  levels: ['exact', 'nickname', 'typo', 'similar', 'initial', 'different'],
  priorM: [0.7, 0.08, 0.1, 0.05, 0.02, 0.05],
  tfValue: (r) => r.first,
  compare(a, b) {
    const other = alignedNames(a, b);
    const p = both(a.first, other.first);
    if (!p) return NO_LEVEL;
    const [x, y] = p;
    if (x === y) return 0;
    const cx = a.firstCandidates ?? [];
    const cy = other.firstCandidates ?? [];
    if (cx.some((c) => cy.includes(c))) return 1;
    const s = jaroWinklerSimilarity(x, y);
    if (s >= 0.92) return 2;
    if (s >= 0.8) return 3;
    // 'J' against 'John': an initial agrees with the name it starts.
    if ((x.length === 1 || y.length === 1) && x.charAt(0) === y.charAt(0)) return 4;
    return 5;
  },
};

const lastName: Comparison = {
  name: 'last_name',
  levels: ['exact', 'typo', 'similar', 'different'],
  priorM: [0.8, 0.1, 0.05, 0.05],
  tfValue: (r) => r.last,
  compare(a, b) {
    const p = both(a.last, alignedNames(a, b).last);
    if (!p) return NO_LEVEL;
    if (p[0] === p[1]) return 0;
    return 1 + graded(jaroWinklerSimilarity(p[0], p[1]), [0.92, 0.8]);
  },
};

const birthDate: Comparison = {
  name: 'birth_date',
  levels: ['exact', 'one typo', 'day and month swapped', 'two typos', 'within a year', 'different'],
  priorM: [0.8, 0.1, 0.02, 0.04, 0.02, 0.02],
  compare(a, b) {
    const p = both(a.birthDate, b.birthDate);
    if (!p) return NO_LEVEL;
    const [x, y] = p;
    if (x === y) return 0;
    const edits = levenshtein(x, y);
    if (edits <= 1) return 1;
    if (x.slice(0, 4) === y.slice(0, 4) && x.slice(5, 7) === y.slice(8, 10) && x.slice(8, 10) === y.slice(5, 7)) return 2;
    if (edits <= 2) return 3;
    const days = Math.abs(Date.parse(x) - Date.parse(y)) / 86_400_000;
    return Number.isFinite(days) && days <= 366 ? 4 : 5;
  },
};

const email: Comparison = {
  name: 'email',
  levels: ['exact', 'exact shared mailbox', 'same mailbox name', 'typo', 'different'],
  priorM: [0.75, 0.02, 0.08, 0.1, 0.05],
  tfValue: (r) => r.email,
  compare(a, b) {
    const p = both(a.email, b.email);
    if (!p) return NO_LEVEL;
    if (p[0] === p[1]) return a.emailIsRole ? 1 : 0;
    if (a.emailIsRole || b.emailIsRole) return 4;
    if (a.emailLocal === b.emailLocal && (a.emailLocal ?? '').length >= 4) return 2;
    return levenshtein(p[0], p[1]) <= 2 ? 3 : 4;
  },
};

const phone: Comparison = {
  name: 'phone',
  levels: ['exact', 'same number, other extension', 'same last seven digits', 'different'],
  priorM: [0.75, 0.05, 0.05, 0.15],
  tfValue: (r) => r.phone,
  compare(a, b) {
    const p = both(a.phone, b.phone);
    if (!p) return NO_LEVEL;
    if (p[0] === p[1]) return 0;
    const [x, y] = [p[0].split(';')[0] as string, p[1].split(';')[0] as string];
    if (x === y) return 1;
    return x.slice(-7) === y.slice(-7) ? 2 : 3;
  },
};

const street: Comparison = {
  name: 'street',
  levels: ['exact', 'typo', 'same street, other number', 'different'],
  priorM: [0.7, 0.15, 0.05, 0.1],
  tfValue: (r) => (r.street === undefined ? undefined : `${r.houseNumber ?? ''} ${r.street}`),
  compare(a, b) {
    const p = both(a.street, b.street);
    if (!p) return NO_LEVEL;
    const sameNumber = a.houseNumber === b.houseNumber;
    if (p[0] === p[1]) return sameNumber ? 0 : 2;
    const s = jaroWinklerSimilarity(p[0], p[1]);
    if (s >= 0.9) return sameNumber ? 1 : 2;
    return 3;
  },
};

const city: Comparison = {
  name: 'city',
  levels: ['exact', 'typo', 'different'],
  priorM: [0.8, 0.1, 0.1],
  tfValue: (r) => r.city,
  compare(a, b) {
    const p = both(a.city, b.city);
    if (!p) return NO_LEVEL;
    if (p[0] === p[1]) return 0;
    return jaroWinklerSimilarity(p[0], p[1]) >= 0.9 ? 1 : 2;
  },
};

const postcode: Comparison = {
  name: 'postcode',
  levels: ['exact', 'one typo', 'different'],
  priorM: [0.8, 0.1, 0.1],
  tfValue: (r) => r.postcode,
  compare(a, b) {
    const p = both(a.postcode, b.postcode);
    if (!p) return NO_LEVEL;
    if (p[0] === p[1]) return 0;
    return levenshtein(p[0], p[1]) <= 1 ? 1 : 2;
  },
};

/** A field that either agrees or not: no typo is likely or meaningful in it. */
const exactOnly = (name: string, field: 'region' | 'domain' | 'country', matchRate: number, termFrequencies: boolean): Comparison => ({
  name,
  levels: ['exact', 'different'],
  priorM: [matchRate, 1 - matchRate],
  ...(termFrequencies ? { tfValue: (r: Prepared) => r[field] } : {}),
  compare(a, b) {
    const p = both(a[field], b[field]);
    return !p ? NO_LEVEL : p[0] === p[1] ? 0 : 1;
  },
});

const region = exactOnly('region', 'region', 0.9, true);

const companyOfPerson: Comparison = {
  name: 'company',
  levels: ['same domain', 'same name', 'similar name', 'different'],
  priorM: [0.5, 0.3, 0.1, 0.1],
  compare(a, b, ctx) {
    if (a.domain !== undefined && a.domain === b.domain) return 0;
    const p = both(a.nameTokens, b.nameTokens);
    if (!p) return a.domain !== undefined && b.domain !== undefined ? 3 : NO_LEVEL;
    if (a.nameSquashed === b.nameSquashed) return 1;
    return softTokenSimilarity(p[0], p[1], ctx.wordWeight) >= 0.8 ? 2 : 3;
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
    const p = both(a.nameTokens, b.nameTokens);
    if (!p) return NO_LEVEL;
    if (a.name === b.name) return 0;
    if (a.nameSquashed === b.nameSquashed) return 1;
    const unpaired = unpairedWords(p[0], p[1]);
    if (unpaired === 'none') return 2;
    if (unpaired !== 'both') return 3;
    return 4 + graded(softTokenSimilarity(p[0], p[1], ctx.wordWeight), [0.7, 0.5]);
  },
};

const domain = exactOnly('domain', 'domain', 0.9, true);
const country = exactOnly('country', 'country', 0.95, false);

// ---- trusted identifiers -------------------------------------------------------------------------

/** Whether two records share a trusted identifier's name, and then whether the values agree. */
export const trustedIdAgreement = (a: Prepared, b: Prepared): 'agree' | 'conflict' | undefined => {
  let verdict: 'agree' | 'conflict' | undefined;
  for (const [name, value] of Object.entries(a.trustedIds)) {
    const other = b.trustedIds[name];
    if (other === undefined) continue;
    if (other !== value) return 'conflict';
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
