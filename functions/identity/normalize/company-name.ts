/**
 * Company names for matching: 'ACME, Inc.', 'Acme Incorporated' and 'acme' are one name.
 *
 * Choices a matcher should know:
 * - Folding is foldText's (person-name.ts): case, accents, punctuation. '&' becomes 'and' first,
 *   so 'Smith & Sons' meets 'Smith and Sons'. Other languages' 'und'/'et'/'en' are not rewritten.
 * - Dotted or spaced initialisms collapse: 'A.C.M.E.' and 'A C M E' are 'acme', 'J. P. Morgan' is
 *   'jp morgan', so 'S.A.R.L.' is 'sarl' and 'B.V' is 'bv'. A lone initial ('Studio B') stays, but
 *   one followed by a dotted form joins it ('Studio B S.A.' → 'studio bsa'): see canStartAt.
 * - Legal forms are removed at the END, repeatedly ('Acme Co., Ltd.' → 'acme'), and at the start
 *   only for the families written first in practice ('N.V. Philips', 'AB Volvo'), never the
 *   last remaining word: a name that is only a legal form ('The Limited', 'Company') keeps it.
 *   `legalForm` is the family of the outermost form removed ('ltd' for 'Co., Ltd.'); the families
 *   are in LEGAL_FORMS. A wrong-but-similar suffix ('Corp' for 'Inc.') gives the same
 *   `normalized` and a different `legalForm`: treat a legalForm mismatch as weak evidence at most.
 * - A leading 'the' is dropped ('The Coca-Cola Company' → 'coca cola'), and the Dutch royal
 *   predicate ('Koninklijke Philips' → 'philips').
 * - An unmistakable legal form inside the name ends it: 'Akzo Nobel N.V., Arnhem' is 'akzo nobel'
 *   with `location` 'arnhem'.
 * - 'Holdings', 'Group', 'International'… are NOT legal forms: 'Northwind Group' and 'Northwind'
 *   can be different companies. `withoutGenericWords` drops them, for blocking only.
 * - 'Müller' and 'Mueller' fold differently ('muller', 'mueller'); use a similarity measure.
 */
import { distance as levenshtein } from 'fastest-levenshtein';
import { foldText } from './person-name';

export interface CompanyName {
  /** Folded, initialisms collapsed, no leading 'the', no legal form at the end. */
  normalized: string;
  /** The legal form family removed from the end ('inc', 'gmbh', 'gmbh & co kg'…), if any. */
  legalForm?: string;
  /** `normalized` without generic words such as 'group' or 'holdings'; for blocking. */
  withoutGenericWords: string;
  /** The words of `normalized`. */
  tokens: string[];
  /** Words after a legal form inside the name, usually where the company is ('arnhem'). */
  location?: string;
}

/**
 * Legal form families and how each is written. Written as people write them; they go through
 * the same tokenizing as names, so 'S.A.R.L.' here also matches 'SARL' and 'S A R L'.
 */
export const LEGAL_FORMS: Readonly<Record<string, readonly string[]>> = {
  inc: ['Inc', 'Incorporated'],
  corp: ['Corp', 'Corporation'],
  llc: ['LLC', 'Limited Liability Company'],
  co: ['Co', 'Company', '& Co', '& Company', 'Cie', '& Cie', 'et Cie'],
  ltd: ['Ltd', 'Limited'],
  plc: ['PLC', 'Public Limited Company'],
  llp: ['LLP', 'Limited Liability Partnership'],
  lp: ['LP', 'Limited Partnership'],
  gmbh: ['GmbH', 'mbH', 'Ges.m.b.H.', 'Gesellschaft mit beschränkter Haftung'],
  ag: ['AG', 'Aktiengesellschaft'],
  kg: ['KG', 'Co KG', '& Co KG', 'Kommanditgesellschaft'],
  'gmbh & co kg': ['GmbH & Co KG', 'GmbH und Co KG', 'GmbH u Co KG', 'GmbH Co KG'],
  'ag & co kg': ['AG & Co KG', 'AG und Co KG'],
  kgaa: ['KGaA', 'GmbH & Co KGaA', 'AG & Co KGaA'],
  ug: ['UG', 'UG (haftungsbeschränkt)'],
  ohg: ['OHG'],
  gbr: ['GbR'],
  ev: ['e.V.'],
  eg: ['eG'],
  se: ['SE'],
  bv: ['BV', 'Besloten Vennootschap'],
  nv: ['NV', 'Naamloze Vennootschap'],
  vof: ['VOF'],
  bvba: ['BVBA'],
  sa: ['SA', 'Société Anonyme', 'Sociedad Anónima'],
  sas: ['SAS', 'SASU', 'Société par actions simplifiée'],
  sarl: ['SARL', 'EURL', 'Société à responsabilité limitée'],
  sl: ['SL', 'SLU', 'Sociedad Limitada'],
  spa: ['SpA', 'Società per Azioni'],
  srl: ['Srl', 'Società a responsabilità limitata'],
  oy: ['Oy', 'Oyj'],
  ab: ['AB', 'AB (publ)', 'Aktiebolag'],
  as: ['AS', 'A/S', 'ASA'],
  aps: ['ApS'],
  'pty ltd': ['Pty', 'Pty Ltd', 'Pty Limited', 'Proprietary Limited'],
  'pvt ltd': ['Pvt Ltd', 'Pvt Limited', 'Private Limited', 'Private Limited Company'],
  'pte ltd': ['Pte', 'Pte Ltd', 'Pte Limited'],
  kk: ['KK', 'Kabushiki Kaisha'],
  'sp zoo': ['Sp. z o.o.'],
  sro: ['s.r.o.'],
  ltda: ['Ltda'],
  lda: ['Lda'],
};

