/**
 * People in business data: colleagues share the employer's domain, its switchboard and its
 * address, and must never become one person, in batch or live; nor must two namesakes at two
 * companies; one person under a nickname and with a mistyped address still must.
 */
import { generateWorld } from '../../../../bench/generate/world';
import { latestRecords } from '../../../../bench/generate/latest-records';
import { colleagues, namesakes, namesConflict, NO_LEVEL, PERSON_COMPARISONS } from '../../../../functions/identity/matching/comparisons';
import { defaultLiveModel } from '../../../../functions/identity/matching/default-model';
import { matchInputOf } from '../../../../functions/identity/matching/from-source-record';
import { createScorer, decideIncremental, sharedValues, type Candidate } from '../../../../functions/identity/matching/incremental';
import { prepare, type MatchInput } from '../../../../functions/identity/matching/match-record';
import { resolve } from '../../../../functions/identity/matching/resolve';

const office = {
  company: 'Acme Analytics',
  company_domain: 'acme-analytics.com',
  phone: '+1 617 555 0100',
  street: '1 Main Street',
  city: 'Boston',
  postcode: '02110',
  region: 'MA',
  country: 'US',
};
const PEOPLE: Record<string, MatchInput['fields']> = {
  ana: { ...office, first_name: 'Ana', last_name: 'Ruiz', email: 'ana.ruiz@acme-analytics.com' },
  tom: { ...office, first_name: 'Tom', last_name: 'Berg', email: 'tom.berg@acme-analytics.com' },
  robert: { ...office, first_name: 'Robert', last_name: 'Smith', email: 'robert.smith@acme-analytics.com' },
  // The same Robert, entered in the helpdesk under his nickname, with a slip in his address.
  bob: { first_name: 'Bob', last_name: 'Smith', email: 'robert.smiht@acme-analytics.com', phone: '+1 (617) 555-0100' },
};

const CTX = { wordWeight: () => 1 };
const input = (name: string, fields = PEOPLE[name] ?? {}): MatchInput => ({ key: `hubspot#person#${name}`, source: 'hubspot', kind: 'person', fields, trustedIds: {} });
const person = (name: string, fields?: MatchInput['fields']) => prepare(input(name, fields));
const levelOf = (comparison: string, a: ReturnType<typeof person>, b: ReturnType<typeof person>) => {
  const c = PERSON_COMPARISONS.find((x) => x.name === comparison);
  const level = c?.compare(a, b, CTX) ?? NO_LEVEL;
  return level === NO_LEVEL ? 'none' : c?.levels[level];
};

describe('colleagues', () => {
  it('are told from one person by names that clearly disagree', () => {
    expect(namesConflict(person('ana'), person('tom'))).toBe(true);
    expect(colleagues(person('ana'), person('tom'))).toBe(true);
    expect(colleagues(person('robert'), person('bob'))).toBe(false);
    // A slip, an initial or a swapped letter is not a different name.
    expect(namesConflict(person('a', { first_name: 'Ana', last_name: 'Ruiz' }), person('b', { first_name: 'Anna', last_name: 'Ruis' }))).toBe(false);
    expect(namesConflict(person('a', { first_name: 'Raj', last_name: 'Rao' }), person('b', { first_name: 'Rja', last_name: 'Rao' }))).toBe(false);
    expect(namesConflict(person('a', { first_name: 'T', last_name: 'Berg' }), person('b', { first_name: 'Tom', last_name: 'Berg' }))).toBe(false);
  });

  it('are not colleagues when something personal agrees: a badly keyed name can still be one person', () => {
    const born = { birth_date: '1980-02-03' };
    expect(colleagues(person('a', { ...PEOPLE.ana, ...born }), person('b', { ...PEOPLE.tom, ...born }))).toBe(false);
    expect(colleagues(person('a', PEOPLE.ana), person('b', { ...PEOPLE.tom, email: 'ana.ruiz@acme-analytics.com' }))).toBe(false);
  });

  it('agreeing on what colleagues share is not compared; disagreeing, names, town and region still are', () => {
    const [ana, tom] = [person('ana'), person('tom')];
    for (const shared of ['phone', 'street', 'postcode', 'company']) expect(levelOf(shared, ana, tom)).toBe('none');
    expect(levelOf('email', ana, tom)).toBe('different');
    expect(levelOf('city', ana, tom)).toBe('exact');
    // A neighbour down the street is not the office: strangers are that close as often.
    expect(levelOf('street', ana, person('t', { ...PEOPLE.tom, street: '3 Main Street' }))).toBe('same street, other number');
    expect(levelOf('first_name', ana, tom)).toBe('different');
    // Two colleagues' mailboxes from one pattern look like a slip of each other.
    const niamh = person('n', { first_name: 'Niamh', last_name: 'Stewart', email: 'nstewart@northscape.com' });
    expect(levelOf('email', niamh, person('c', { first_name: 'Charlie', last_name: 'Stewart', email: 'cstewart@northscape.com' }))).toBe('none');
    // One person at the office is compared as ever.
    expect(levelOf('phone', person('robert'), person('bob'))).toBe('exact');
    expect(levelOf('company', person('robert'), person('bob'))).toBe('same domain');
  });

});

