/**
 * Person names for matching: 'Dr. Robert J. Smith', 'SMITH, Bob' and 'bob smith' should meet.
 *
 * Choices a matcher should know:
 * - foldText is the shared folding (the company and address modules use it too): NFKC, lower
 *   case, diacritics removed (ü→u, é→e), ß→ss, æ→ae, œ→oe, ø→o, ł→l, đ/ð→d, þ→th, apostrophes
 *   dropped (O'Brien→obrien, so it meets OBrien), every other non-letter, non-digit a space.
 *   German transliterations are NOT folded to the same text: 'Müller' is 'muller' but 'Mueller'
 *   is 'mueller', because 'ue'→'u' would also turn Samuel into 'samul'. `tokens` carries both
 *   spellings of a word with an umlaut so that token overlap still meets.
 * - Nicknames resolve only when unambiguous: canonicalFirstName('Bob') is 'robert', but 'Chris'
 *   stays 'chris' (Christopher? Christine?). Compare firstNameCandidates() for those: two first
 *   names are compatible when their candidate lists intersect. See nicknames.ts for the lists.
 *   Only the first given name resolves; middle names and initials are kept ('bob j' →
 *   'robert j'), and so is the second half of a compound ('Hans-Peter' → 'johannes peter').
 * - A full name with a comma is 'Last, First' ('Vries, Jan de' puts the particle back: last
 *   'de vries'). Without a comma the last name is the final word plus any particles before it
 *   ('Jan van der Meer' → 'van der meer'); other middle words belong to the first name, so a
 *   Spanish double surname ('José García López') splits as first 'jose garcia'.
 * - Separate first/last fields win over `full`; `full` fills only the pieces that are missing.
 *   A single-word full name is taken as a first name.
 * - Honorifics (Dr., Mrs., Prof., Herr, Mme…) are removed from the front and suffixes (Jr., III,
 *   Ph.D., M.D.…) from the end, of the whole name and of each field, never the last remaining
 *   word. They are matched on folded tokens, so 'Dr.John' and 'Ph. D.' are found too.
 * - `last` keeps particles ('van der meer'); `tokens` drops them (they make every 'de …' look
 *   alike) and adds the particle-glued form ('vandermeer', also 'smithjones' for a hyphenated
 *   name) and the canonical first name.
 */
import { GIVEN_NAME_GROUPS } from './nicknames';

export interface PersonName {
  /** Folded given name(s), middle names and initials included. */
  first: string;
  /** Folded family name, particles included ('van der meer'). */
  last: string;
  /** `first` with its leading name resolved through the nickname table, when unambiguous. */
  firstCanonical: string;
  /** Every name `first` may stand for (with `firstCanonical` first); compare by intersection. */
  firstCandidates: string[];
  /** `first last`, whatever order the input had. */
  full: string;
  /** Distinct words for token overlap and blocking (see the module comment). */
  tokens: string[];
}

// ---- folding ----------------------------------------------------------------------------------------

/** Letters that Unicode does not decompose into a base letter plus a mark. */
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h', ŀ: 'l', ĸ: 'k',
};
const FOLDABLE = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'g');

// The combining blocks that Latin, Greek and Cyrillic accents decompose into. Marks of other
// scripts (Devanagari vowel signs, kana voicing) are part of the letter and stay.
const ACCENT_BLOCKS: readonly (readonly [number, number])[] = [
  [0x0300, 0x036f],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x20d0, 0x20ff],
  [0xfe20, 0xfe2f],
];
const dropAccent = (mark: string): string => {
  const cp = mark.codePointAt(0) ?? 0;
  return ACCENT_BLOCKS.some(([from, to]) => cp >= from && cp <= to) ? '' : mark;
};

