/**
 * Runs one handoff: the playbook's steps in order, each exactly once.
 *
 * - The handoff's id comes from its trigger; whoever holds its lease runs it. A trigger delivered
 *   again while it runs starts nothing; after a crash the lease runs out and the redelivery resumes
 *   at the first step not done.
 * - Each step is claimed before its target is called and recorded after. The target gets the step's
 *   key (an idempotency key or external reference), so a step whose outcome was lost is simply made
 *   again and finds what the first attempt made. A step whose target cannot take a key (email)
 *   is never made again blind: an attempt with an unknown outcome becomes an exception.
 * - A target that is down is retried here a few times, then by redelivery (the queue's visibility
 *   timeout is the backoff), and after `maxStepAttempts` the handoff stops at an exception.
 * - Every change is published as `handoff.updated`, so the one Slack receipt follows along.
 */
import type { SourceRecord } from '../shared/canonical';
import type { EventBus } from '../shared/ports';
import { recordOutcome } from './circuit-breaker';
import { allHold, chooseTemplate } from './conditions';
import type { HandoffContext } from './facts';
import { gateOf } from './gate';
import { handoffIdOf, stepKeyOf, type HandoffException, type HandoffItem, type StepState, type TriggerRecord } from './handoff';
import type { HandoffStore } from './handoff.store';
import { HANDOFF_EVENT_SOURCE } from './events';
import type { Playbook } from './playbook';
import { STEP_KINDS, type StepKind } from './step-kinds';
import { runnerOf, type StepDeps, type StepOutcome } from './steps';

export interface HandoffRequest {
  playbook: string;
  trigger: TriggerRecord;
}

export type RunResult =
  | { kind: 'completed' | 'exception' | 'held' | 'skipped'; handoffId: string }
  /** Someone else runs it, or it is settled already: nothing was done. */
  | { kind: 'not-run'; handoffId: string; why: 'in-flight' | 'settled' };

/** Thrown to have the queue deliver the trigger again later (the visibility timeout is the wait). */
export class RetryLater extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLater';
  }
}

export type ContextResult = { kind: 'found'; context: HandoffContext } | { kind: 'missing'; detail: string };

export interface ExecutorDeps {
  playbooks: ReadonlyMap<string, Playbook>;
  store: HandoffStore;
  /** `given`: records to read as given instead of from the store (the dry run). */
  loadContext(trigger: TriggerRecord, playbook: Playbook, given?: readonly SourceRecord[]): Promise<ContextResult>;
  steps: StepDeps;
  bus: EventBus;
  clock: { now(): Date };
  /** Names this run as the lease holder. */
  owner: string;
  /** How long a lease lasts; less than the queue's visibility timeout, more than a step can take. */
  leaseMs: number;
  /** Waits between the quick retries of a failing target within one delivery. */
  quickRetryDelaysMs: readonly number[];
  sleep(ms: number): Promise<void>;
  /** Attempts of one step (over all deliveries) before it stops at an exception. */
  maxStepAttempts: number;
  /** How long a trigger may wait for its customer to be unified before it is an exception. */
  identityWaitMs: number;
  /** For crash tests only: called at each step boundary; throwing there is a crash. */
  atBoundary?(handoffId: string, stepId: string, phase: 'claimed' | 'recorded'): void;
}

const HANDOFF_UPDATED = 'handoff.updated';

export class HandoffExecutor {
  constructor(private readonly deps: ExecutorDeps) {}

