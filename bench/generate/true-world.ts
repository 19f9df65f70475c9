/**
 * Builds the true world: N companies with unique names and domains, a few deliberately similar
 * names (hard negatives), and everything that happened to each of them in the last 180 days.
 */
import { domainLabel, type EmailPattern } from './formats';
import { COUNTRY_WEIGHTS, TOP_LEVEL_DOMAINS, areaOf, randomAddress, randomPhone, randomTaxId, type CountryCode } from './geo';
import { DAY, type HardNegative, type TrueAccount, type TrueWorld } from './model';
import {
  COMMON_NAMES,
  FOUNDER_PATTERNS,
  INDUSTRIES,
  LAST_NAMES,
  STEM_PREFIXES,
  STEM_SUFFIXES,
  SUFFIXES_BY_COUNTRY,
  type Industry,
  type Locale,
} from './names';
import { Rng, type Weights } from './rng';
import { capitalize, pad, range, round, type Context } from './true-context';
import { giveCommonName, makeActivities, makeContacts, makeReps } from './true-people';
import { makeCustomer, makeOpportunities } from './true-revenue';

const NATIVE_LOCALE: Record<CountryCode, Locale> = { US: 'en_US', GB: 'en_GB', DE: 'de', NL: 'nl', FR: 'fr', ES: 'es' };
const EMAIL_PATTERNS: Weights<EmailPattern> = [
  ['first.last', 55],
  ['flast', 20],
  ['firstl', 8],
  ['first', 7],
  ['first_last', 5],
  ['last.first', 5],
];

const compoundStem = (rng: Rng): string => capitalize(rng.pick(STEM_PREFIXES) + rng.pick(STEM_SUFFIXES));

const industryNoun = (rng: Rng, industry: Industry, country: CountryCode): string => {
  const local = industry.localNouns?.[country];
  return local && rng.chance(0.6) ? rng.pick(local) : rng.pick(industry.nouns);
};

const NAME_PATTERNS: Weights<'compound' | 'stem-noun' | 'founder' | 'compound-noun'> = [
  ['compound', 40],
  ['stem-noun', 30],
  ['founder', 15],
  ['compound-noun', 15],
];

const freshName = (rng: Rng, country: CountryCode, industry: Industry): { stem: string; baseName: string } => {
  const pattern = rng.weighted(NAME_PATTERNS);
  switch (pattern) {
    case 'compound': {
      const stem = compoundStem(rng);
      return { stem, baseName: stem };
    }
    case 'stem-noun': {
      const stem = rng.pick(STEM_PREFIXES);
      return { stem, baseName: `${stem} ${industryNoun(rng, industry, country)}` };
    }
    case 'compound-noun': {
      const stem = compoundStem(rng);
      return { stem, baseName: `${stem} ${industryNoun(rng, industry, country)}` };
    }
    case 'founder': {
      const surnames = LAST_NAMES[NATIVE_LOCALE[country]];
      const a = capitalize(rng.pick(surnames));
      const b = capitalize(rng.pick(surnames));
      return { stem: a, baseName: rng.weighted(FOUNDER_PATTERNS)(a, b === a ? capitalize(rng.pick(surnames)) : b) };
    }
  }
};

const uniqueName = (rng: Rng, ctx: Context, candidate: () => { stem: string; baseName: string }) => {
  for (let attempt = 0; attempt < 12; attempt++) {
    const name = candidate();
    if (!ctx.usedNames.has(name.baseName.toLowerCase())) {
      ctx.usedNames.add(name.baseName.toLowerCase());
      return name;
    }
  }
  // Pools are finite; a large world falls back to a qualifier, as real companies do.
  const name = candidate();
  for (let n = 2; ; n++) {
    const qualified = `${name.baseName} ${rng.pick(['Group', 'Holdings', 'International', 'Partners', 'Solutions'])}${n > 6 ? ` ${n}` : ''}`;
    if (!ctx.usedNames.has(qualified.toLowerCase())) {
      ctx.usedNames.add(qualified.toLowerCase());
      return { stem: name.stem, baseName: qualified };
    }
  }
};

const uniqueDomain = (rng: Rng, ctx: Context, baseName: string, country: CountryCode): string => {
  const label = domainLabel(baseName);
  const words = baseName.split(/\s+/).map(domainLabel).filter((w) => w.length > 0);
  const tld = rng.weighted(TOP_LEVEL_DOMAINS[country]);
  const candidates = [
    rng.chance(0.8) ? label : words.join('-'),
    words.join('-'),
    `${label}hq`,
    `get${label}`,
    `${label}group`,
    `${words[0] ?? label}${country.toLowerCase()}`,
  ];
  for (const c of candidates) {
    const domain = `${c}.${tld}`;
    if (!ctx.usedDomains.has(domain)) {
      ctx.usedDomains.add(domain);
      return domain;
    }
  }
  for (let n = 2; ; n++) {
    const domain = `${label}${n}.${tld}`;
    if (!ctx.usedDomains.has(domain)) {
      ctx.usedDomains.add(domain);
      return domain;
    }
  }
};

