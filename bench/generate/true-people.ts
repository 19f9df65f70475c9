/**
 * The people of a true account: contacts with roles and titles, the activities reps logged with
 * them, the seller's own reps, and the planted same-name hard negatives.
 */
import type { ContactRole } from '../../functions/shared/canonical';
import { emailLocalPart } from './formats';
import { randomPhone, type Phone } from './geo';
import { DAY, HOUR, MINUTE, SELLER_DOMAIN, type TrueAccount, type TrueActivity, type TruePerson } from './model';
import { FIRST_NAMES, LAST_NAMES, LOCALE_MIX, TITLES, type Locale } from './names';
import type { Rng, Weights } from './rng';
import { nextId, pad, uniqueEmail, type Context } from './true-context';

const CONTACT_COUNTS: Weights<number> = [[2, 10], [3, 20], [4, 22], [5, 18], [6, 14], [7, 9], [8, 7]];
/** The first two contacts are the sponsor and the buyer; the rest mostly use the product. */
const LATER_ROLES: Weights<ContactRole> = [['influencer', 40], ['user', 50], ['buyer', 10]];
const ACTIVITY_KINDS: Weights<string> = [['call', 30], ['email', 35], ['meeting', 20], ['task', 15]];
const REP_LOCALES: Weights<Locale> = [['en_US', 5], ['en_GB', 2], ['de', 1], ['nl', 1], ['fr', 1]];
const ACTIVITY_SUBJECTS: Record<string, readonly string[]> = {
  call: ['Discovery call', 'Follow-up call', 'Pricing discussion', 'Check-in call'],
  email: ['Sent proposal', 'Follow-up email', 'Shared case study', 'Sent contract for review'],
  meeting: ['Product demo', 'Quarterly business review', 'Onsite workshop', 'Kickoff meeting'],
  task: ['Prepare quote', 'Update mutual action plan', 'Send security questionnaire'],
};

export const makeContacts = (rng: Rng, ctx: Context, account: TrueAccount): TruePerson[] => {
  const count = rng.weighted(CONTACT_COUNTS);
  const used = new Set<string>();
  const people: TruePerson[] = [];
  for (let k = 0; k < count; k++) {
    const role: ContactRole = k === 0 ? 'executive_sponsor' : k === 1 ? 'buyer' : rng.weighted(LATER_ROLES);
    const locale = rng.weighted(LOCALE_MIX[account.country]);
    const firstName = rng.pick(FIRST_NAMES[locale]);
    const lastName = rng.pick(LAST_NAMES[locale]);
    // Most have a direct extension behind the main line; the rest give a mobile number.
    const direct = rng.chance(0.65);
    const phone: Phone = direct ? { ...account.phone, ext: String(rng.int(100, 4999)) } : randomPhone(rng, account.country);
    const earliest = account.createdAt + (k < 2 ? rng.float(0.01, 3) : rng.float(0.5, 40)) * DAY;
    const person: TruePerson = {
      id: nextId(ctx, 'person', 'per'),
      accountId: account.id,
      locale,
      firstName,
      lastName,
      email: uniqueEmail(used, emailLocalPart(firstName, lastName, account.emailPattern), account.domain),
      phone,
      title: rng.pick(TITLES[role]),
      role,
      birthDate: `${rng.int(1962, 1999)}-${pad(rng.int(1, 12), 2)}-${pad(rng.int(1, 28), 2)}`,
      marketingOptIn: rng.chance(0.55),
      createdAt: Math.min(earliest, ctx.now - DAY),
    };
    if (rng.chance(0.04)) {
      const at = person.createdAt + rng.float(10, 120) * DAY;
      const others = TITLES[role].filter((t) => t !== person.title);
      if (at < ctx.now - DAY && others.length > 0) person.titleChange = { at, title: rng.pick(others) };
    }
    people.push(person);
  }
  return people;
};

export const makeActivities = (rng: Rng, ctx: Context, account: TrueAccount): TrueActivity[] => {
  const count = rng.int(1, 5);
  const activities: TrueActivity[] = [];
  for (let k = 0; k < count; k++) {
    const occurredAt = rng.float(account.createdAt + HOUR, ctx.now - HOUR);
    const known = account.contacts.filter((p) => p.createdAt < occurredAt);
    if (known.length === 0) continue;
    const person = rng.pick(known);
    const kind = rng.weighted(ACTIVITY_KINDS);
    const subject = rng.pick(ACTIVITY_SUBJECTS[kind] ?? ['Follow-up']);
    activities.push({
      id: nextId(ctx, 'activity', 'act'),
      personId: person.id,
      kind,
      subject: rng.chance(0.4) ? `${subject} with ${person.firstName}` : subject,
      occurredAt,
      loggedAt: Math.min(ctx.now - MINUTE, occurredAt + rng.float(0, 180) * MINUTE),
    });
  }
  return activities.sort((a, b) => a.loggedAt - b.loggedAt);
};

export const giveCommonName = (person: TruePerson, account: TrueAccount, [first, last]: readonly [string, string]): void => {
  person.firstName = first;
  person.lastName = last;
  person.sharesCommonName = true;
  const used = new Set(account.contacts.filter((p) => p !== person).map((p) => p.email));
  person.email = uniqueEmail(used, emailLocalPart(first, last, account.emailPattern), account.domain);
};

export const makeReps = (rng: Rng, count: number): string[] => {
  const used = new Set<string>();
  const reps: string[] = [];
  while (reps.length < count) {
    const locale = rng.weighted(REP_LOCALES);
    const local = emailLocalPart(rng.pick(FIRST_NAMES[locale]), rng.pick(LAST_NAMES[locale]), 'first.last');
    if (!used.has(local)) {
      used.add(local);
      reps.push(`${local}@${SELLER_DOMAIN}`);
    }
  }
  return reps;
};
