/**
 * The many ways one true value gets written: phones, addresses, company names, websites, emails.
 * Every function here is deterministic; perturb.ts decides (with an Rng) which way to use.
 */
import type { Address } from '../../functions/shared/canonical';
import { CALLING_CODES, COUNTRY_NAMES, type Phone, type StreetAddress } from './geo';

// ---- phones ----------------------------------------------------------------------------------

export type PhoneStyle = 'e164' | 'international' | 'national' | 'national-alt' | 'extension';

const groupDigits = (s: string): string =>
  s.length === 8 ? `${s.slice(0, 4)} ${s.slice(4)}` : s.length === 7 || s.length === 6 ? `${s.slice(0, 3)} ${s.slice(3)}` : s;

const pairs = (s: string, sep = ' '): string => (s.match(/.{1,2}/g) ?? []).join(sep);

const nationalForm = (p: Phone, alt: boolean): string => {
  const { area: a, subscriber: s } = p;
  switch (p.country) {
    case 'US':
      return alt ? `${a}.${s.slice(0, 3)}.${s.slice(3)}` : `(${a}) ${s.slice(0, 3)}-${s.slice(3)}`;
    case 'GB':
      return alt ? `(0${a}) ${groupDigits(s)}` : `0${a} ${groupDigits(s)}`;
    case 'DE':
      return alt ? `0${a}/${s}` : `0${a} ${s}`;
    case 'NL':
      return alt ? `0${a}-${s}` : `0${a} ${groupDigits(s)}`;
    case 'FR':
      return alt ? `0${a}.${pairs(s, '.')}` : pairs(`0${a}${s}`);
    case 'ES': {
      const full = a + s;
      return alt ? `${a} ${s.slice(0, 3)} ${s.slice(3, 5)} ${s.slice(5)}` : `${full.slice(0, 3)} ${full.slice(3, 6)} ${full.slice(6)}`;
    }
  }
};

const internationalForm = (p: Phone): string => {
  const { area: a, subscriber: s } = p;
  const cc = CALLING_CODES[p.country];
  switch (p.country) {
    case 'US':
      return `+1 ${a}-${s.slice(0, 3)}-${s.slice(3)}`;
    case 'FR':
      return `+33 ${a} ${pairs(s)}`;
    case 'ES':
      return `+34 ${nationalForm(p, false)}`;
    case 'DE':
      return `+49 ${a} ${s}`;
    default:
      return `+${cc} ${a} ${groupDigits(s)}`;
  }
};

/** E.164 is the canonical form; the rest are how people and systems type the same number. */
export const formatPhone = (p: Phone, style: PhoneStyle): string => {
  switch (style) {
    case 'e164':
      return `+${CALLING_CODES[p.country]}${p.area}${p.subscriber}`;
    case 'international':
      return internationalForm(p);
    case 'national':
      return nationalForm(p, false);
    case 'national-alt':
      return nationalForm(p, true);
    case 'extension':
      if (!p.ext) return nationalForm(p, false);
      if (p.country === 'DE') return `+49 ${p.area} ${p.subscriber}-${p.ext}`;
      if (p.country === 'FR') return `${nationalForm(p, false)} poste ${p.ext}`;
      return `${nationalForm(p, false)} ${p.country === 'US' ? 'ext.' : 'ext'} ${p.ext}`;
  }
};

// ---- addresses -------------------------------------------------------------------------------

export interface AddressStyle {
  /** Index into the street type's abbreviations; -1 writes it in full. */
  abbreviation: number;
  region: 'canonical' | 'alternate' | 'omit';
  /** Index into COUNTRY_NAMES (0 = the ISO code). */
  countryName: number;
  /** "1011AB" and "EC1A1BB" instead of the spaced forms. */
  compactPostal: boolean;
  omitUnit: boolean;
}

export const CANONICAL_ADDRESS_STYLE: AddressStyle = {
  abbreviation: -1,
  region: 'canonical',
  countryName: 0,
  compactPostal: false,
  omitUnit: false,
};

const unitText = (a: StreetAddress, abbreviation: number): string => {
  const unit = a.unit;
  if (!unit) return '';
  if (a.country === 'US') return abbreviation < 0 ? `, Suite ${unit.value}` : [`, Ste ${unit.value}`, ` #${unit.value}`, `, Ste. ${unit.value}`][abbreviation % 3] ?? '';
  const label = unit.kind === 'floor' ? (abbreviation < 0 ? 'Floor' : 'Fl') : unit.kind === 'unit' ? 'Unit' : abbreviation < 0 ? 'Suite' : 'Ste';
  return `${label} ${unit.value}, `;
};