describe('namesakes', () => {
  const pilar = (company: string, more: MatchInput['fields'] = {}) =>
    person(company, { first_name: 'Pilar', last_name: 'Blanco', email: `pilar.blanco@${company}`, ...more });

  it('share a name at two companies, and nothing else', () => {
    expect(namesakes(pilar('signalmedical.com'), pilar('trueline.es'), CTX)).toBe(true);
    expect(levelOf('first_name', pilar('signalmedical.com'), pilar('trueline.es'))).toBe('none');
    expect(levelOf('last_name', pilar('signalmedical.com'), pilar('trueline.es'))).toBe('none');
    // A personal address says nothing about the employer.
    expect(namesakes(pilar('signalmedical.com'), pilar('gmail.com'), CTX)).toBe(false);
    // A domain a slip away may be the same company mistyped, and company names are written too
    // many ways to tell employers apart on their own.
    expect(namesakes(pilar('signalmedical.com'), pilar('signalmedicl.com'), CTX)).toBe(false);
    const at = (company: string) => person(company, { first_name: 'Pilar', last_name: 'Blanco', company });
    expect(namesakes(at('IBM'), at('International Business Machines'), CTX)).toBe(false);
  });

  it('are one person after all when a phone number or a birth date agrees', () => {
    expect(namesakes(pilar('signalmedical.com', { phone: '+34 969 421 977' }), pilar('trueline.es', { phone: '+34969421977' }), CTX)).toBe(false);
    expect(namesakes(pilar('signalmedical.com', { birth_date: '1993-06-21' }), pilar('trueline.es', { birth_date: '1993-06-21' }), CTX)).toBe(false);
  });

  it('repeat their mailbox name only because it is made of their name', () => {
    expect(levelOf('email', person('a', { email: 'pilar.blanco@signalmedical.com' }), person('b', { email: 'pilar.blanco@trueline.es' }))).toBe('different');
    expect(levelOf('email', person('a', { email: 'pilar.blanco@signalmedical.com' }), person('b', { email: 'pilar.blanco@gmail.com' }))).toBe('same mailbox name');
    // A work and a personal address are less telling than two work addresses.
    expect(levelOf('email', person('a', { email: 'pilar.blanco@signalmedical.com' }), person('b', { email: 'pb1993@gmail.com' }))).toBe('work and personal');
  });
});

