/**
 * Plants duplicates inside one system: a second record for the same company or person, created
 * later by someone who did not search first. Each copy carries one to three perturbations of the
 * original's fields, so a matcher has to see through typos, nicknames, suffixes and formats.
 */
import type { Address, EntityFields } from '../../functions/shared/canonical';
import { formatCompanyName, formatWebsite, stripDiacritics, transliterate, type WebsiteStyle } from './formats';
import type { SystemLedger, LedgerRecord } from './ledger';
import { addressAt, DAY, type TrueAccount, type TruePerson } from './model';
import { GENERIC_MAILBOXES } from './names';
import { hasNickname, nicknameOf, suffixForm, titleVariant, Trace, typo, type PerturbationKind } from './perturb';
import { claimEmail, reformatAddress, reformatPhone, variantEmail } from './render';
import type { Rng, Weights } from './rng';
import type { VendorIds } from './ids';

export interface DuplicateOptions {
  rate: number;
  now: number;
  /** The system lets one email address belong to one person only (HubSpot, Zendesk). */
  uniqueEmails: boolean;
}

export interface TrueIndex {
  accounts: ReadonlyMap<string, TrueAccount>;
  people: ReadonlyMap<string, TruePerson>;
}

const ACCOUNT_DROPPABLE = ['phone', 'website', 'domain', 'address', 'industry', 'employees', 'annualRevenue', 'taxId', 'customerNumber', 'ownerEmail'] as const;
const PERSON_DROPPABLE = ['email', 'phone', 'title', 'role', 'address', 'birthDate', 'marketingOptIn'] as const;

/** Applied in this order, so a suffix rewrite happens before the typo that lands on it. */
const APPLY_ORDER: readonly PerturbationKind[] = [
  'legal-suffix',
  'nickname',
  'transliteration',
  'name-case',
  'typo',
  'email-variant',
  'generic-email',
  'phone-format',
  'address-format',
  'website-format',
  'title-variant',
  'missing-fields',
];

const KIND_COUNTS: Weights<number> = [
  [1, 45],
  [2, 40],
  [3, 15],
];

const chooseKinds = (rng: Rng, applicable: [PerturbationKind, number][]): PerturbationKind[] => {
  const count = rng.weighted(KIND_COUNTS);
  const pool = applicable.filter(([, w]) => w > 0);
  const chosen: PerturbationKind[] = [];
  while (chosen.length < count && pool.length > 0) {
    const kind = rng.weighted(pool);
    chosen.push(kind);
    pool.splice(
      pool.findIndex(([k]) => k === kind),
      1,
    );
  }
  return APPLY_ORDER.filter((k) => chosen.includes(k));
};

const dropSome = (rng: Rng, fields: Record<string, unknown>, droppable: readonly string[]): void => {
  const present = droppable.filter((k) => fields[k] !== undefined);
  for (const k of rng.sample(present, rng.int(1, Math.min(3, present.length)))) delete fields[k];
};

const WEBSITE_STYLES: WebsiteStyle[] = ['https-www', 'http-www', 'https', 'www', 'bare', 'https-www-slash'];

const duplicateAccount = (rng: Rng, original: LedgerRecord, account: TrueAccount, at: number) => {
  const f = { ...original.fields } as EntityFields['account'] & Record<string, unknown>;
  const present = ACCOUNT_DROPPABLE.filter((k) => f[k] !== undefined).length;
  const kinds = chooseKinds(rng, [
    ['typo', f.name ? 3 : 0],
    ['legal-suffix', 3],
    ['name-case', 1],
    ['phone-format', f.phone ? 2 : 0],
    ['address-format', f.address ? 2 : 0],
    ['website-format', f.website || f.domain ? 1 : 0],
    ['missing-fields', present >= 2 ? 2 : 0],
  ]);
  for (const kind of kinds) {
    switch (kind) {
      case 'legal-suffix':
        for (let attempt = 0; attempt < 5; attempt++) {
          const choice = rng.pick(['variant', 'drop', 'other-family'] as const);
          const name = formatCompanyName(account.baseName, suffixForm(rng, account.suffix, choice));
          if (name !== f.name) {
            f.name = name;
            break;
          }
        }
        break;
      case 'name-case':
        f.name = rng.chance(0.7) ? (f.name ?? account.baseName).toUpperCase() : (f.name ?? account.baseName).toLowerCase();
        break;
      case 'typo':
        f.name = typo(rng, f.name ?? account.baseName);
        break;
      case 'phone-format':
        f.phone = reformatPhone(rng, account.phone, f.phone ?? '');
        break;
      case 'address-format':
        f.address = reformatAddress(rng, addressAt(account, at), f.address as Address | undefined);
        break;
      case 'website-format':
        if (f.website) f.website = formatWebsite(account.domain, rng.pick(WEBSITE_STYLES.filter((s) => formatWebsite(account.domain, s) !== f.website)));
        else f.domain = `www.${account.domain}`;
        break;
      case 'missing-fields':
        dropSome(rng, f, ACCOUNT_DROPPABLE);
        break;
      default:
        break;
    }
  }
  return { fields: f as EntityFields['account'], kinds };
};

