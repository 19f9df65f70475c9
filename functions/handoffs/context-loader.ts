/**
 * Builds what a handoff knows (HandoffContext) from the unified record: the account's golden
 * record and its records per system, its contacts with their roles, open tickets, the opportunity
 * or subscription that triggered it, and every identity question still open on any of them.
 * An adapter: it reads the identity and source-record stores and knows nothing of playbooks.
 */
import type { EntityItem, IdentityStore, ProposalItem } from '../identity/identity.store';
import type { SourceRecordStore } from '../reconcile/source-record.store';
import type { LifecycleStage, SourceRecord } from '../shared/canonical';
import type { ContextResult } from './executor';
import type { Ambiguity, ContextPerson, ContextTicket, HandoffContext } from './facts';
import type { TriggerRecord } from './handoff';
import type { HandoffStore } from './handoff.store';
import type { Playbook } from './playbook';
import { accountKeyOf, textOf as text } from './source-fields';

export interface ContextSources {
  /** The active entity a unified id or member source key names (merges followed). */
  entityOf(ref: string): Promise<EntityItem | undefined>;
  identity: Pick<IdentityStore, 'getEntities' | 'relatedTo' | 'proposals'>;
  records: Pick<SourceRecordStore, 'get' | 'getMany'>;
  handoffs: Pick<HandoffStore, 'get'>;
  /** The loaded playbooks: which step of a followed handoff assigned the CS owner. */
  playbooks: ReadonlyMap<string, Playbook>;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const bool = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

const CLOSED_TICKET = new Set(['closed', 'solved', 'resolved', 'done']);

/** The pending merge proposals looked through for an entity; more than this pending is a backlog to work off first. */
const PENDING_PROPOSALS_READ = 1000;

const goldenFields = (entity: EntityItem): Record<string, unknown> => ((entity.golden as { fields?: Record<string, unknown> } | undefined)?.fields ?? {});

const recordsOfMembers = (members: readonly string[]) =>
  members.map((sourceKey) => {
    const [system = '', , ...rest] = sourceKey.split('#');
    return { system, externalId: rest.join('#'), sourceKey };
  });

/** Trusted identifiers with more than one value: clustering never makes these, but automation checks anyway. */
const conflictingIdentifiers = (entity: EntityItem): Ambiguity[] =>
  Object.entries(entity.trustedIds)
    .filter(([, values]) => new Set(values).size > 1)
    .map(([name, values]) => ({ kind: 'conflicting-identifiers', detail: `${entity.label ?? entity.unifiedId} holds ${values.length} different ${name} values (${[...new Set(values)].join(', ')})` }));

const openProposalsOn = (proposals: readonly ProposalItem[], ids: ReadonlySet<string>, labels: ReadonlyMap<string, string>): Ambiguity[] =>
  proposals
    .filter((p) => ids.has(p.entityA) || ids.has(p.entityB))
    .map((p) => ({
      kind: 'open-proposal',
      detail: `merge proposal ${p.proposalId} (${labels.get(p.entityA) ?? p.entityA} ↔ ${labels.get(p.entityB) ?? p.entityB}, ${Math.round(p.probability * 100)}%) awaits a steward`,
    }));

const opportunityOf = (record: SourceRecord): HandoffContext['opportunity'] => {
  const f = record.fields;
  const opp: NonNullable<HandoffContext['opportunity']> = { sourceKey: record.sourceKey, system: record.sourceSystem, externalId: record.externalId, name: text(f.name) ?? record.externalId };
  const optional = {
    amount: num(f.amount),
    currency: text(f.currency),
    productLine: text(f.productLine),
    ownerEmail: text(f.ownerEmail),
    leadSource: text(f.leadSource),
    closeDate: text(f.closeDate),
    stage: text(f.stage),
    isWon: bool(f.isWon),
    legalReview: bool(f.legalReview),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (opp as unknown as Record<string, unknown>)[k] = v;
  return opp;
};

const ticketOf = (record: SourceRecord): ContextTicket => ({
  sourceKey: record.sourceKey,
  subject: text(record.fields.subject) ?? '(no subject)',
  status: text(record.fields.status) ?? 'open',
  priority: text(record.fields.priority) ?? 'normal',
  ...(text(record.fields.satisfaction) ? { satisfaction: text(record.fields.satisfaction) } : {}),
  ...(text(record.fields.openedAt) ? { openedAt: text(record.fields.openedAt) } : {}),
});

export class HandoffContextLoader {
  constructor(private readonly sources: ContextSources) {}

  /** `given`: records to read as they are here rather than from the store (a dry run's event). */
  async load(trigger: TriggerRecord, given: readonly SourceRecord[] = []): Promise<ContextResult> {
    const { sources } = this;
    const read = async (key: string) => given.find((r) => r.sourceKey === key) ?? (await sources.records.get(key));
    const followed = trigger.followsHandoffId ? await sources.handoffs.get(trigger.followsHandoffId) : undefined;
    // A takeover is about the deal its onboarding started from.
    const opportunityKey = trigger.opportunityKey ?? followed?.trigger.opportunityKey;
    const opportunityRecord = opportunityKey ? await read(opportunityKey) : undefined;
    const subscriptionRecord = trigger.subscriptionKey ? await read(trigger.subscriptionKey) : undefined;
    const accountRef = trigger.unifiedId ?? followed?.accountId ?? trigger.accountKey ?? accountKeyOf(opportunityRecord ?? subscriptionRecord);
    if (!accountRef) return { kind: 'missing', detail: `${trigger.title} names no account` };
    const account = await sources.entityOf(accountRef);
    if (!account || account.kind !== 'account') return { kind: 'missing', detail: `the account ${accountRef} is not unified yet` };

    const related = (await Promise.all(account.members.map((m) => sources.identity.relatedTo(m)))).flat();
    const relatedRecords = await sources.records.getMany(related.map((r) => r.sourceKey));
    const hierarchy = ((account.hierarchy as { people?: { personId: string; role: string | null }[] } | undefined)?.people ?? []).filter((p) => p.personId);
    const people = await sources.identity.getEntities(hierarchy.map((p) => p.personId));
    const contacts: ContextPerson[] = people
      .filter((p) => p.status === 'active')
      .map((p) => {
        const f = goldenFields(p);
        const role = hierarchy.find((h) => h.personId === p.unifiedId)?.role ?? undefined;
        return {
          unifiedId: p.unifiedId,
          name: [text(f.firstName), text(f.lastName)].filter(Boolean).join(' ') || (p.label ?? p.unifiedId),
          ...(text(f.email) ? { email: text(f.email) } : {}),
          ...(text(f.title) ? { title: text(f.title) } : {}),
          ...(role ? { role } : {}),
        };
      });
    const openTickets = relatedRecords.filter((r) => r.entityType === 'ticket' && r.status === 'active' && !CLOSED_TICKET.has(String(r.fields.status ?? '').toLowerCase())).map(ticketOf);

    const ids = new Set([account.unifiedId, ...people.map((p) => p.unifiedId)]);
    const labels = new Map([[account.unifiedId, account.label ?? account.unifiedId], ...people.map((p) => [p.unifiedId, p.label ?? p.unifiedId] as const)]);
    const pending = await sources.identity.proposals('pending', PENDING_PROPOSALS_READ);
    const ambiguities = [...openProposalsOn(pending, ids, labels), ...conflictingIdentifiers(account), ...people.flatMap(conflictingIdentifiers)];

    const g = goldenFields(account);
    const address = (g.address ?? {}) as Record<string, unknown>;
    const context: HandoffContext = {
      account: {
        unifiedId: account.unifiedId,
        name: text(g.name) ?? account.label ?? account.unifiedId,
        records: recordsOfMembers(account.members),
        ...optionalFields({
          domain: text(g.domain),
          country: text(address.country),
          employees: num(g.employees),
          industry: text(g.industry),
          lifecycleStage: text(account.lifecycleStage) as LifecycleStage | undefined,
          ownerEmail: text(g.ownerEmail),
        }),
      },
      contacts,
      openTickets,
      ambiguities,
    };
    if (opportunityRecord) context.opportunity = opportunityOf(opportunityRecord);
    else if (trigger.kind === 'lifecycleChanged') {
      // A converted lead: the newest open opportunity on the account is the one to carry it onto.
      const open = relatedRecords.filter((r) => r.entityType === 'opportunity' && r.status === 'active' && r.fields.isClosed !== true);
      const newest = open.sort((a, b) => b.firstSeenAt.localeCompare(a.firstSeenAt))[0];
      if (newest) context.opportunity = opportunityOf(newest);
    }
    if (subscriptionRecord && text(subscriptionRecord.fields.currentPeriodEnd)) {
      const f = subscriptionRecord.fields;
      context.subscription = {
        sourceKey: subscriptionRecord.sourceKey,
        currentPeriodEnd: text(f.currentPeriodEnd) as string,
        ...optionalFields({ plan: text(f.plan), amount: num(f.amount), currency: text(f.currency), quantity: num(f.quantity) }),
      };
    }
    if (followed) {
      const outputs: Record<string, unknown> = {};
      for (const id of followed.stepOrder) {
        const step = followed.steps[id];
        if (step?.status === 'done') outputs[id] = step.values;
      }
      const assigning = sources.playbooks.get(followed.playbook)?.steps.find((s) => s.kind === 'cs.assignOwner');
      const csOwner = assigning ? followed.steps[assigning.id]?.values : undefined;
      context.previous = { handoffId: followed.handoffId, playbook: followed.playbook, outputs: { ...outputs, ...(csOwner ? { csOwner } : {}) } };
    }
    return { kind: 'found', context };
  }
}

const optionalFields = <T extends Record<string, unknown>>(fields: T): Partial<T> => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
