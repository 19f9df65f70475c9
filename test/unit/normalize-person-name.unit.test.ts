import fc from 'fast-check';
import { stripDiacritics, transliterate } from '../../bench/generate/formats';
import { COMMON_NAMES, FIRST_NAMES, LAST_NAMES, NICKNAMES } from '../../bench/generate/names';
import { GIVEN_NAME_GROUPS } from '../../functions/identity/normalize/nicknames';
import {
  canonicalFirstName,
  firstNameCandidates,
  foldText,
  normalizePersonName,
  splitFullName,
} from '../../functions/identity/normalize/person-name';

const stripAccents = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

// Latin letters with and without marks, the special letters foldText maps, and separators.
const nameChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzäöüéèêçñåøßæłœ'.split(''));
const nameWord = fc.array(nameChar, { minLength: 1, maxLength: 10 }).map((cs) => cs.join(''));
const nameText = fc.array(nameWord, { minLength: 1, maxLength: 4 }).map((ws) => ws.join(' '));

const ALL_DIMINUTIVES = GIVEN_NAME_GROUPS.flatMap((g) => g.diminutives.map((d) => [d, g.canonical] as const));

/** Names that more than one group lists: never resolved to one canonical name. */
const ambiguous = (name: string) => GIVEN_NAME_GROUPS.filter((g) => [g.canonical, ...g.spellings, ...g.diminutives].includes(name)).length > 1;

describe('foldText', () => {
  it.each([
    ['Müller', 'muller'],
    ['Groß', 'gross'],
    ['STRAẞE', 'strasse'],
    ['Æsir Ørsted', 'aesir orsted'],
    ['Łukasz Żółć', 'lukasz zolc'],
    ['Œuvre', 'oeuvre'],
    ['Þór Đorđević', 'thor dordevic'],
    ["O'Brien", 'obrien'],
    ['D’Angelo', 'dangelo'],
    ['ﬁne ＡＣＭＥ', 'fine acme'],
    ['  Jean-Pierre \t DUPONT, jr. ', 'jean pierre dupont jr'],
    ['Ⅻ ²', 'xii 2'],
  ])('folds %j to %j', (input, expected) => {
    expect(foldText(input)).toBe(expected);
  });

  it('keeps letters of other scripts, with their vowel signs', () => {
    expect(foldText('王伟')).toBe('王伟');
    expect(foldText('प्रिया शर्मा')).toBe('प्रिया शर्मा');
  });

  it('is idempotent on any text', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => foldText(foldText(s)) === foldText(s)));
  });

  it('folds plain ASCII (its fast path) exactly as it folds any other text', () => {
    // ' ü' sends the text down the Unicode path and adds one word, 'u', at the end
    fc.assert(fc.property(fc.string(), (s) => expect(foldText(`${s} ü`)).toBe([foldText(s), 'u'].filter((w) => w !== '').join(' '))));
  });

  it('is insensitive to case, accents and spacing', () => {
    fc.assert(
      fc.property(nameText, (s) => {
        const folded = foldText(s);
        expect(foldText(s.toUpperCase())).toBe(folded);
        expect(foldText(stripAccents(s))).toBe(folded);
        expect(foldText(`  ${s.split(' ').join(' \t  ')} `)).toBe(folded);
      }),
    );
  });
});

describe('canonicalFirstName', () => {
  it.each([
    ['Bob', 'robert'],
    ['Robbie', 'robert'],
    ['Bill', 'william'],
    ['Kate', 'katherine'],
    ['Kathy', 'katherine'],
    ['Catherine', 'katherine'],
    ['Kathryn', 'katherine'],
    ['Liz', 'elizabeth'],
    ['Betty', 'elizabeth'],
    ['Elisabeth', 'elizabeth'],
    ['Jimmy', 'james'],
    ['Hans', 'johannes'],
    ['Sepp', 'josef'],
    ['Kees', 'cornelis'],
    ['Frédéric', 'frederick'],
    ['BOB J.', 'robert j'],
    ['Hans-Peter', 'johannes peter'],
    ['Zygmunt', 'zygmunt'],
  ])('resolves %j to %j', (name, expected) => {
    expect(canonicalFirstName(name)).toBe(expected);
  });

  it('leaves an ambiguous nickname as written and offers every reading', () => {
    // given 'Chris', which is short for several different names
    expect(canonicalFirstName('Chris')).toBe('chris');
    expect(firstNameCandidates('Chris')).toEqual(expect.arrayContaining(['chris', 'christopher', 'christine', 'christian']));
    // 'Jan' is Dutch for Johannes and English for Janet
    expect(firstNameCandidates('Jan')).toEqual(['jan', 'janet', 'johannes']);
  });

  it('never re-reads a formal name as a nickname: Harry stays Harry, and may be Henry', () => {
    expect(canonicalFirstName('Henry')).toBe('henry');
    expect(firstNameCandidates('Harry')).toEqual(['harry', 'henry', 'harold']);
  });

  it('maps a nickname and its formal name to the same canonical name, unless the nickname is ambiguous', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_DIMINUTIVES), ([nickname, formal]) => {
        expect(firstNameCandidates(nickname)).toContain(canonicalFirstName(formal));
        if (!ambiguous(nickname)) expect(canonicalFirstName(nickname)).toBe(canonicalFirstName(formal));
      }),
    );
  });

  it('maps every spelling of a formal name to its canonical spelling', () => {
    for (const g of GIVEN_NAME_GROUPS) for (const name of [g.canonical, ...g.spellings]) expect(canonicalFirstName(name)).toBe(g.canonical);
  });

  it('is idempotent, and its result is always a candidate', () => {
    const known = fc.constantFrom(...GIVEN_NAME_GROUPS.flatMap((g) => [g.canonical, ...g.spellings, ...g.diminutives]));
    fc.assert(
      fc.property(fc.oneof(known, nameText), (name) => {
        const canonical = canonicalFirstName(name);
        expect(canonicalFirstName(canonical)).toBe(canonical);
        expect(firstNameCandidates(name)[0]).toBe(canonical);
      }),
    );
  });
});

