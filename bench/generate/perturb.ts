/**
 * Perturbations: the ways a real record drifts from the truth. Each function is pure given its Rng,
 * and the kinds it can apply are named by `PerturbationKind`, which the truth file records per
 * source record so a benchmark can tell which traps a matcher fell into.
 */
import { COUNTRY_NAMES, type StreetAddress } from './geo';
import { type AddressStyle, type PhoneStyle } from './formats';
import { CONFUSED_FAMILY, NICKNAMES, SUFFIX_FORMS, TITLE_REWRITES, type SuffixFamily } from './names';
import type { Rng, Weights } from './rng';

export const PERTURBATION_KINDS = [
  /** A transposed, dropped, doubled or mistyped letter. */
  'typo',
  /** "Bob" for Robert. */
  'nickname',
  /** "Mueller" or "Muller" for Müller. */
  'transliteration',
  /** "ACME, Inc.", "acme". */
  'name-case',
  /** Legal suffix absent, written differently ("Incorporated") or wrong ("Corp" for "Inc."). */
  'legal-suffix',
  /** Phone not in E.164: national punctuation, international spacing, an extension. */
  'phone-format',
  /** Street type abbreviated, region or country written differently, postal code compacted. */
  'address-format',
  /** Website or domain written other than "https://www.<domain>" / "<domain>". */
  'website-format',
  /** Fields this system normally holds were left empty. */
  'missing-fields',
  /** A personal or differently patterned email address. */
  'email-variant',
  /** A shared mailbox (info@, sales@) that other, different people also use. */
  'generic-email',
  /** "VP Sales" for "VP of Sales". */
  'title-variant',
  /** A value rounded, stale or owned by someone else (employee bands, deal amounts). */
  'value-drift',
  /** A different company with a deliberately similar name (a hard negative). */
  'hard-negative-similar-name',
  /** A different person with exactly the same common name (a hard negative). */
  'hard-negative-same-name',
] as const;
export type PerturbationKind = (typeof PERTURBATION_KINDS)[number];

const KIND_BITS = Object.fromEntries(PERTURBATION_KINDS.map((k, i) => [k, 1 << i])) as Record<PerturbationKind, number>;

/**
 * Collects the kinds applied while rendering one record. A bit set rather than a Set: a large
 * world renders hundreds of thousands of records, and each one carries a trace.
 */
// Large worlds have a few hundred distinct combinations over hundreds of thousands of records.
const KIND_LISTS = new Map<number, readonly PerturbationKind[]>();

export class Trace {
  private bits = 0;

  static of(...sources: (Trace | readonly PerturbationKind[])[]): Trace {
    const trace = new Trace();
    for (const source of sources) {
      if (source instanceof Trace) trace.bits |= source.bits;
      else for (const kind of source) trace.add(kind);
    }
    return trace;
  }

  add(kind: PerturbationKind): this {
    this.bits |= KIND_BITS[kind];
    return this;
  }

  has(kind: PerturbationKind): boolean {
    return (this.bits & KIND_BITS[kind]) !== 0;
  }

  /** The kinds, in the order PERTURBATION_KINDS lists them (a shared, frozen list per combination). */
  kinds(): readonly PerturbationKind[] {
    let list = KIND_LISTS.get(this.bits);
    if (!list) {
      list = Object.freeze(PERTURBATION_KINDS.filter((k) => (this.bits & KIND_BITS[k]) !== 0));
      KIND_LISTS.set(this.bits, list);
    }
    return list;
  }
}

// ---- typos ---------------------------------------------------------------------------------------

const KEYBOARD_NEIGHBOURS: Readonly<Record<string, string>> = {
  a: 'sqwz', b: 'vghn', c: 'xdfv', d: 'serfcx', e: 'wsdr', f: 'drtgvc', g: 'ftyhbv', h: 'gyujnb', i: 'ujko', j: 'huikmn',
  k: 'jiolm', l: 'kop', m: 'njk', n: 'bhjm', o: 'iklp', p: 'ol', q: 'wa', r: 'edft', s: 'awedxz', t: 'rfgy', u: 'yhji',
  v: 'cfgb', w: 'qase', x: 'zsdc', y: 'tghu', z: 'asx',
};

