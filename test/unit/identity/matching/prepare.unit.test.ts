import fc from 'fast-check';
import { createPreparer, prepare, type MatchInput } from '../../../../functions/identity/matching/match-record';
import { normalizeFamilyName, normalizeGivenName, normalizePersonName } from '../../../../functions/identity/normalize/person-name';
import { normalizePhone, phoneMatchKey } from '../../../../functions/identity/normalize/phone';

// Few values per field, so records repeat them the way a large run does and the preparer's memos
// are exercised; some values are junk, blank or oddly written on purpose.
const value = (...options: string[]) => fc.option(fc.constantFrom(...options), { nil: undefined });
const fieldsArb = fc.record(
  {
    first_name: value('Robert', 'BOB', 'Dr. Jane', 'j.', '  ', 'Hans-Peter', 'Zoë', 'Mr'),
    last_name: value('Smith', 'van der Meer', "O'Brien", 'García López', 'Smith Jr.', ''),
    full_name: value('Smith, Robert', 'Jan de Vries', 'Prof. Ada Lovelace PhD'),
    email: value('Jane.Doe@Acme.com', 'info@acme.com', 'bob@gmail.com', 'not-an-email', 'x@@y', 'BOB+news@Example.co.uk'),
    phone: value('+1 (212) 555-0100 ext. 42', '(415) 234-5678', '0049 30 1234567-12', '06 12 34 56 78', '000000', 'call me'),
    street: value('12 Main St', 'Hauptstr. 5', '#4 Rue de la Paix', 'c/ Mayor 3', '5th Avenue'),
    city: value('New York', 'ST. LOUIS', 'Köln', ' '),
    postcode: value('1012 AB', '10001', 'sw1a 1aa'),
    region: value('NY', 'California', 'Bayern'),
    country: value('US', 'Germany', 'NL', 'nowhere'),
    birth_date: value('1971-06-24', '24/06/1971', '19710624', 'soon'),
    title: value('VP Sales', 'CTO'),
    company: value('Acme, Inc.', 'DSM NV Heerlen', 'N.V.', 'gist brocades'),
    company_domain: value('https://www.acme.com/about', 'gmail.com'),
  },
  { requiredKeys: [] },
);
const inputArb = (kind: 'person' | 'account') =>
  fc.array(fieldsArb, { minLength: 1, maxLength: 30 }).map((all) =>
    all.map((fields, i): MatchInput => {
      const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, string>;
      if (kind === 'account' && clean.company) clean.name = clean.company;
      return { key: `k${i}`, source: 'test', kind, fields: clean, trustedIds: {} };
    }),
  );

describe('createPreparer', () => {
  it.each(['person', 'account'] as const)('prepares %s records exactly as prepare does, values repeated or not', (kind) => {
    fc.assert(
      fc.property(inputArb(kind), fc.boolean(), (inputs, dayFirst) => {
        const options = { defaultRegion: 'US', dayFirst };
        const prepareMany = createPreparer(options);
        for (const input of inputs) expect(prepareMany(input)).toEqual(prepare(input, options));
      }),
      { numRuns: 200 },
    );
  });
});

describe('normalizeGivenName and normalizeFamilyName', () => {
  it('read each field as normalizePersonName does when both fields are there', () => {
    const part = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('Dr. John', 'Bob', 'van der Meer', 'Smith, Jr.', 'Müller', 'Mr', 'J.', 'Hans-Peter'));
    fc.assert(
      fc.property(part, part, fc.option(part, { nil: undefined }), (first, last, full) => {
        fc.pre(first.trim() !== '' && last.trim() !== '');
        const whole = normalizePersonName(first, last, full);
        expect(normalizeGivenName(first)).toEqual({ first: whole.first, firstCandidates: whole.firstCandidates });
        expect(normalizeFamilyName(last)).toBe(whole.last);
      }),
    );
  });
});

describe('phoneMatchKey', () => {
  it("is normalizePhone's number and extension, or nothing when it finds the number invalid", () => {
    const text = fc.oneof(
      fc.string({ maxLength: 24 }),
      fc.stringMatching(/^\+?[0-9 ().-]{0,18}( ?(ext\.?|x|poste|#) ?[0-9]{1,4})?$/),
      fc.constantFrom('+49 30 1234567-123', '+49 30 1234567-0', '1-800-FLOWERS', '0000000000', '00 44 20 7946 0958'),
    );
    fc.assert(
      fc.property(text, fc.constantFrom('US', 'DE', 'GB', 'NL', 'xx'), (raw, region) => {
        const full = normalizePhone(raw, region);
        const expected = full.kind === 'valid' ? (full.extension === undefined ? full.e164 : `${full.e164};ext=${full.extension}`) : undefined;
        expect(phoneMatchKey(raw, region)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
