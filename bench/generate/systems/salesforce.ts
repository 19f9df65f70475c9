/**
 * Salesforce, the CRM of record: every account, most contacts, every opportunity with its stage
 * history, and logged activities (Tasks). Reps type names carefully but phones and addresses
 * however they like, and integrations write the ERP customer number back after a win.
 */
import { isoDate, isoDateTime, type PhoneStyle, type WebsiteStyle } from '../formats';
import { addressAt, DAY, HOUR, STAGES, WON_STAGE, type TrueAccount, type TruePerson } from '../model';
import { GENERIC_MAILBOXES } from '../names';
import type { AddressStyleWeights, Trace } from '../perturb';
import {
  baseTrace,
  keep,
  renderAddress,
  renderCompanyName,
  renderEmail,
  renderPersonName,
  renderPhone,
  renderTitle,
  renderWebsite,
  type CompanyNameProfile,
  type PersonNameProfile,
} from '../render';
import type { Rng, Weights } from '../rng';
import type { RenderContext } from './render-context';
import type { EntityFields } from '../../../functions/shared/canonical';

const NAME: CompanyNameProfile = {
  suffix: [['canonical', 70], ['variant', 20], ['drop', 7], ['other-family', 3]],
  nameCase: [['as-is', 97], ['upper-stem', 2], ['upper', 1]],
  typo: 0.015,
};
const WEBSITE: Weights<WebsiteStyle | 'omit'> = [['https-www', 50], ['www', 25], ['http-www', 10], ['bare', 10], ['omit', 5]];
const ACCOUNT_PHONE: Weights<PhoneStyle | 'omit'> = [['national', 55], ['national-alt', 15], ['international', 15], ['e164', 10], ['omit', 5]];
const ADDRESS: AddressStyleWeights = { abbreviate: 0.4, region: [['canonical', 85], ['alternate', 15]], countryName: 0.5, compactPostal: 0.05, omitUnit: 0.1 };
const PERSON_NAME: PersonNameProfile = { nickname: 0.05, transliteration: 0.05, lowerCase: 0.005, typo: 0.015 };
const PERSON_PHONE: Weights<PhoneStyle | 'omit'> = [['national', 35], ['extension', 25], ['international', 10], ['e164', 5], ['national-alt', 5], ['omit', 20]];

export const stageName = (stage: number): string => STAGES[stage] ?? 'Prospecting';

const renderAccount = (rng: Rng, account: TrueAccount, ctx: RenderContext): string => {
  const { ledger, ids } = ctx;
  const trace = baseTrace(account);
  const id = ids.next('account');
  ledger.create(
    'account',
    id,
    {
      name: renderCompanyName(rng, account, NAME, trace),
      website: renderWebsite(rng, account.domain, WEBSITE, trace),
      domain: rng.chance(0.3) ? account.domain : undefined,
      phone: renderPhone(rng, account.phone, ACCOUNT_PHONE, trace),
      address: keep(rng, 0.97, trace) ? renderAddress(rng, addressAt(account, account.createdAt), ADDRESS, trace) : undefined,
      industry: keep(rng, 0.9, trace) ? account.industry.salesforce : undefined,
      employees: keep(rng, 0.85, trace) ? account.employees : undefined,
      annualRevenue: keep(rng, 0.65, trace) ? account.annualRevenue : undefined,
      taxId: rng.chance(0.2) ? account.taxId : undefined,
      ownerEmail: account.ownerEmail,
      lifecycleStage: account.lifecycle[0]?.stage ?? 'prospect',
    },
    account.createdAt,
    { trueEntityId: account.id, perturbations: trace },
  );
  for (const step of account.lifecycle.slice(1)) ledger.update('account', id, { lifecycleStage: step.stage }, step.at + rng.float(0, 2) * HOUR);
  const customer = account.customer;
  if (customer && rng.chance(0.6)) {
    // The ERP integration writes its customer number back a little after the customer exists.
    ledger.update('account', id, { customerNumber: customer.customerNumber }, customer.erpSince + rng.float(1, 120) * HOUR);
  }
  if (account.relocation) {
    ledger.update('account', id, { address: renderAddress(rng, account.relocation.address, ADDRESS, trace) }, account.relocation.at);
  }
  return id;
};

/** Now and then two colleagues are both recorded with the team mailbox. */
const shareMailbox = (rng: Rng, drafts: { person: TruePerson; fields: EntityFields['person']; trace: Trace }[], domain: string, ctx: RenderContext) => {
  if (drafts.length < 2 || !rng.chance(0.06)) return;
  const [a, b] = rng.sample(drafts, 2);
  if (!a || !b) return;
  const email = `${rng.pick(GENERIC_MAILBOXES)}@${domain}`;
  for (const d of [a, b]) {
    d.fields.email = email;
    d.trace.add('generic-email');
  }
  ctx.hardNegatives.push({ kind: 'shared-email', entityType: 'person', trueEntityIds: [a.person.id, b.person.id], sourceSystem: 'salesforce' });
};

