import fc from 'fast-check';
import { formatSourceVersion, type SourceRecord, type SourceSystem } from '../../../../functions/shared/canonical';
import { storedRecord, T0, versionOnDay } from '../../../support/source-records';
import { DEFAULT_SURVIVORSHIP_RULES } from '../../../../functions/identity/golden/survivorship-rules';
import {
  buildGoldenRecord,
  parseSurvivorshipRules,
  SurvivorshipConfigError,
  type FieldOverride,
  type GoldenEntityType,
} from '../../../../functions/identity/golden/survivorship';

/** Every leaf set at `day` (days after T0), unless `versions` says otherwise. */
const member = (
  sourceSystem: SourceSystem,
  externalId: string,
  fields: Record<string, unknown>,
  { day = 0, entityType = 'account', status = 'active', versions = {} }: { day?: number; entityType?: GoldenEntityType; status?: SourceRecord['status']; versions?: Record<string, number> } = {},
): SourceRecord => {
  const leaves = (value: unknown, path: string): string[] =>
    typeof value === 'object' && value !== null ? Object.entries(value).flatMap(([k, v]) => leaves(v, `${path}.${k}`)) : [path];
  const paths = Object.entries(fields).flatMap(([k, v]) => leaves(v, k));
  const fieldVersions = Object.fromEntries(paths.map((p) => [p, versionOnDay(versions[p] ?? day)]));
  return storedRecord(sourceSystem, entityType, externalId, fields, { day, status, fieldVersions });
};

const override = (o: Partial<FieldOverride> & Pick<FieldOverride, 'field'>): FieldOverride => ({
  by: 'U_ANNA',
  at: '2026-02-01T10:00:00Z',
  reason: 'checked with the customer',
  ...o,
});

const golden = (entityType: GoldenEntityType, members: SourceRecord[], overrides: FieldOverride[] = []) =>
  buildGoldenRecord(entityType, members, DEFAULT_SURVIVORSHIP_RULES, overrides);

/** Rules naming only these account fields; everything else goes to the newest value. */
const accountRules = (fields: Record<string, unknown>) =>
  parseSurvivorshipRules({
    account: { fields, default: [{ rule: 'mostRecent' }], ignored: [] },
    person: { fields: {}, default: [{ rule: 'mostRecent' }], ignored: [] },
  });

