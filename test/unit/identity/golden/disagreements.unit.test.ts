import fc from 'fast-check';
import type { Account, SourceRecord, SourceSystem } from '../../../../functions/shared/canonical';
import { storedRecord } from '../../../support/source-records';
import {
  findDisagreements,
  renderDisagreementReport,
  summarizeDisagreements,
  type DisagreementEntity,
  type EntityDisagreement,
} from '../../../../functions/identity/golden/disagreements';
import { decideLifecycle, type LifecycleDecision, type SubscriptionEvidence } from '../../../../functions/identity/golden/lifecycle';
import type { Sourced } from '../../../../functions/identity/golden/sourced';
import { buildGoldenRecord, type FieldOverride, type GoldenEntityType } from '../../../../functions/identity/golden/survivorship';
import { DEFAULT_SURVIVORSHIP_RULES } from '../../../../functions/identity/golden/survivorship-rules';


/** A stored record whose every field was set on `day` (days after T0). */
const stored = (
  sourceSystem: SourceSystem,
  externalId: string,
  fields: Record<string, unknown>,
  { kind = 'account', status = 'active', day = 0 }: { kind?: GoldenEntityType; status?: SourceRecord['status']; day?: number } = {},
): SourceRecord => storedRecord(sourceSystem, kind, externalId, fields, { status, day });

const entity = (
  members: SourceRecord[],
  { kind = 'account', unifiedId = 'cust-1', lifecycle, overrides = [] }: { kind?: GoldenEntityType; unifiedId?: string; lifecycle?: LifecycleDecision; overrides?: FieldOverride[] } = {},
): DisagreementEntity => ({
  unifiedId,
  kind,
  members,
  golden: buildGoldenRecord(kind, members, DEFAULT_SURVIVORSHIP_RULES, overrides),
  ...(lifecycle === undefined ? {} : { lifecycle }),
});

const find = (members: SourceRecord[], options: Parameters<typeof entity>[1] = {}) => findDisagreements(entity(members, options));

const fieldsOf = (found: EntityDisagreement[]) => found.map((d) => d.field);

/** The CRM says customer; billing's only subscription ended in March. */
const churnedWhileCrmSaysCustomer = (unifiedId = 'cust-1'): LifecycleDecision => {
  const crm: Sourced<Account> = { sourceKey: 'salesforce#account#001A', sourceSystem: 'salesforce', externalId: '001A', fields: { lifecycleStage: 'customer' } };
  const ended: SubscriptionEvidence = {
    sourceKey: 'stripe#subscription#sub_1',
    sourceSystem: 'stripe',
    externalId: 'sub_1',
    fields: { status: 'canceled', plan: 'Pro', currentPeriodEnd: '2026-03-01T00:00:00Z' },
  };
  return decideLifecycle({ unifiedId, accounts: [crm], opportunities: [], subscriptions: [ended], invoices: [], orders: [] }, new Date('2026-06-01T00:00:00Z'));
};

