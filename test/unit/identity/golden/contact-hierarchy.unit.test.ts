import fc from 'fast-check';
import { ContactRole, type Person, type SourceSystem, type Ticket } from '../../../../functions/shared/canonical';
import {
  buildContactHierarchy,
  classifyTitle,
  EVIDENCE_WEIGHTS,
  roleOfDealContactRole,
  type BillingContact,
  type ContactHierarchyEvidence,
  type ContactPerson,
  type DealContactRole,
  type ManualRoleChoice,
} from '../../../../functions/identity/golden/contact-hierarchy';
import type { Sourced } from '../../../../functions/identity/golden/sourced';

const member = (sourceSystem: SourceSystem, externalId: string, fields: Partial<Person>, status: Sourced<Person>['status'] = 'active'): Sourced<Person> => ({
  sourceKey: `${sourceSystem}#person#${externalId}`,
  sourceSystem,
  externalId,
  fields,
  status,
});

const person = (personId: string, members: Sourced<Person>[], manual?: ManualRoleChoice): ContactPerson => ({ personId, members, ...(manual === undefined ? {} : { manual }) });

const dealRole = (id: string, contactId: string, role: string, sourceSystem: SourceSystem = 'salesforce'): DealContactRole => ({
  sourceKey: `${sourceSystem}#opportunity#${id}`,
  contact: { sourceSystem, externalId: contactId },
  role,
});

const ticket = (id: string, requesterRef: string, status: Sourced<Ticket>['status'] = 'active'): Sourced<Ticket> => ({
  sourceKey: `zendesk#ticket#${id}`,
  sourceSystem: 'zendesk',
  externalId: id,
  fields: { subject: `Ticket ${id}`, requesterRef },
  status,
});

const billing = (id: string, email: string): BillingContact => ({ sourceKey: `stripe#subscription#${id}`, email });

const hierarchy = (parts: Partial<ContactHierarchyEvidence>) =>
  buildContactHierarchy({ people: [], dealContactRoles: [], tickets: [], billingContacts: [], ...parts });

const roleOf = (parts: Partial<ContactHierarchyEvidence>, personId = 'p1') => hierarchy(parts).people.find((p) => p.personId === personId);

describe('deal contact roles', () => {
  it.each([
    ['Economic Buyer', 'buyer'],
    ['Decision Maker', 'buyer'],
    ['Technical Buyer', 'buyer'],
    ['BUDGET_HOLDER', 'buyer'],
    ['Executive Sponsor', 'executive_sponsor'],
    ['EXECUTIVE_SPONSOR', 'executive_sponsor'],
    ['Influencer', 'influencer'],
    ['champion', 'influencer'],
    ['Evaluator', 'influencer'],
    ['End User', 'user'],
    ['end-user', 'user'],
    ['Business User', 'user'],
    ['Other', undefined],
    ['', undefined],
    ['constructor', undefined],
  ])('maps %j to %s', (name, role) => {
    expect(roleOfDealContactRole(name)).toBe(role);
  });
});

