/**
 * The dry run: what a playbook would do for an event — whether it runs, which template it picks,
 * and for each step what it would create, where and for whom — read from the live unified record
 * but touching no target and writing nothing (`concord playbook simulate NAME --event FILE`).
 */
import { z } from 'zod';
import { LifecycleChanged } from '../identity/golden/lifecycle';
import { EntityType, SourceSystem, type SourceRecord } from '../shared/canonical';
import { allHold, chooseTemplate } from './conditions';
import type { ContextResult } from './executor';
import { gateOf } from './gate';
import { handoffIdOf, type TriggerRecord } from './handoff';
import type { Playbook } from './playbook';
import { STEP_KINDS } from './step-kinds';
import { runnerOf, type StepPreview } from './steps';
import { onLifecycleChanged, onOpportunity } from './triggers';

/** An event file: a source record as it would be after the change, or a lifecycle transition. */
export const SimulatedEvent = z.union([
  LifecycleChanged,
  z
    .object({
      sourceSystem: SourceSystem,
      entityType: EntityType,
      externalId: z.string().min(1),
      fields: z.record(z.string(), z.unknown()),
    })
    .strict(),
]);
export type SimulatedEvent = z.infer<typeof SimulatedEvent>;

export interface Simulation {
  playbook: string;
  handoffId?: string;
  trigger?: TriggerRecord;
  decision: 'run' | 'skip' | 'exception' | 'not-triggered';
  reason?: string;
  template?: string;
  account?: { unifiedId: string; name: string };
  steps: (StepPreview & { id: string; title: string })[];
}

/** The event as the stored record it describes; fields given replace the stored ones. */
const recordOf = (event: Extract<SimulatedEvent, { fields: unknown }>, stored: SourceRecord | undefined, now: Date): SourceRecord => {
  const sourceKey = `${event.sourceSystem}#${event.entityType}#${event.externalId}`;
  const at = now.toISOString();
  return {
    ...(stored ?? { sourceKey, sourceSystem: event.sourceSystem, entityType: event.entityType, externalId: event.externalId, fieldVersions: {}, version: '0000000000000000:0000000000', statusVersion: '0000000000000000:0000000000', lastEventId: 'simulated', firstSeenAt: at, updatedAt: at }),
    status: 'active',
    fields: { ...(stored?.fields ?? {}), ...event.fields },
  } as SourceRecord;
};

export const simulate = async (
  playbook: Playbook,
  event: SimulatedEvent,
  deps: { storedRecord(key: string): Promise<SourceRecord | undefined>; loadContext(trigger: TriggerRecord, given: readonly SourceRecord[]): Promise<ContextResult>; now: Date },
): Promise<Simulation> => {
  const base = { playbook: playbook.name, steps: [] };
  let given: SourceRecord[] = [];
  let trigger: TriggerRecord | undefined;
  if ('type' in event) {
    trigger = onLifecycleChanged([playbook], event)[0]?.trigger;
  } else {
    const record = recordOf(event, await deps.storedRecord(`${event.sourceSystem}#${event.entityType}#${event.externalId}`), deps.now);
    given = [record];
    if (playbook.trigger.kind === 'opportunityWon') trigger = onOpportunity([playbook], record, deps.now)[0]?.trigger;
    else if (playbook.trigger.kind === 'renewalDue' && record.entityType === 'subscription') {
      const termEnd = String(record.fields.currentPeriodEnd ?? '');
      trigger = { kind: 'renewalDue', key: `${record.sourceKey}:${termEnd}`, title: `term ends ${termEnd.slice(0, 10)}`, subscriptionKey: record.sourceKey, accountKey: `${record.sourceSystem}#account#${String(record.fields.accountRef ?? '')}`, termEnd, occurredAt: deps.now.toISOString() };
    }
  }
  if (!trigger) return { ...base, decision: 'not-triggered', reason: `this event does not start ${playbook.name} (its trigger: ${JSON.stringify(playbook.trigger)})` };
  const handoffId = handoffIdOf(playbook.name, trigger.key);
  const loaded = await deps.loadContext(trigger, given);
  if (loaded.kind === 'missing') return { ...base, handoffId, trigger, decision: 'exception', reason: loaded.detail };
  const { context } = loaded;
  const account = { unifiedId: context.account.unifiedId, name: context.account.name };
  if (!allHold(playbook.conditions, context)) return { ...base, handoffId, trigger, account, decision: 'skip', reason: "the playbook's conditions do not hold" };
  const gate = gateOf(playbook, context);
  if (gate) return { ...base, handoffId, trigger, account, decision: 'exception', reason: `${gate.reason}: ${gate.detail}` };
  const template = chooseTemplate(playbook.templates, context);
  if (!template) return { ...base, handoffId, trigger, account, decision: 'exception', reason: 'fits no template' };
  const steps = playbook.steps.map((step) => ({
    id: step.id,
    title: STEP_KINDS[step.kind].title,
    ...runnerOf(step.kind).preview({ handoffId, stepId: step.id, key: `${handoffId}.${step.id}`, playbookTitle: playbook.title, template: template.values, context, earlier: () => undefined, now: deps.now }),
  }));
  return { ...base, handoffId, trigger, account, decision: 'run', template: template.name, steps };
};
