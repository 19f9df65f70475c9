/**
 * What people see of a unified entity, rebuilt from its members on every change: the golden record
 * (survivorship.ts), and for an account its lifecycle stage (lifecycle.ts) and contact hierarchy
 * (contact-hierarchy.ts). Pure: the shell gathers the records, passes the clock, and stores and
 * publishes what comes out.
 */
import type { Account, Invoice, Opportunity, Order, Person, SourceRecord, Subscription, Ticket } from '../../shared/canonical';
import { buildContactHierarchy, type ContactHierarchy } from './contact-hierarchy';
import { decideLifecycle, lifecycleTransition, type LifecycleChanged, type LifecycleDecision } from './lifecycle';
import type { Sourced } from './sourced';
import { buildGoldenRecord, type FieldOverride, type GoldenRecord, type SurvivorshipRules } from './survivorship';

export interface EntityViews {
  /** A short name for lists: the golden name, or the person's name or email. */
  label: string;
  golden: GoldenRecord;
  lifecycle?: LifecycleDecision;
  hierarchy?: ContactHierarchy;
  /** Set when the lifecycle stage changed (handoffs hang off these). */
  transition?: LifecycleChanged;
}

export interface AccountViewInput {
  unifiedId: string;
  members: readonly SourceRecord[];
  /** Records of other types that refer to a member (deals, subscriptions, invoices, orders, tickets, people). */
  related: readonly SourceRecord[];
  /** The related people, by their unified person id. */
  personIdOf: ReadonlyMap<string, string>;
  overrides: readonly FieldOverride[];
  rules: SurvivorshipRules;
  previousLifecycle?: LifecycleDecision;
  now: Date;
}

const sourced = <T>(r: SourceRecord): Sourced<T> => ({
  sourceKey: r.sourceKey,
  sourceSystem: r.sourceSystem,
  externalId: r.externalId,
  status: r.status,
  fields: r.fields as Partial<T>,
  fieldVersions: r.fieldVersions,
});

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * Whether `record` still refers to one of the members: a deal moved to another account leaves a
 * stale relation behind, which must not count.
 */
const refersTo = (record: SourceRecord, members: readonly SourceRecord[]): boolean =>
  members.some((m) => m.sourceSystem === record.sourceSystem && record.fields.accountRef === m.externalId);

export const buildAccountViews = (input: AccountViewInput): EntityViews => {
  const golden = buildGoldenRecord('account', input.members, input.rules, input.overrides);
  const related = input.related.filter((r) => refersTo(r, input.members));
  const ofType = <T>(type: SourceRecord['entityType']) => related.filter((r) => r.entityType === type).map((r) => sourced<T>(r));
  const lifecycle = decideLifecycle(
    {
      unifiedId: input.unifiedId,
      accounts: input.members.map((m) => sourced<Account>(m)),
      opportunities: ofType<Opportunity>('opportunity'),
      subscriptions: ofType<Subscription>('subscription'),
      invoices: ofType<Invoice>('invoice'),
      orders: ofType<Order>('order'),
    },
    input.now,
  );
  const people = new Map<string, Sourced<Person>[]>();
  for (const r of related) {
    if (r.entityType !== 'person') continue;
    const personId = input.personIdOf.get(r.sourceKey);
    if (personId === undefined) continue;
    people.set(personId, [...(people.get(personId) ?? []), sourced<Person>(r)]);
  }
  const hierarchy = buildContactHierarchy({
    people: [...people].map(([personId, members]) => ({ personId, members })),
    dealContactRoles: [],
    tickets: ofType<Ticket>('ticket'),
    billingContacts: [],
  });
  const transition = lifecycleTransition(input.previousLifecycle, lifecycle, input.now);
  return {
    label: text(golden.fields.name) ?? text(golden.fields.domain) ?? input.unifiedId,
    golden,
    lifecycle,
    hierarchy,
    ...(transition ? { transition } : {}),
  };
};

export const buildPersonViews = (input: { unifiedId: string; members: readonly SourceRecord[]; overrides: readonly FieldOverride[]; rules: SurvivorshipRules }): EntityViews => {
  const golden = buildGoldenRecord('person', input.members, input.rules, input.overrides);
  const name = [text(golden.fields.firstName), text(golden.fields.lastName)].filter(Boolean).join(' ');
  return { label: name || text(golden.fields.email) || input.unifiedId, golden };
};
