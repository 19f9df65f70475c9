/**
 * What starts a handoff (pure): which playbooks a stored opportunity, a lifecycle transition, a due
 * renewal or a completed onboarding project starts, and under which trigger key — the key makes the
 * handoff's id, so the same closed-won delivered ten times is one handoff.
 */
import type { SourceRecord } from '../shared/canonical';
import type { LifecycleChanged } from '../identity/golden/lifecycle';
import type { TriggerRecord } from './handoff';
import type { ProjectWatch, RenewalDue } from './handoff.store';
import type { HandoffRequested } from './events';
import type { Playbook } from './playbook';
import { accountKeyOf, textOf as text } from './source-fields';


const requests = (playbooks: readonly Playbook[], trigger: TriggerRecord): HandoffRequested[] => playbooks.map((p) => ({ playbook: p.name, trigger }));

const DAY = 86_400_000;

/** Closed within the playbook's window (by its close date, else by when Concord first saw it). */
const recentlyClosed = (record: SourceRecord, maxAgeDays: number, now: Date): boolean => {
  const closed = Date.parse(text(record.fields.closeDate) ?? record.firstSeenAt);
  return Number.isNaN(closed) || now.getTime() - closed <= maxAgeDays * DAY;
};

/**
 * A closed-won opportunity starts every opportunityWon playbook, once per opportunity; a deal won
 * long ago starts none. Nor does one that names no account yet (a HubSpot deal before its company
 * association): the change that names it is stored too, and starts the handoff then.
 */
export const onOpportunity = (playbooks: readonly Playbook[], record: SourceRecord, now: Date): HandoffRequested[] => {
  if (record.status !== 'active' || record.fields.isWon !== true) return [];
  const accountKey = accountKeyOf(record);
  if (!accountKey) return [];
  const name = text(record.fields.name) ?? record.externalId;
  return requests(
    playbooks.filter((p) => p.trigger.kind === 'opportunityWon' && recentlyClosed(record, p.trigger.maxAgeDays, now)),
    {
      kind: 'opportunityWon',
      key: record.sourceKey,
      title: `${name} closed-won (${record.sourceSystem} ${record.externalId})`,
      opportunityKey: record.sourceKey,
      accountKey,
      occurredAt: record.updatedAt,
    },
  );
};

export const onLifecycleChanged = (playbooks: readonly Playbook[], change: LifecycleChanged): HandoffRequested[] =>
  requests(
    playbooks.filter((p) => p.trigger.kind === 'lifecycleChanged' && p.trigger.to.includes(change.to) && (p.trigger.from === undefined || (change.from !== null && p.trigger.from.includes(change.from)))),
    {
      kind: 'lifecycleChanged',
      key: `${change.unifiedId}:${change.from ?? 'none'}->${change.to}:${change.at}`,
      title: `${change.unifiedId} moved from ${change.from ?? '(no stage)'} to ${change.to}`,
      unifiedId: change.unifiedId,
      occurredAt: change.at,
    },
  );


/**
 * When each renewal playbook should start for a subscription: `daysBefore` its term ends. None for a
 * subscription that ends without renewing (canceled, or set to cancel at the period's end).
 */
export const renewalsFor = (playbooks: readonly Playbook[], record: SourceRecord): { due: RenewalDue[]; notDue: string[] } => {
  const renewal = playbooks.filter((p) => p.trigger.kind === 'renewalDue');
  const termEnd = text(record.fields.currentPeriodEnd);
  const accountKey = accountKeyOf(record);
  const status = String(record.fields.status ?? '').toLowerCase();
  const ends = record.status !== 'active' || record.fields.cancelAtPeriodEnd === true || ['canceled', 'cancelled', 'incomplete_expired', 'ended'].includes(status);
  if (ends || !termEnd || !accountKey || Number.isNaN(Date.parse(termEnd))) return { due: [], notDue: renewal.map((p) => p.name) };
  return {
    due: renewal.map((p) => ({
      playbook: p.name,
      subscriptionKey: record.sourceKey,
      accountKey,
      termEnd,
      dueOn: new Date(Date.parse(termEnd) - (p.trigger.kind === 'renewalDue' ? p.trigger.daysBefore : 0) * DAY).toISOString().slice(0, 10),
    })),
    notDue: [],
  };
};

export const onRenewalDue = (renewal: RenewalDue, accountName?: string): HandoffRequested => ({
  playbook: renewal.playbook,
  trigger: {
    kind: 'renewalDue',
    key: `${renewal.subscriptionKey}:${renewal.termEnd}`,
    title: `${accountName ?? renewal.accountKey}: term ends ${renewal.termEnd.slice(0, 10)}`,
    subscriptionKey: renewal.subscriptionKey,
    accountKey: renewal.accountKey,
    termEnd: renewal.termEnd,
    occurredAt: renewal.dueOn,
  },
});

export const onProjectCompleted = (playbooks: readonly Playbook[], watch: ProjectWatch, completedAt: string, accountName?: string): HandoffRequested[] =>
  requests(
    playbooks.filter((p) => p.trigger.kind === 'projectCompleted' && p.trigger.playbook === watch.playbook),
    {
      kind: 'projectCompleted',
      key: watch.handoffId,
      title: `${accountName ?? 'The customer'}'s onboarding project ${watch.projectId} is complete`,
      followsHandoffId: watch.handoffId,
      occurredAt: completedAt,
    },
  );
