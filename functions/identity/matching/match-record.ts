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
import { foldText, normalizeFamilyName, normalizeGivenName, normalizePersonName } from '../normalize/person-name';
import { phoneMatchKey } from '../normalize/phone';

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

/**
 * Normalized values by raw text, for one run of many records: given names, towns, postcodes,
 * birth dates and employers repeat so much that most records normalize nothing new, and records
 * sharing a value share its normalized form in memory too.
 */
interface Memos {
  country: Map<string, string | undefined>;
  email: Map<string, EmailParts | undefined>;
  phone: Map<string, string | undefined>;
  street: Map<string, StreetParts>;
  city: Map<string, string | undefined>;
  postcode: Map<string, string | undefined>;
  region: Map<string, string | undefined>;
  givenName: Map<string, GivenName>;
  familyName: Map<string, string>;
  title: Map<string, string | undefined>;
  birthDate: Map<string, string | undefined>;
  company: Map<string, CompanyParts | undefined>;
  domain: Map<string, string | undefined>;
}

const newMemos = (): Memos => ({
  country: new Map(),
  email: new Map(),
  phone: new Map(),
  street: new Map(),
  city: new Map(),
  postcode: new Map(),
  region: new Map(),
  givenName: new Map(),
  familyName: new Map(),
  title: new Map(),
  birthDate: new Map(),
  company: new Map(),
  domain: new Map(),
});

/** Values kept per field at most: phones and mailboxes are mostly distinct and would otherwise all stay. */
const MEMO_LIMIT = 1 << 18;

/** A memo key for a raw value read in a context (a country, a postcode): unambiguous whatever either holds. */
const inContext = (context: string, raw: string) => `${context.length}:${context}${raw}`;

const remembered = <V>(memo: Map<string, V> | undefined, key: string, compute: () => V): V => {
  if (memo === undefined) return compute();
  const known = memo.get(key);
  if (known !== undefined || memo.has(key)) return known as V;
  const value = compute();
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
};

interface EmailParts {
  email: string;
  emailLocal: string;
  emailIsRole: boolean;
  /** The registrable domain when it is a company's (not free mail). */
  companyDomain: string | undefined;
}

const emailPartsOf = (raw: string): EmailParts | undefined => {
  const e = normalizeEmail(raw);
  if (e.kind !== 'valid') return undefined;
  return {
    email: e.matchKey,
    // Without dots, so 'jane.doe@acme.com' and 'janedoe@gmail.com' show the same mailbox name.
    emailLocal: e.matchKey.slice(0, e.matchKey.indexOf('@')).replace(/\./g, ''),
    emailIsRole: e.strength === 'role',
    companyDomain: e.domainKind === 'company' ? e.registrableDomain : undefined,
  };
};

interface StreetParts {
  street: string;
  houseNumber: string | undefined;
}

interface GivenName {
  first: string;
  firstCandidates: readonly string[];
}

interface CompanyParts {
  name: string;
  nameTokens: readonly string[];
  nameSquashed: string;
}

const companyDomainOf = (raw: string | undefined, memos: Memos | undefined): string | undefined => {
  if (!present(raw)) return undefined;
  return remembered(memos?.domain, raw, () => {
    const d = normalizeDomain(raw);
    return d.kind === 'company' ? d.registrableDomain : undefined;
  });
};

/** A date as ISO when it reads as one; otherwise its digits, so a typo'd date still compares. */
const birthDateOf = (raw: string | undefined, options: MatchOptions, memos: Memos | undefined): string | undefined => {
  if (!present(raw)) return undefined;
  return remembered(memos?.birthDate, raw, () => {
    const d = normalizeDate(raw.trim(), { dayFirst: options.dayFirst });
    if (d.kind === 'valid') return d.iso;
    const digits = raw.replace(/\D/g, '');
    return digits.length === 8 ? `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6)}` : undefined;
  });
};

/** The email's parts, read once per record (a person's work domain comes from it too). */
const emailOf = (raw: string | undefined, memos: Memos | undefined): EmailParts | undefined =>
  present(raw) ? remembered(memos?.email, raw, () => emailPartsOf(raw)) : undefined;