const makeAccount = (
  ctx: Context,
  index: number,
  similarTo: TrueAccount | undefined,
  commonName: readonly [string, string] | undefined,
): TrueAccount => {
  const rng = ctx.root.fork('account', index);
  const country = rng.weighted(COUNTRY_WEIGHTS);
  let industry = rng.pick(INDUSTRIES);
  let name: { stem: string; baseName: string };
  if (similarTo) {
    // A different company that shares the distinctive word: "Northwind" and "Northwind Logistics".
    industry = rng.pick(INDUSTRIES.filter((i) => i.name !== similarTo.industry.name));
    name = uniqueName(rng, ctx, () => ({ stem: similarTo.stem, baseName: `${similarTo.stem} ${industryNoun(rng, industry, country)}` }));
  } else {
    name = uniqueName(rng, ctx, () => freshName(rng, country, industry));
  }
  const address = randomAddress(rng, country);
  const employees = Math.round(Math.exp(rng.float(Math.log(50), Math.log(5000))));
  const createdAt = ctx.now - rng.float(100, 170) * DAY;
  const account: TrueAccount = {
    id: `acc-${pad(index + 1)}`,
    index,
    stem: name.stem,
    baseName: name.baseName,
    suffix: rng.weighted(SUFFIXES_BY_COUNTRY[country]),
    country,
    industry,
    domain: uniqueDomain(rng, ctx, name.baseName, country),
    phone: randomPhone(rng, country, areaOf(address)),
    address,
    employees,
    annualRevenue: round(employees * rng.float(80_000, 260_000), 10_000),
    taxId: randomTaxId(rng, country),
    ownerEmail: rng.pick(ctx.reps),
    emailPattern: rng.weighted(EMAIL_PATTERNS),
    createdAt,
    lifecycle: [{ at: createdAt, stage: 'prospect' }],
    contacts: [],
    opportunities: [],
    activities: [],
  };
  if (similarTo) account.similarTo = similarTo.id;
  if (rng.chance(0.04)) {
    const at = createdAt + rng.float(20, (ctx.now - createdAt) / DAY - 1) * DAY;
    account.relocation = { at, address: randomAddress(rng, country) };
  }
  account.contacts = makeContacts(rng, ctx, account);
  if (commonName) giveCommonName(rng.pick(account.contacts), account, commonName);
  const isCustomer = rng.chance(0.5);
  account.opportunities = makeOpportunities(rng, ctx, account, isCustomer);
  const won = account.opportunities.filter((o) => o.outcome === 'won');
  won.forEach((o, i) => account.lifecycle.push({ at: o.closedAt as number, stage: i === 0 ? 'customer' : 'expanded' }));
  const customer = makeCustomer(rng, ctx, account);
  if (customer) account.customer = customer;
  account.lifecycle.sort((a, b) => a.at - b.at);
  account.activities = makeActivities(rng, ctx, account);
  return account;
};

/** Renames a person to a common name that an unrelated person elsewhere also has (a hard negative). */
export const generateTrueWorld = (options: { accounts: number; seed: number; now: number }): TrueWorld => {
  const root = new Rng(options.seed);
  const ctx: Context = {
    now: options.now,
    root,
    reps: makeReps(root.fork('reps'), Math.max(4, Math.ceil(options.accounts / 30))),
    usedNames: new Set(),
    usedDomains: new Set(),
    counters: { person: 0, opportunity: 0, order: 0, invoice: 0, subscription: 0, ticket: 0, activity: 0 },
  };
  const planRng = root.fork('hard-negatives');
  const n = options.accounts;
  const similarPairs = n >= 2 ? Math.max(1, Math.round(n * 0.02)) : 0;
  const similarOf = new Map<number, number>();
  for (const i of planRng.sample(range(1, n - 1), similarPairs)) similarOf.set(i, planRng.int(0, i - 1));

  // Two people at two different companies get the same common name ("John Smith").
  const samePairs = n >= 2 ? Math.max(1, Math.round(n * 0.01)) : 0;
  const pairedAccounts = planRng.sample(range(0, n - 1), samePairs * 2);
  const commonNameOf = new Map<number, readonly [string, string]>();
  for (let k = 0; k + 1 < pairedAccounts.length; k += 2) {
    const name = planRng.pick(COMMON_NAMES);
    commonNameOf.set(pairedAccounts[k] as number, name);
    commonNameOf.set(pairedAccounts[k + 1] as number, name);
  }

  const accounts: TrueAccount[] = [];
  const hardNegatives: HardNegative[] = [];
  for (let i = 0; i < n; i++) {
    const target = similarOf.get(i);
    const similar = target === undefined ? undefined : accounts[target];
    const account = makeAccount(ctx, i, similar, commonNameOf.get(i));
    if (similar) hardNegatives.push({ kind: 'similar-name', entityType: 'account', trueEntityIds: [similar.id, account.id] });
    accounts.push(account);
  }
  const namesake = (i: number | undefined) => accounts[i ?? -1]?.contacts.find((p) => p.sharesCommonName);
  for (let k = 0; k + 1 < pairedAccounts.length; k += 2) {
    const a = namesake(pairedAccounts[k]);
    const b = namesake(pairedAccounts[k + 1]);
    if (a && b) hardNegatives.push({ kind: 'same-name', entityType: 'person', trueEntityIds: [a.id, b.id] });
  }
  return { now: options.now, accounts, hardNegatives };
};
