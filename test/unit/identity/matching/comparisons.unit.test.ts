import { ACCOUNT_COMPARISONS, alignedNames, NO_LEVEL, PERSON_COMPARISONS, type Comparison } from '../../../../functions/identity/matching/comparisons';
import { prepare, type MatchInput } from '../../../../functions/identity/matching/match-record';
import { isAmbiguous } from '../../../../functions/identity/matching/resolve';

const ctx = { wordWeight: () => 1 };
const person = (fields: MatchInput['fields'], trustedIds: Record<string, string> = {}) =>
  prepare({ key: JSON.stringify(fields), source: 'test', kind: 'person', fields, trustedIds });
const account = (fields: MatchInput['fields'], trustedIds: Record<string, string> = {}) =>
  prepare({ key: JSON.stringify(fields), source: 'test', kind: 'account', fields, trustedIds });
const named = (list: readonly Comparison[], name: string) => list.find((c) => c.name === name) as Comparison;
const levelOf = (c: Comparison, a: ReturnType<typeof prepare>, b: ReturnType<typeof prepare>) => {
  const level = c.compare(a, b, ctx);
  return level === NO_LEVEL ? 'none' : c.levels[level];
};

describe('person comparisons', () => {
  const first = named(PERSON_COMPARISONS, 'first_name');
  const last = named(PERSON_COMPARISONS, 'last_name');
  const dob = named(PERSON_COMPARISONS, 'birth_date');
  const email = named(PERSON_COMPARISONS, 'email');

  it('grades first names: exact, nickname, typo, initial, different, missing', () => {
    expect(levelOf(first, person({ first_name: 'Robert' }), person({ first_name: 'robert' }))).toBe('exact');
    expect(levelOf(first, person({ first_name: 'Bob' }), person({ first_name: 'Robert' }))).toBe('nickname');
    expect(levelOf(first, person({ first_name: 'Jonathon' }), person({ first_name: 'Jonathan' }))).toBe('typo');
    expect(levelOf(first, person({ first_name: 'J' }), person({ first_name: 'Quentin' }))).toBe('different');
    expect(levelOf(first, person({ first_name: 'Q' }), person({ first_name: 'Quentin' }))).toBe('initial');
    expect(levelOf(first, person({ first_name: 'Alice' }), person({ first_name: 'Zoe' }))).toBe('different');
    expect(levelOf(first, person({ first_name: 'Alice' }), person({ last_name: 'Zoe' }))).toBe('none');
  });

  it('reads swapped first and last names the right way round', () => {
    const a = person({ first_name: 'Quilliam', last_name: 'Ashleigh' });
    const b = person({ first_name: 'Ashleigh', last_name: 'Quilliam' });
    expect(alignedNames(a, b)).toMatchObject({ first: 'quilliam', last: 'ashleigh' });
    expect(levelOf(first, a, b)).toBe('exact');
    expect(levelOf(last, a, b)).toBe('exact');
  });

  it('grades birth dates, including the day/month mix-up', () => {
    expect(levelOf(dob, person({ birth_date: '1971-06-24' }), person({ birth_date: '1971-06-24' }))).toBe('exact');
    expect(levelOf(dob, person({ birth_date: '1971-06-24' }), person({ birth_date: '1971-05-24' }))).toBe('one typo');
    expect(levelOf(dob, person({ birth_date: '1971-03-04' }), person({ birth_date: '1971-04-03' }))).toBe('day and month swapped');
    expect(levelOf(dob, person({ birth_date: '1971-06-24' }), person({ birth_date: '1972-03-01' }))).toBe('within a year');
    expect(levelOf(dob, person({ birth_date: '1971-06-24' }), person({ birth_date: '1950-01-01' }))).toBe('different');
  });

  it('treats a shared role mailbox as weaker than a personal address', () => {
    expect(levelOf(email, person({ email: 'Jane.Doe@Acme.com' }), person({ email: 'jane.doe@acme.com' }))).toBe('exact');
    expect(levelOf(email, person({ email: 'info@acme.com' }), person({ email: 'info@acme.com' }))).toBe('exact shared mailbox');
    expect(levelOf(email, person({ email: 'jane.doe@acme.com' }), person({ email: 'jane.doe@gmail.com' }))).toBe('same mailbox name');
    expect(levelOf(email, person({ email: 'robert255@smith.net' }), person({ email: 'roberta25@smith.net' }))).toBe('typo');
  });

  it('calls two different values of one trusted identifier a conflict', () => {
    const ids = named(PERSON_COMPARISONS, 'trusted_ids');
    expect(levelOf(ids, person({}, { ssn: '1' }), person({}, { ssn: '1' }))).toBe('agree');
    expect(levelOf(ids, person({}, { ssn: '1' }), person({}, { ssn: '2' }))).toBe('conflict');
    expect(levelOf(ids, person({}, { ssn: '1' }), person({}, { crm: '2' }))).toBe('none');
  });
});

describe('account name comparison', () => {
  const name = named(ACCOUNT_COMPARISONS, 'name');
  it.each([
    ['ACME, Inc.', 'Acme Incorporated', 'exact'],
    ['Gist-Brocades B.V.', 'GISTBROCADES', 'same letters'],
    ['Akzo Nobel N.V.', 'AKZO NOVEL NV', 'same words'],
    ['Akzo Nobel N.V., Arnhem', 'Akzo Nobel', 'exact'],
    ['Koninklijke Philips Electronics N.V.', 'Philips Electronics', 'exact'],
    ['DSM N.V.', 'DSM IP Assets B.V.', 'one extends the other'],
    ['Shell Canada Ltd', 'Schlumberger Canada Ltd', 'related'],
    ['Unilever', 'Hitachi Global Storage', 'different'],
  ])('%s / %s → %s', (a, b, expected) => {
    expect(levelOf(name, account({ name: a }), account({ name: b }))).toBe(expected);
  });

  it('marks extensions and loose resemblances as ambiguous on their own', () => {
    expect(name.ambiguousLevels?.map((l) => name.levels[l])).toEqual(['one extends the other', 'related']);
  });

  it('lets no shared city or country settle a name that only shares a word, however rare the city looks', () => {
    const a = account({ name: 'Bluefin Traders Inc.', city: 'Chicago', country: 'US' });
    const b = account({ name: 'Harborpine Traders Inc.', city: 'Chicago', country: 'US' });
    const levels = ACCOUNT_COMPARISONS.map((c) => c.compare(a, b, ctx));
    expect(levels.map((l, k) => (l === NO_LEVEL ? 'none' : ACCOUNT_COMPARISONS[k]!.levels[l]))).toEqual(['related', 'none', 'none', 'none', 'exact', 'none', 'exact', 'none']);
    // Weights as a tiny store's term frequencies make them: Chicago and the US look rare.
    const weights = ACCOUNT_COMPARISONS.map((c) => c.levels.map((_, level) => (level === 0 ? 6 : -2)));
    expect(isAmbiguous(ACCOUNT_COMPARISONS, levels, weights)).toBe(true);
    // A street in common does settle it.
    const sameStreet = (n: string) => account({ name: n, street: '1 Main St', city: 'Chicago', country: 'US' });
    const withStreet = ACCOUNT_COMPARISONS.map((c) => c.compare(sameStreet('Bluefin Traders Inc.'), sameStreet('Harborpine Traders Inc.'), ctx));
    expect(isAmbiguous(ACCOUNT_COMPARISONS, withStreet, weights)).toBe(false);
  });
});
