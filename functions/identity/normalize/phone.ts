/**
 * Phone numbers for matching, as E.164 ('+493012345678') plus an optional extension. Parsing is
 * libphonenumber-js's; this module only tidies what systems wrap around numbers first (labels,
 * local extension words, the German '-123' direct-dial suffix, vanity letters, a '00' prefix
 * typed in a country that dials out with another).
 *
 * Choices a matcher should know:
 * - Metadata: the 'max' build. It adds `type` (mobile vs fixed line: a mobile usually is one
 *   person, a fixed line often a whole switchboard) and checks numbers against assigned ranges.
 *   It costs about 73 KB minified (21 KB gzipped) and ~2 ms of cold start over the default
 *   'min' build, which is small next to the AWS SDK in the same bundle.
 * - A number is accepted when its length is possible for its country, even if it is outside
 *   the ranges the metadata knows (fictional 555 numbers, ranges newer than the library):
 *   `validity` says which. The e164 is the same either way, so exact matching works for both.
 * - National numbers need the caller's region (the record's country when known; 'US' when not).
 *   Numbers written with '+' or an international prefix ignore it.
 * - Extensions are split off ('ext.', 'x', '#', 'poste', 'Durchwahl', 'toestel' ...), so a
 *   direct line and the company's main number share their `e164`.
 * - German and Austrian numbers written the DIN 5008 way, '+49 30 1234567-123', are the main
 *   number with extension '123' ('-0' is the switchboard itself: no extension). The same line
 *   written without the hyphen ('+49 30 1234567123') is a different e164; a matcher that cares
 *   can also compare e164 + extension for country DE and AT.
 * - Placeholders systems force into required fields ('0000000000', '1234567890', '555-555-5555')
 *   are invalid: they would otherwise match every other record that holds them.
 */
import {
  isSupportedCountry,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
  type PhoneNumber,
  type PhoneNumberType,
} from 'libphonenumber-js/max';

export type PhoneType =
  | 'mobile'
  | 'fixed-line'
  | 'fixed-line-or-mobile'
  | 'toll-free'
  | 'premium-rate'
  | 'shared-cost'
  | 'voip'
  | 'personal-number'
  | 'pager'
  | 'uan'
  | 'voicemail';

export type PhoneInvalidReason = 'empty' | 'not-a-number' | 'too-short' | 'too-long' | 'invalid-length' | 'placeholder';

export type PhoneNormalization =
  | {
      kind: 'valid';
      e164: string;
      /** Digits only. */
      extension?: string;
      /** ISO 3166 alpha-2; absent for non-geographic numbers and for +1 numbers outside known ranges. */
      country?: string;
      /** Present only when `validity` is 'valid'. */
      type?: PhoneType;
      /** 'valid': in a range the metadata knows is assigned; 'possible': right length only. */
      validity: 'valid' | 'possible';
    }
  | { kind: 'invalid'; reason: PhoneInvalidReason };

const TYPES: Record<PhoneNumberType, PhoneType> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'fixed-line',
  FIXED_LINE_OR_MOBILE: 'fixed-line-or-mobile',
  TOLL_FREE: 'toll-free',
  PREMIUM_RATE: 'premium-rate',
  SHARED_COST: 'shared-cost',
  VOIP: 'voip',
  PERSONAL_NUMBER: 'personal-number',
  PAGER: 'pager',
  UAN: 'uan',
  VOICEMAIL: 'voicemail',
};

/**
 * Extension words libphonenumber does not know, rewritten to one it does ('ext.'): French
 * 'poste', German 'Durchwahl'/'DW'/'Nebenstelle', Dutch 'toestel'/'tst'.
 */
const EXTENSION_WORDS = /\s*(?:,\s*)?\b(?:poste|durchwahl|dw|nebenstelle|toestel|tst)\b\.?\s*:?\s*(?=\d)/gi;

/** DIN 5008: a hyphen after a number of at least four digits introduces the direct-dial suffix. */
const DIRECT_DIAL = /^(.*(?:^|\D)\d{4,})\s*-\s*(\d{1,5})$/;

/**
 * Calling codes of the countries that write a DIN 5008 direct-dial suffix: Germany and Austria.
 * Codes, not countries, because a number outside known ranges has no country, only a code.
 */
const DIRECT_DIAL_CALLING_CODES: ReadonlySet<string> = new Set(['49', '43']);

/** A number spelled with letters, '1-800-FLOWERS': digits first, then letters mixed with digits. */
const VANITY = /^(\+?[\d\s().-]*\d)[\s.-]*([a-z][a-z\d\s.-]*)$/i;

const KEYPAD: Readonly<Record<string, string>> = Object.fromEntries(
  ['abc', 'def', 'ghi', 'jkl', 'mno', 'pqrs', 'tuv', 'wxyz'].flatMap((letters, i) => [...letters].map((c) => [c, String(i + 2)])),
);

const fromVanity = (text: string): string | undefined => {
  const match = VANITY.exec(text);
  if (!match || (match[2] ?? '').replace(/[^a-z]/gi, '').length < 3) return undefined;
  return (match[1] ?? '') + (match[2] ?? '').toLowerCase().replace(/[a-z]/g, (c) => KEYPAD[c] ?? c);
};