describe('the nickname table', () => {
  const entries = GIVEN_NAME_GROUPS.flatMap((g) => [g.canonical, ...g.spellings, ...g.diminutives]);

  it('is written folded, and has well over 120 nicknames', () => {
    for (const name of entries) expect(foldText(name)).toBe(name);
    expect(ALL_DIMINUTIVES.length).toBeGreaterThan(120);
  });

  it('lists each formal spelling in one group only', () => {
    const formal = GIVEN_NAME_GROUPS.flatMap((g) => [g.canonical, ...g.spellings]);
    expect(new Set(formal).size).toBe(formal.length);
  });

  it('has exactly the ambiguous nicknames its header documents', () => {
    const found = [...new Set(entries.filter(ambiguous))].sort();
    expect(found).toEqual(
      'al ale alex bert charlie chris chrissy ellie fran fred freddie hal harry jan jo jon lou max meg mel nat nate nell nellie nicky pat rike sam sammy sandy ted teddy tina ulli willy'.split(' '),
    );
  });
});

describe('normalizePersonName', () => {
  it('resolves a nickname and keeps what was written', () => {
    expect(normalizePersonName('Bob', 'Smith')).toEqual({
      first: 'bob',
      last: 'smith',
      firstCanonical: 'robert',
      firstCandidates: ['robert'],
      full: 'bob smith',
      tokens: ['bob', 'robert', 'smith'],
    });
  });

  it('reads "Last, First" and "First Last" full names alike', () => {
    const a = normalizePersonName(undefined, undefined, 'Smith, John');
    const b = normalizePersonName(undefined, undefined, 'John Smith');
    expect(a).toEqual(b);
    expect(a).toMatchObject({ first: 'john', last: 'smith', full: 'john smith' });
  });

  it('keeps particles in the last name, and gives the particle-free and glued forms as tokens', () => {
    const n = normalizePersonName(undefined, undefined, 'Jan van der Meer');
    expect(n).toMatchObject({ first: 'jan', last: 'van der meer' });
    expect(n.tokens).toEqual(['jan', 'meer', 'vandermeer']);
    // Dutch sorting writes the particle after the given name
    expect(normalizePersonName(undefined, undefined, 'Vries, Jan de')).toMatchObject({ first: 'jan', last: 'de vries' });
    expect(normalizePersonName(undefined, undefined, 'María de la Cruz').last).toBe('de la cruz');
  });

  it('removes honorifics and suffixes, but never the last word', () => {
    expect(normalizePersonName(undefined, undefined, 'Dr. Robert J. Smith, Jr.')).toMatchObject({ first: 'robert j', last: 'smith', firstCanonical: 'robert j' });
    expect(normalizePersonName(undefined, undefined, 'Prof. Dr.-Ing. Katharina Groß PhD')).toMatchObject({ first: 'katharina', last: 'gross' });
    expect(normalizePersonName(undefined, undefined, 'Mrs. Ann Lee III')).toMatchObject({ first: 'ann', last: 'lee' });
    expect(normalizePersonName('Dr.', 'Who')).toMatchObject({ first: 'dr', last: 'who' });
  });

  it('treats a hyphenated name as one name, with its halves as tokens', () => {
    const n = normalizePersonName(undefined, undefined, 'Mary Smith-Jones');
    expect(n).toMatchObject({ first: 'mary', last: 'smith jones' });
    expect(n.tokens).toEqual(['mary', 'smith', 'jones', 'smithjones']);
  });

  it('adds the German spelling of an umlaut as a token, so Müller meets Mueller', () => {
    const a = normalizePersonName('Jürgen', 'Müller');
    const b = normalizePersonName('Juergen', 'Mueller');
    expect(a.last).toBe('muller');
    expect(a.tokens).toEqual(expect.arrayContaining(b.tokens));
    // also when the umlaut arrives decomposed (u + combining diaeresis)
    expect(normalizePersonName(undefined, 'Mu\u0308ller').tokens).toEqual(['muller', 'mueller']);
  });

  it('prefers separate fields and fills only missing pieces from the full name', () => {
    expect(normalizePersonName('Robert', 'Smith', 'Bob Jones')).toMatchObject({ first: 'robert', last: 'smith' });
    expect(normalizePersonName('Robert', undefined, 'Bob Jones')).toMatchObject({ first: 'robert', last: 'jones' });
    expect(normalizePersonName(undefined, undefined, 'Madonna')).toMatchObject({ first: 'madonna', last: '' });
    expect(normalizePersonName()).toEqual({ first: '', last: '', firstCanonical: '', firstCandidates: [], full: '', tokens: [] });
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.option(nameText, { nil: undefined }), fc.option(nameText, { nil: undefined }), fc.option(fc.string(), { nil: undefined }), (f, l, full) => {
        const once = normalizePersonName(f, l, full);
        const twice = normalizePersonName(once.first, once.last);
        expect({ ...twice, tokens: [] }).toEqual({ ...once, tokens: [] });
      }),
    );
  });

  it('is insensitive to case, accents and spacing', () => {
    fc.assert(
      fc.property(nameText, nameText, (f, l) => {
        const expected = normalizePersonName(f, l);
        expect(normalizePersonName(f.toUpperCase(), l.toLowerCase()).full).toBe(expected.full);
        expect(normalizePersonName(stripAccents(f), stripAccents(l)).full).toBe(expected.full);
        expect(normalizePersonName(` ${f}  `, `\t${l.replace(/ /g, '   ')}`).full).toBe(expected.full);
      }),
    );
  });
});