const TYPO_KINDS: Weights<'transpose' | 'drop' | 'double' | 'neighbour'> = [
  ['transpose', 3],
  ['drop', 3],
  ['double', 1],
  ['neighbour', 2],
];

const isLetter = (c: string | undefined): c is string => c !== undefined && c.toLowerCase() !== c.toUpperCase();

const matchCase = (c: string, like: string): string => (like === like.toUpperCase() ? c.toUpperCase() : c);

/**
 * One typing mistake inside the string, never on its first letter (people rarely get that wrong,
 * and blocking keys often use it). Returns the input unchanged only if no letter can be touched.
 */
export const typo = (rng: Rng, s: string): string => {
  const positions: number[] = [];
  for (let i = 1; i < s.length; i++) if (isLetter(s[i]) && isLetter(s[i - 1])) positions.push(i);
  if (positions.length === 0) return s;
  for (let attempt = 0; attempt < 6; attempt++) {
    const i = rng.pick(positions);
    const c = s[i] as string;
    const kind = rng.weighted(TYPO_KINDS);
    let out = s;
    if (kind === 'transpose' && isLetter(s[i + 1]) && s[i + 1] !== c) out = s.slice(0, i) + s[i + 1] + c + s.slice(i + 2);
    else if (kind === 'drop' && s.length > 3) out = s.slice(0, i) + s.slice(i + 1);
    else if (kind === 'double') out = s.slice(0, i) + c + s.slice(i);
    else if (kind === 'neighbour') {
      const near = KEYBOARD_NEIGHBOURS[c.toLowerCase()];
      if (near) out = s.slice(0, i) + matchCase(rng.pick(near.split('')), c) + s.slice(i + 1);
    }
    if (out !== s) return out;
  }
  return s.slice(0, positions[0]) + s.slice((positions[0] as number) + 1);
};

// ---- names ---------------------------------------------------------------------------------------

export const nicknameOf = (rng: Rng, firstName: string): string | undefined => {
  const options = NICKNAMES[firstName];
  return options ? rng.pick(options) : undefined;
};

export const hasNickname = (firstName: string): boolean => NICKNAMES[firstName] !== undefined;

export const titleVariant = (rng: Rng, title: string): string | undefined => {
  const rewrites = TITLE_REWRITES.filter(([pattern]) => pattern.test(title));
  if (rewrites.length === 0) return undefined;
  const [pattern, replacement] = rng.pick(rewrites);
  return title.replace(pattern, replacement);
};

export type SuffixChoice = 'canonical' | 'variant' | 'drop' | 'other-family';

/** A legal suffix form for `family`: the registered one, another spelling, none, or a wrong one. */
export const suffixForm = (rng: Rng, family: SuffixFamily, choice: SuffixChoice): string => {
  const forms = SUFFIX_FORMS[family];
  switch (choice) {
    case 'canonical':
      return forms[0] as string;
    case 'variant':
      return forms.length > 1 ? rng.pick(forms.slice(1)) : (forms[0] as string);
    case 'drop':
      return '';
    case 'other-family':
      return SUFFIX_FORMS[rng.pick(CONFUSED_FAMILY[family])][0] as string;
  }
};

// ---- styles ----------------------------------------------------------------------------------------

export const phoneStyle = (rng: Rng, weights: Weights<PhoneStyle>, hasExtension: boolean): PhoneStyle => {
  const style = rng.weighted(weights);
  return style === 'extension' && !hasExtension ? 'national' : style;
};

export interface AddressStyleWeights {
  /** Probability that the street type and unit are abbreviated. */
  abbreviate: number;
  region: Weights<AddressStyle['region']>;
  /** Probability that the country is written as a name rather than its ISO code. */
  countryName: number;
  compactPostal: number;
  omitUnit: number;
}

export const addressStyle = (rng: Rng, w: AddressStyleWeights, address: StreetAddress): AddressStyle => ({
  abbreviation: rng.chance(w.abbreviate) ? rng.int(0, 5) : -1,
  region: rng.weighted(w.region),
  countryName: rng.chance(w.countryName) ? rng.int(1, COUNTRY_NAMES[address.country].length - 1) : 0,
  compactPostal: rng.chance(w.compactPostal),
  omitUnit: rng.chance(w.omitUnit),
});