const prepareShared = (input: MatchInput, options: MatchOptions, memos: Memos | undefined, e: EmailParts | undefined): Prepared => {
  const f = input.fields;
  const out: Prepared = { key: input.key, source: input.source, kind: input.kind, trustedIds: input.trustedIds };
  const country = present(f.country) ? remembered(memos?.country, f.country, () => normalizeCountry(f.country as string)) : undefined;
  if (country !== undefined) out.country = country;
  if (e !== undefined) {
    out.email = e.email;
    out.emailLocal = e.emailLocal;
    out.emailIsRole = e.emailIsRole;
  }
  if (present(f.phone)) {
    const raw = f.phone;
    const region = country ?? options.defaultRegion;
    // The extension stays: colleagues share a switchboard number and differ only there.
    const phone = remembered(memos?.phone, inContext(region, raw), () => phoneMatchKey(raw, region));
    if (phone !== undefined) out.phone = phone;
  }
  if (present(f.street)) {
    const raw = f.street;
    const postcode = present(f.postcode) ? f.postcode : undefined;
    const a = remembered(memos?.street, inContext(`${country ?? ''}\u0000${postcode ?? ''}`, raw), (): StreetParts => {
      const n = normalizeAddress({ street: raw, ...(country ? { country } : {}), ...(postcode ? { postalCode: postcode } : {}) });
      return { street: n.street, houseNumber: n.houseNumber };
    });
    if (a.street !== '') out.street = a.street;
    if (a.houseNumber !== undefined) out.houseNumber = a.houseNumber;
  }
  if (present(f.city)) out.city = remembered(memos?.city, f.city, () => nonEmpty(normalizeCity(f.city as string)));
  if (present(f.postcode)) {
    const raw = f.postcode;
    out.postcode = remembered(memos?.postcode, inContext(country ?? '', raw), () => nonEmpty(normalizePostalCode(raw, country)));
  }
  if (present(f.region)) {
    const raw = f.region;
    out.region = remembered(memos?.region, inContext(country ?? '', raw), () => nonEmpty(normalizeRegion(raw, country)));
  }
  return out;
};

const setCompanyName = (out: Prepared, raw: string | undefined, memos: Memos | undefined): void => {
  if (!present(raw)) return;
  const c = remembered(memos?.company, raw, (): CompanyParts | undefined => {
    const n = normalizeCompanyName(raw);
    if (n.normalized === '') return undefined;
    // Legal forms left inside the name ('dsm nv heerlen') are no evidence either way.
    const words = n.tokens.filter((t) => !isLegalFormWord(t));
    const nameTokens = words.length > 0 ? words : n.tokens;
    return { name: n.normalized, nameTokens, nameSquashed: nameTokens.join('') };
  });
  if (c === undefined) return;
  out.name = c.name;
  out.nameTokens = c.nameTokens;
  out.nameSquashed = c.nameSquashed;
};

/**
 * The name's parts. With both a given-name and a family-name field each is read on its own, so
 * each distinct value is normalized once a run; a full name needs the whole reading.
 */
const personNameOf = (f: MatchInput['fields'], memos: Memos | undefined): { first: string; firstCandidates: readonly string[]; last: string } => {
  const { first_name: first, last_name: last } = f;
  if (!present(first) || !present(last)) return normalizePersonName(first, last, f.full_name);
  const given = remembered(memos?.givenName, first, () => normalizeGivenName(first));
  return { first: given.first, firstCandidates: given.firstCandidates, last: remembered(memos?.familyName, last, () => normalizeFamilyName(last)) };
};

const preparePerson = (input: MatchInput, options: MatchOptions, memos: Memos | undefined): Prepared => {
  const f = input.fields;
  const email = emailOf(f.email, memos);
  const out = prepareShared(input, options, memos, email);
  const n = personNameOf(f, memos);
  if (n.first !== '') {
    out.first = n.first;
    out.firstCandidates = n.firstCandidates;
    out.firstInitial = n.first.charAt(0);
  }
  if (n.last !== '') out.last = n.last;
  if (present(f.title)) {
    const raw = f.title;
    out.title = remembered(memos?.title, raw, () => nonEmpty(foldText(raw)));
  }
  const dob = birthDateOf(f.birth_date, options, memos);
  if (dob !== undefined) out.birthDate = dob;
  setCompanyName(out, f.company, memos);
  // A work address names the employer as well as a company_domain column does.
  const domain = companyDomainOf(f.company_domain, memos) ?? email?.companyDomain;
  if (domain !== undefined) out.domain = domain;
  return out;
};

const prepareAccount = (input: MatchInput, options: MatchOptions, memos: Memos | undefined): Prepared => {
  const f = input.fields;
  const email = emailOf(f.email, memos);
  const out = prepareShared(input, options, memos, email);
  setCompanyName(out, f.name, memos);
  // A company's own mail domain is as good as its website; a free-mail one says nothing.
  const domain = companyDomainOf(f.domain, memos) ?? companyDomainOf(f.website, memos) ?? email?.companyDomain;
  if (domain !== undefined) out.domain = domain;
  return out;
};

const prepareWith = (input: MatchInput, options: MatchOptions, memos: Memos | undefined): Prepared =>
  input.kind === 'person' ? preparePerson(input, options, memos) : prepareAccount(input, options, memos);

export const prepare = (input: MatchInput, options: MatchOptions = DEFAULT_MATCH_OPTIONS): Prepared => prepareWith(input, options, undefined);

/**
 * `prepare` for many records of one run: the same results, with each distinct raw value (a
 * given name, a town, an employer) normalized once. Its memory ends with the run.
 */
export const createPreparer = (options: MatchOptions = DEFAULT_MATCH_OPTIONS): ((input: MatchInput) => Prepared) => {
  const memos = newMemos();
  return (input) => prepareWith(input, options, memos);
};
