import fc from 'fast-check';
import { CANONICAL_ADDRESS_STYLE, formatAddress, type AddressStyle } from '../../bench/generate/formats';
import { COUNTRY_NAMES, randomAddress, STREET_TYPES, type CountryCode, type StreetAddress } from '../../bench/generate/geo';
import { Rng } from '../../bench/generate/rng';
import {
  normalizeAddress,
  normalizeCountry,
  normalizePostalCode,
  normalizeRegion,
  normalizeStreet,
  type NormalizedAddress,
} from '../../functions/identity/normalize/address';

const stripAccents = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
const street = (s: string, country?: string) => normalizeAddress({ street: s, country });

describe('normalizeAddress: streets', () => {
  it.each([
    ['100 Main St', 'US', { street: 'main street', houseNumber: '100' }],
    ['100 Main St.', 'US', { street: 'main street', houseNumber: '100' }],
    ['100 Main Street', 'US', { street: 'main street', houseNumber: '100' }],
    ['5 Park Ave', 'US', { street: 'park avenue', houseNumber: '5' }],
    ['5 Mill Rd.', 'GB', { street: 'mill road', houseNumber: '5' }],
    ['9 Sunset Blvd', 'US', { street: 'sunset boulevard', houseNumber: '9' }],
    ['9 Ocean Dr', 'US', { street: 'ocean drive', houseNumber: '9' }],
    ['9 Penny Ln.', 'GB', { street: 'penny lane', houseNumber: '9' }],
    ['1600 Pennsylvania Ave NW', 'US', { street: 'pennsylvania avenue northwest', houseNumber: '1600' }],
    ['20 N Wacker Dr', 'US', { street: 'north wacker drive', houseNumber: '20' }],
    ["1 St. Mary's Rd", 'GB', { street: 'saint marys road', houseNumber: '1' }],
    ['1 Dr. Martin Luther King Jr. Blvd', 'US', { street: 'doctor martin luther king jr boulevard', houseNumber: '1' }],
    ['Hauptstr. 12', 'DE', { street: 'hauptstrasse', houseNumber: '12' }],
    ['Hauptstrasse 12', 'DE', { street: 'hauptstrasse', houseNumber: '12' }],
    ['Hauptstraße 12', 'DE', { street: 'hauptstrasse', houseNumber: '12' }],
    ['Haupt Str. 12 b', 'DE', { street: 'hauptstrasse', houseNumber: '12b' }],
    ['Friedrich-Ebert-Straße 12-14', 'DE', { street: 'friedrich ebertstrasse', houseNumber: '12-14' }],
    ['Marktpl. 1', 'DE', { street: 'marktplatz', houseNumber: '1' }],
    ['Keizersstr. 5', 'NL', { street: 'keizersstraat', houseNumber: '5' }],
    ['Keizersstr 5', 'NL', { street: 'keizersstraat', houseNumber: '5' }],
    ['Herengr. 5', 'NL', { street: 'herengracht', houseNumber: '5' }],
    ['12 r. de la Paix', 'FR', { street: 'rue de la paix', houseNumber: '12' }],
    ['12 av. Foch', 'FR', { street: 'avenue foch', houseNumber: '12' }],
    ['12 bd Haussmann', 'FR', { street: 'boulevard haussmann', houseNumber: '12' }],
    ['12 Rue Ste-Catherine', 'FR', { street: 'rue sainte catherine', houseNumber: '12' }],
    ['C/ Alcalá 12', 'ES', { street: 'calle alcala', houseNumber: '12' }],
    ['Calle de Alcalá, 12', 'ES', { street: 'calle alcala', houseNumber: '12' }],
    ['Av. de la Castellana 100', 'ES', { street: 'avenida castellana', houseNumber: '100' }],
    ['Pº del Prado 5', 'ES', { street: 'paseo prado', houseNumber: '5' }],
  ])('%j (%s)', (input, country, expected) => {
    expect(street(input, country)).toMatchObject(expected);
  });

  it.each([
    ['100 Main St, Suite 400', '400'],
    ['100 Main St, Ste 400', '400'],
    ['100 Main St, Ste. 400', '400'],
    ['100 Main St #400', '400'],
    ['100 Main St # 400', '400'],
    ['100 Main St Apt 5B', '5b'],
    ['100 Main St Apt. 5B', '5b'],
    ['Unit 12, 100 Main St', '12'],
    ['Fl 3, 100 Main St', '3'],
    ['100 Main St, 3rd Floor', '3'],
  ])('takes the unit out of %j', (input, unit) => {
    expect(street(input, 'US')).toEqual({ street: 'main street', houseNumber: '100', unit, city: '', postalCode: '', country: 'US' });
  });

  it('keeps a street that is only numbers whole', () => {
    expect(normalizeStreet('12 34')).toEqual({ street: '12 34' });
  });
});