  async run(request: HandoffRequest): Promise<RunResult> {
    const { deps } = this;
    const playbook = deps.playbooks.get(request.playbook);
    if (!playbook) throw new Error(`no playbook "${request.playbook}" is loaded`);
    const handoffId = handoffIdOf(playbook.name, request.trigger.key);
    const begun = await deps.store.begin({
      handoffId,
      playbook: playbook.name,
      trigger: request.trigger,
      stepOrder: playbook.steps.map((s) => s.id),
      owner: deps.owner,
      now: deps.clock.now().getTime(),
      leaseMs: deps.leaseMs,
    });
    if (begun.kind === 'settled') {
      // Said again, as a redelivery may follow a run that died after settling and before telling.
      await this.published(begun.handoff);
      return { kind: 'not-run', handoffId, why: 'settled' };
    }
    if (begun.kind === 'in-flight') return { kind: 'not-run', handoffId, why: 'in-flight' };
    let handoff = begun.handoff;
    if (begun.kind === 'started') await this.published(handoff);

    const state = await deps.store.playbookState(playbook.name);
    if (state.paused) return this.settle(handoff, 'held', `playbook ${playbook.name} is paused: ${state.reason ?? 'by a person'}`);

    const loaded = await this.contextOf(request.trigger, playbook);
    if (loaded.kind === 'missing') {
      if (deps.clock.now().getTime() - Date.parse(handoff.createdAt) < deps.identityWaitMs) {
        await deps.store.release(handoffId, deps.owner, this.at());
        throw new RetryLater(`waiting for the customer to be unified: ${loaded.detail}`);
      }
      return this.stop(handoff, playbook, { reason: 'no-account', detail: loaded.detail }, false);
    }
    const { context } = loaded;
    // Named before any gate, so an exception's receipt says whose it is.
    await deps.store.describe(handoffId, deps.owner, { accountId: context.account.unifiedId, accountName: context.account.name }, this.at());
    handoff = { ...handoff, accountId: context.account.unifiedId, accountName: context.account.name };
    if (!allHold(playbook.conditions, context)) return this.settle(handoff, 'skipped', `${request.trigger.title}: the playbook's conditions do not hold`);
    const gate = gateOf(playbook, context);
    if (gate) return this.stop(handoff, playbook, gate, false);
    const template = chooseTemplate(playbook.templates, context);
    if (!template) return this.stop(handoff, playbook, { reason: 'no-template', detail: `${request.trigger.title} fits none of the templates ${playbook.templates.map((t) => t.name).join(', ')}` }, false);
    await deps.store.describe(handoffId, deps.owner, { template: template.name }, this.at());
    handoff = { ...handoff, template: template.name };

    const kindOf = new Map(playbook.steps.map((s) => [s.id, s.kind]));
    // The steps the handoff started with: a step added to the playbook since is for new handoffs.
    for (const step of playbook.steps.filter((s) => handoff.stepOrder.includes(s.id))) {
      if (handoff.steps[step.id]?.status === 'done') continue;
      const claimedAt = this.at();
      const before = await deps.store.claimStep(handoffId, step.id, deps.owner, claimedAt, deps.clock.now().getTime() + deps.leaseMs);
      if (!before) return { kind: 'not-run', handoffId, why: 'in-flight' };
      deps.atBoundary?.(handoffId, step.id, 'claimed');
      const attempts = before.attempts + 1;
      if (before.status === 'running' && STEP_KINDS[step.kind].delivery === 'at-most-once') {
        const detail = `an earlier attempt of “${STEP_KINDS[step.kind].title}” stopped before its outcome was recorded; it may or may not have happened — check, then retry or resolve`;
        handoff = await this.recorded(handoff, step.id, { status: 'failed', attempts, records: [], values: {}, error: detail, retryable: false });
        return this.stop(handoff, playbook, { reason: 'outcome-unknown', detail, stepId: step.id }, true);
      }
      const outcome = await this.attempt(step.kind, {
        handoffId,
        stepId: step.id,
        key: stepKeyOf(handoffId, step.id),
        playbookTitle: playbook.title,
        template: template.values,
        context,
        earlier: (kind: StepKind) => {
          const id = [...kindOf].find(([, k]) => k === kind)?.[0];
          return id === undefined ? undefined : handoff.steps[id];
        },
        now: deps.clock.now(),
      });
      const finishedAt = this.at();
      if (outcome.status === 'done') {
        handoff = await this.recorded(handoff, step.id, { status: 'done', attempts, startedAt: claimedAt, finishedAt, records: outcome.records, values: outcome.values, summary: outcome.summary });
        deps.atBoundary?.(handoffId, step.id, 'recorded');
        continue;
      }
      handoff = await this.recorded(handoff, step.id, { status: 'failed', attempts, startedAt: claimedAt, finishedAt, records: [], values: {}, error: outcome.detail, retryable: outcome.retryable });
      if (this.mayHaveHappened(step.kind, outcome)) {
        const detail = `“${STEP_KINDS[step.kind].title}” may or may not have happened (${outcome.detail}) — check, then retry or resolve`;
        return this.stop(handoff, playbook, { reason: 'outcome-unknown', detail, stepId: step.id }, true);
      }
      if (outcome.retryable && attempts < deps.maxStepAttempts) {
        await deps.store.release(handoffId, deps.owner, this.at());
        throw new RetryLater(`${step.id} (attempt ${attempts} of ${deps.maxStepAttempts}): ${outcome.detail}`);
      }
      const detail = outcome.retryable ? `${STEP_KINDS[step.kind].title} still failing after ${attempts} attempts: ${outcome.detail}` : `${STEP_KINDS[step.kind].title} refused: ${outcome.detail}`;
      return this.stop(handoff, playbook, { reason: 'step-failed', detail, stepId: step.id }, true);
    }
    // The project is watched before the handoff says it is done: a crash in between leaves a
    // watch of a running handoff (harmless), never a completed one nobody watches.
    const project = playbook.steps.find((s) => s.kind === 'pm.project');
    const projectId = project ? handoff.steps[project.id]?.records[0]?.id : undefined;
    const awaited = [...deps.playbooks.values()].some((p) => p.trigger.kind === 'projectCompleted' && p.trigger.playbook === playbook.name);
    if (projectId && awaited) await deps.store.watchProject({ handoffId, playbook: playbook.name, projectId, since: this.at() });
    const result = await this.settle(handoff, 'completed', `${playbook.title}: every step done`);
    await this.countOutcome(playbook, handoffId, true);
    return result;
  }

