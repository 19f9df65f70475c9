/**
 * HubSpot, marketing's system: about 60% of companies, most of their contacts (first seen when
 * they filled in a form, so nicknames and lower case are common) and some deals mirrored from
 * Salesforce with HubSpot's own stage and source vocabulary. Values drift a little: legal
 * suffixes dropped, employee counts in bands, lifecycle stages that lag behind.
 */
import type { EntityFields, LifecycleStage } from '../../../functions/shared/canonical';
import type { PhoneStyle, WebsiteStyle } from '../formats';
import { addressAt, DAY, HOUR, MINUTE, type TrueAccount } from '../model';
import { Trace, type AddressStyleWeights } from '../perturb';
import {
  baseTrace,
  claimEmail,
  keep,
  renderAddress,
  renderCompanyName,
  renderEmail,
  renderPersonName,
  renderPhone,
  renderTitle,
  renderWebsite,
  variantEmail,
  type CompanyNameProfile,
  type PersonNameProfile,
} from '../render';
import type { Rng, Weights } from '../rng';
import { isoDate } from '../formats';
import type { RenderContext } from './render-context';

const NAME: CompanyNameProfile = {
  suffix: [['drop', 55], ['canonical', 20], ['variant', 20], ['other-family', 5]],
  nameCase: [['as-is', 95], ['lower', 2], ['upper', 3]],
  typo: 0.02,
};
const WEBSITE: Weights<WebsiteStyle | 'omit'> = [['bare', 30], ['https', 25], ['https-www', 15], ['http-www', 10], ['omit', 20]];
const ACCOUNT_PHONE: Weights<PhoneStyle | 'omit'> = [['e164', 35], ['international', 30], ['national', 20], ['omit', 15]];
const ADDRESS: AddressStyleWeights = { abbreviate: 0.6, region: [['canonical', 60], ['alternate', 25], ['omit', 15]], countryName: 0.8, compactPostal: 0.15, omitUnit: 0.3 };
const PERSON_NAME: PersonNameProfile = { nickname: 0.2, transliteration: 0.3, lowerCase: 0.03, typo: 0.02 };
const PERSON_PHONE: Weights<PhoneStyle | 'omit'> = [['e164', 30], ['international', 20], ['national', 15], ['omit', 35]];

/** HubSpot's default deal pipeline, indexed like STAGES. */
const DEAL_STAGES = [
  'appointmentscheduled',
  'qualifiedtobuy',
  'qualifiedtobuy',
  'presentationscheduled',
  'decisionmakerboughtin',
  'decisionmakerboughtin',
  'contractsent',
  'contractsent',
  'closedwon',
  'closedlost',
] as const;
const dealStage = (stage: number): string => DEAL_STAGES[stage] ?? 'appointmentscheduled';

const SOURCES: Readonly<Record<string, string>> = {
  Web: 'ORGANIC_SEARCH',
  'Partner Referral': 'REFERRALS',
  'Trade Show': 'OFFLINE',
  Outbound: 'DIRECT_TRAFFIC',
  'Inbound Call': 'OFFLINE',
  Webinar: 'EMAIL_MARKETING',
  'Content Download': 'PAID_SEARCH',
  'Existing Customer': 'OFFLINE',
};

/** HubSpot's "number of employees" is usually picked from bands on a form. */
const employeeBand = (n: number): number => [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000].find((b) => n <= b) ?? n;

const drift = <T>(value: T, truth: T, trace: Trace): T => {
  if (value !== truth) trace.add('value-drift');
  return value;
};

const renderCompany = (rng: Rng, account: TrueAccount, ctx: RenderContext): { id: string; at: number } => {
  const trace = baseTrace(account);
  const id = ctx.ids.next('account');
  // Marketing usually meets a company before sales does.
  const at = account.createdAt - rng.float(0, 9) * DAY;
  const fields: EntityFields['account'] = {
    name: renderCompanyName(rng, account, NAME, trace),
    domain: keep(rng, 0.95, trace) ? account.domain : undefined,
    website: renderWebsite(rng, account.domain, WEBSITE, trace),
    phone: renderPhone(rng, account.phone, ACCOUNT_PHONE, trace),
    address: keep(rng, 0.85, trace) ? renderAddress(rng, addressAt(account, at), ADDRESS, trace) : undefined,
    industry: keep(rng, 0.8, trace) ? account.industry.hubspot : undefined,
    employees: keep(rng, 0.7, trace) ? drift(employeeBand(account.employees), account.employees, trace) : undefined,
    annualRevenue: keep(rng, 0.5, trace) ? drift(Math.round(account.annualRevenue / 1e6) * 1e6, account.annualRevenue, trace) : undefined,
    ownerEmail: keep(rng, 0.8, trace) ? account.ownerEmail : undefined,
    lifecycleStage: 'lead',
  };
  ctx.ledger.create('account', id, fields, at, { trueEntityId: account.id, perturbations: trace });

  const firstOpp = account.opportunities[0];
  if (firstOpp) ctx.ledger.update('account', id, { lifecycleStage: 'prospect' }, firstOpp.createdAt + rng.float(0, 2) * DAY);
  // The CRM sync moves the stage on only some of the time: stale stages are part of the picture.
  // HubSpot has no 'expanded' or 'churned' stage, so those never reach it.
  const syncs: Record<LifecycleStage, number> = { lead: 0, prospect: 0, customer: 0.75, expanded: 0, churned: 0 };
  for (const step of account.lifecycle.slice(1)) {
    if (rng.chance(syncs[step.stage])) ctx.ledger.update('account', id, { lifecycleStage: step.stage }, step.at + rng.float(0, 3) * DAY);
  }
  if (account.relocation && account.relocation.at > at && rng.chance(0.5)) {
    ctx.ledger.update('account', id, { address: renderAddress(rng, account.relocation.address, ADDRESS, trace) }, account.relocation.at + rng.float(0, 10) * DAY);
  }
  return { id, at };
};