describe('job titles', () => {
  it.each([
    ['CEO', 'executive_sponsor'],
    ['C.E.O.', 'executive_sponsor'],
    ['Chief Financial Officer', 'executive_sponsor'],
    ['V.P. Sales', 'executive_sponsor'],
    ['Sr. VP, Engineering', 'executive_sponsor'],
    ['Head of IT', 'executive_sponsor'],
    ['Dir. Marketing', 'executive_sponsor'],
    ['Managing Director', 'executive_sponsor'],
    ['Founder & CEO', 'executive_sponsor'],
    ['Geschäftsführer', 'executive_sponsor'],
    ['GESCHÄFTSFÜHRERIN', 'executive_sponsor'],
    ['Geschaeftsfuehrer', 'executive_sponsor'],
    ['Vertriebsleiterin', 'executive_sponsor'],
    ['Vorstandsvorsitzender', 'executive_sponsor'],
    ['Directeur Général', 'executive_sponsor'],
    ['Directrice commerciale', 'executive_sponsor'],
    ['Président-directeur général', 'executive_sponsor'],
    ['Gerente General', 'executive_sponsor'],
    ['Procurement Manager', 'buyer'],
    ['Purchasing Director', 'buyer'],
    ['Chief Procurement Officer', 'buyer'],
    ['Inkoop', 'buyer'],
    ['Inkoper', 'buyer'],
    ['Hoofd Inkoop', 'buyer'],
    ['Einkaufsleiter', 'buyer'],
    ['Leiter Einkauf', 'buyer'],
    ['Strategischer Einkäufer', 'buyer'],
    ['Acheteuse', 'buyer'],
    ['Responsable achats', 'buyer'],
    ['Jefe de compras', 'buyer'],
    ['Engineering Manager', 'influencer'],
    ['Eng. Mgr', 'influencer'],
    ['Solutions Architect', 'influencer'],
    ['Teamleiter Entwicklung', 'influencer'],
    ['Product Owner', 'influencer'],
    ['Lead Developer', 'influencer'],
    ['Senior Software Engineer', 'user'],
    ['Sr Data Analyst', 'user'],
    ['Support Specialist', 'user'],
    ['Softwareentwickler', 'user'],
    ['Sachbearbeiterin', 'user'],
    ['Ingénieur développement', 'user'],
    ['Analista de datos', 'user'],
    ['Executive Assistant to the CEO', 'user'],
    ['Assistent der Geschäftsführung', 'user'],
    ['Account Executive', undefined],
    ['Ninja', undefined],
    ['', undefined],
  ])('reads %j as %s', (title, role) => {
    expect(classifyTitle(title)?.role).toBe(role);
  });

  it('is insensitive to case and accents', () => {
    for (const title of ['Directeur Général', 'Geschäftsführer', 'Ingénieur', 'Einkäufer']) {
      const plain = title.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      expect(classifyTitle(plain.toUpperCase())?.role).toBe(classifyTitle(title)?.role);
    }
  });
});