describe('what counts as a disagreement', () => {
  it('treats values that differ only in formatting as agreement', () => {
    const account = find([
      stored('salesforce', '001A', {
        name: 'ACME, Inc.',
        phone: '+1 (415) 555-0100',
        ownerEmail: 'Jane.Doe@Acme.com',
        website: 'https://www.acme.com/',
        taxId: 'DE 123.456.789',
        address: { street: '100 Main Street, Suite 400', city: 'Springfield', region: 'Illinois', postalCode: '62701-1234', country: 'USA' },
      }),
      stored('hubspot', '9', {
        name: 'Acme Incorporated',
        phone: '4155550100',
        ownerEmail: 'jane.doe@acme.com',
        website: 'acme.com',
        taxId: 'de123456789',
        address: { street: '100 Main St., Ste. 400', city: 'SPRINGFIELD', region: 'IL', postalCode: '62701', country: 'US' },
      }),
    ]);
    const person = find(
      [stored('salesforce', '003A', { email: 'ACME@x.com', firstName: 'José', title: 'VP, Sales' }, { kind: 'person' }), stored('zendesk', '42', { email: 'acme@x.com', firstName: 'JOSE', title: 'vp sales' }, { kind: 'person' })],
      { kind: 'person' },
    );
    expect(account).toEqual([]);
    expect(person).toEqual([]);
  });

  it('reports an address that differs in city as one disagreement, with both values, their sources and the chosen one', () => {
    const erp = { street: '100 Main St', city: 'Springfield', country: 'US' };
    const crm = { street: '100 Main Street', city: 'Shelbyville', country: 'US' };
    expect(find([stored('salesforce', '001A', { address: crm }), stored('netsuite', '77', { address: erp })])).toEqual([
      {
        unifiedId: 'cust-1',
        entityKind: 'account',
        field: 'address',
        kind: 'value',
        values: [
          { value: erp, holders: [{ sourceKey: 'netsuite#account#77', sourceSystem: 'netsuite', value: erp }], chosen: true },
          { value: crm, holders: [{ sourceKey: 'salesforce#account#001A', sourceSystem: 'salesforce', value: crm }], chosen: false },
        ],
        choice: { rule: 'sourcePriority(netsuite>stripe>salesforce>hubspot>zendesk>generic)', sourceKey: 'netsuite#account#77' },
        systemPairs: ['netsuite↔salesforce'],
      },
    ]);
  });

  it('counts an address that differs in several parts once, as the unit survivorship takes whole', () => {
    const found = find([
      stored('netsuite', '77', { address: { street: '100 Main St', city: 'Springfield', postalCode: '62701' } }),
      stored('stripe', 'cus_1', { address: { street: '1 Elm St', city: 'Shelbyville', postalCode: '62565' } }),
    ]);
    expect(fieldsOf(found)).toEqual(['address']);
  });

  it('does not count a part only one system knows (a postal code, a suite, an extension) as a disagreement', () => {
    expect(
      find([
        stored('netsuite', '77', { phone: '+1 415 555 0100 ext. 12', address: { street: '100 Main St, Suite 400', city: 'Springfield', postalCode: '62701' } }),
        stored('hubspot', '9', { phone: '(415) 555-0100', address: { street: '100 Main Street', city: 'Springfield' } }),
      ]),
    ).toEqual([]);
  });

  it('compares owners as emails: the same mailbox agrees, another person does not', () => {
    const owners = (crm: string) => find([stored('salesforce', '001A', { ownerEmail: 'Jane.Doe@acme.com' }), stored('hubspot', '9', { ownerEmail: crm })]);
    expect(owners('jane.doe+crm@ACME.com')).toEqual([]);
    expect(owners('john@acme.com')).toMatchObject([
      { field: 'ownerEmail', values: [{ value: 'Jane.Doe@acme.com', chosen: true }, { value: 'john@acme.com', chosen: false }], systemPairs: ['hubspot↔salesforce'] },
    ]);
  });

  it('does not take a deleted or erased member as evidence', () => {
    const live = stored('salesforce', '003A', { email: 'jane@acme.com' }, { kind: 'person' });
    const old = (status: SourceRecord['status']) => stored('hubspot', '51', { email: 'jane.doe@oldjob.com' }, { kind: 'person', status });
    expect(find([live, old('deleted')], { kind: 'person' })).toEqual([]);
    expect(find([live, old('erased')], { kind: 'person' })).toEqual([]);
    expect(fieldsOf(find([live, old('active')], { kind: 'person' }))).toEqual(['email']);
  });

  it('leaves a duplicate inside one system to the merge workflow, but lists it once another system disagrees', () => {
    const first = stored('salesforce', '001A', { phone: '+1 415 555 0100' });
    const second = stored('salesforce', '001B', { phone: '+1 415 555 0199' });
    expect(find([first, second])).toEqual([]);

    const [phone] = find([first, second, stored('hubspot', '9', { phone: '415-555-0100' }, { day: 3 })]);
    expect(phone?.values.map((v) => v.holders.map((h) => h.sourceKey))).toEqual([['hubspot#account#9', 'salesforce#account#001A'], ['salesforce#account#001B']]);
    expect(phone?.systemPairs).toEqual(['hubspot↔salesforce']);
  });

  it('compares neither ids nor fields expected to differ per system or decided elsewhere', () => {
    expect(
      find([
        stored('netsuite', '77', { customerNumber: 'C-100', concordId: 'cust-1', lifecycleStage: 'customer' }),
        stored('zendesk', '5', { customerNumber: 'ZD-9', concordId: 'cust-old', lifecycleStage: 'lead' }),
      ]),
    ).toEqual([]);
    expect(
      find(
        [stored('salesforce', '003A', { accountRef: '001A', role: 'buyer' }, { kind: 'person' }), stored('hubspot', '51', { accountRef: '9', role: 'user' }, { kind: 'person' })],
        { kind: 'person' },
      ),
    ).toEqual([]);
  });

  it('names the person who chose the value when an override decided', () => {
    const overrides: FieldOverride[] = [{ field: 'name', sourceKey: 'hubspot#account#9', by: 'U_ANNA', at: '2026-02-01T10:00:00Z', reason: 'rebranded' }];
    const [name] = find([stored('netsuite', '77', { name: 'Initech GmbH' }), stored('hubspot', '9', { name: 'Initrode' })], { overrides });
    expect(name).toMatchObject({ field: 'name', choice: { rule: 'override', sourceKey: 'hubspot#account#9', overriddenBy: 'U_ANNA' } });
    expect(name?.values.map((v) => [v.value, v.chosen])).toEqual([
      ['Initrode', true],
      ['Initech GmbH', false],
    ]);
  });

  it('finds nothing in an entity with a single member', () => {
    fc.assert(
      fc.property(arbAccountFields, fc.constantFrom<SourceSystem>('salesforce', 'netsuite', 'stripe'), (fields, system) => {
        expect(find([stored(system, '1', fields)])).toEqual([]);
      }),
    );
  });
});

