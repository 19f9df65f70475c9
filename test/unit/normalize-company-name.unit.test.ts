import fc from 'fast-check';
import { formatCompanyName, stripDiacritics, type NameCase } from '../../bench/generate/formats';
import { CONFUSED_FAMILY, FOUNDER_PATTERNS, INDUSTRIES, LAST_NAMES, STEM_PREFIXES, STEM_SUFFIXES, SUFFIX_FORMS, type SuffixFamily } from '../../bench/generate/names';
import { LEGAL_FORMS, normalizeCompanyName } from '../../functions/identity/normalize/company-name';
import { foldText } from '../../functions/identity/normalize/person-name';

const stripAccents = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

const letter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzäöüéèçñåø'.split(''));
const word = fc.array(letter, { minLength: 2, maxLength: 9 }).map((cs) => cs.join(''));
const words = fc.array(word, { minLength: 1, maxLength: 4 });
const familyAndTwoForms = fc
  .constantFrom(...Object.entries(LEGAL_FORMS))
  .chain(([family, forms]) => fc.tuple(fc.constant(family), fc.constantFrom(...forms), fc.constantFrom(...forms)));

/** A base name with nothing to strip: no legal form at its end, no leading 'the'. */
const plainBase = words.map((ws) => ws.join(' ')).filter((b) => normalizeCompanyName(b).normalized === foldText(b));

/** The generator's SuffixFamily names where ours differ. */
const OUR_FAMILY: Partial<Record<SuffixFamily, string>> = { kg: 'gmbh & co kg' };
const ourFamily = (f: SuffixFamily) => OUR_FAMILY[f] ?? f;

describe('normalizeCompanyName', () => {
  it.each([
    ['ACME, Inc.', 'acme', 'inc'],
    ['Acme Incorporated', 'acme', 'inc'],
    ['Acme Holdings, Inc.', 'acme holdings', 'inc'],
    ['Acme Co., Ltd.', 'acme', 'ltd'],
    ['The Coca-Cola Company', 'coca cola', 'co'],
    ['Procter & Gamble Co.', 'procter and gamble', 'co'],
    ['Smith & Co.', 'smith', 'co'],
    ['Müller GmbH & Co. KG', 'muller', 'gmbh & co kg'],
    ['Müller GmbH u. Co. KG', 'muller', 'gmbh & co kg'],
    ['Philips N.V.', 'philips', 'nv'],
    ['Heineken B.V', 'heineken', 'bv'],
    ['BV Inc', 'bv', 'inc'],
    ['Société Générale S.A.', 'societe generale', 'sa'],
    ['Dupont SARL', 'dupont', 'sarl'],
    ['Dupont S.à r.l.', 'dupont', 'sarl'],
    ['Fiat S.p.A.', 'fiat', 'spa'],
    ['Atlassian Pty. Ltd.', 'atlassian', 'pty ltd'],
    ['Nowak Sp. z o.o.', 'nowak', 'sp zoo'],
    ['Volvo AB (publ)', 'volvo', 'ab'],
    ['Maersk A/S', 'maersk', 'as'],
    ['A.C.M.E. Corp', 'acme', 'corp'],
    ["McDonald's Corporation", 'mcdonalds', 'corp'],
  ])('%j → %j (%s)', (name, normalized, legalForm) => {
    expect(normalizeCompanyName(name)).toMatchObject({ normalized, legalForm });
  });

  it('keeps the words of the name and exposes them without generic words for blocking', () => {
    expect(normalizeCompanyName('Northwind Logistics Group Holdings Ltd')).toEqual({
      normalized: 'northwind logistics group holdings',
      legalForm: 'ltd',
      withoutGenericWords: 'northwind logistics',
      tokens: ['northwind', 'logistics', 'group', 'holdings'],
    });
    expect(normalizeCompanyName('Acme').legalForm).toBeUndefined();
  });

  it('removes legal forms at the end, and at the start only for forms written first in practice', () => {
    expect(normalizeCompanyName('Limited Editions Inc').normalized).toBe('limited editions');
    expect(normalizeCompanyName('GmbH Services Berlin').normalized).toBe('gmbh services berlin');
    expect(normalizeCompanyName("N.V. Philips' Gloeilampenfabrieken")).toMatchObject({ normalized: 'philips gloeilampenfabrieken', legalForm: 'nv' });
    expect(normalizeCompanyName('Naamloze Vennootschap Nutricia').normalized).toBe('nutricia');
    expect(normalizeCompanyName('AB Volvo').normalized).toBe('volvo');
    expect(normalizeCompanyName('N.V.').normalized).toBe('nv');
  });

  it('keeps a name that is only a legal form, or only generic words', () => {
    expect(normalizeCompanyName('The Limited')).toEqual({ normalized: 'limited', withoutGenericWords: 'limited', tokens: ['limited'] });
    expect(normalizeCompanyName('Company')).toEqual({ normalized: 'company', withoutGenericWords: 'company', tokens: ['company'] });
    expect(normalizeCompanyName('Co. Inc.')).toMatchObject({ normalized: 'co', legalForm: 'inc' });
    expect(normalizeCompanyName('Global Group').withoutGenericWords).toBe('global group');
  });

  it('collapses initialisms, but not a dotted name into its legal form', () => {
    expect(normalizeCompanyName('J. P. Morgan & Co.').normalized).toBe('jp morgan');
    expect(normalizeCompanyName('I.B.M. S.A.')).toMatchObject({ normalized: 'ibm', legalForm: 'sa' });
    expect(normalizeCompanyName('B.S.A.')).toEqual({ normalized: 'bsa', withoutGenericWords: 'bsa', tokens: ['bsa'] });
  });

  it('is empty only for a name without letters or digits', () => {
    expect(normalizeCompanyName('').normalized).toBe('');
    expect(normalizeCompanyName(' -- ').normalized).toBe('');
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), words.map((ws) => ws.join(' '))), (name) => {
        const once = normalizeCompanyName(name);
        expect(normalizeCompanyName(once.normalized).normalized).toBe(once.normalized);
        expect(normalizeCompanyName(once.withoutGenericWords).withoutGenericWords).toBe(once.withoutGenericWords);
      }),
    );
  });

  it('is insensitive to case, accents and punctuation between words', () => {
    const separator = fc.constantFrom(' ', '  ', ', ', ' - ', '. ', ' / ', '\t');
    fc.assert(
      fc.property(words, fc.array(separator, { minLength: 4, maxLength: 4 }), (ws, seps) => {
        const name = ws.join(' ');
        const expected = normalizeCompanyName(name).normalized;
        expect(normalizeCompanyName(name.toUpperCase()).normalized).toBe(expected);
        expect(normalizeCompanyName(stripAccents(name)).normalized).toBe(expected);
        expect(normalizeCompanyName(ws.map((w, i) => w + (seps[i] ?? '')).join('')).normalized).toBe(expected);
      }),
    );
  });

  it('gives the same name and legal form for every way of writing a legal form', () => {
    fc.assert(
      fc.property(plainBase, familyAndTwoForms, fc.constantFrom(' ', ', '), (base, [family, a, b], sep) => {
        const x = normalizeCompanyName(`${base}${sep}${a}`);
        const y = normalizeCompanyName(`${base} ${b.toUpperCase()}`);
        expect(x).toEqual(y);
        expect(x).toMatchObject({ normalized: normalizeCompanyName(base).normalized, legalForm: family });
      }),
    );
  });

  it('is never empty for a name made of letters', () => {
    fc.assert(fc.property(words, (ws) => normalizeCompanyName(ws.join(' ')).normalized !== ''));
    for (const forms of Object.values(LEGAL_FORMS)) for (const form of forms) expect(normalizeCompanyName(form).normalized).not.toBe('');
  });
});