describe('contact roles on an account', () => {
  it('reads a role from each kind of evidence', () => {
    const result = hierarchy({
      people: [
        person('p-deal', [member('salesforce', '003A', {})]),
        person('p-crm', [member('hubspot', '51', { role: 'influencer' })]),
        person('p-bill', [member('stripe', 'cus_1', { email: 'Ana.Pay+billing@Acme.com' })]),
        person('p-title', [member('hubspot', '52', { title: 'VP Operations' })]),
        person('p-ticket', [member('zendesk', '900', {})]),
      ],
      dealContactRoles: [dealRole('006A', '003A', 'Economic Buyer')],
      billingContacts: [billing('sub_1', 'ana.pay@acme.com')],
      tickets: [ticket('1', '900')],
    });
    expect(result.people.map((p) => [p.personId, p.role, p.decidedBy, p.evidence.map((e) => e.kind)])).toEqual([
      ['p-bill', 'buyer', 'evidence', ['billing-contact']],
      ['p-crm', 'influencer', 'evidence', ['crm-role']],
      ['p-deal', 'buyer', 'evidence', ['deal-contact-role']],
      ['p-ticket', 'user', 'evidence', ['ticket-requester']],
      ['p-title', 'executive_sponsor', 'evidence', ['title']],
    ]);
    expect(result.unmatched).toEqual([]);
  });

  it('lets a role named on a deal beat what the title suggests, and shows both, strongest first', () => {
    const result = roleOf({ people: [person('p1', [member('salesforce', '003A', { title: 'CEO' })])], dealContactRoles: [dealRole('006A', '003A', 'Influencer')] });
    expect(result?.role).toBe('influencer');
    expect(result?.evidence).toEqual([
      { kind: 'deal-contact-role', role: 'influencer', sourceKey: 'salesforce#opportunity#006A', detail: 'named "Influencer" on a deal', weight: EVIDENCE_WEIGHTS['deal-contact-role'] },
      { kind: 'title', role: 'executive_sponsor', sourceKey: 'salesforce#person#003A', detail: 'title "CEO" reads as executive (ceo)', weight: EVIDENCE_WEIGHTS.title },
    ]);
  });

  it('does not let many tickets outweigh one stronger piece of evidence', () => {
    const tickets = Array.from({ length: 10 }, (_, i) => ticket(String(i), '900'));
    const result = roleOf({ people: [person('p1', [member('zendesk', '900', { email: 'cfo@acme.com' })])], tickets, billingContacts: [billing('sub_1', 'cfo@acme.com')] });
    expect(result?.role).toBe('buyer');
  });

  it('settles equal strength by total weight, then by precedence', () => {
    const twoTitles = [member('salesforce', '1', { title: 'CEO' }), member('hubspot', '2', { title: 'Software Engineer' })];
    expect(roleOf({ people: [person('p1', twoTitles)] })?.role).toBe('executive_sponsor');
    expect(roleOf({ people: [person('p1', [...twoTitles, member('zendesk', '9', {})])], tickets: [ticket('1', '9')] })?.role).toBe('user');
  });

  it('always lets a person\'s manual choice win, keeping the evidence for review', () => {
    const manual = { role: 'user' as const, by: 'U_ANNA', at: '2026-02-01T10:00:00Z' };
    const result = roleOf({ people: [person('p1', [member('salesforce', '003A', { title: 'CFO' })], manual)], dealContactRoles: [dealRole('006A', '003A', 'Economic Buyer')] });
    expect(result).toMatchObject({ role: 'user', decidedBy: 'manual', manual });
    expect(result?.evidence).toHaveLength(2);
  });

  it('gives no role to a person nothing says anything about', () => {
    expect(roleOf({ people: [person('p1', [member('hubspot', '1', { firstName: 'Jane', title: 'Ninja' })])] })).toEqual({ personId: 'p1', role: null, decidedBy: 'none', evidence: [] });
  });

  it('ignores deleted and erased records, on both ends', () => {
    const result = hierarchy({
      people: [person('p1', [member('salesforce', '003A', { title: 'CEO' }, 'erased'), member('zendesk', '900', {}, 'deleted'), member('hubspot', '7', {})])],
      tickets: [ticket('1', '900'), ticket('2', '7', 'deleted')],
      dealContactRoles: [{ ...dealRole('006A', '7', 'Economic Buyer', 'hubspot'), status: 'deleted' }],
    });
    expect(result.people[0]).toMatchObject({ role: null, evidence: [] });
    expect(result.unmatched).toEqual([{ sourceKey: 'zendesk#ticket#1', reason: 'no-such-person', detail: 'ticket requester zendesk#900 is not a person on this account' }]);
  });

  it('returns evidence that points at nobody, or cannot be read, instead of dropping it', () => {
    const result = hierarchy({
      people: [person('p1', [member('salesforce', '003A', { email: 'jane@acme.com' })])],
      dealContactRoles: [dealRole('006A', '003Z', 'Economic Buyer'), dealRole('006B', '003A', 'Other')],
      billingContacts: [billing('sub_1', 'not an email'), billing('sub_2', 'payables@acme.com')],
      tickets: [{ ...ticket('3', ''), fields: { subject: 'no requester' } }],
    });
    expect(result.unmatched.map((u) => [u.sourceKey, u.reason])).toEqual([
      ['salesforce#opportunity#006A', 'no-such-person'],
      ['salesforce#opportunity#006B', 'unknown-role'],
      ['stripe#subscription#sub_1', 'invalid-email'],
      ['stripe#subscription#sub_2', 'no-such-person'],
    ]);
    expect(result.people[0]?.role).toBeNull();
  });

  it('matches references only within the same system', () => {
    const result = hierarchy({ people: [person('p1', [member('hubspot', '900', {})])], tickets: [ticket('1', '900')] });
    expect(result.people[0]?.role).toBeNull();
    expect(result.unmatched).toHaveLength(1);
  });

  it('refuses the same person listed twice (a bug upstream)', () => {
    expect(() => hierarchy({ people: [person('p1', []), person('p1', [])] })).toThrow(/listed twice/);
  });
});

