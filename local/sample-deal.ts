/**
 * A sample deal in Salesforce for trying the handoffs: an account, its buyer, an open opportunity,
 * and the change that closes it as won. `npm start` and the console use it ("close a sample deal"),
 * and so do the handoff tests and `npm run bench -- handoff`. Each call with a new `seed` is a new
 * customer, with valid Salesforce ids.
 */
import { Rng } from '../bench/generate/rng';
import { salesforceIds } from '../bench/generate/ids';
import type { SourceChange } from './vendors/vendor-simulator';

export interface SampleDeal {
  accountId: string;
  contactId: string;
  opportunityId: string;
  name: string;
  /** The account, its buyer and the open opportunity. */
  setup: SourceChange[];
  /** The opportunity closed-won. */
  closeWon: SourceChange;
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tor', 'vex', 'sa', 'quin', 'bel', 'dra', 'fen', 'zu'];
const CITIES: readonly [city: string, country: string][] = [
  ['Chicago', 'US'],
  ['Austin', 'US'],
  ['Toronto', 'CA'],
  ['Denver', 'US'],
  ['Seattle', 'US'],
  ['Boston', 'US'],
];

/** A made-up company name of its own for each seed: two sample customers never share a word. */
const coinedName = (seed: number): string => {
  const n = SYLLABLES.length;
  const word = [seed % n, Math.floor(seed / n) % n, Math.floor(seed / (n * n)) % n].map((i) => SYLLABLES[i]).join('');
  return word.charAt(0).toUpperCase() + word.slice(1);
};
const FIRST_NAMES = ['Avery', 'Jordan', 'Emma', 'Mateo', 'Priya', 'Lena', 'Tomás', 'Yuki', 'Noor', 'Felix', 'Ines', 'Kofi'];

export const sampleDeal = (options: { seed: number; now: Date; amount?: number; country?: string; employees?: number; legalReview?: boolean }): SampleDeal => {
  const rng = new Rng(options.seed);
  const ids = salesforceIds(rng);
  const accountId = ids.next('account');
  const contactId = ids.next('person');
  const opportunityId = ids.next('opportunity');
  const name = coinedName(options.seed);
  const domain = `${name.toLowerCase()}.com`;
  const [city, country] = CITIES[options.seed % CITIES.length] as [string, string];
  // A buyer of their own too: two sample customers' buyers never look like one person.
  const first = FIRST_NAMES[options.seed % FIRST_NAMES.length] as string;
  const last = `${coinedName(options.seed * 7 + 3)}son`;
  const at = (minutesAgo: number) => new Date(options.now.getTime() - minutesAgo * 60_000);
  const amount = options.amount ?? 48_000;
  return {
    accountId,
    contactId,
    opportunityId,
    name,
    setup: [
      {
        entityType: 'account',
        externalId: accountId,
        changeKind: 'upsert',
        occurredAt: at(30),
        fields: { name: `${name} Inc.`, domain, website: `https://www.${domain}`, employees: options.employees ?? 240, address: { city, country: options.country ?? country }, ownerEmail: 'riley.ae@concord.example' },
      },
      {
        entityType: 'person',
        externalId: contactId,
        changeKind: 'upsert',
        occurredAt: at(29),
        fields: { firstName: first, lastName: last, email: `${first.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')}.${last.toLowerCase()}@${domain}`, title: 'VP Operations', role: 'buyer', accountRef: accountId },
      },
      {
        entityType: 'opportunity',
        externalId: opportunityId,
        changeKind: 'upsert',
        occurredAt: at(28),
        fields: {
          name: `${name} - Platform`,
          accountRef: accountId,
          amount,
          currency: 'USD',
          stage: 'Negotiation',
          isClosed: false,
          isWon: false,
          closeDate: options.now.toISOString().slice(0, 10),
          ownerEmail: 'riley.ae@concord.example',
          productLine: 'Platform',
          leadSource: 'Web',
          legalReview: options.legalReview ?? false,
        },
      },
    ],
    closeWon: { entityType: 'opportunity', externalId: opportunityId, changeKind: 'upsert', occurredAt: at(1), fields: { stage: 'Closed Won', isClosed: true, isWon: true } },
  };
};