const hasMarks = (s: string | undefined): boolean => s !== undefined && stripDiacritics(s) !== s;

const duplicatePerson = (rng: Rng, original: LedgerRecord, person: TruePerson, domain: string, options: DuplicateOptions, used: Set<string>) => {
  const f = { ...original.fields } as EntityFields['person'] & Record<string, unknown>;
  const present = PERSON_DROPPABLE.filter((k) => f[k] !== undefined).length;
  const kinds = chooseKinds(rng, [
    ['typo', 3],
    ['nickname', hasNickname(person.firstName) && f.firstName === person.firstName ? 3 : 0],
    ['transliteration', hasMarks(f.firstName) || hasMarks(f.lastName) ? 2 : 0],
    ['email-variant', f.email ? 2 : 0],
    ['generic-email', f.email && !options.uniqueEmails ? 1 : 0],
    ['phone-format', f.phone ? 1 : 0],
    ['title-variant', f.title && titleVariant(rng, person.title) !== undefined ? 1 : 0],
    ['name-case', 0.5],
    ['missing-fields', present >= 2 ? 2 : 0],
  ]);
  for (const kind of kinds) {
    switch (kind) {
      case 'nickname':
        f.firstName = nicknameOf(rng, person.firstName) ?? f.firstName;
        break;
      case 'transliteration': {
        const fold = rng.chance(0.5) ? transliterate : stripDiacritics;
        if (f.firstName) f.firstName = fold(f.firstName);
        if (f.lastName) f.lastName = fold(f.lastName);
        break;
      }
      case 'name-case':
        if (f.firstName) f.firstName = f.firstName.toLowerCase();
        if (f.lastName) f.lastName = rng.chance(0.5) ? f.lastName.toLowerCase() : f.lastName.toUpperCase();
        break;
      case 'typo':
        if (f.lastName && rng.chance(0.65)) f.lastName = typo(rng, f.lastName);
        else f.firstName = typo(rng, f.firstName ?? person.firstName);
        break;
      case 'email-variant':
        f.email = variantEmail(rng, person, domain);
        break;
      case 'generic-email':
        f.email = `${rng.pick(GENERIC_MAILBOXES)}@${domain}`;
        break;
      case 'phone-format':
        f.phone = reformatPhone(rng, person.phone, f.phone ?? '');
        break;
      case 'title-variant':
        f.title = titleVariant(rng, person.title) ?? f.title;
        break;
      case 'missing-fields':
        dropSome(rng, f, PERSON_DROPPABLE);
        break;
      default:
        break;
    }
  }
  if (options.uniqueEmails && f.email !== undefined) {
    if (used.has(f.email)) {
      f.email = variantEmail(rng, person, domain);
      if (!kinds.includes('email-variant')) kinds.push('email-variant');
    }
    f.email = claimEmail(used, f.email);
  }
  return { fields: f as EntityFields['person'], kinds };
};

/** Plants about `rate` × (originals of each type) duplicates of accounts and of people. */
export const plantDuplicates = (rng: Rng, ledger: SystemLedger, ids: VendorIds, index: TrueIndex, options: DuplicateOptions): void => {
  if (options.rate <= 0) return;
  const records = [...ledger.records.values()];
  const used = new Set<string>();
  for (const r of records) if (r.entityType === 'person' && typeof r.fields.email === 'string') used.add(r.fields.email);

  for (const entityType of ['account', 'person'] as const) {
    const originals = records.filter((r) => r.entityType === entityType && r.duplicateOf === undefined);
    const count = Math.round(options.rate * originals.length);
    for (const original of rng.sample(originals, count)) {
      // Someone creates the copy days or weeks later, without searching first.
      const at = original.createdAt + rng.next() * Math.min(60 * DAY, options.now - original.createdAt);
      const id = ids.next(entityType);
      if (entityType === 'account') {
        const account = index.accounts.get(original.trueEntityId);
        if (!account) continue;
        const { fields, kinds } = duplicateAccount(rng, original, account, at);
        ledger.create('account', id, fields, at, { trueEntityId: original.trueEntityId, perturbations: Trace.of(original.perturbations ?? [], kinds), duplicateOf: original.externalId });
      } else {
        const person = index.people.get(original.trueEntityId);
        const account = person && index.accounts.get(person.accountId);
        if (!person || !account) continue;
        const { fields, kinds } = duplicatePerson(rng, original, person, account.domain, options, used);
        ledger.create('person', id, fields, at, { trueEntityId: original.trueEntityId, perturbations: Trace.of(original.perturbations ?? [], kinds), duplicateOf: original.externalId });
      }
    }
  }
};