describe('lifecycle disagreements', () => {
  it('carries the decision: the CRM says customer, billing evidence says churned', () => {
    const decision = churnedWhileCrmSaysCustomer();
    const [lifecycle] = find([stored('salesforce', '001A', { lifecycleStage: 'customer' })], { lifecycle: decision });
    expect(lifecycle).toEqual({
      unifiedId: 'cust-1',
      entityKind: 'account',
      field: 'lifecycleStage',
      kind: 'lifecycle',
      values: [
        {
          value: 'churned',
          holders: [{ sourceKey: 'stripe#subscription#sub_1', sourceSystem: 'stripe', value: 'subscription to Pro ended on 2026-03-01 (canceled)' }],
          chosen: true,
        },
        { value: 'customer', holders: [{ sourceKey: 'salesforce#account#001A', sourceSystem: 'salesforce', value: 'customer' }], chosen: false },
      ],
      choice: { rule: decision.rule },
      systemPairs: ['salesforce↔stripe'],
    });
  });

  it('adds nothing when the decision lists no disagreement', () => {
    const agreed: LifecycleDecision = { ...churnedWhileCrmSaysCustomer(), disagreements: [] };
    expect(find([stored('salesforce', '001A', { lifecycleStage: 'churned' })], { lifecycle: agreed })).toEqual([]);
  });

  it("refuses another entity's decision, or one for a person", () => {
    expect(() => find([], { lifecycle: churnedWhileCrmSaysCustomer('cust-2') })).toThrow(/cust-2/);
    expect(() => find([], { kind: 'person', lifecycle: churnedWhileCrmSaysCustomer() })).toThrow(/only accounts/);
  });
});