// Apostrophes join the parts of one word (O'Brien, McDonald's, l'Oréal); the acute accent and
// grave are here because systems without Unicode type them for one.
const APOSTROPHES = /['’‘ʼ`´]/g;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** The same result as foldUnicode for printable ASCII, which is most of what systems hold, faster. */
const foldAscii = (s: string): string =>
  s
    .replace(APOSTROPHES, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const foldUnicode = (s: string): string =>
  s
    .replace(APOSTROPHES, '')
    .normalize('NFKC')
    .replace(APOSTROPHES, '')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, dropAccent)
    // after the marks are gone, so that 'ǽ' and 'ǿ' reach these as 'æ' and 'ø'
    .replace(FOLDABLE, (c) => LETTER_FOLDS[c] ?? c)
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
    .trim();

/** Text for comparing: 'Jean-Pierre  O’Brien, JR.' → 'jean pierre obrien jr' (see the module comment). */
export const foldText = (s: string): string => (PRINTABLE_ASCII.test(s) ? foldAscii(s) : foldUnicode(s));

const UMLAUTS: Readonly<Record<string, string>> = { ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue' };

/** 'Müller' → 'mueller': the German way to write an umlaut without one. */
const foldGerman = (s: string): string => foldText(s.normalize('NFC').replace(/[äöüÄÖÜ]/g, (c) => UMLAUTS[c] ?? c));

// ---- given names --------------------------------------------------------------------------------

interface NameIndex {
  /** A formal spelling → its group's canonical spelling. */
  formal: ReadonlyMap<string, string>;
  /** Any known name → the canonical names of every group that lists it. */
  groups: ReadonlyMap<string, readonly string[]>;
}

const buildIndex = (): NameIndex => {
  const formal = new Map<string, string>();
  const groups = new Map<string, string[]>();
  const add = (name: string, canonical: string) => {
    const seen = groups.get(name) ?? [];
    if (!seen.includes(canonical)) groups.set(name, [...seen, canonical]);
  };
  for (const g of GIVEN_NAME_GROUPS) {
    for (const name of [g.canonical, ...g.spellings]) {
      formal.set(name, g.canonical);
      add(name, g.canonical);
    }
    for (const name of g.diminutives) add(name, g.canonical);
  }
  return { formal, groups };
};

const INDEX = buildIndex();

/**
 * One folded word. A formal spelling always resolves to its own group (a real 'Harry' is not
 * re-read as someone's nickname); a nickname resolves only when exactly one group lists it.
 */
const canonicalWord = (word: string): string => {
  const formal = INDEX.formal.get(word);
  if (formal !== undefined) return formal;
  const groups = INDEX.groups.get(word);
  return groups?.length === 1 && groups[0] !== undefined ? groups[0] : word;
};

const candidateWords = (word: string): string[] => [...new Set([canonicalWord(word), ...(INDEX.groups.get(word) ?? [])])];

/** Splits a folded given name into the name that resolves and what follows it unchanged. */
const leadingName = (name: string): { head: string; tail: string } => {
  const folded = foldText(name);
  const space = folded.indexOf(' ');
  return space < 0 ? { head: folded, tail: '' } : { head: folded.slice(0, space), tail: folded.slice(space) };
};

/** 'Bob' → 'robert', 'Kathy' → 'katherine', 'Catherine' → 'katherine'; ambiguous 'Chris' → 'chris'. */
export const canonicalFirstName = (name: string): string => {
  const { head, tail } = leadingName(name);
  return canonicalWord(head) + tail;
};

/** Every name the first name may be short for: 'Chris' → chris, christopher, christine, … */
export const firstNameCandidates = (name: string): string[] => {
  const { head, tail } = leadingName(name);
  return head === '' ? [] : candidateWords(head).map((c) => c + tail);
};

// ---- titles and particles -----------------------------------------------------------------------------

/**
 * One written word ('Smith-Jones', 'Dr.John') as its folded tokens. Structure (where the family
 * name starts, what a comma separates) follows written words, so a hyphenated name stays one;
 * titles are matched on tokens, so 'Dr.John' and 'Ph. D.' are found however they are spaced.
 */
interface Word {
  raw: string;
  tokens: string[];
}

/** The tokens of several words, in order. A loop: this runs for every name of every record. */
const tokensOf = (words: readonly Word[]): string[] => {
  const out: string[] = [];
  for (const w of words) for (const t of w.tokens) out.push(t);
  return out;
};

const toWords = (s: string): Word[] =>
  s
    .split(/\s+/)
    .map((raw) => ({ raw, tokens: foldText(raw).split(' ').filter((t) => t !== '') }))
    .filter((w) => w.tokens.length > 0);

/** Said before a name. 'm' (Monsieur) is absent: it is far more often an initial. */
const HONORIFICS: ReadonlySet<string> = new Set([
  'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'professor', 'sir', 'dame', 'lord', 'lady', 'rev', 'revd', 'fr', 'herr',
  'frau', 'hr', 'dipl', 'ing', 'med', 'mag', 'mme', 'mlle', 'dhr', 'mevr', 'mw', 'ir', 'drs', 'sr', 'sra', 'srta', 'dott',
  'dottssa', 'sig', 'sigra',
]);

/**
 * Said after a name, as token sequences ('Ph.D.' folds to 'ph d'). Not 'v', 'ba' or 'ma': an
 * initial, and surnames (Ma is a common one).
 */
const SUFFIXES: readonly (readonly string[])[] = [
  ...['jr', 'junior', 'sr', 'senior', 'ii', 'iii', 'iv', 'phd', 'md', 'dds', 'esq', 'mba', 'msc', 'cpa', 'jd'].map((s) => [s]),
  ['ph', 'd'],
  ['m', 'd'],
  ['m', 'b', 'a'],
];

/** Lower-case words that begin a family name: van der Meer, de la Cruz, von Trapp, al Rashid. */
const PARTICLES: ReadonlySet<string> = new Set([
  'van', 'von', 'vom', 'de', 'der', 'den', 'des', 'het', 't', 'ten', 'ter', 'te', 'zu', 'zum', 'zur', 'del', 'della',
  'delle', 'degli', 'dei', 'di', 'da', 'das', 'dos', 'do', 'du', 'le', 'la', 'al', 'el', 'bin', 'ibn',
]);

const isParticle = (w: Word) => w.tokens.length === 1 && PARTICLES.has(w.tokens[0] as string);

/** How many trailing tokens form a suffix (0 if none). */
const suffixLength = (tokens: readonly string[]): number =>
  SUFFIXES.find((s) => s.length <= tokens.length && s.every((t, i) => tokens[tokens.length - s.length + i] === t))?.length ?? 0;

/** Token counts to drop in front and behind; with `keepOne`, at least one token remains. */
const titleSpan = (tokens: readonly string[], keepOne: boolean): { start: number; end: number } => {
  const min = keepOne ? 1 : 0;
  let start = 0;
  let end = tokens.length;
  while (end - start > min && HONORIFICS.has(tokens[start] as string)) start++;
  for (let n = suffixLength(tokens.slice(start, end)); n > 0 && end - start - n >= min; n = suffixLength(tokens.slice(start, end))) end -= n;
  return { start, end };
};

/** Drops honorifics in front and suffixes behind, keeping at least one token. */
const stripTitles = (words: readonly Word[]): Word[] => {
  const { start, end } = titleSpan(tokensOf(words), true);
  const out: Word[] = [];
  let offset = 0;
  for (const w of words) {
    const tokens = w.tokens.filter((_, i) => offset + i >= start && offset + i < end);
    offset += w.tokens.length;
    if (tokens.length > 0) out.push({ raw: w.raw, tokens });
  }
  return out;
};

const onlyTitles = (words: readonly Word[]): boolean => {
  const { start, end } = titleSpan(tokensOf(words), false);
  return end - start === 0;
};

/** Where the family name starts: the last word, with the particles right before it. */
const familyStart = (words: readonly Word[]): number => {
  let k = words.length - 1;
  while (k > 1 && isParticle(words[k - 1] as Word)) k--;
  return k;
};

/** Where trailing particles start ('Jan de' in 'Vries, Jan de'), keeping the first word. */
const trailingParticles = (words: readonly Word[]): number => {
  let k = words.length;
  while (k > 1 && isParticle(words[k - 1] as Word)) k--;
  return k;
};

interface SplitName {
  first: Word[];
  last: Word[];
}

/** 'Smith, John', 'Vries, Jan de', 'Dr. Jan van der Meer PhD' → given and family words. */
const splitWords = (full: string): SplitName => {
  const parts = full
    .split(',')
    .map(toWords)
    .filter((ws) => ws.length > 0 && !onlyTitles(ws));
  if (parts.length >= 2) {
    const given = stripTitles(parts[1] ?? []);
    const k = trailingParticles(given);
    return { first: given.slice(0, k), last: [...given.slice(k), ...stripTitles(parts[0] ?? [])] };
  }
  const ws = stripTitles(parts[0] ?? []);
  if (ws.length <= 1) return { first: ws, last: [] };
  const k = familyStart(ws);
  return { first: ws.slice(0, k), last: ws.slice(k) };
};

/** The given and family words of a full name, folded: 'Smith, Dr. John' → ['john'], ['smith']. */
export const splitFullName = (full: string): { first: string[]; last: string[] } => {
  const { first, last } = splitWords(full);
  const text = (ws: Word[]) => ws.map((w) => w.tokens.join(' '));
  return { first: text(first), last: text(last) };
};

// ---- the whole name -----------------------------------------------------------------------------------

const present = (s: string | undefined): s is string => s !== undefined && s.trim() !== '';

/** Separate fields win; the full name fills what is missing. Each piece loses its own titles too. */
const pieces = (first?: string, last?: string, full?: string): SplitName => {
  const parsed = present(full) && (!present(first) || !present(last)) ? splitWords(full) : { first: [], last: [] };
  return {
    first: stripTitles(present(first) ? toWords(first) : parsed.first),
    last: stripTitles(present(last) ? toWords(last) : parsed.last),
  };
};

const textOf = (words: readonly Word[]): string => tokensOf(words).join(' ');

const distinct = (xs: readonly string[]): string[] => [...new Set(xs.filter((x) => x !== ''))];

const nameTokens = (split: SplitName, firstCanonical: string): string[] => {
  const first = tokensOf(split.first);
  const last = tokensOf(split.last);
  const core = tokensOf(split.last.filter((w) => !isParticle(w)));
  const glued = last.length > 1 ? [last.join('')] : [];
  const german = [...split.first, ...split.last]
    .filter((w) => /[äöüÄÖÜ]|\u0308/.test(w.raw))
    .flatMap((w) => foldGerman(w.raw).split(' '))
    .filter((t) => !HONORIFICS.has(t));
  return distinct([...first, ...firstCanonical.split(' '), ...(core.length > 0 ? core : last), ...glued, ...german]);
};

/**
 * A given-name field read on its own: `normalizePersonName(first, last).first` and its
 * `firstCandidates` whenever the family name has a field of its own. Given names repeat a great
 * deal, so a matcher can normalize each distinct one once.
 */
export const normalizeGivenName = (first: string): Pick<PersonName, 'first' | 'firstCandidates'> => {
  const text = textOf(stripTitles(toWords(first)));
  return { first: text, firstCandidates: firstNameCandidates(text) };
};

/** A family-name field read on its own: `normalizePersonName(first, last).last` whenever the given name has a field of its own. */
export const normalizeFamilyName = (last: string): string => textOf(stripTitles(toWords(last)));

export const normalizePersonName = (first?: string, last?: string, full?: string): PersonName => {
  const split = pieces(first, last, full);
  const firstText = textOf(split.first);
  const lastText = textOf(split.last);
  const firstCanonical = canonicalFirstName(firstText);
  return {
    first: firstText,
    last: lastText,
    firstCanonical,
    firstCandidates: firstNameCandidates(firstText),
    full: [firstText, lastText].filter((s) => s !== '').join(' '),
    tokens: nameTokens(split, firstCanonical),
  };
};