describe('normalizeAddress: postal codes, regions, countries and cities', () => {
  it.each([
    ['ec1a 1bb', 'GB', 'EC1A1BB'],
    ['1011 AB', 'NL', '1011AB'],
    ['K1A 0B1', 'CA', 'K1A0B1'],
    ['94105-1234', 'US', '94105'],
    ['941051234', 'US', '94105'],
    ['94105-1234', undefined, '94105'],
    ['2108', 'US', '02108'],
    ['D-10115', 'DE', '10115'],
    ['00-950', 'PL', '00-950'],
  ])('postal code %j (%s) → %j', (input, country, expected) => {
    expect(normalizePostalCode(input, country)).toBe(expected);
  });

  it.each([
    ['US', 'US'],
    ['us', 'US'],
    ['USA', 'US'],
    ['U.S.', 'US'],
    ['U.S.A.', 'US'],
    ['United States', 'US'],
    ['united states of america', 'US'],
    ['UK', 'GB'],
    ['United Kingdom', 'GB'],
    ['Great Britain', 'GB'],
    ['England', 'GB'],
    ['Deutschland', 'DE'],
    ['Germany', 'DE'],
    ['DEU', 'DE'],
    ['Nederland', 'NL'],
    ['The Netherlands', 'NL'],
    ['Holland', 'NL'],
    ['France', 'FR'],
    ['España', 'ES'],
    ['Österreich', 'AT'],
    ['Schweiz', 'CH'],
    ['Zimbabwe', undefined],
    ['ZW', 'ZW'],
    ['Atlantis', undefined],
    ['XX', undefined],
  ])('country %j → %j', (input, expected) => {
    expect(normalizeCountry(input)).toBe(expected);
  });

  it('reads US states and Canadian provinces as codes, other regions as folded text', () => {
    expect(normalizeRegion('California', 'US')).toBe('CA');
    expect(normalizeRegion('ca', 'US')).toBe('CA');
    expect(normalizeRegion('New York')).toBe('NY');
    expect(normalizeRegion('Québec', 'CA')).toBe('QC');
    expect(normalizeRegion('Baden-Württemberg', 'DE')).toBe('baden wurttemberg');
  });

  it('folds cities and expands their abbreviations', () => {
    expect(normalizeAddress({ city: 'St. Louis' }).city).toBe('saint louis');
    expect(normalizeAddress({ city: 'Ft. Worth' }).city).toBe('fort worth');
    expect(normalizeAddress({ city: 'MÜNCHEN' }).city).toBe('munchen');
  });

  it('reads Dutch abbreviations from a Dutch postal code when the country is missing', () => {
    expect(normalizeAddress({ street: 'Keizersstr. 5', postalCode: '1011 AB' }).street).toBe('keizersstraat');
    expect(normalizeAddress({ street: 'Hauptstr. 5', postalCode: '10115' }).street).toBe('hauptstrasse');
  });

  it('returns empty strings, not undefined, for missing street, city and postal code', () => {
    expect(normalizeAddress({})).toEqual({ street: '', city: '', postalCode: '' });
  });
});

// ---- properties --------------------------------------------------------------------------------------

/** A normalized address written back as one street line: the number first, each unit labelled. */
const writeBack = (n: NormalizedAddress) => ({
  street: [n.houseNumber ?? '', n.street, ...(n.unit?.split(' ') ?? []).map((u) => `unit ${u}`)].join(' '),
  city: n.city,
  region: n.region,
  postalCode: n.postalCode,
  country: n.country,
});