describe('contact hierarchy properties', () => {
  const systems: SourceSystem[] = ['salesforce', 'hubspot', 'zendesk', 'stripe'];
  const arbManual = fc.option(fc.record({ role: fc.constantFrom(...ContactRole.options), by: fc.constant('U_X'), at: fc.constant('2026-01-01T00:00:00Z') }), { nil: undefined });
  const arbMember = fc.record({
    system: fc.constantFrom(...systems),
    id: fc.constantFrom('1', '2', '3', '4'),
    title: fc.option(fc.constantFrom('CEO', 'Inkoper', 'Engineer', 'Manager', 'Ninja'), { nil: undefined }),
    role: fc.option(fc.constantFrom(...ContactRole.options), { nil: undefined }),
    email: fc.option(fc.constantFrom('a@acme.com', 'b@acme.com', 'c@acme.com'), { nil: undefined }),
    status: fc.constantFrom<Sourced<Person>['status']>('active', 'active', 'deleted', 'erased'),
  });
  const arbEvidence: fc.Arbitrary<ContactHierarchyEvidence> = fc.record({
    people: fc
      .uniqueArray(fc.tuple(fc.constantFrom('p1', 'p2', 'p3'), fc.array(arbMember, { maxLength: 3 }), arbManual), { selector: ([id]) => id, maxLength: 3 })
      .map((ps) =>
        ps.map(([id, ms, manual]) =>
          person(
            id,
            ms.map((m) => member(m.system, `${id}-${m.id}`, { title: m.title, role: m.role, email: m.email }, m.status)),
            manual,
          ),
        ),
      ),
    dealContactRoles: fc.array(
      fc.tuple(fc.constantFrom('p1', 'p2', 'p9'), fc.constantFrom('1', '2'), fc.constantFrom('Economic Buyer', 'Influencer', 'End User', 'Executive Sponsor', 'Other')),
      { maxLength: 4 },
    ).map((ds) => ds.map(([p, m, role], i) => dealRole(`d${i}`, `${p}-${m}`, role))),
    tickets: fc.array(fc.tuple(fc.constantFrom('p1', 'p2', 'p3'), fc.constantFrom('1', '2')), { maxLength: 4 }).map((ts) => ts.map(([p, m], i) => ticket(`t${i}`, `${p}-${m}`))),
    billingContacts: fc.array(fc.constantFrom('a@acme.com', 'B@acme.com', 'z@acme.com', 'bad'), { maxLength: 3 }).map((bs) => bs.map((email, i) => billing(`s${i}`, email))),
  });
  const shuffle = <T,>(items: readonly T[]) => fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });

  it('decides the same whatever order the people and the evidence come in', () => {
    const arbShuffled = arbEvidence.chain((e) =>
      fc.tuple(
        fc.constant(e),
        fc.record({
          people: fc.tuple(...e.people.map((p) => shuffle(p.members).map((members) => ({ ...p, members })))).chain((ps) => shuffle(ps)),
          dealContactRoles: shuffle(e.dealContactRoles),
          tickets: shuffle(e.tickets),
          billingContacts: shuffle(e.billingContacts),
        }),
      ),
    );
    fc.assert(fc.property(arbShuffled, ([e, shuffled]) => expect(buildContactHierarchy(shuffled)).toEqual(buildContactHierarchy(e))));
  });

  it('always lets a manual choice win, and otherwise picks a role with the strongest evidence', () => {
    fc.assert(
      fc.property(arbEvidence, (e) => {
        for (const decision of buildContactHierarchy(e).people) {
          const manual = e.people.find((p) => p.personId === decision.personId)?.manual;
          if (manual !== undefined) {
            expect(decision).toMatchObject({ role: manual.role, decidedBy: 'manual' });
            continue;
          }
          const strongest = Math.max(0, ...decision.evidence.map((x) => x.weight));
          if (strongest === 0) expect(decision).toMatchObject({ role: null, decidedBy: 'none' });
          else expect(decision.evidence.filter((x) => x.weight === strongest).map((x) => x.role)).toContain(decision.role);
        }
      }),
    );
  });
});
