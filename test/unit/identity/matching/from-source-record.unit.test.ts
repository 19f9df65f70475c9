import { matchInputOf } from '../../../../functions/identity/matching/from-source-record';

describe('matchInputOf', () => {
  it('turns a stored account into matcher fields and trusted ids', () => {
    const input = matchInputOf({
      sourceKey: 'netsuite#account#42',
      sourceSystem: 'netsuite',
      entityType: 'account',
      fields: { name: 'Acme GmbH', website: 'https://www.acme.de', taxId: 'de 123.456.789', customerNumber: 'C-7', concordId: 'cus_X', address: { city: 'Berlin', postalCode: '10115', country: 'DE' }, employees: 40 },
    });
    expect(input).toEqual({
      key: 'netsuite#account#42',
      source: 'netsuite',
      kind: 'account',
      fields: { name: 'Acme GmbH', website: 'https://www.acme.de', city: 'Berlin', postcode: '10115', country: 'DE' },
      trustedIds: { concord_id: 'cus_X', tax_id: 'DE123456789', 'customer_number@netsuite': 'C-7' },
    });
  });

  it('turns a stored person into matcher fields, and ignores what is not matched', () => {
    expect(matchInputOf({ sourceKey: 'hubspot#person#1', sourceSystem: 'hubspot', entityType: 'person', fields: { firstName: 'Ana', lastName: ' ', email: 'ana@acme.de' } })?.fields).toEqual({
      first_name: 'Ana',
      email: 'ana@acme.de',
    });
    expect(matchInputOf({ sourceKey: 'stripe#invoice#1', sourceSystem: 'stripe', entityType: 'invoice', fields: {} })).toBeUndefined();
  });
});