const STREET_VOCABULARY = [
  'main', 'high', 'st', 'st.', 'street', 'ave', 'av.', 'avenue', 'rd', 'dr', 'dr.', 'ln', 'blvd', 'n', 's', 'e', 'w', 'ne',
  'suite', 'ste', 'apt', 'fl', 'floor', '#', 'unit', '3rd', 'rue', 'r.', 'de', 'la', 'del', 'calle', 'c/', 'pl.', 'haupt',
  'hauptstr.', 'str.', 'straße', 'strasse', 'straat', 'keizersstr', 'marktpl.', 'herengr.', 'saint', 'ste-', 'münchen',
  'Élysées', '12', '5b', '400', '12-14', 'a', 'b', ',', '-',
];
const streetLine = fc.array(fc.constantFrom(...STREET_VOCABULARY), { maxLength: 8 }).map((ws) => ws.join(' '));
const country = fc.constantFrom(undefined, 'US', 'GB', 'DE', 'NL', 'FR', 'ES', 'Deutschland', 'Atlantis');
const anyAddress = fc.record({
  street: fc.oneof(streetLine, fc.string({ maxLength: 30 })),
  city: fc.oneof(fc.constantFrom('St. Louis', 'München', 'Den Haag', 'Ft Worth'), fc.string({ maxLength: 20 })),
  region: fc.option(fc.constantFrom('CA', 'California', 'Bayern', 'Noord-Holland'), { nil: undefined }),
  postalCode: fc.oneof(fc.constantFrom('94105-1234', '1011 ab', 'EC1A 1BB', 'D-80331', '2108'), fc.string({ maxLength: 10 })),
  country,
});

describe('normalizeAddress: properties', () => {
  it('is idempotent: normalizing the written-back result changes nothing', () => {
    fc.assert(
      fc.property(anyAddress, (a) => {
        const once = normalizeAddress(a);
        expect(normalizeAddress(writeBack(once))).toEqual(once);
      }),
      { numRuns: 500 },
    );
  });

  it('is insensitive to case, accents and spacing', () => {
    fc.assert(
      fc.property(streetLine, country, (s, c) => {
        const expected = normalizeAddress({ street: s, country: c });
        expect(normalizeAddress({ street: s.toUpperCase(), country: c?.toLowerCase() })).toEqual(expected);
        expect(normalizeAddress({ street: stripAccents(s), country: c })).toEqual(expected);
        expect(normalizeAddress({ street: `  ${s.replace(/ /g, '  \t')} `, country: c })).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

// ---- the synthetic world ------------------------------------------------------------------------------

describe('the synthetic world (bench/generate)', () => {
  const countries = Object.keys(STREET_TYPES) as CountryCode[];

  it('reads every way it writes a country', () => {
    for (const code of countries) for (const name of COUNTRY_NAMES[code]) expect([name, normalizeCountry(name)]).toEqual([name, code]);
  });

  /** Every style the generator can pick for this address. */
  const styles = (a: StreetAddress): AddressStyle[] => {
    const abbreviations = [-1, ...Array.from({ length: 6 }, (_, i) => i)];
    return abbreviations.flatMap((abbreviation) =>
      COUNTRY_NAMES[a.country].flatMap((_, countryName) =>
        [false, true].flatMap((compactPostal) =>
          (['canonical', 'alternate'] as const).map((region) => ({ abbreviation, countryName, compactPostal, region, omitUnit: false })),
        ),
      ),
    );
  };

  it('normalizes every abbreviation, postal, region and country style of an address to the same value', () => {
    const misread: string[] = [];
    for (const country of countries) {
      const rng = new Rng(country.charCodeAt(0) * 31 + country.charCodeAt(1));
      for (let i = 0; i < 60; i++) {
        const address = randomAddress(rng, country);
        const expected = normalizeAddress(formatAddress(address, CANONICAL_ADDRESS_STYLE));
        for (const style of styles(address)) {
          const written = formatAddress(address, style);
          const got = normalizeAddress(written);
          // outside the US the 'alternate' region style leaves the region out
          const want = written.region === undefined ? { ...expected, region: undefined } : expected;
          if (JSON.stringify(got) !== JSON.stringify(want)) misread.push(`${JSON.stringify(written)} → ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
        }
      }
    }
    expect(misread).toEqual([]);
  });

  it('gives the canonical address its parts: number, street, unit', () => {
    const rng = new Rng(7);
    for (const country of countries) {
      for (let i = 0; i < 30; i++) {
        const address = randomAddress(rng, country);
        const got = normalizeAddress(formatAddress(address, CANONICAL_ADDRESS_STYLE));
        expect([address.number, address.unit?.value]).toEqual([got.houseNumber, got.unit]);
        // and leaving the unit out changes nothing else
        const { unit: _unit, ...rest } = got;
        expect(normalizeAddress(formatAddress(address, { ...CANONICAL_ADDRESS_STYLE, omitUnit: true }))).toEqual(rest);
      }
    }
  });
});