export const formatStreet = (a: StreetAddress, abbreviation: number, omitUnit = false): string => {
  const t = a.streetType;
  const type = abbreviation < 0 ? t.full : (t.abbreviations[abbreviation % t.abbreviations.length] ?? t.full);
  const unit = omitUnit ? '' : unitText(a, abbreviation);
  switch (a.country) {
    case 'US':
      return `${a.number} ${a.streetName} ${type}${unit}`;
    case 'GB':
      return `${unit}${a.number} ${a.streetName} ${type}`;
    case 'DE':
    case 'NL':
      return `${a.streetName}${type} ${a.number}`;
    case 'FR':
      return `${a.number} ${type} ${a.streetName}`;
    case 'ES':
      return abbreviation < 0 ? `${type} ${a.streetName}, ${a.number}` : `${type} ${a.streetName.replace(/^(de la |del |de )/, '')} ${a.number}`;
  }
};

export const formatAddress = (a: StreetAddress, style: AddressStyle): Address => {
  const out: Address = {
    street: formatStreet(a, style.abbreviation, style.omitUnit),
    city: a.city,
    postalCode: style.compactPostal ? a.postalCode.replace(' ', '') : a.postalCode,
    country: COUNTRY_NAMES[a.country][style.countryName] ?? a.country,
  };
  // US states are canonically their postal code; elsewhere the region's name.
  const canonicalRegion = a.regionCode ?? a.region;
  if (style.region === 'canonical') out.region = canonicalRegion;
  else if (style.region === 'alternate' && a.regionCode) out.region = a.region;
  return out;
};

export const sameAddress = (x: Address, y: Address): boolean =>
  x.street === y.street && x.city === y.city && x.region === y.region && x.postalCode === y.postalCode && x.country === y.country;

// ---- company names and web ---------------------------------------------------------------------

export type NameCase = 'as-is' | 'upper' | 'upper-stem' | 'lower';

/** `form` is a legal suffix form ("Inc.", ", Inc.", "GmbH") or '' for none. */
export const formatCompanyName = (baseName: string, form: string, nameCase: NameCase = 'as-is'): string => {
  const base = nameCase === 'upper' || nameCase === 'upper-stem' ? baseName.toUpperCase() : nameCase === 'lower' ? baseName.toLowerCase() : baseName;
  const suffix = nameCase === 'upper' ? form.toUpperCase() : form;
  if (suffix === '') return base;
  return suffix.startsWith(',') ? `${base}${suffix}` : `${base} ${suffix}`;
};

export type WebsiteStyle = 'https-www' | 'http-www' | 'https' | 'www' | 'bare' | 'https-www-slash';

export const formatWebsite = (domain: string, style: WebsiteStyle): string => {
  switch (style) {
    case 'https-www':
      return `https://www.${domain}`;
    case 'http-www':
      return `http://www.${domain}`;
    case 'https':
      return `https://${domain}`;
    case 'www':
      return `www.${domain}`;
    case 'bare':
      return domain;
    case 'https-www-slash':
      return `https://www.${domain}/`;
  }
};

// ---- people ------------------------------------------------------------------------------------

const FOLDS: Readonly<Record<string, string>> = { ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', đ: 'd', ß: 'ss', æ: 'ae', œ: 'oe' };

const NON_ASCII = /[\u0080-\uffff]/;

/** True when the string has letters outside ASCII (diacritics, ß, ł). */
export const hasNonAscii = (s: string): boolean => NON_ASCII.test(s);

/** "Müller" → "Muller", "Łukasz" → "Lukasz": what a system without Unicode support stores. */
export const stripDiacritics = (s: string): string =>
  NON_ASCII.test(s)
    ? s
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[łŁøØđßæœ]/g, (c) => FOLDS[c] ?? c)
    : s;

const UMLAUTS: Readonly<Record<string, string>> = { ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue' };

/** German convention: "Müller" → "Mueller", "Groß" → "Gross"; other letters lose their marks. */
export const transliterate = (s: string): string => stripDiacritics(s.replace(/[äöüÄÖÜ]/g, (c) => UMLAUTS[c] ?? c));

const emailWord = (s: string): string => stripDiacritics(s).toLowerCase().replace(/[^a-z0-9]/g, '');

export type EmailPattern = 'first.last' | 'flast' | 'firstl' | 'first' | 'first_last' | 'last.first';

export const emailLocalPart = (first: string, last: string, pattern: EmailPattern): string => {
  const f = emailWord(first);
  const l = emailWord(last);
  switch (pattern) {
    case 'first.last':
      return `${f}.${l}`;
    case 'flast':
      return `${f.slice(0, 1)}${l}`;
    case 'firstl':
      return `${f}${l.slice(0, 1)}`;
    case 'first':
      return f;
    case 'first_last':
      return `${f}_${l}`;
    case 'last.first':
      return `${l}.${f}`;
  }
};

/** A label usable in a domain: "Müller & Partner" → "muellerpartner". */
export const domainLabel = (s: string): string =>
  transliterate(s)
    .toLowerCase()
    .replace(/&/g, '')
    .replace(/[^a-z0-9]/g, '');

// ---- dates ---------------------------------------------------------------------------------------

export const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const isoDateTime = (ms: number): string => new Date(ms).toISOString();
