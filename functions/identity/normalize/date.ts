/**
 * Calendar dates (birth dates, close dates, contract dates) as ISO 'YYYY-MM-DD' for matching.
 *
 * Choices a matcher should know:
 * - No clock and no time zone of the process: nothing here calls Date.now() or parses with the
 *   local zone (Date.parse would read '2024-03-01T10:00' in the server's zone).
 * - A datetime with an offset ('2024-03-01T00:30:00+02:00') gives its date in UTC ('2024-02-29').
 *   Without an offset it is taken as written, i.e. as UTC.
 * - Dots mean day first ('31.12.2024', German and Dutch). Slashes and hyphens with the year last
 *   are ambiguous ('03/04/2024'): pass `dayFirst` when the source's convention is known. Without
 *   it, a date is read only when one order is impossible ('25/12/2024'); otherwise it is invalid
 *   ('ambiguous-day-month') rather than guessed. With it, an impossible date is invalid, never
 *   silently swapped.
 * - Two-digit years are invalid: choosing a century needs a pivot, which needs a clock.
 * - Numbers are epoch days (Salesforce sends some dates so) or epoch milliseconds. With
 *   `epoch: 'auto'` (the default) integers of magnitude below 1,000,000 are days (up to year 4707)
 *   and everything else milliseconds (a millisecond value that small is the first 17 minutes of
 *   1970). Stripe's epoch seconds need `epoch: 'seconds'`. Digit strings are not epochs; an
 *   eight-digit string is ISO basic format ('20240315').
 * - Years outside 1000-9999 are invalid.
 * - `dateParts` and `areDayMonthSwapped` let a matcher count '2024-03-04' against '2024-04-03' as
 *   the classic day/month mix-up instead of a mismatch.
 */

export type DateInvalidReason =
  | 'empty'
  | 'unrecognized-format'
  | 'impossible-date'
  | 'ambiguous-day-month'
  | 'two-digit-year'
  | 'year-out-of-range'
  | 'not-a-finite-number';

export type DateNormalization = { kind: 'valid'; iso: string } | { kind: 'invalid'; reason: DateInvalidReason };

export interface DateOptions {
  /** For 'NN/NN/YYYY' and 'NN-NN-YYYY': true reads day first (most of Europe), false month first (US). */
  dayFirst?: boolean;
  /** What a number counts from 1970-01-01 (UTC). */
  epoch?: 'auto' | 'days' | 'seconds' | 'ms';
}

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD', also with '/' or '.' (the year first makes the order unambiguous). */
const YEAR_FIRST = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/;
/** ISO 8601 basic: 'YYYYMMDD'. */
const BASIC = /^(\d{4})(\d{2})(\d{2})$/;
/** An ISO datetime, 'T' or space separated, with optional seconds, fraction and offset. */
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(z|[+-]\d{2}(?::?\d{2})?)?$/i;
/** 'DD.MM.YYYY': dots mean day first. A time may follow; it is ignored (no zone is given). */
const DOTTED = /^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{2}|\d{4})\.?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/;
/** 'NN/NN/YYYY' or 'NN-NN-YYYY', with an optional time that is ignored. */
const SLASHED = /^(\d{1,2})([/-])(\d{1,2})\2(\d{2}|\d{4})(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?)?$/i;

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

const isPossibleDate = ({ year, month, day }: DateParts): boolean =>
  month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

const toIso = ({ year, month, day }: DateParts): string => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;

const invalid = (reason: DateInvalidReason): DateNormalization => ({ kind: 'invalid', reason });

const fromParts = (parts: DateParts): DateNormalization => {
  if (parts.year < 1000 || parts.year > 9999) return invalid('year-out-of-range');
  return isPossibleDate(parts) ? { kind: 'valid', iso: toIso(parts) } : invalid('impossible-date');
};