/** Words that qualify many unrelated companies' names; dropped only from `withoutGenericWords`. */
const GENERIC_WORDS: ReadonlySet<string> = new Set([
  'holding', 'holdings', 'group', 'groups', 'groupe', 'gruppe', 'groep', 'grupo', 'gruppo', 'international', 'intl',
  'global', 'worldwide',
]);

const isInitial = (t: string) => t.length === 1 && /\p{L}/u.test(t);

/**
 * Runs of two or more single letters become one word: 'a c m e' → 'acme'. NFC because joined
 * letters can compose (Hangul jamo into a syllable), and foldText would compose them next time.
 */
const collapseInitials = (tokens: readonly string[]): string[] => {
  const out: string[] = [];
  let run = '';
  for (const t of tokens) {
    if (isInitial(t)) {
      run += t;
      continue;
    }
    if (run !== '') out.push(run.normalize('NFC'));
    run = '';
    out.push(t);
  }
  if (run !== '') out.push(run.normalize('NFC'));
  return out;
};

const tokenize = (name: string): string[] => {
  const folded = foldText(name.replace(/&/g, ' and '));
  return folded === '' ? [] : folded.split(' ');
};

/** Collapsed text of a form → its family. */
const FORM_FAMILY: ReadonlyMap<string, string> = new Map(
  Object.entries(LEGAL_FORMS).flatMap(([family, forms]) => forms.map((f) => [collapseInitials(tokenize(f)).join(' '), family] as const)),
);

/**
 * Whether a word is a legal form on its own ('nv', 'gmbh', 'ltd'). Matchers drop these wherever
 * they stand, since filings write 'Acme N.V., Amsterdam' as often as 'Acme N.V.'.
 */
export const isLegalFormWord = (word: string): boolean => !word.includes(' ') && FORM_FAMILY.has(word);

/** The most words a written legal form can take ('S. p. z o. o.' is six). */
const MAX_FORM_WORDS = 8;

/**
 * Whether a legal form may start at `start`. Inside a run of initials it may only if at least two
 * letters stay in front: 'A.B.C. S.A.' is 'abc' + 'S.A.', but 'B.S.A.' is one initialism, not
 * 'B' + 'S.A.' (the cost: 'Studio B S.A.' reads as 'studio bsa').
 */
const canStartAt = (tokens: readonly string[], start: number): boolean => {
  if (!isInitial(tokens[start] ?? '') || !isInitial(tokens[start - 1] ?? '')) return true;
  let runStart = start - 1;
  while (runStart > 0 && isInitial(tokens[runStart - 1] ?? '')) runStart--;
  return start - runStart >= 2;
};

/**
 * The longest legal form at the end of `tokens`, as [words it spans, family]. The window is
 * collapsed on its own, so a dotted form after a dotted name ('A.B.C. S.A.') is still found.
 * The whole name is never a legal form here: something must remain.
 */
const trailingLegalForm = (tokens: readonly string[]): [number, string] | undefined => {
  for (let k = Math.min(MAX_FORM_WORDS, tokens.length - 1); k >= 1; k--) {
    if (!canStartAt(tokens, tokens.length - k)) continue;
    const family = FORM_FAMILY.get(collapseInitials(tokens.slice(-k)).join(' '));
    if (family !== undefined) return [k, family];
  }
  return undefined;
};

/**
 * Families that are also written before the name: 'N.V. Philips', 'AB Volvo', 'PT Astra'. Only
 * these, because a leading 'Co' or 'SA' is more often part of the name than a legal form.
 */