describe('colleagues in a batch run', () => {
  it('stay apart, and the nickname with a mistyped address joins its person', () => {
    const names = Object.keys(PEOPLE);
    const result = resolve(names.map((name) => input(name)), { kind: 'person', model: defaultLiveModel('person').model });
    const clusterOf = (name: string) => result.clusterOf[names.indexOf(name)];
    expect(clusterOf('ana')).not.toBe(clusterOf('tom'));
    expect(clusterOf('ana')).not.toBe(clusterOf('robert'));
    expect(clusterOf('robert')).toBe(clusterOf('bob'));
    // Not even a question for a person.
    expect(result.review).toEqual([]);
  });

  it('on the generator’s companies, trained on their own records, never join two people whose names disagree', () => {
    const world = generateWorld({ accounts: 40, seed: 5, now: new Date('2026-11-01T00:00:00Z') });
    const { records, truthOf } = latestRecords(world);
    const inputs = records.flatMap((r) => {
      const i = matchInputOf(r);
      return i?.kind === 'person' ? [i] : [];
    });
    const result = resolve(inputs, { kind: 'person' });
    const joined: string[] = [];
    result.records.forEach((a, i) =>
      result.records.forEach((b, j) => {
        const differentPeople = truthOf.get(a.key) !== truthOf.get(b.key);
        if (i < j && result.clusterOf[i] === result.clusterOf[j] && differentPeople && namesConflict(a, b)) joined.push(`${a.key} ~ ${b.key}`);
      }),
    );
    expect(joined).toEqual([]);
  });
});

describe('colleagues in the live matcher', () => {
  const scorer = createScorer(defaultLiveModel('person'));
  const decide = (record: string, candidates: Candidate[]) =>
    decideIncremental({
      record: person(record),
      candidates,
      entities: new Map(candidates.map((c) => [c.unifiedId, { unifiedId: c.unifiedId, members: [c.record.key], trustedIds: {} }])),
      cannotLink: new Set(),
      mustLink: new Set(),
      scorer,
    });

  it('founds a new person for a colleague, and asks no one', () => {
    const d = decide('tom', [{ record: person('ana'), unifiedId: 'per_ANA' }]);
    expect(d.join).toBeUndefined();
    expect(d.proposals).toEqual([]);
    expect(d.assessed[0]?.verdict).toBe('apart');
  });

  it('founds a new person for a namesake at another company', () => {
    const namesake = { first_name: 'Ana', last_name: 'Ruiz', email: 'ana.ruiz@globex.com', company: 'Globex', phone: '+1 212 555 0199' };
    const d = decideIncremental({
      record: person('other-ana', namesake),
      candidates: [{ record: person('ana'), unifiedId: 'per_ANA' }],
      entities: new Map([['per_ANA', { unifiedId: 'per_ANA', members: ['hubspot#person#ana'], trustedIds: {} }]]),
      cannotLink: new Set(),
      mustLink: new Set(),
      scorer,
    });
    expect(d.join).toBeUndefined();
    expect(d.assessed[0]?.verdict).toBe('apart');
  });

  it('joins the person a nickname and a mistyped address belong to', () => {
    const d = decide('bob', [
      { record: person('robert'), unifiedId: 'per_ROBERT' },
      { record: person('ana'), unifiedId: 'per_ANA' },
    ]);
    expect(d.join).toMatchObject({ unifiedId: 'per_ROBERT', verdict: 'link' });
  });

  it('counts a number several people hold for less, by how many hold it', () => {
    const switchboard = (name: string, first: string) => person(name, { first_name: first, last_name: 'Smith', phone: office.phone });
    const record = switchboard('record', 'Robert');
    const phone = PERSON_COMPARISONS.findIndex((c) => c.name === 'phone');
    const holders = [switchboard('x', 'Rob'), switchboard('y', 'Jane'), switchboard('z', 'Lee')].map((r, i): Candidate => ({ record: r, unifiedId: `per_${i}` }));
    const shared = sharedValues(record, holders);
    expect(shared.get(phone)).toBe(3);
    const plain = scorer.score(record, holders[0]?.record as ReturnType<typeof person>);
    const tempered = scorer.scoreFrom(record, shared)(holders[0]?.record as ReturnType<typeof person>);
    expect(plain.weight - tempered.weight).toBeCloseTo(Math.log2(3), 6);
    // Held by one entity only (the record's own duplicates), it counts in full.
    expect(sharedValues(record, [{ record: holders[0]?.record as ReturnType<typeof person>, unifiedId: 'per_0' }]).size).toBe(0);
  });
});