describe('survivorship rules', () => {
  it('takes the legal name from the ERP even when the CRM changed it later (source priority)', () => {
    const result = golden('account', [member('salesforce', '001A', { name: 'Acme' }, { day: 9 }), member('netsuite', '77', { name: 'Acme Holdings GmbH' }, { day: 1 })]);
    expect(result.fields.name).toBe('Acme Holdings GmbH');
    expect(result.lineage.name).toEqual({
      sourceKey: 'netsuite#account#77',
      sourceSystem: 'netsuite',
      externalId: '77',
      version: formatSourceVersion(T0 + 86_400_000),
      rule: 'sourcePriority(netsuite>stripe>salesforce>hubspot>zendesk>generic)',
    });
  });

  it('falls back along the chain: two records of the preferred system are settled by recency', () => {
    const result = golden('account', [
      member('salesforce', '001A', { name: 'Acme Inc' }, { day: 2 }),
      member('salesforce', '001B', { name: 'ACME Incorporated' }, { day: 5 }),
      member('hubspot', '9', { name: 'Acme' }, { day: 9 }),
    ]);
    expect(result.fields.name).toBe('ACME Incorporated');
    expect(result.lineage.name?.rule).toBe('sourcePriority(netsuite>stripe>salesforce>hubspot>zendesk>generic) → mostRecent');
  });

  it('lets every system compete when none of the listed ones holds the field', () => {
    const rules = accountRules({ industry: [{ rule: 'sourcePriority', systems: ['netsuite'] }, { rule: 'mostRecent' }] });
    const result = buildGoldenRecord('account', [member('salesforce', '1', { industry: 'Retail' }, { day: 1 }), member('hubspot', '2', { industry: 'Software' }, { day: 3 })], rules);
    expect(result.fields.industry).toBe('Software');
  });

  it('keeps the newest phone (most recent, by the field version, not the record version)', () => {
    const older = member('hubspot', '9', { phone: '+49 30 1111', name: 'Acme' }, { day: 8, versions: { phone: 1 } });
    const newer = member('zendesk', '5', { phone: '+49 30 2222' }, { day: 3 });
    expect(golden('account', [older, newer]).fields.phone).toBe('+49 30 2222');
  });

  it('takes the domain most systems agree on, comparing case-insensitively but keeping the raw value', () => {
    const result = golden('account', [
      member('salesforce', '1', { domain: 'Acme.com' }, { day: 1 }),
      member('netsuite', '2', { domain: ' acme.com' }, { day: 2 }),
      member('hubspot', '3', { domain: 'acme.io' }, { day: 9 }),
    ]);
    expect(result.fields.domain).toBe(' acme.com');
    expect(result.lineage.domain?.rule).toBe('mostFrequent → mostRecent');
  });

  it('breaks a frequency tie by recency', () => {
    const result = golden('person', [
      member('salesforce', '1', { email: 'jane@acme.com' }, { entityType: 'person', day: 1 }),
      member('hubspot', '2', { email: 'j.doe@acme.com' }, { entityType: 'person', day: 4 }),
    ]);
    expect(result.fields.email).toBe('j.doe@acme.com');
    expect(result.lineage.email?.rule).toBe('mostFrequent');
  });

  it('takes a person\'s address whole from the fullest record, never mixing parts of two', () => {
    const full = member('hubspot', '2', { address: { street: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115' } }, { entityType: 'person', day: 1 });
    const partial = member('salesforce', '1', { address: { city: 'Munich', country: 'DE' } }, { entityType: 'person', day: 9 });
    const result = golden('person', [partial, full]);
    expect(result.fields.address).toEqual({ street: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115' });
    expect(Object.keys(result.lineage).filter((p) => p.startsWith('address.')).sort()).toEqual(['address.city', 'address.postalCode', 'address.street']);
    expect(result.lineage['address.city']).toMatchObject({ sourceKey: 'hubspot#person#2', rule: 'mostComplete' });
  });

  it('prefers the longer text under mostComplete', () => {
    const rules = accountRules({ name: [{ rule: 'mostComplete' }] });
    const result = buildGoldenRecord('account', [member('hubspot', '1', { name: 'Acme' }, { day: 9 }), member('stripe', '2', { name: 'Acme Widgets Ltd' })], rules);
    expect(result.fields.name).toBe('Acme Widgets Ltd');
  });

  it('applies the default rule to fields the rules do not name, leaf by leaf', () => {
    const rules = accountRules({});
    const result = buildGoldenRecord('account', [member('netsuite', '1', { address: { city: 'Paris', street: '1 rue X' } }, { day: 1 }), member('hubspot', '2', { address: { city: 'Lyon' } }, { day: 5 })], rules);
    expect(result.fields.address).toEqual({ city: 'Lyon', street: '1 rue X' });
    expect(result.lineage['address.city']?.rule).toBe('mostRecent');
    expect(result.lineage['address.street']?.rule).toBe('onlySource');
  });

  it('says onlySource when one member holds the field', () => {
    expect(golden('account', [member('stripe', 'cus_1', { taxId: 'DE123' })]).lineage.taxId?.rule).toBe('onlySource');
  });

  it('settles a full tie (same version, different values) by the lowest source key', () => {
    const result = golden('account', [member('zendesk', 'b', { phone: '2' }), member('zendesk', 'a', { phone: '1' })]);
    expect(result.fields.phone).toBe('1');
    expect(result.lineage.phone?.rule).toBe('mostRecent → tiebreak');
  });

  it('never lets concordId survive, nor the fields other modules derive', () => {
    const result = golden('account', [member('salesforce', '1', { name: 'Acme', concordId: 'C-1', lifecycleStage: 'customer' })]);
    expect(result.fields).toEqual({ name: 'Acme' });
    expect(Object.keys(result.lineage)).toEqual(['name']);
    const person = golden('person', [member('hubspot', '1', { firstName: 'Jane', role: 'buyer', accountRef: '42', concordId: 'P-1' }, { entityType: 'person' })]);
    expect(person.fields).toEqual({ firstName: 'Jane' });
  });

  it('ignores deleted and erased members, and empty values', () => {
    const result = golden('account', [
      member('netsuite', '1', { name: 'Old Name' }, { status: 'deleted' }),
      member('stripe', '2', { name: 'Forgotten' }, { status: 'erased' }),
      member('hubspot', '3', { name: 'Acme', phone: '  ' }),
    ]);
    expect(result.fields).toEqual({ name: 'Acme' });
    expect(result.lineage.name?.sourceKey).toBe('hubspot#account#3');
  });

  it('gives an empty golden record when no member is active', () => {
    expect(golden('account', [])).toEqual({ fields: {}, lineage: {}, staleOverrides: [] });
    expect(golden('account', [member('netsuite', '1', { name: 'X' }, { status: 'erased' })])).toEqual({ fields: {}, lineage: {}, staleOverrides: [] });
  });

  it('refuses members of another entity type, or one member twice (a bug upstream)', () => {
    expect(() => golden('account', [member('hubspot', '1', { firstName: 'Jane' }, { entityType: 'person' })])).toThrow(/is a person/);
    const m = member('hubspot', '1', { name: 'A' });
    expect(() => golden('account', [m, { ...m }])).toThrow(/listed twice/);
  });
});

describe('overrides', () => {
  const erp = member('netsuite', '77', { name: 'Acme Holdings GmbH' }, { day: 1 });
  const crm = member('salesforce', '001A', { name: 'Acme' }, { day: 9 });

  it('lets a chosen value beat the rules, keeping the member that holds it in the lineage', () => {
    const result = golden('account', [erp, crm], [override({ field: 'name', value: 'acme ' })]);
    expect(result.fields.name).toBe('Acme');
    expect(result.lineage.name).toMatchObject({ sourceKey: 'salesforce#account#001A', rule: 'override', overriddenBy: 'U_ANNA' });
    expect(result.staleOverrides).toEqual([]);
  });

  it('lets a chosen source beat the rules, following that source\'s current value', () => {
    const result = golden('account', [erp, crm], [override({ field: 'name', sourceKey: 'salesforce#account#001A' })]);
    expect(result.lineage.name).toMatchObject({ sourceKey: 'salesforce#account#001A', rule: 'override' });
  });

  it('goes stale when no active member holds the choice any more, and the rules decide again', () => {
    const choice = override({ field: 'name', value: 'Acme Corp' });
    const result = golden('account', [erp, crm], [choice]);
    expect(result.fields.name).toBe('Acme Holdings GmbH');
    expect(result.staleOverrides).toEqual([choice]);
    const erased = golden('account', [erp, { ...crm, status: 'erased' }], [override({ field: 'name', sourceKey: crm.sourceKey })]);
    expect(erased.lineage.name?.rule).not.toBe('override');
    expect(erased.staleOverrides).toHaveLength(1);
  });

  it('requires both the value and the source when an override names both', () => {
    const result = golden('account', [erp, crm], [override({ field: 'name', value: 'Acme Holdings GmbH', sourceKey: crm.sourceKey })]);
    expect(result.lineage.name?.rule).not.toBe('override');
  });

  it('applies the newest override for a field; the older one is stale', () => {
    const older = override({ field: 'name', sourceKey: erp.sourceKey, at: '2026-01-01T00:00:00Z' });
    const newer = override({ field: 'name', sourceKey: crm.sourceKey, at: '2026-03-01T00:00:00Z', by: 'U_BEN' });
    const result = golden('account', [erp, crm], [newer, older]);
    expect(result.lineage.name).toMatchObject({ sourceKey: crm.sourceKey, overriddenBy: 'U_BEN' });
    expect(result.staleOverrides).toEqual([older]);
  });

  it('chooses a whole address by the city a person picked', () => {
    const ns = member('netsuite', '1', { address: { street: 'Main St 1', city: 'Springfield', country: 'US' } });
    const st = member('stripe', '2', { address: { street: 'Elm St 9', city: 'Shelbyville' } });
    const result = golden('account', [ns, st], [override({ field: 'address.city', value: 'Shelbyville' })]);
    expect(result.fields.address).toEqual({ street: 'Elm St 9', city: 'Shelbyville' });
    expect(result.lineage['address.street']).toMatchObject({ sourceKey: st.sourceKey, rule: 'override' });
  });

  it('decides leaf fields by a chosen object when the rules treat them one by one', () => {
    const rules = accountRules({});
    const a = member('netsuite', '1', { address: { street: 'Main St 1', city: 'Springfield' } }, { day: 1 });
    const b = member('hubspot', '2', { address: { street: 'Elm St 9', city: 'Shelbyville' } }, { day: 5 });
    const result = buildGoldenRecord('account', [a, b], rules, [override({ field: 'address', value: { city: 'springfield' } })]);
    expect(result.fields.address).toEqual({ street: 'Elm St 9', city: 'Springfield' });
    expect(result.lineage['address.city']?.rule).toBe('override');
    expect(result.lineage['address.street']?.rule).toBe('mostRecent');
  });
});

describe('survivorship configuration', () => {
  const base = () => ({
    account: { fields: {} as Record<string, unknown>, default: [{ rule: 'mostRecent' }], ignored: [] as string[] },
    person: { fields: {} as Record<string, unknown>, default: [{ rule: 'mostRecent' }], ignored: [] as string[] },
  });

  it.each([
    ['an unknown field', (c: ReturnType<typeof base>) => (c.account.fields.nmae = [{ rule: 'mostRecent' }]), /account field "nmae": is not a field of account/],
    ['an unknown system', (c: ReturnType<typeof base>) => (c.person.fields.title = [{ rule: 'mostRecent' }, { rule: 'sourcePriority', systems: ['sap'] }]), /person field "title", step 2/],
    ['an unknown rule', (c: ReturnType<typeof base>) => (c.account.fields.name = [{ rule: 'newest' }]), /account field "name", step 1/],
    ['an empty chain', (c: ReturnType<typeof base>) => (c.account.fields.name = []), /account field "name": needs at least one step/],
    ['a system listed twice', (c: ReturnType<typeof base>) => (c.account.fields.name = [{ rule: 'sourcePriority', systems: ['stripe', 'stripe'] }]), /lists a system more than once/],
    ['concordId', (c: ReturnType<typeof base>) => (c.account.fields.concordId = [{ rule: 'mostRecent' }]), /account field "concordId": never survives/],
    ['an object and one of its parts', (c: ReturnType<typeof base>) => Object.assign(c.account.fields, { address: [{ rule: 'mostRecent' }], 'address.city': [{ rule: 'mostRecent' }] }), /account field "address": takes the whole object, so "address.city"/],
    ['a field both ruled and ignored', (c: ReturnType<typeof base>) => ((c.person.fields.email = [{ rule: 'mostRecent' }]), c.person.ignored.push('email')), /person field "email": is also ignored/],
    ['an unknown ignored field', (c: ReturnType<typeof base>) => c.person.ignored.push('nickname'), /"nickname" is not a field of person/],
    ['a bad default', (c: ReturnType<typeof base>) => (c.account.default = []), /account default rule: needs at least one step/],
  ])('throws naming the place for %s', (_what, spoil, message) => {
    const config = base();
    spoil(config);
    expect(() => parseSurvivorshipRules(config)).toThrow(SurvivorshipConfigError);
    expect(() => parseSurvivorshipRules(config)).toThrow(message);
  });

  it('accepts the default rules (they are validated when the module loads)', () => {
    expect(parseSurvivorshipRules(DEFAULT_SURVIVORSHIP_RULES)).toEqual(DEFAULT_SURVIVORSHIP_RULES);
  });
});

describe('survivorship properties', () => {
  const systems: SourceSystem[] = ['salesforce', 'hubspot', 'stripe', 'zendesk', 'netsuite', 'generic'];
  const arbFields = fc.record(
    {
      name: fc.constantFrom('Acme', 'ACME ', 'Acme Inc', 'Globex', ''),
      domain: fc.constantFrom('acme.com', 'Acme.com', 'acme.io'),
      phone: fc.constantFrom('+1 555 0100', '+1 555 0199'),
      employees: fc.integer({ min: 1, max: 3 }),
      concordId: fc.constant('C-1'),
      address: fc.record({ city: fc.constantFrom('Berlin', 'berlin', 'Paris'), street: fc.constantFrom('Main St 1', 'Elm 2') }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  );
  const arbMember = fc
    .record({
      system: fc.constantFrom(...systems),
      id: fc.constantFrom('1', '2', '3'),
      fields: arbFields,
      day: fc.integer({ min: 0, max: 3 }),
      status: fc.constantFrom<SourceRecord['status']>('active', 'active', 'active', 'deleted', 'erased'),
    })
    .map(({ system, id, fields, day, status }) => member(system, id, fields, { day, status }));
  const arbMembers = fc.uniqueArray(arbMember, { selector: (m) => m.sourceKey, maxLength: 6 });
  const arbShuffled = arbMembers.chain((ms) => fc.tuple(fc.constant(ms), fc.shuffledSubarray(ms, { minLength: ms.length, maxLength: ms.length })));

  it('gives the same golden record for the same members in any order', () => {
    fc.assert(fc.property(arbShuffled, ([ms, shuffled]) => expect(golden('account', shuffled)).toEqual(golden('account', ms))));
  });

  it('takes every value from an active member that holds it, at the version the lineage names', () => {
    fc.assert(
      fc.property(arbMembers, (ms) => {
        const result = golden('account', ms);
        for (const [path, lineage] of Object.entries(result.lineage)) {
          const source = ms.find((m) => m.sourceKey === lineage.sourceKey);
          const at = (o: unknown) => path.split('.').reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], o);
          expect(source?.status).toBe('active');
          expect(at(result.fields)).toBe(at(source?.fields));
          expect(lineage.version).toBe(source?.fieldVersions[path]);
        }
        expect(result.fields).not.toHaveProperty('concordId');
      }),
    );
  });

  it('always lets an override win while the chosen source holds the field', () => {
    const arbCase = arbMembers
      .map((ms) => ms.filter((m) => m.status === 'active' && m.fields.phone !== undefined))
      .filter((ms) => ms.length > 0)
      .chain((ms) => fc.tuple(fc.constant(ms), fc.constantFrom(...ms)));
    fc.assert(
      fc.property(arbCase, ([ms, chosen]) => {
        const result = golden('account', ms, [override({ field: 'phone', sourceKey: chosen.sourceKey })]);
        expect(result.fields.phone).toBe(chosen.fields.phone);
        expect(result.lineage.phone).toMatchObject({ sourceKey: chosen.sourceKey, rule: 'override', overriddenBy: 'U_ANNA' });
      }),
    );
  });
});