const LEADING_FAMILIES: ReadonlySet<string> = new Set(['nv', 'bv', 'ab', 'as', 'oy', 'sa', 'spa']);

/** The longest leading legal form, as [words it spans, family]; something must remain after it. */
const leadingLegalForm = (tokens: readonly string[]): [number, string] | undefined => {
  for (let k = Math.min(MAX_FORM_WORDS, tokens.length - 1); k >= 1; k--) {
    const family = FORM_FAMILY.get(collapseInitials(tokens.slice(0, k)).join(' '));
    if (family !== undefined && LEADING_FAMILIES.has(family)) return [k, family];
  }
  return undefined;
};

const stripLegalForms = (tokens: readonly string[]): { rest: string[]; legalForm?: string } => {
  let rest = [...tokens];
  let legalForm: string | undefined;
  // The end first: in 'BV Inc' the name is 'BV' and its form is Inc, as it would be for 'Acme Inc'.
  for (let found = trailingLegalForm(rest); found; found = trailingLegalForm(rest)) {
    legalForm ??= found[1];
    rest = rest.slice(0, -found[0]);
  }
  const leading = leadingLegalForm(rest);
  if (leading) {
    legalForm ??= leading[1];
    rest = rest.slice(leading[0]);
  }
  return legalForm === undefined ? { rest } : { rest, legalForm };
};

/**
 * Words that precede a name without being part of it: 'the', and the Dutch royal predicate
 * ('Koninklijke Philips' is Philips, 'Koninklijke KPN' is KPN).
 */
const LEADING_WORDS: ReadonlySet<string> = new Set(['the', 'koninklijke', 'koninklijk']);

/** Long enough that two typing mistakes still leave it unmistakable ('koninkljike'). */
const isLeadingWord = (word: string): boolean =>
  LEADING_WORDS.has(word) || (word.length >= 9 && [...LEADING_WORDS].some((w) => w.length >= 10 && levenshtein(word, w) <= 2));

const dropLeadingWords = (tokens: readonly string[]): string[] => {
  let i = 0;
  while (tokens.length - i > 1 && isLeadingWord(tokens[i] as string)) i++;
  return tokens.slice(i);
};

/**
 * Legal forms that cannot be read as an ordinary word. One of these inside a name ends it, and
 * what follows is where the company is: 'Akzo Nobel N.V., Arnhem', 'Acme GmbH Berlin'.
 */
const NAME_ENDING_FORMS: ReadonlySet<string> = new Set([
  'nv', 'bv', 'gmbh', 'ltd', 'inc', 'llc', 'plc', 'llp', 'bvba', 'sarl', 'srl', 'spa', 'kgaa', 'pty ltd', 'pvt ltd', 'pte ltd',
]);

/** Splits 'akzo nobel nv arnhem' into the name and the location after its legal form. */
const splitAtInnerLegalForm = (tokens: readonly string[]): { name: string[]; location: string[] } => {
  for (let at = 1; at < tokens.length - 1; at++) {
    const family = FORM_FAMILY.get(collapseInitials(tokens.slice(at, at + 2)).join(' ')) ?? FORM_FAMILY.get(tokens[at] as string);
    if (family === undefined || !NAME_ENDING_FORMS.has(family) || !canStartAt(tokens, at)) continue;
    const width = FORM_FAMILY.get(collapseInitials(tokens.slice(at, at + 2)).join(' ')) === family && !FORM_FAMILY.has(tokens[at] as string) ? 2 : 1;
    if (at + width >= tokens.length) continue;
    return { name: tokens.slice(0, at + width), location: tokens.slice(at + width) };
  }
  return { name: [...tokens], location: [] };
};

const withoutGeneric = (tokens: readonly string[]): string[] => {
  const kept = tokens.filter((t) => !GENERIC_WORDS.has(t));
  return kept.length > 0 ? kept : [...tokens];
};

export const normalizeCompanyName = (name: string): CompanyName => {
  // Trailing forms first, so a multi-word form ('GmbH & Co KG') is not split at its 'GmbH'.
  const whole = stripLegalForms(dropLeadingWords(tokenize(name)));
  const { name: named, location } = splitAtInnerLegalForm(whole.rest);
  const inner = stripLegalForms(named);
  const rest = inner.rest;
  const legalForm = inner.legalForm ?? whole.legalForm;
  const tokens = collapseInitials(rest);
  const normalized = tokens.join(' ');
  const out: CompanyName = { normalized, withoutGenericWords: withoutGeneric(tokens).join(' '), tokens };
  if (legalForm !== undefined) out.legalForm = legalForm;
  if (location.length > 0) out.location = location.join(' ');
  return out;
};