// HubSpot deduplicates contacts by email, so an address is held by one contact at most.
const renderContacts = (rng: Rng, account: TrueAccount, company: { id: string; at: number }, ctx: RenderContext, used: Set<string>) => {
  for (const person of account.contacts) {
    if (!rng.chance(0.85)) continue;
    const trace = baseTrace(person);
    const id = ctx.ids.next('person');
    const at = Math.max(company.at + rng.float(1, 60) * MINUTE, person.createdAt - rng.float(0, 9) * DAY);
    let email = keep(rng, 0.97, trace) ? renderEmail(rng, person, account.domain, 0.12, trace) : undefined;
    if (email !== undefined && used.has(email)) {
      email = variantEmail(rng, person, account.domain);
      trace.add('email-variant');
    }
    const name = renderPersonName(rng, person, PERSON_NAME, trace);
    const fields: EntityFields['person'] = {
      firstName: name.firstName,
      lastName: name.lastName,
      email: email === undefined ? undefined : claimEmail(used, email),
      phone: renderPhone(rng, person.phone, PERSON_PHONE, trace),
      title: keep(rng, 0.75, trace) ? renderTitle(rng, person.title, 0.3, trace) : undefined,
      role: rng.chance(0.5) ? person.role : undefined,
      accountRef: company.id,
      birthDate: rng.chance(0.08) ? person.birthDate : undefined,
      marketingOptIn: person.marketingOptIn,
    };
    ctx.ledger.create('person', id, fields, at, { trueEntityId: person.id, perturbations: trace });
    if (person.titleChange && rng.chance(0.5)) {
      ctx.ledger.update('person', id, { title: person.titleChange.title }, person.titleChange.at + rng.float(0, 10) * DAY);
    }
  }
};

const renderDeals = (rng: Rng, account: TrueAccount, companyId: string, ctx: RenderContext) => {
  for (const opp of account.opportunities) {
    if (!rng.chance(0.6)) continue;
    const trace = new Trace();
    const id = ctx.ids.next('opportunity');
    const [first, ...rest] = opp.steps;
    const amount = rng.chance(0.85) ? opp.amount : Math.max(1000, Math.round(opp.amount / 1000) * 1000);
    const closeDate = rng.chance(0.8) ? opp.closeDate : isoDate(Date.parse(opp.closeDate) + rng.int(1, 10) * DAY);
    const fields: EntityFields['opportunity'] = {
      name: rng.chance(0.5) ? opp.name : `${account.stem} ${opp.productLine} deal`,
      accountRef: companyId,
      amount: drift(amount, opp.amount, trace),
      currency: opp.currency,
      stage: dealStage(first?.stage ?? 0),
      isClosed: false,
      isWon: false,
      closeDate: drift(closeDate, opp.closeDate, trace),
      ownerEmail: keep(rng, 0.9, trace) ? opp.ownerEmail : undefined,
      productLine: rng.chance(0.5) ? opp.productLine : undefined,
      leadSource: SOURCES[opp.leadSource] ?? 'OFFLINE',
    };
    ctx.ledger.create('opportunity', id, fields, opp.createdAt + rng.float(0, 24) * HOUR, { trueEntityId: opp.id, perturbations: trace });
    let previous = fields.stage;
    for (const step of rest) {
      const stage = dealStage(step.stage);
      if (stage === previous) continue;
      previous = stage;
      const closed = stage === 'closedwon' || stage === 'closedlost';
      ctx.ledger.update('opportunity', id, { stage, isClosed: closed, isWon: stage === 'closedwon' }, step.at + rng.float(5, 360) * MINUTE);
    }
  }
};

export const renderHubspot = (ctx: RenderContext): void => {
  const used = new Set<string>();
  for (const account of ctx.world.accounts) {
    const rng = ctx.rng.fork('account', account.index);
    // Account 0 is always present so that even a one-account world has a HubSpot contact to erase.
    if (account.index !== 0 && !rng.chance(0.6)) continue;
    const company = renderCompany(rng, account, ctx);
    renderContacts(rng, account, company, ctx, used);
    renderDeals(rng, account, company.id, ctx);
  }
};