  /**
   * The handoff's context. A customer not unified yet is usually a moment away (its record and the
   * deal arrived together), so this delivery waits a little before handing it back to the queue.
   */
  private async contextOf(trigger: TriggerRecord, playbook: Playbook): Promise<ContextResult> {
    let loaded = await this.deps.loadContext(trigger, playbook);
    for (const delay of this.deps.quickRetryDelaysMs) {
      if (loaded.kind === 'found') break;
      await this.deps.sleep(delay);
      loaded = await this.deps.loadContext(trigger, playbook);
    }
    return loaded;
  }

  /** One delivery's attempts at a step: a retryable failure is tried again after a short wait. */
  private async attempt(kind: StepKind, run: Parameters<ReturnType<typeof runnerOf>['execute']>[0]): Promise<StepOutcome> {
    let outcome = await runnerOf(kind).execute(run, this.deps.steps);
    for (const delay of this.deps.quickRetryDelaysMs) {
      if (outcome.status === 'done' || !outcome.retryable || this.mayHaveHappened(kind, outcome)) break;
      await this.deps.sleep(delay);
      outcome = await runnerOf(kind).execute(run, this.deps.steps);
    }
    return outcome;
  }

  /** A failure that may have taken effect, on a step that must not happen twice: only a person can tell. */
  private mayHaveHappened(kind: StepKind, outcome: StepOutcome): boolean {
    return outcome.status === 'failed' && outcome.outcomeUnknown === true && STEP_KINDS[kind].delivery === 'at-most-once';
  }

  private async recorded(handoff: HandoffItem, stepId: string, state: StepState): Promise<HandoffItem> {
    const saved = await this.deps.store.recordStep(handoff.handoffId, stepId, this.deps.owner, state, this.at());
    if (!saved) throw new Error(`handoff ${handoff.handoffId}: the lease was lost while recording ${stepId}`);
    const next = { ...handoff, steps: { ...handoff.steps, [stepId]: state } };
    await this.published(next);
    return next;
  }

  private async stop(handoff: HandoffItem, playbook: Playbook, exception: Omit<HandoffException, 'at'>, countsAsFailure: boolean): Promise<RunResult> {
    const at = this.at();
    const result = await this.settle(handoff, 'exception', exception.detail, { ...exception, at });
    if (countsAsFailure) await this.countOutcome(playbook, handoff.handoffId, false);
    return result;
  }

  private async settle(handoff: HandoffItem, status: 'completed' | 'exception' | 'held' | 'skipped', detail: string, exception?: HandoffException): Promise<RunResult> {
    const at = this.at();
    const saved = await this.deps.store.settle(handoff, this.deps.owner, status, { at, by: 'concord', action: status, detail }, exception);
    if (!saved) return { kind: 'not-run', handoffId: handoff.handoffId, why: 'in-flight' };
    await this.published({ ...handoff, status });
    return { kind: status, handoffId: handoff.handoffId };
  }

  /** Feeds the circuit breaker; a trip pauses the playbook and tells Slack. */
  private async countOutcome(playbook: Playbook, handoffId: string, ok: boolean): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const state = await this.deps.store.playbookState(playbook.name);
      const decision = recordOutcome(state, handoffId, ok, playbook.circuitBreaker, this.at());
      if (decision.next === state) return;
      if (!(await this.deps.store.savePlaybookState(decision.next, state))) continue;
      if (decision.tripped) {
        await this.deps.bus.publish([{ source: HANDOFF_EVENT_SOURCE, detailType: 'handoff.playbookPaused', detail: { playbook: playbook.name, title: playbook.title, reason: decision.next.reason, at: decision.next.pausedAt } }]);
      }
      return;
    }
  }

  private async published(handoff: Pick<HandoffItem, 'handoffId' | 'playbook' | 'status'>): Promise<void> {
    await this.deps.bus.publish([{ source: HANDOFF_EVENT_SOURCE, detailType: HANDOFF_UPDATED, detail: { handoffId: handoff.handoffId, playbook: handoff.playbook, status: handoff.status } }]);
  }

  private at(): string {
    return this.deps.clock.now().toISOString();
  }
}