describe('the summary', () => {
  const report = () => {
    const a = find(
      [
        stored('salesforce', '001A', { address: { city: 'Springfield' }, ownerEmail: 'jane@acme.com', lifecycleStage: 'customer' }),
        stored('hubspot', '9', { address: { city: 'Shelbyville' }, ownerEmail: 'john@acme.com' }),
      ],
      { lifecycle: churnedWhileCrmSaysCustomer() },
    );
    const b = find([stored('salesforce', '001B', { address: { city: 'Paris' } }), stored('hubspot', '10', { address: { city: 'Lyon' } }), stored('netsuite', '78', { address: { city: 'Lyon' } })], {
      unifiedId: 'cust-2',
    });
    const c = find([stored('salesforce', '003A', { email: 'a@x.com' }, { kind: 'person' }), stored('zendesk', '1', { email: 'b@x.com' }, { kind: 'person' })], {
      kind: 'person',
      unifiedId: 'pers-1',
    });
    return [a, b, c];
  };

  it('counts per field, per system pair and per field and pair, most frequent first', () => {
    expect(summarizeDisagreements(report())).toEqual({
      disagreements: 5,
      entities: 3,
      byField: [
        { entityKind: 'account', field: 'address', count: 2 },
        { entityKind: 'account', field: 'lifecycleStage', count: 1 },
        { entityKind: 'account', field: 'ownerEmail', count: 1 },
        { entityKind: 'person', field: 'email', count: 1 },
      ],
      bySystemPair: [
        { pair: 'hubspot↔salesforce', count: 3 },
        { pair: 'netsuite↔salesforce', count: 1 },
        { pair: 'salesforce↔stripe', count: 1 },
        { pair: 'salesforce↔zendesk', count: 1 },
      ],
      byFieldAndSystemPair: [
        { entityKind: 'account', field: 'address', pair: 'hubspot↔salesforce', count: 2 },
        { entityKind: 'account', field: 'address', pair: 'netsuite↔salesforce', count: 1 },
        { entityKind: 'account', field: 'lifecycleStage', pair: 'salesforce↔stripe', count: 1 },
        { entityKind: 'account', field: 'ownerEmail', pair: 'hubspot↔salesforce', count: 1 },
        { entityKind: 'person', field: 'email', pair: 'salesforce↔zendesk', count: 1 },
      ],
    });
  });

  it('is the same for a flat list and for any order of entities', () => {
    const [a, b, c] = report() as [EntityDisagreement[], EntityDisagreement[], EntityDisagreement[]];
    const summary = summarizeDisagreements([a, b, c]);
    expect(summarizeDisagreements([...c, ...a.reverse(), ...b])).toEqual(summary);
  });

  it('refuses an entity listed twice rather than counting it twice', () => {
    const [a] = report() as [EntityDisagreement[]];
    expect(() => summarizeDisagreements([a, a])).toThrow(/twice/);
  });
});

