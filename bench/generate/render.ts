/**
 * Field renderers shared by the systems: each writes one true value the way a system's profile
 * says it usually does, and notes in the trace every kind of drift it introduced.
 */
import type { Address } from '../../functions/shared/canonical';
import type { Phone, StreetAddress } from './geo';
import {
  CANONICAL_ADDRESS_STYLE,
  emailLocalPart,
  formatAddress,
  formatCompanyName,
  formatPhone,
  formatWebsite,
  hasNonAscii,
  sameAddress,
  stripDiacritics,
  transliterate,
  type EmailPattern,
  type NameCase,
  type PhoneStyle,
  type WebsiteStyle,
} from './formats';
import type { TrueAccount, TruePerson } from './model';
import { PERSONAL_EMAIL_DOMAINS } from './names';
import {
  addressStyle,
  nicknameOf,
  phoneStyle,
  suffixForm,
  titleVariant,
  typo,
  type AddressStyleWeights,
  Trace,
  type SuffixChoice,
} from './perturb';
import type { Rng, Weights } from './rng';

/** The true-entity traps a record inherits whatever system holds it. */
export const baseTrace = (entity: { similarTo?: string; sharesCommonName?: boolean }): Trace => {
  const trace = new Trace();
  if (entity.similarTo !== undefined) trace.add('hard-negative-similar-name');
  if (entity.sharesCommonName) trace.add('hard-negative-same-name');
  return trace;
};

/** True with probability `p`; otherwise the field is missing and the trace says so. */
export const keep = (rng: Rng, p: number, trace: Trace): boolean => {
  if (rng.chance(p)) return true;
  trace.add('missing-fields');
  return false;
};

export interface CompanyNameProfile {
  suffix: Weights<SuffixChoice>;
  nameCase: Weights<NameCase>;
  typo: number;
}

export const renderCompanyName = (rng: Rng, account: TrueAccount, profile: CompanyNameProfile, trace: Trace): string => {
  const choice = rng.weighted(profile.suffix);
  const form = suffixForm(rng, account.suffix, choice);
  if (choice !== 'canonical') trace.add('legal-suffix');
  const nameCase = rng.weighted(profile.nameCase);
  if (nameCase !== 'as-is') trace.add('name-case');
  let name = formatCompanyName(account.baseName, form, nameCase);
  if (rng.chance(profile.typo)) {
    name = typo(rng, name);
    trace.add('typo');
  }
  return name;
};

export const renderPhone = (rng: Rng, phone: Phone, weights: Weights<PhoneStyle | 'omit'>, trace: Trace): string | undefined => {
  const style = rng.weighted(weights);
  if (style === 'omit') {
    trace.add('missing-fields');
    return undefined;
  }
  const effective = style === 'extension' && !phone.ext ? 'national' : style;
  if (effective !== 'e164') trace.add('phone-format');
  return formatPhone(phone, effective);
};

/** A different writing of the same number than `current` (for planted duplicates). */
export const reformatPhone = (rng: Rng, phone: Phone, current: string): string => {
  const styles: PhoneStyle[] = ['e164', 'international', 'national', 'national-alt', 'extension'];
  for (const style of rng.sample(styles, styles.length)) {
    const out = formatPhone(phone, phoneStyle(rng, [[style, 1]], phone.ext !== undefined));
    if (out !== current) return out;
  }
  return current;
};

export const renderAddress = (rng: Rng, address: StreetAddress, weights: AddressStyleWeights, trace: Trace): Address => {
  const out = formatAddress(address, addressStyle(rng, weights, address));
  if (!sameAddress(out, formatAddress(address, CANONICAL_ADDRESS_STYLE))) trace.add('address-format');
  return out;
};