/**
 * The texts worth trying, in order: as written; with '00' read as '+' (people write 0049 even
 * where the international prefix is 011); with vanity letters dialled. The later ones are
 * tried only when the earlier ones fail, so a number with a trailing word ('... office') is not
 * turned into digits.
 */
const readings = (text: string): string[] => {
  const out = [text];
  if (/^00[1-9]/.test(text)) out.push(`+${text.slice(2)}`);
  const vanity = fromVanity(text);
  if (vanity !== undefined) out.push(vanity);
  return out;
};

const parsePossible = (text: string, region: CountryCode | undefined): PhoneNumber | undefined => {
  for (const reading of readings(text)) {
    const number = parsePhoneNumberFromString(reading, region);
    if (number?.isPossible()) return number;
  }
  return undefined;
};

/**
 * Every digit the same ('0000000', '5555555555'), or a keyboard run ('1234567890', '987654321').
 * Runs must not wrap around (9 then 0 only as the end of '1234567890'): real numbers such as
 * Japan's '90 1234 5678' do.
 */
const isPlaceholder = (nationalNumber: string): boolean =>
  nationalNumber.length >= 6 &&
  (/^(\d)\1+$/.test(nationalNumber) || '01234567890'.includes(nationalNumber) || '9876543210'.includes(nationalNumber));

const whyNotPossible = (text: string, region: CountryCode | undefined): PhoneInvalidReason => {
  switch (validatePhoneNumberLength(text, region)) {
    case 'TOO_SHORT':
      return 'too-short';
    case 'TOO_LONG':
      return 'too-long';
    case 'NOT_A_NUMBER':
      return 'not-a-number';
    default:
      return /\d/.test(text) ? 'invalid-length' : 'not-a-number';
  }
};

/** A parsed number and the extension to report with it. */
interface Reading {
  number: PhoneNumber;
  extension: string | undefined;
}

/** '+49 30 1234567-123' as the main number and extension '123', where that convention holds. */
const readDirectDial = (text: string, region: CountryCode | undefined): Reading | undefined => {
  const match = DIRECT_DIAL.exec(text);
  if (!match || /ext\./i.test(text)) return undefined;
  const number = parsePossible(match[1] ?? '', region);
  if (!number || !DIRECT_DIAL_CALLING_CODES.has(number.countryCallingCode)) return undefined;
  const suffix = match[2] ?? '';
  return { number, extension: suffix === '0' ? undefined : suffix };
};

const readWhole = (text: string, region: CountryCode | undefined): Reading | undefined => {
  const number = parsePossible(text, region);
  return number && { number, extension: number.ext };
};

const toNormalization = ({ number, extension }: Reading): PhoneNormalization => {
  const valid = number.isValid();
  const type = valid ? number.getType() : undefined;
  return {
    kind: 'valid',
    e164: number.number,
    ...(extension === undefined || extension === '' ? {} : { extension }),
    ...(number.country === undefined ? {} : { country: number.country }),
    ...(type === undefined ? {} : { type: TYPES[type] }),
    validity: valid ? 'valid' : 'possible',
  };
};

/**
 * Normalizes one phone number. `defaultRegion` (ISO 3166 alpha-2, any case) is where national
 * numbers are read; pass the record's country when known. An unknown region is ignored, so
 * only international numbers parse. Never throws.
 */
export const normalizePhone = (raw: string, defaultRegion = 'US'): PhoneNormalization => {
  const read = readPhone(raw, defaultRegion);
  return read.kind === 'read' ? toNormalization(read.reading) : { kind: 'invalid', reason: read.why() };
};

/** The number and extension a text holds, or (lazily: it parses again) why it holds none. */
const readPhone = (raw: string, defaultRegion: string): { kind: 'read'; reading: Reading } | { kind: 'invalid'; why: () => PhoneInvalidReason } => {
  const text = raw.normalize('NFKC').trim().replace(EXTENSION_WORDS, ' ext. ');
  if (text === '') return { kind: 'invalid', why: () => 'empty' };
  const upper = defaultRegion.toUpperCase();
  const region = isSupportedCountry(upper) ? upper : undefined;
  const reading = readDirectDial(text, region) ?? readWhole(text, region);
  if (!reading) return { kind: 'invalid', why: () => whyNotPossible(text, region) };
  if (isPlaceholder(reading.number.nationalNumber)) return { kind: 'invalid', why: () => 'placeholder' };
  return { kind: 'read', reading };
};

/**
 * What a matcher compares: `normalizePhone`'s e164, with ';ext=' and the extension when there is
 * one, or undefined when normalizePhone finds the number invalid. It skips the number's type and
 * range validity, which a matcher does not use and which cost a third of the time.
 */
export const phoneMatchKey = (raw: string, defaultRegion = 'US'): string | undefined => {
  const read = readPhone(raw, defaultRegion);
  if (read.kind === 'invalid') return undefined;
  const { number, extension } = read.reading;
  return extension === undefined || extension === '' ? number.number : `${number.number};ext=${extension}`;
};
