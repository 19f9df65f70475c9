/**
 * What the matcher sees of a source record, and the normalized form it compares.
 *
 * Live records (SourceRecord) and rows of a CSV file both become a MatchInput, so `concord resolve`
 * on a file and the live pipeline run the same matching code. Preparing normalizes each field once
 * per record; comparisons then only look at prepared values.
 */
import { normalizeAddress, normalizeCity, normalizeCountry, normalizePostalCode, normalizeRegion } from '../normalize/address';
import { isLegalFormWord, normalizeCompanyName } from '../normalize/company-name';
import { normalizeDate } from '../normalize/date';
import { normalizeDomain } from '../normalize/domain';
import { normalizeEmail } from '../normalize/email';
import { foldText, normalizePersonName } from '../normalize/person-name';
import { normalizePhone } from '../normalize/phone';

export type EntityKind = 'person' | 'account';

/** The fields a person record may carry, as named in CSV headers. */
export const PERSON_FIELDS = [
  'first_name', 'last_name', 'full_name', 'email', 'phone', 'title', 'company', 'company_domain',
  'street', 'city', 'postcode', 'region', 'country', 'birth_date',
] as const;
/** The fields an account record may carry, as named in CSV headers. */
export const ACCOUNT_FIELDS = ['name', 'domain', 'website', 'email', 'phone', 'street', 'city', 'postcode', 'region', 'country'] as const;

export type PersonField = (typeof PERSON_FIELDS)[number];
export type AccountField = (typeof ACCOUNT_FIELDS)[number];
export const FIELDS_OF: Readonly<Record<EntityKind, readonly string[]>> = { person: PERSON_FIELDS, account: ACCOUNT_FIELDS };

export interface MatchInput {
  /** Unique within a run: `source:record_id` for files, the source key for live records. */
  key: string;
  source: string;
  kind: EntityKind;
  fields: Partial<Record<string, string>>;
  /**
   * Identifiers a system vouches for (tax id, customer number, a unified id written back earlier),
   * by name. Equal values are strong evidence; different values under the same name mean two
   * different entities.
   */
  trustedIds: Readonly<Record<string, string>>;
}

export interface MatchOptions {
  /** Where national phone numbers are read when a record has no country. */
  defaultRegion: string;
  /** Whether 'NN/NN/YYYY' dates are day first. */
  dayFirst: boolean;
}

export const DEFAULT_MATCH_OPTIONS: MatchOptions = { defaultRegion: 'US', dayFirst: false };

/** Normalized values; `undefined` means the record does not say. */
export interface Prepared {
  key: string;
  source: string;
  kind: EntityKind;
  trustedIds: Readonly<Record<string, string>>;
  // people
  first?: string;
  firstCandidates?: readonly string[];
  last?: string;
  /** Initials of the given names, for blocking. */
  firstInitial?: string;
  title?: string;
  birthDate?: string;
  // accounts, and a person's company
  name?: string;
  /** The name's words without legal forms, wherever they stand. */
  nameTokens?: readonly string[];
  /** `name` without spaces: 'gist brocades' and 'gistbrocades' agree here. */
  nameSquashed?: string;
  /** A company's registrable web domain (never a free-mail one). */
  domain?: string;
  // shared
  email?: string;
  /** The mailbox name without '+tag' or dots. */
  emailLocal?: string;
  /** Role and shared mailboxes ('info@', 'sales@') are weak evidence of one person. */
  emailIsRole?: boolean;
  phone?: string;
  street?: string;
  houseNumber?: string;
  city?: string;
  postcode?: string;
  region?: string;
  country?: string;
}

const present = (s: string | undefined): s is string => s !== undefined && s.trim() !== '';
const nonEmpty = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : s);

const companyDomainOf = (raw: string | undefined): string | undefined => {
  if (!present(raw)) return undefined;
  const d = normalizeDomain(raw);
  return d.kind === 'company' ? d.registrableDomain : undefined;
};

/** A date as ISO when it reads as one; otherwise its digits, so a typo'd date still compares. */
const birthDateOf = (raw: string | undefined, options: MatchOptions): string | undefined => {
  if (!present(raw)) return undefined;
  const d = normalizeDate(raw.trim(), { dayFirst: options.dayFirst });
  if (d.kind === 'valid') return d.iso;
  const digits = raw.replace(/\D/g, '');
  return digits.length === 8 ? `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6)}` : undefined;
};

