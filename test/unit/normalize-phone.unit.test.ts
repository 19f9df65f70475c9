import fc from 'fast-check';
import { getCountries, getExampleNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { normalizePhone, type PhoneNormalization } from '../../functions/identity/normalize/phone';
import { formatPhone, type PhoneStyle } from '../../bench/generate/formats';
import { CITIES, randomPhone, type CountryCode as GeneratorCountry, type Phone } from '../../bench/generate/geo';
import { Rng } from '../../bench/generate/rng';
import { generateTrueWorld } from '../../bench/generate/true-world';
import { generateWorld } from '../../bench/generate/world';

/** What a matcher compares: the number and its extension. */
const key = (n: PhoneNormalization): string => (n.kind === 'valid' ? `${n.e164};${n.extension ?? ''}` : `invalid:${n.reason}`);

describe('normalizePhone', () => {
  describe('specification', () => {
    it.each<[string, string, Partial<PhoneNormalization>]>([
      ['+1 (555) 010-0100 ext. 42', 'US', { e164: '+15550100100', extension: '42', validity: 'possible' }],
      ['0049 30 1234567', 'US', { e164: '+49301234567', country: 'DE', type: 'fixed-line', validity: 'valid' }],
      ['(030) 1234567', 'DE', { e164: '+49301234567', country: 'DE' }],
      ['555.010.0100 x12', 'US', { e164: '+15550100100', extension: '12' }],
      ['(212) 555-0100', 'US', { e164: '+12125550100', country: 'US', type: 'fixed-line-or-mobile', validity: 'valid' }],
      ['+44 20 7946 0958', 'US', { e164: '+442079460958', country: 'GB', type: 'fixed-line' }],
      ['+44 (0)20 7946 0958', 'GB', { e164: '+442079460958' }],
      ['011 49 89 4567890', 'US', { e164: '+49894567890' }],
      ['+31 6 12345678', 'NL', { e164: '+31612345678', type: 'mobile' }],
      ['06 12 34 56 78', 'NL', { e164: '+31612345678', type: 'mobile' }],
      ['0 800 123 456', 'FR', { e164: '+33800123456', type: 'toll-free' }],
      ['1-800-FLOWERS', 'US', { e164: '+18003569377', type: 'toll-free' }],
      ['+1 800 GO FEDEX', 'US', { e164: '+18004633339' }],
    ])('reads %j (region %s)', (raw, region, expected) => {
      expect(normalizePhone(raw, region)).toMatchObject({ kind: 'valid', ...expected });
    });

    it.each([
      ['+1 212 555 0100 ext. 42', '42'],
      ['+1 212 555 0100 x42', '42'],
      ['+1 212 555 0100 #42', '42'],
      ['(212) 555-0100 extension 42', '42'],
      ['tel:+1-212-555-0100;ext=42', '42'],
    ])('splits the extension off %j', (raw, extension) => {
      expect(normalizePhone(raw)).toMatchObject({ e164: '+12125550100', extension });
    });

    it('understands extension words of other languages', () => {
      expect(normalizePhone('01 42 68 53 00 poste 212', 'FR')).toMatchObject({ e164: '+33142685300', extension: '212' });
      expect(normalizePhone('089 4567890 Durchwahl 55', 'DE')).toMatchObject({ e164: '+49894567890', extension: '55' });
      expect(normalizePhone('020 555 1234 tst. 12', 'NL')).toMatchObject({ e164: '+31205551234', extension: '12' });
    });

    it('reads a German DIN 5008 direct-dial suffix as the extension of the main number', () => {
      // so a direct line and the switchboard share an e164
      expect(normalizePhone('+49 89 4567890-123')).toMatchObject({ e164: '+49894567890', extension: '123', country: 'DE' });
      expect(normalizePhone('(0221) 4567890-12', 'DE')).toMatchObject({ e164: '+492214567890', extension: '12' });
      // '-0' is the switchboard itself
      expect(normalizePhone('+49 89 4567890-0')).toEqual(normalizePhone('+49 89 4567890'));
    });

    it('does not read a hyphen that groups digits as a direct-dial suffix', () => {
      expect(normalizePhone('(212) 555-0100')).toEqual({ kind: 'valid', e164: '+12125550100', country: 'US', type: 'fixed-line-or-mobile', validity: 'valid' });
      expect(normalizePhone('+1 2125-550-100')).toMatchObject({ e164: '+12125550100' });
    });

    it('ignores labels and notes around the number', () => {
      for (const raw of ['tel: +1 212 555 0100;', 'Phone: (212) 555-0100 (office)', 'Tel.: +1 212 555 0100', '  +1 212 555 0100\n']) {
        expect(normalizePhone(raw)).toMatchObject({ e164: '+12125550100' });
      }
    });

    it('reads full-width digits', () => {
      expect(normalizePhone('＋１ ２１２ ５５５ ０１００')).toMatchObject({ e164: '+12125550100' });
    });

    it('uses the region only for national numbers, in any case', () => {
      expect(normalizePhone('030 4567890', 'de')).toMatchObject({ e164: '+49304567890' });
      expect(normalizePhone('+33 1 42 68 53 00', 'DE')).toMatchObject({ e164: '+33142685300', country: 'FR' });
      // an unknown region reads international numbers only
      expect(normalizePhone('+33 1 42 68 53 00', 'Germany')).toMatchObject({ e164: '+33142685300' });
      expect(normalizePhone('030 4567890', 'Germany')).toMatchObject({ kind: 'invalid' });
    });

    it('defaults to the US for national numbers', () => {
      expect(normalizePhone('212-555-0100')).toEqual(normalizePhone('212-555-0100', 'US'));
    });
  });

  describe('invalid input', () => {
    it.each([
      ['', 'empty'],
      ['   ', 'empty'],
      ['n/a', 'not-a-number'],
      ['call me', 'not-a-number'],
      ['12', 'too-short'],
      ['+49 30 12345678901234567', 'too-long'],
      ['1234567890', 'placeholder'],
      ['000-000-0000', 'placeholder'],
      ['(555) 555-5555', 'placeholder'],
      ['+49 987654321', 'placeholder'],
    ])('rejects %j (%s)', (raw, reason) => {
      expect(normalizePhone(raw)).toEqual({ kind: 'invalid', reason });
    });
  });

  describe('properties', () => {
    // Real numbers of every country libphonenumber knows: its example mobile numbers, with the
    // last digits varied so the property sees more than one number per country.
    const countries = getCountries().filter((c) => getExampleNumber(c, examples) !== undefined);
    const number = fc
      .tuple(fc.constantFrom(...countries), fc.integer({ min: 0, max: 99 }))
      .map(([country, tail]) => {
        const example = getExampleNumber(country, examples)!.number;
        return { country, e164: example.slice(0, -2) + String(tail).padStart(2, '0') };
      })
      .filter(({ e164, country }) => parsePhoneNumberFromString(e164)?.isValid() === true && parsePhoneNumberFromString(e164)?.country === country)
      // A few example numbers are keyboard runs ('+60 12 345 6789'), which are rejected as placeholders.
      .filter(({ e164 }) => normalizePhone(e164).kind === 'valid');

    it('round-trips E.164: a number formatted nationally or internationally normalizes to the same e164', () => {
      fc.assert(
        fc.property(number, fc.constantFrom('NATIONAL', 'INTERNATIONAL', 'RFC3966', 'E.164') as fc.Arbitrary<'NATIONAL' | 'INTERNATIONAL' | 'RFC3966' | 'E.164'>, ({ country, e164 }, format) => {
          const written = parsePhoneNumberFromString(e164)!.format(format);
          expect(key(normalizePhone(written, country))).toBe(key(normalizePhone(e164)));
          expect(normalizePhone(e164)).toMatchObject({ kind: 'valid', e164 });
        }),
        { numRuns: 500 },
      );
    });

    it('is idempotent: the e164 and extension it returns normalize to themselves', () => {
      fc.assert(
        fc.property(number, fc.option(fc.stringMatching(/^[1-9]\d{0,4}$/), { nil: undefined }), ({ e164 }, ext) => {
          const once = normalizePhone(ext === undefined ? e164 : `${e164} ext. ${ext}`);
          if (once.kind !== 'valid') throw new Error(`expected ${e164} to be valid`);
          const again = normalizePhone(once.extension === undefined ? once.e164 : `${once.e164} ext. ${once.extension}`);
          expect(again).toEqual(once);
        }),
      );
    });

    it('ignores surrounding whitespace, labels and the case of an extension word', () => {
      const decorate = fc.record({
        pad: fc.constantFrom('', ' ', '\t', '\n '),
        label: fc.constantFrom('', 'Tel: ', 'tel:', 'Phone ', 'Mobile: '),
        ext: fc.constantFrom('', ' ext. 7', ' EXT 7', ' x7', ' Ext.7'),
      });
      fc.assert(
        fc.property(number, decorate, ({ e164 }, o) => {
          const plain = normalizePhone(`${e164}${o.ext}`);
          expect(normalizePhone(`${o.pad}${o.label}${e164}${o.ext}${o.pad}`)).toEqual(plain);
        }),
      );
    });

    it('never throws, whatever text and region it is given', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme' }), fc.string({ maxLength: 3 }), (s, region) => {
          expect(['valid', 'invalid']).toContain(normalizePhone(s, region).kind);
        }),
      );
    });
  });

  describe('synthetic data from bench/generate', () => {
    const STYLES: PhoneStyle[] = ['e164', 'international', 'national', 'national-alt', 'extension'];

    it('reads every phone style of every city in every country as the E.164 form, with the extension split off', () => {
      // given 30 numbers per city, each with a direct extension, in every style the generator writes
      const rng = new Rng(99);
      const misread: string[] = [];
      for (const country of Object.keys(CITIES) as GeneratorCountry[]) {
        for (const city of CITIES[country]) {
          for (let i = 0; i < 30; i++) {
            const phone: Phone = { ...randomPhone(rng, country, city.area), ext: String(rng.int(100, 4999)) };
            const canonical = normalizePhone(formatPhone(phone, 'e164'));
            for (const style of STYLES) {
              // when the written form is read with the record's country
              const written = formatPhone(phone, style);
              const read = normalizePhone(written, country);
              // then it is the canonical number, and only the extension style carries the extension
              const expected = canonical.kind === 'valid' ? `${canonical.e164};${style === 'extension' ? phone.ext : ''}` : 'canonical-invalid';
              if (key(read) !== expected) misread.push(`${country} ${style} ${written} → ${key(read)}`);
            }
          }
        }
      }
      expect(misread).toEqual([]);
    });

    it('reads the E.164 and international styles without knowing the country', () => {
      const rng = new Rng(5);
      for (const country of Object.keys(CITIES) as GeneratorCountry[]) {
        const phone = randomPhone(rng, country);
        const canonical = key(normalizePhone(formatPhone(phone, 'e164')));
        expect(key(normalizePhone(formatPhone(phone, 'international'), 'US'))).toBe(canonical);
      }
    });

    it("reads every account and person phone, in every system, as the true number given the account's country", () => {
      // given a generated world and its truth
      const options = { accounts: 60, seed: 31, now: new Date('2025-06-01T12:00:00Z') };
      const world = generateWorld(options);
      const trueWorld = generateTrueWorld({ ...options, now: options.now.getTime() });
      const phones = new Map<string, { phone: Phone; country: string }>();
      for (const a of trueWorld.accounts) {
        phones.set(a.id, { phone: a.phone, country: a.country });
        for (const p of a.contacts) phones.set(p.id, { phone: p.phone, country: a.country });
      }
      const trueIds = new Map(world.truth.records.map((r) => [`${r.sourceSystem}/${r.externalId}`, r.trueEntityId]));
      let checked = 0;
      for (const [system, changes] of Object.entries(world.changes)) {
        for (const change of changes) {
          if ((change.entityType !== 'account' && change.entityType !== 'person') || change.changeKind !== 'upsert') continue;
          const written = change.fields.phone;
          const truth = phones.get(trueIds.get(`${system}/${change.externalId}`) ?? '');
          if (written === undefined || !truth) continue;
          // when the written phone is normalized with the account's country
          const read = normalizePhone(written, truth.country);
          // then its number is the true one (the extension appears only where the system wrote it)
          expect(read).toMatchObject({ kind: 'valid', e164: formatPhone(truth.phone, 'e164') });
          if (read.kind === 'valid' && read.extension !== undefined) expect(read.extension).toBe(truth.phone.ext);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(200);
    });
  });
});