describe('the synthetic world (bench/generate)', () => {
  // Every kind of base name the generator builds: stems, stem + industry noun, founder patterns.
  const nouns = INDUSTRIES.flatMap((i) => [...i.nouns, ...Object.values(i.localNouns ?? {}).flat()]);
  const surnames = Object.values(LAST_NAMES).flat();
  const bases = [
    ...STEM_PREFIXES.map((p, i) => `${p}${STEM_SUFFIXES[i % STEM_SUFFIXES.length]}`),
    ...nouns.map((n, i) => `${STEM_PREFIXES[i % STEM_PREFIXES.length]} ${n}`),
    ...surnames.flatMap((a, i) => FOUNDER_PATTERNS.map(([pattern]) => pattern(a, surnames[(i + 7) % surnames.length] as string))),
    ...['Group', 'Holdings', 'International', 'Partners', 'Solutions'].map((q) => `Summit Logistics ${q}`),
  ];
  const cases: NameCase[] = ['as-is', 'upper', 'upper-stem', 'lower'];

  it('recognizes every legal suffix form it writes, in every case', () => {
    const misread: string[] = [];
    for (const base of bases) {
      const expected = normalizeCompanyName(base).normalized;
      for (const [family, forms] of Object.entries(SUFFIX_FORMS) as [SuffixFamily, readonly string[]][]) {
        for (const form of forms) {
          for (const nameCase of cases) {
            const written = formatCompanyName(base, form, nameCase);
            const n = normalizeCompanyName(written);
            if (n.normalized !== expected || n.legalForm !== ourFamily(family)) misread.push(`${written} → ${n.normalized} (${n.legalForm})`);
          }
        }
      }
    }
    expect(misread).toEqual([]);
  });

  it('gives a wrong-but-similar suffix the same name, and a dropped one no legal form', () => {
    for (const [family, confused] of Object.entries(CONFUSED_FAMILY) as [SuffixFamily, readonly SuffixFamily[]][]) {
      const base = 'Northwind Freight';
      const right = normalizeCompanyName(formatCompanyName(base, SUFFIX_FORMS[family][0] as string));
      for (const other of confused) expect(normalizeCompanyName(formatCompanyName(base, SUFFIX_FORMS[other][0] as string)).normalized).toBe(right.normalized);
    }
    expect(normalizeCompanyName(formatCompanyName('Northwind Freight', '')).legalForm).toBeUndefined();
  });

  it('folds its diacritic-free spellings to the same name', () => {
    for (const base of bases) expect(normalizeCompanyName(stripDiacritics(base)).normalized).toBe(normalizeCompanyName(base).normalized);
  });

  it('keeps its similar-name hard negatives apart ("Summit Logistics" vs "Summit Logistics Group")', () => {
    expect(normalizeCompanyName('Summit Logistics Group GmbH').normalized).not.toBe(normalizeCompanyName('Summit Logistics GmbH').normalized);
    expect(normalizeCompanyName('Summit Logistics Group GmbH').withoutGenericWords).toBe(normalizeCompanyName('Summit Logistics GmbH').withoutGenericWords);
  });
});