const prepareShared = (input: MatchInput, options: MatchOptions): Prepared => {
  const f = input.fields;
  const out: Prepared = { key: input.key, source: input.source, kind: input.kind, trustedIds: input.trustedIds };
  const country = present(f.country) ? normalizeCountry(f.country) : undefined;
  if (country !== undefined) out.country = country;
  if (present(f.email)) {
    const e = normalizeEmail(f.email);
    if (e.kind === 'valid') {
      out.email = e.matchKey;
      // Without dots, so 'jane.doe@acme.com' and 'janedoe@gmail.com' show the same mailbox name.
      out.emailLocal = e.matchKey.slice(0, e.matchKey.indexOf('@')).replace(/\./g, '');
      out.emailIsRole = e.strength === 'role';
    }
  }
  if (present(f.phone)) {
    const p = normalizePhone(f.phone, country ?? options.defaultRegion);
    // The extension stays: colleagues share a switchboard number and differ only there.
    if (p.kind === 'valid') out.phone = p.extension === undefined ? p.e164 : `${p.e164};ext=${p.extension}`;
  }
  if (present(f.street)) {
    const a = normalizeAddress({ street: f.street, ...(country ? { country } : {}), ...(present(f.postcode) ? { postalCode: f.postcode } : {}) });
    if (a.street !== '') out.street = a.street;
    if (a.houseNumber !== undefined) out.houseNumber = a.houseNumber;
  }
  if (present(f.city)) out.city = nonEmpty(normalizeCity(f.city));
  if (present(f.postcode)) out.postcode = nonEmpty(normalizePostalCode(f.postcode, country));
  if (present(f.region)) out.region = nonEmpty(normalizeRegion(f.region, country));
  return out;
};

const setCompanyName = (out: Prepared, raw: string | undefined): void => {
  if (!present(raw)) return;
  const c = normalizeCompanyName(raw);
  if (c.normalized === '') return;
  // Legal forms left inside the name ('dsm nv heerlen') are no evidence either way.
  const words = c.tokens.filter((t) => !isLegalFormWord(t));
  out.name = c.normalized;
  out.nameTokens = words.length > 0 ? words : c.tokens;
  out.nameSquashed = out.nameTokens.join('');
};

const preparePerson = (input: MatchInput, options: MatchOptions): Prepared => {
  const f = input.fields;
  const out = prepareShared(input, options);
  const n = normalizePersonName(f.first_name, f.last_name, f.full_name);
  if (n.first !== '') {
    out.first = n.first;
    out.firstCandidates = n.firstCandidates;
    out.firstInitial = n.first.charAt(0);
  }
  if (n.last !== '') out.last = n.last;
  if (present(f.title)) out.title = nonEmpty(foldText(f.title));
  const dob = birthDateOf(f.birth_date, options);
  if (dob !== undefined) out.birthDate = dob;
  setCompanyName(out, f.company);
  // A work address names the employer as well as a company_domain column does.
  const domain = companyDomainOf(f.company_domain) ?? (present(f.email) ? emailCompanyDomain(f.email) : undefined);
  if (domain !== undefined) out.domain = domain;
  return out;
};

const prepareAccount = (input: MatchInput, options: MatchOptions): Prepared => {
  const f = input.fields;
  const out = prepareShared(input, options);
  setCompanyName(out, f.name);
  // A company's own mail domain is as good as its website; a free-mail one says nothing.
  const domain = companyDomainOf(f.domain) ?? companyDomainOf(f.website) ?? (present(f.email) ? emailCompanyDomain(f.email) : undefined);
  if (domain !== undefined) out.domain = domain;
  return out;
};

const emailCompanyDomain = (raw: string): string | undefined => {
  const e = normalizeEmail(raw);
  return e.kind === 'valid' && e.domainKind === 'company' ? e.registrableDomain : undefined;
};

export const prepare = (input: MatchInput, options: MatchOptions = DEFAULT_MATCH_OPTIONS): Prepared =>
  input.kind === 'person' ? preparePerson(input, options) : prepareAccount(input, options);