describe('the synthetic world (bench/generate)', () => {
  const generated = Object.entries(NICKNAMES).flatMap(([formal, nicknames]) => nicknames.map((nickname) => [formal, nickname] as const));

  it('recognizes every nickname it plants: same canonical name, or a candidate when the nickname is ambiguous', () => {
    for (const [formal, nickname] of generated) {
      const canonical = canonicalFirstName(formal);
      expect(firstNameCandidates(nickname)).toContain(canonical);
      if (!ambiguous(foldText(nickname))) expect([nickname, canonicalFirstName(nickname)]).toEqual([nickname, canonical]);
    }
  });

  it('resolves all but the documented ambiguous nicknames to one name', () => {
    const unresolved = generated.filter(([formal, nickname]) => canonicalFirstName(nickname) !== canonicalFirstName(formal)).map(([, n]) => n);
    expect([...new Set(unresolved)].sort()).toEqual(
      ['Ale', 'Alex', 'Charlie', 'Chris', 'Ellie', 'Fred', 'Hal', 'Harry', 'Jo', 'Jon', 'Max', 'Meg', 'Nell', 'Pat', 'Rike', 'Sam', 'Ted', 'Tina'],
    );
  });

  it('folds its diacritic-free spellings to the same name, and shares a token with its German transliterations', () => {
    const names = [...Object.values(FIRST_NAMES).flat(), ...Object.values(LAST_NAMES).flat()];
    for (const name of names) {
      const original = normalizePersonName(undefined, name);
      expect([name, normalizePersonName(undefined, stripDiacritics(name)).last]).toEqual([name, original.last]);
      const german = normalizePersonName(undefined, transliterate(name));
      expect([name, german.tokens.some((t) => original.tokens.includes(t))]).toEqual([name, true]);
    }
  });

  it('reads its names the same from separate fields, "First Last" and "Last, First"', () => {
    const pairs = [...COMMON_NAMES, ...Object.keys(FIRST_NAMES).flatMap((locale) => {
      const firsts = FIRST_NAMES[locale as keyof typeof FIRST_NAMES];
      return LAST_NAMES[locale as keyof typeof LAST_NAMES].map((last, i) => [firsts[i % firsts.length] as string, last] as const);
    })];
    for (const [first, last] of pairs) {
      const fields = normalizePersonName(first, last);
      expect(normalizePersonName(undefined, undefined, `${first} ${last}`)).toEqual(fields);
      expect(normalizePersonName(undefined, undefined, `${last}, ${first}`)).toEqual(fields);
    }
  });
});

describe('splitFullName', () => {
  it('splits given and family words, folded', () => {
    expect(splitFullName('Dr. Jan van der Meer PhD')).toEqual({ first: ['jan'], last: ['van', 'der', 'meer'] });
    expect(splitFullName('Smith, Dr. John')).toEqual({ first: ['john'], last: ['smith'] });
    expect(splitFullName('John Smith, Jr.')).toEqual({ first: ['john'], last: ['smith'] });
    expect(splitFullName('John Smith, Ph. D.')).toEqual({ first: ['john'], last: ['smith'] });
    expect(splitFullName('Dr.John Smith-Jones M.D.')).toEqual({ first: ['john'], last: ['smith jones'] });
  });
});
