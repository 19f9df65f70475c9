import fc from 'fast-check';
import { areDayMonthSwapped, dateParts, normalizeDate, type DateNormalization, type DateOptions } from '../../functions/identity/normalize/date';
import { isoDate, isoDateTime } from '../../bench/generate/formats';
import { generateTrueWorld } from '../../bench/generate/true-world';
import { generateWorld } from '../../bench/generate/world';

const iso = (value: string): DateNormalization => ({ kind: 'valid', iso: value });

const DAY = 86_400_000;

describe('normalizeDate', () => {
  describe('specification', () => {
    it.each<[string | number, DateOptions, string]>([
      ['2024-03-15', {}, '2024-03-15'],
      ['2024-3-5', {}, '2024-03-05'],
      ['2024/03/15', {}, '2024-03-15'],
      ['20240315', {}, '2024-03-15'],
      [' 2024-03-15\n', {}, '2024-03-15'],
      ['2024-03-15T10:00:00Z', {}, '2024-03-15'],
      ['2024-03-15T10:00:00.123+01:00', {}, '2024-03-15'],
      ['2024-03-15 10:00:00', {}, '2024-03-15'],
      ['15.03.2024', {}, '2024-03-15'],
      ['5.3.2024', {}, '2024-03-05'],
      ['15. 03. 2024', {}, '2024-03-15'],
      ['03/15/2024', { dayFirst: false }, '2024-03-15'],
      ['15/03/2024', { dayFirst: true }, '2024-03-15'],
      ['15-03-2024', { dayFirst: true }, '2024-03-15'],
      ['03/04/2024', { dayFirst: false }, '2024-03-04'],
      ['03/04/2024', { dayFirst: true }, '2024-04-03'],
      ['12/25/2024 10:30 AM', { dayFirst: false }, '2024-12-25'],
      [19797, {}, '2024-03-15'],
      [1710460800000, {}, '2024-03-15'],
      [1710460800, { epoch: 'seconds' }, '2024-03-15'],
      [-1, {}, '1969-12-31'],
      [-2_524_521_600_000, {}, '1890-01-01'],
    ])('reads %j %j as %s', (raw, options, expected) => {
      expect(normalizeDate(raw, options)).toEqual(iso(expected));
    });

    it('takes the UTC date of a datetime with an offset', () => {
      // 00:30 in Berlin on 1 March is still 29 February in UTC (a leap day)
      expect(normalizeDate('2024-03-01T00:30:00+01:00')).toEqual(iso('2024-02-29'));
      expect(normalizeDate('2024-02-29T23:30:00-05:00')).toEqual(iso('2024-03-01'));
      expect(normalizeDate('2024-12-31T23:59:59-0100')).toEqual(iso('2025-01-01'));
    });

    it('reads a Date by its UTC calendar date', () => {
      expect(normalizeDate(new Date('2024-03-15T23:59:59.999Z'))).toEqual(iso('2024-03-15'));
    });

    it('infers the order of a slashed date only when the other order is impossible', () => {
      expect(normalizeDate('25/12/2024')).toEqual(iso('2024-12-25'));
      expect(normalizeDate('12/25/2024')).toEqual(iso('2024-12-25'));
      expect(normalizeDate('05/05/2024')).toEqual(iso('2024-05-05'));
      expect(normalizeDate('03/04/2024')).toEqual({ kind: 'invalid', reason: 'ambiguous-day-month' });
    });

    it('rejects a date impossible in the order the caller gave, instead of swapping it', () => {
      expect(normalizeDate('25/12/2024', { dayFirst: false })).toEqual({ kind: 'invalid', reason: 'impossible-date' });
      expect(normalizeDate('12/25/2024', { dayFirst: true })).toEqual({ kind: 'invalid', reason: 'impossible-date' });
    });
  });

  describe('invalid input', () => {
    it.each<[string | number | Date, string]>([
      ['', 'empty'],
      ['  ', 'empty'],
      ['soon', 'unrecognized-format'],
      ['15 March 2024', 'unrecognized-format'],
      ['2024-03-15T25:00:00Z', 'unrecognized-format'],
      ['2023-02-29', 'impossible-date'],
      ['2024-04-31', 'impossible-date'],
      ['2024-13-01', 'impossible-date'],
      ['0000-00-00', 'year-out-of-range'],
      ['31.02.2024', 'impossible-date'],
      ['13/13/2024', 'impossible-date'],
      ['15.03.24', 'two-digit-year'],
      ['03/15/24', 'two-digit-year'],
      ['0999-12-31', 'year-out-of-range'],
      [Number.NaN, 'not-a-finite-number'],
      [Number.POSITIVE_INFINITY, 'not-a-finite-number'],
      [new Date(Number.NaN), 'not-a-finite-number'],
    ])('rejects %j (%s)', (raw, reason) => {
      expect(normalizeDate(raw)).toEqual({ kind: 'invalid', reason });
    });
  });

  describe('dateParts and areDayMonthSwapped', () => {
    it('splits a normalized date into numbers', () => {
      expect(dateParts('2024-03-05')).toEqual({ year: 2024, month: 3, day: 5 });
    });

    it('throws on a string that was not normalized: that is a bug in the caller', () => {
      expect(() => dateParts('05.03.2024')).toThrow(RangeError);
    });

    it('recognizes the day/month mix-up of one date written in two conventions', () => {
      // given one system that reads 03/04/2024 day first and one that reads it month first
      const european = normalizeDate('03/04/2024', { dayFirst: true });
      const american = normalizeDate('03/04/2024', { dayFirst: false });
      if (european.kind !== 'valid' || american.kind !== 'valid') throw new Error('expected both to be valid');
      expect(areDayMonthSwapped(dateParts(european.iso), dateParts(american.iso))).toBe(true);
    });

    it('does not call equal dates, or dates of different years, swapped', () => {
      expect(areDayMonthSwapped(dateParts('2024-05-05'), dateParts('2024-05-05'))).toBe(false);
      expect(areDayMonthSwapped(dateParts('2024-03-04'), dateParts('2023-04-03'))).toBe(false);
    });
  });

  describe('properties', () => {
    const day = fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });
    const isoOf = (d: Date): string => d.toISOString().slice(0, 10);
    const pad = (n: number): string => String(n).padStart(2, '0');

    it('is idempotent: the normalized date normalizes to itself', () => {
      fc.assert(
        fc.property(fc.oneof(day.map(isoOf), fc.string()), (raw) => {
          const once = normalizeDate(raw);
          if (once.kind === 'valid') expect(normalizeDate(once.iso)).toEqual(once);
        }),
      );
    });

    it('reads every supported writing of a date as the same ISO date', () => {
      fc.assert(
        fc.property(day, fc.constantFrom('', ' ', '\t', ' \n'), (d, pad0) => {
          const [y, m, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
          const expected = iso(isoOf(d));
          expect(normalizeDate(`${pad0}${isoOf(d)}${pad0}`)).toEqual(expected);
          expect(normalizeDate(d.toISOString())).toEqual(expected);
          expect(normalizeDate(`${pad(dd)}.${pad(m)}.${y}`)).toEqual(expected);
          expect(normalizeDate(`${dd}.${m}.${y}`)).toEqual(expected);
          expect(normalizeDate(`${pad(m)}/${pad(dd)}/${y}`, { dayFirst: false })).toEqual(expected);
          expect(normalizeDate(`${pad(dd)}/${pad(m)}/${y}`, { dayFirst: true })).toEqual(expected);
          expect(normalizeDate(d.getTime(), { epoch: 'ms' })).toEqual(expected);
          // auto mode reads milliseconds except in the first 17 minutes of 1970, which it takes for days
          if (Math.abs(d.getTime()) >= 1_000_000) expect(normalizeDate(d.getTime())).toEqual(expected);
          expect(normalizeDate(Math.floor(d.getTime() / DAY), { epoch: 'days' })).toEqual(expected);
        }),
      );
    });

    it('reads epoch days in auto mode for every date up to year 4707', () => {
      fc.assert(
        fc.property(fc.integer({ min: -353_000, max: 999_999 }), (days) => {
          expect(normalizeDate(days)).toEqual(iso(isoOf(new Date(days * DAY))));
        }),
      );
    });

    it('gives a datetime the UTC date of its instant, whatever offset it is written in', () => {
      fc.assert(
        fc.property(day, fc.integer({ min: -14 * 60, max: 14 * 60 }), (d, offset) => {
          const local = new Date(d.getTime() + offset * 60_000).toISOString().slice(0, 19);
          const sign = offset < 0 ? '-' : '+';
          const written = `${local}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
          const expected = normalizeDate(local).kind === 'valid' ? normalizeDate(d) : undefined;
          if (expected) expect(normalizeDate(written)).toEqual(expected);
        }),
      );
    });

    it('never throws, whatever it is given', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.double(), fc.integer()), (raw) => {
          expect(['valid', 'invalid']).toContain(normalizeDate(raw).kind);
        }),
      );
    });
  });

  describe('synthetic data from bench/generate', () => {
    it("reads the generator's date and datetime formats as the date they encode", () => {
      fc.assert(
        fc.property(fc.integer({ min: -2_000_000_000_000, max: 4_000_000_000_000 }), (ms) => {
          expect(normalizeDate(isoDate(ms))).toEqual(iso(isoDate(ms)));
          expect(normalizeDate(isoDateTime(ms))).toEqual(iso(isoDate(ms)));
        }),
      );
    });

    it('reads every birth and close date in the generated world, kept as ISO by the generator, unchanged', () => {
      const options = { accounts: 40, seed: 3, now: new Date('2025-06-01T12:00:00Z') };
      const world = generateWorld(options);
      const trueWorld = generateTrueWorld({ ...options, now: options.now.getTime() });
      const dates = [
        ...trueWorld.accounts.flatMap((a) => a.contacts.map((p) => p.birthDate)),
        ...Object.values(world.changes).flatMap((changes) =>
          changes.flatMap((c) => (c.entityType === 'opportunity' && c.fields.closeDate !== undefined ? [c.fields.closeDate] : [])),
        ),
      ];
      expect(dates.length).toBeGreaterThan(100);
      for (const date of dates) expect(normalizeDate(date)).toEqual(iso(date));
    });
  });
});