export const reformatAddress = (rng: Rng, address: StreetAddress, current: Address | undefined): Address => {
  const loose: AddressStyleWeights = { abbreviate: 0.6, region: [['canonical', 1], ['alternate', 1], ['omit', 1]], countryName: 0.5, compactPostal: 0.4, omitUnit: 0.3 };
  for (let attempt = 0; attempt < 8; attempt++) {
    const out = formatAddress(address, addressStyle(rng, loose, address));
    if (!current || !sameAddress(out, current)) return out;
  }
  return formatAddress(address, { ...CANONICAL_ADDRESS_STYLE, abbreviation: 0, region: 'omit' });
};

export const renderWebsite = (rng: Rng, domain: string, weights: Weights<WebsiteStyle | 'omit'>, trace: Trace): string | undefined => {
  const style = rng.weighted(weights);
  if (style === 'omit') {
    trace.add('missing-fields');
    return undefined;
  }
  if (style !== 'https-www') trace.add('website-format');
  return formatWebsite(domain, style);
};

export interface PersonNameProfile {
  nickname: number;
  /** Probability that a name with diacritics is stored without them. */
  transliteration: number;
  lowerCase: number;
  typo: number;
}

export const renderPersonName = (
  rng: Rng,
  person: TruePerson,
  profile: PersonNameProfile,
  trace: Trace,
): { firstName: string; lastName: string } => {
  let firstName = person.firstName;
  let lastName = person.lastName;
  if (rng.chance(profile.nickname)) {
    const nick = nicknameOf(rng, firstName);
    if (nick) {
      firstName = nick;
      trace.add('nickname');
    }
  }
  if ((hasNonAscii(firstName) || hasNonAscii(lastName)) && rng.chance(profile.transliteration)) {
    const fold = rng.chance(0.5) ? transliterate : stripDiacritics;
    firstName = fold(firstName);
    lastName = fold(lastName);
    trace.add('transliteration');
  }
  if (rng.chance(profile.lowerCase)) {
    firstName = firstName.toLowerCase();
    lastName = lastName.toLowerCase();
    trace.add('name-case');
  }
  if (rng.chance(profile.typo)) {
    if (rng.chance(0.65)) lastName = typo(rng, lastName);
    else firstName = typo(rng, firstName);
    trace.add('typo');
  }
  return { firstName, lastName };
};

/** An address the same person also uses: a personal mailbox, or the company's other pattern. */
export const variantEmail = (rng: Rng, person: TruePerson, domain: string): string => {
  const patterns: EmailPattern[] = ['first.last', 'flast', 'firstl', 'first_last'];
  if (rng.chance(0.6)) {
    const pattern = rng.pick(patterns);
    return `${emailLocalPart(person.firstName, person.lastName, pattern)}${rng.chance(0.3) ? rng.int(1, 99) : ''}@${rng.pick(PERSONAL_EMAIL_DOMAINS)}`;
  }
  for (const pattern of rng.sample(patterns, patterns.length)) {
    const email = `${emailLocalPart(person.firstName, person.lastName, pattern)}@${domain}`;
    if (email !== person.email) return email;
  }
  return `${emailLocalPart(person.firstName, person.lastName, 'first.last')}1@${domain}`;
};

export const renderEmail = (rng: Rng, person: TruePerson, domain: string, pVariant: number, trace: Trace): string => {
  if (!rng.chance(pVariant)) return person.email;
  trace.add('email-variant');
  return variantEmail(rng, person, domain);
};

export const renderTitle = (rng: Rng, title: string, pVariant: number, trace: Trace): string => {
  if (!rng.chance(pVariant)) return title;
  const variant = titleVariant(rng, title);
  if (variant === undefined) return title;
  trace.add('title-variant');
  return variant;
};

/** For systems where an email identifies one user (HubSpot, Zendesk): a taken address gets a digit. */
export const claimEmail = (used: Set<string>, email: string): string => {
  let out = email;
  for (let n = 2; used.has(out); n++) out = email.replace('@', `${n}@`);
  used.add(out);
  return out;
};