const renderContacts = (rng: Rng, account: TrueAccount, accountId: string, ctx: RenderContext): Map<string, string> => {
  const drafts = account.contacts
    .filter((_, k) => k === 0 || rng.chance(0.95))
    .map((person) => {
      const trace = baseTrace(person);
      const name = renderPersonName(rng, person, PERSON_NAME, trace);
      const fields: EntityFields['person'] = {
        firstName: name.firstName,
        lastName: name.lastName,
        email: keep(rng, 0.97, trace) ? renderEmail(rng, person, account.domain, 0.03, trace) : undefined,
        phone: renderPhone(rng, person.phone, PERSON_PHONE, trace),
        title: keep(rng, 0.9, trace) ? renderTitle(rng, person.title, 0.15, trace) : undefined,
        role: keep(rng, 0.95, trace) ? person.role : undefined,
        accountRef: accountId,
        address: rng.chance(0.3) ? renderAddress(rng, addressAt(account, person.createdAt), ADDRESS, trace) : undefined,
        birthDate: rng.chance(0.05) ? person.birthDate : undefined,
        marketingOptIn: rng.chance(0.4) ? person.marketingOptIn : undefined,
      };
      return { person, fields, trace };
    });
  shareMailbox(rng, drafts, account.domain, ctx);
  const ids = new Map<string, string>();
  for (const { person, fields, trace } of drafts) {
    const id = ctx.ids.next('person');
    ctx.ledger.create('person', id, fields, person.createdAt, { trueEntityId: person.id, perturbations: trace });
    if (person.titleChange) ctx.ledger.update('person', id, { title: person.titleChange.title }, person.titleChange.at);
    ids.set(person.id, id);
  }
  return ids;
};

const renderOpportunities = (rng: Rng, account: TrueAccount, accountId: string, ctx: RenderContext): void => {
  for (const opp of account.opportunities) {
    const id = ctx.ids.next('opportunity');
    const [first, ...rest] = opp.steps;
    // While open, the close date is the rep's forecast; the real one is set when it closes.
    const forecast = opp.closedAt !== undefined ? isoDate(opp.closedAt + rng.float(-10, 20) * DAY) : opp.closeDate;
    ctx.ledger.create(
      'opportunity',
      id,
      {
        name: opp.name,
        accountRef: accountId,
        amount: opp.amount,
        currency: opp.currency,
        stage: stageName(first?.stage ?? 0),
        isClosed: false,
        isWon: false,
        closeDate: forecast,
        ownerEmail: opp.ownerEmail,
        productLine: opp.productLine,
        leadSource: opp.leadSource,
      },
      opp.createdAt,
      { trueEntityId: opp.id },
    );
    for (const step of rest) {
      const closed = step.stage >= WON_STAGE;
      ctx.ledger.update(
        'opportunity',
        id,
        { stage: stageName(step.stage), isClosed: closed, isWon: step.stage === WON_STAGE, closeDate: closed ? opp.closeDate : undefined },
        step.at,
      );
    }
  }
};

const renderActivities = (account: TrueAccount, accountId: string, contactIds: Map<string, string>, ctx: RenderContext): void => {
  for (const activity of account.activities) {
    let personRef = contactIds.get(activity.personId);
    if (personRef === undefined) {
      // The person is not in Salesforce: the rep logged it against a colleague who is.
      const fallback = account.contacts.find((p) => contactIds.has(p.id) && p.createdAt <= activity.loggedAt);
      personRef = fallback && contactIds.get(fallback.id);
    }
    if (personRef === undefined) continue;
    ctx.ledger.create(
      'activity',
      ctx.ids.next('activity'),
      { kind: activity.kind, subject: activity.subject, occurredAt: isoDateTime(activity.occurredAt), accountRef: accountId, personRef },
      activity.loggedAt,
      { trueEntityId: activity.id },
    );
  }
};

export const renderSalesforce = (ctx: RenderContext): void => {
  for (const account of ctx.world.accounts) {
    const rng = ctx.rng.fork('account', account.index);
    const accountId = renderAccount(rng, account, ctx);
    const contactIds = renderContacts(rng, account, accountId, ctx);
    renderOpportunities(rng, account, accountId, ctx);
    renderActivities(account, accountId, contactIds, ctx);
  }
};