/** The UTC calendar date of an instant, in milliseconds since the epoch. */
const fromEpochMs = (ms: number): DateNormalization => {
  // Date holds ±8.64e15 ms; beyond that it is NaN, and far before year 1000 anyway.
  if (Math.abs(ms) > 8.64e15) return invalid('year-out-of-range');
  const date = new Date(ms);
  return fromParts({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
};

const fromNumber = (n: number, epoch: NonNullable<DateOptions['epoch']>): DateNormalization => {
  if (!Number.isFinite(n)) return invalid('not-a-finite-number');
  switch (epoch) {
    case 'days':
      return Number.isInteger(n) ? fromEpochMs(n * DAY_MS) : invalid('unrecognized-format');
    case 'seconds':
      return fromEpochMs(Math.floor(n * 1000));
    case 'ms':
      return fromEpochMs(Math.floor(n));
    case 'auto':
      return Number.isInteger(n) && Math.abs(n) < 1_000_000 ? fromEpochMs(n * DAY_MS) : fromEpochMs(Math.floor(n));
  }
};

/** Minutes east of UTC from 'Z', '+02', '+0530' or '-05:00'. */
const offsetMinutes = (offset: string | undefined): number => {
  if (offset === undefined || offset.toLowerCase() === 'z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return offset.startsWith('-') ? -minutes : minutes;
};

const fromDateTime = (m: RegExpExecArray): DateNormalization => {
  const [, y, mo, d, h, mi, s, offset] = m;
  const parts = { year: Number(y), month: Number(mo), day: Number(d) };
  const [hour, minute, second] = [Number(h), Number(mi), Number(s ?? '0')];
  const shift = offsetMinutes(offset);
  if (hour > 23 || minute > 59 || second > 60 || Math.abs(shift) > 18 * 60) return invalid('unrecognized-format');
  const local = fromParts(parts);
  // Subtracting the offset from the wall-clock time moves the date back or forward by at most a day.
  const dayShift = Math.floor((hour * 60 + minute - shift) / 1440);
  return local.kind === 'invalid' || dayShift === 0 ? local : shiftDays(parts, dayShift);
};

/** The date `days` days after `parts` (days is -1 or +1 for an offset shift). */
const shiftDays = (parts: DateParts, days: number): DateNormalization => {
  const date = new Date(0);
  date.setUTCFullYear(parts.year, parts.month - 1, parts.day + days);
  return fromParts({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
};

/** Reads 'a/b/yyyy' given the order, or infers it when only one order is a real date. */
const fromAmbiguous = (a: number, b: number, year: number, dayFirst: boolean | undefined): DateNormalization => {
  const dayMonth = { year, month: b, day: a };
  const monthDay = { year, month: a, day: b };
  if (dayFirst !== undefined) return fromParts(dayFirst ? dayMonth : monthDay);
  const candidates = [dayMonth, monthDay].filter(isPossibleDate);
  const [only] = candidates;
  if (only === undefined) return invalid('impossible-date');
  if (candidates.length > 1 && a !== b) return invalid('ambiguous-day-month');
  return fromParts(only);
};

const fromString = (raw: string, dayFirst: boolean | undefined): DateNormalization => {
  const text = raw.normalize('NFKC').trim();
  if (text === '') return invalid('empty');
  const yearFirst = YEAR_FIRST.exec(text);
  if (yearFirst) return fromParts({ year: Number(yearFirst[1]), month: Number(yearFirst[3]), day: Number(yearFirst[4]) });
  const basic = BASIC.exec(text);
  if (basic) return fromParts({ year: Number(basic[1]), month: Number(basic[2]), day: Number(basic[3]) });
  const datetime = DATETIME.exec(text);
  if (datetime) return fromDateTime(datetime);
  const dotted = DOTTED.exec(text);
  if (dotted) {
    const [, d, mo, y = ''] = dotted;
    return y.length === 2 ? invalid('two-digit-year') : fromParts({ year: Number(y), month: Number(mo), day: Number(d) });
  }
  const slashed = SLASHED.exec(text);
  if (slashed) {
    const [, a, , b, y = ''] = slashed;
    return y.length === 2 ? invalid('two-digit-year') : fromAmbiguous(Number(a), Number(b), Number(y), dayFirst);
  }
  return invalid('unrecognized-format');
};

/** Normalizes a date written as text, a number of epoch days or milliseconds, or a Date. Never throws. */
export const normalizeDate = (raw: string | number | Date, options: DateOptions = {}): DateNormalization => {
  if (typeof raw === 'number') return fromNumber(raw, options.epoch ?? 'auto');
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? invalid('not-a-finite-number') : fromEpochMs(raw.getTime());
  return fromString(raw, options.dayFirst);
};

/** The numbers of a normalized 'YYYY-MM-DD'. Throws on anything else: that is a caller's bug. */
export const dateParts = (iso: string): DateParts => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`dateParts expects a normalized YYYY-MM-DD date, got ${JSON.stringify(iso)}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
};

/** True when `a` and `b` differ only by swapped day and month ('2024-03-04' and '2024-04-03'). */
export const areDayMonthSwapped = (a: DateParts, b: DateParts): boolean =>
  a.year === b.year && a.month === b.day && a.day === b.month && a.month !== a.day;