describe('the plain-text report', () => {
  it('shows totals, tables and each value with its sources, within 100 columns', () => {
    const found = find([
      stored('netsuite', '77', { address: { street: '100 Main St', city: 'Springfield', country: 'US' } }),
      stored('salesforce', '001A', { address: { street: '100 Main Street', city: 'Shelbyville', country: 'US' } }),
    ]);
    expect(renderDisagreementReport(summarizeDisagreements([found]), [found])).toBe(
      [
        'Disagreements: 1 on 1 unified entity',
        '',
        'By field',
        '       1  account address',
        '',
        'By system pair',
        '       1  netsuite↔salesforce',
        '',
        'By field and system pair',
        '       1  account address              netsuite↔salesforce',
        '',
        'Entities with the most disagreements (1 of 1; * = chosen)',
        '',
        'account cust-1: 1 field',
        '  address [netsuite↔salesforce]: golden from netsuite#account#77 by sourcePriority(netsuite>stripe>…',
        '    * 100 Main St, Springfield, US  ← netsuite#account#77',
        '      100 Main Street, Shelbyville, US  ← salesforce#account#001A',
        '',
      ].join('\n'),
    );
  });

  it('says so when every system agrees', () => {
    expect(renderDisagreementReport(summarizeDisagreements([]), [])).toBe('No disagreements: every system agrees on every compared field.\n');
  });

  it('shows the entities with the most disagreements first, up to the limit', () => {
    const one = find([stored('salesforce', '1', { phone: '+1 415 555 0100' }), stored('hubspot', '1', { phone: '+1 415 555 0199' })], { unifiedId: 'cust-a' });
    const two = find([stored('salesforce', '2', { phone: '+1 415 555 0100', industry: 'Retail' }), stored('hubspot', '2', { phone: '+1 415 555 0199', industry: 'Banking' })], {
      unifiedId: 'cust-b',
    });
    const text = renderDisagreementReport(summarizeDisagreements([one, two]), [one, two], { entities: 1 });
    expect(text).toContain('(1 of 2; * = chosen)');
    expect(text).toContain('account cust-b: 2 fields');
    expect(text).not.toContain('cust-a');
    expect(text.split('\n').filter((line) => [...line].length > 100)).toEqual([]);
  });
});

// ---- properties ---------------------------------------------------------------------------------

/** Small pools, spelled several ways, so that members often agree, often only in formatting, and sometimes not. */
const arbAccountFields = fc.record(
  {
    name: fc.constantFrom('Acme Inc', 'ACME, Inc.', 'Acme Holdings', 'Initech'),
    phone: fc.constantFrom('+1 (415) 555-0100', '4155550100', '+1 415 555 0199 ext. 12', '555-555-5555'),
    ownerEmail: fc.constantFrom('jane@acme.com', 'JANE@acme.com', 'john@acme.com'),
    industry: fc.constantFrom('Retail', 'retail', 'Banking'),
    customerNumber: fc.string(),
    lifecycleStage: fc.constantFrom('customer', 'churned'),
    address: fc.record(
      { street: fc.constantFrom('100 Main St.', '100 Main Street', '1 Elm St'), city: fc.constantFrom('Springfield', 'SPRINGFIELD', 'Shelbyville'), postalCode: fc.constantFrom('62701', '62701-1234') },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const arbMembers = fc
  .array(
    fc.record({
      system: fc.constantFrom<SourceSystem>('salesforce', 'hubspot', 'netsuite', 'stripe'),
      fields: arbAccountFields,
      status: fc.constantFrom<SourceRecord['status']>('active', 'active', 'active', 'deleted'),
      day: fc.nat(30),
    }),
    { maxLength: 6 },
  )
  .map((specs) => specs.map((s, i) => stored(s.system, `r${i}`, s.fields, { status: s.status, day: s.day })));

describe('properties', () => {
  it('never depends on the order of the members', () => {
    fc.assert(
      fc.property(
        arbMembers.chain((members) => fc.tuple(fc.constant(members), fc.shuffledSubarray(members, { minLength: members.length, maxLength: members.length }))),
        ([members, shuffled]) => {
          expect(find(shuffled)).toEqual(find(members));
        },
      ),
    );
  });

  it('reports only conflicts between two systems, each pair naming the systems of values listed', () => {
    fc.assert(
      fc.property(arbMembers, (members) => {
        for (const d of find(members)) {
          const systems = new Set(d.values.flatMap((v) => v.holders.map((h) => h.sourceSystem)));
          expect(d.systemPairs.length).toBeGreaterThan(0);
          for (const pair of d.systemPairs) {
            const [a, b] = pair.split('↔') as [SourceSystem, SourceSystem];
            expect(a < b && systems.has(a) && systems.has(b)).toBe(true);
          }
          expect(d.values.filter((v) => v.chosen).length).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});
