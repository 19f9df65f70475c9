/**
 * The handoffs' application service: turns what arrives (stored records, lifecycle transitions,
 * the schedule's sweep) into handoff requests, runs requested handoffs, and does what people ask
 * from Slack or the command line (retry, resolve, assign, confirm, resume a paused playbook).
 * The SQS handler (handoffs.handler.ts), the Slack worker and the CLI all go through it.
 */
import type { SourceRecordStore } from '../reconcile/source-record.store';
import type { LifecycleChanged } from '../identity/golden/lifecycle';
import type { IdGenerator } from '../shared/ports';
import { resumed } from './circuit-breaker';
import { handoffRequested, HANDOFF_DETAIL_TYPES, HANDOFF_EVENT_SOURCE, type HandoffRequested } from './events';
import { HandoffExecutor, type ExecutorDeps, type RunResult } from './executor';
import type { HandoffItem } from './handoff';
import type { Playbook, PlaybookError } from './playbook';
import type { PmPort } from './targets/ports';
import { simulate, type SimulatedEvent, type Simulation } from './simulate';
import { onLifecycleChanged, onOpportunity, onProjectCompleted, onRenewalDue, renewalsFor } from './triggers';

export interface HandoffServiceDeps extends Omit<ExecutorDeps, 'owner'> {
  /** Playbook files this runtime cannot run, with their reasons. */
  refused: readonly PlaybookError[];
  records: Pick<SourceRecordStore, 'get'>;
  pm: Pick<PmPort, 'projectStatus'>;
  ids: IdGenerator;
}

/** Longer than the queue takes to redeliver a waiting handoff (its visibility timeout, 2 minutes), with room. */
const STALLED_AFTER_MS = 20 * 60_000;

export type ActionOutcome = { ok: true; handoff: HandoffItem } | { ok: false; why: string };

export class HandoffService {
  private readonly playbookList: Playbook[];

  constructor(private readonly deps: HandoffServiceDeps) {
    this.playbookList = [...deps.playbooks.values()];
  }

  get playbooks(): readonly Playbook[] {
    return this.playbookList;
  }

  get refused(): readonly PlaybookError[] {
    return this.deps.refused;
  }

  /** Runs one requested handoff under a lease of its own. */
  async run(request: HandoffRequested): Promise<RunResult> {
    return new HandoffExecutor({ ...this.deps, owner: this.deps.ids.next() }).run(request);
  }

  /** A stored source record: a won opportunity starts handoffs; a subscription's term schedules its renewal. */
  async onRecordStored(sourceKey: string, entityType: string): Promise<number> {
    if (entityType !== 'opportunity' && entityType !== 'subscription') return 0;
    const record = await this.deps.records.get(sourceKey);
    if (!record) return 0;
    if (entityType === 'opportunity') return this.request(onOpportunity(this.playbookList, record, this.deps.clock.now()));
    const { due, notDue } = renewalsFor(this.playbookList, record);
    await Promise.all([...due.map((d) => this.deps.store.putRenewal(d)), ...notDue.map((playbook) => this.deps.store.removeRenewal(playbook, sourceKey))]);
    return 0;
  }

  async onLifecycleChanged(change: LifecycleChanged): Promise<number> {
    return this.request(onLifecycleChanged(this.playbookList, change));
  }

  /** The schedule's nudge: renewals now due, onboarding projects now completed, stalled handoffs. */
  async sweep(): Promise<{ renewals: number; projects: number; restarted: number }> {
    const today = this.deps.clock.now().toISOString().slice(0, 10);
    const due = await this.deps.store.renewalsDue(today);
    for (const renewal of due) {
      await this.request([onRenewalDue(renewal)]);
      // The request is idempotent by its key; the due date is done with once it is asked for.
      await this.deps.store.removeRenewal(renewal.playbook, renewal.subscriptionKey);
    }
    let projects = 0;
    for (const watch of await this.deps.store.watchedProjects()) {
      const status = await this.deps.pm.projectStatus(watch.projectId);
      if (status.status !== 'done' || !status.value.completed) continue;
      const handoff = await this.deps.store.get(watch.handoffId);
      await this.request(onProjectCompleted(this.playbookList, watch, status.value.completedAt ?? this.deps.clock.now().toISOString(), handoff?.accountName));
      await this.deps.store.unwatchProject(watch.handoffId);
      projects++;
    }
    return { renewals: due.length, projects, restarted: await this.restartStalled() };
  }

  /**
   * Handoffs left running with no live lease and no change for a while: their message was lost
   * (it ran out of receives, or a retry's request was never published). Asked for again, they
   * resume where they stopped, or settle.
   */
  private async restartStalled(): Promise<number> {
    const now = this.deps.clock.now().getTime();
    const stalled = (await this.deps.store.list('running', 200)).filter(
      (h) => (h.leaseUntil ?? 0) < now && now - Date.parse(h.updatedAt) > STALLED_AFTER_MS,
    );
    await this.request(stalled.map((h) => ({ playbook: h.playbook, trigger: h.trigger })));
    return stalled.length;
  }

  // ---- what people ask ------------------------------------------------------------------------

  /** Sends a stopped handoff round again from where it stopped. */
  async retry(handoffId: string, by: string): Promise<ActionOutcome> {
    const reopened = await this.deps.store.reopen(handoffId, ['exception'], { at: this.at(), by, action: 'retried' });
    if (!reopened) return this.refusal(handoffId, 'only a handoff stopped at an exception can be retried');
    await this.request([{ playbook: reopened.playbook, trigger: reopened.trigger }]);
    return { ok: true, handoff: reopened };
  }

  /** Closes an exception as handled by hand. */
  async resolve(handoffId: string, by: string, note?: string): Promise<ActionOutcome> {
    const done = await this.deps.store.resolve(handoffId, { at: this.at(), by, action: 'resolved', ...(note ? { detail: note } : {}) });
    return done ? this.changed(handoffId) : this.refusal(handoffId, 'only an open exception can be resolved');
  }

  async assign(handoffId: string, assignee: string, by: string): Promise<ActionOutcome> {
    const done = await this.deps.store.assign(handoffId, assignee, { at: this.at(), by, action: 'assigned', detail: assignee });
    return done ? this.changed(handoffId) : this.refusal(handoffId, 'only an open exception can be assigned');
  }

  async confirm(handoffId: string, by: string): Promise<ActionOutcome> {
    const done = await this.deps.store.confirm(handoffId, by, this.at());
    return done ? this.changed(handoffId) : this.refusal(handoffId, 'only a finished handoff can be confirmed, and only once');
  }

  /** Resumes a paused playbook; the handoffs it held run now. */
  async resumePlaybook(name: string, by: string): Promise<{ ok: true; released: number } | { ok: false; why: string }> {
    if (!this.deps.playbooks.has(name)) return { ok: false, why: `no playbook "${name}" (have: ${[...this.deps.playbooks.keys()].join(', ')})` };
    for (let attempt = 0; attempt < 5; attempt++) {
      const state = await this.deps.store.playbookState(name);
      if (!state.paused) break;
      if (await this.deps.store.savePlaybookState(resumed(state), state)) break;
    }
    const held = await this.deps.store.list('held', 500, name);
    let released = 0;
    for (const handoff of held) {
      const reopened = await this.deps.store.reopen(handoff.handoffId, ['held'], { at: this.at(), by, action: 'released', detail: `playbook ${name} resumed` });
      if (!reopened) continue;
      await this.request([{ playbook: reopened.playbook, trigger: reopened.trigger }]);
      released++;
    }
    await this.deps.bus.publish([{ source: HANDOFF_EVENT_SOURCE, detailType: 'handoff.playbookResumed', detail: { playbook: name, by, released, at: this.at() } }]);
    return { ok: true, released };
  }

  /** What `playbook` would do for `event`, touching nothing. */
  async simulate(playbook: string, event: SimulatedEvent): Promise<Simulation | { decision: 'unknown-playbook'; reason: string }> {
    const found = this.deps.playbooks.get(playbook);
    if (!found) return { decision: 'unknown-playbook', reason: `no playbook "${playbook}" is loaded (have: ${[...this.deps.playbooks.keys()].join(', ')})` };
    return simulate(found, event, { storedRecord: (key) => this.deps.records.get(key), loadContext: (trigger, given) => this.deps.loadContext(trigger, found, given), now: this.deps.clock.now() });
  }

  private async request(requests: readonly HandoffRequested[]): Promise<number> {
    if (requests.length > 0) await this.deps.bus.publish(requests.map(handoffRequested));
    return requests.length;
  }

  private async changed(handoffId: string): Promise<ActionOutcome> {
    const handoff = await this.deps.store.get(handoffId);
    if (!handoff) return { ok: false, why: `no handoff ${handoffId}` };
    await this.deps.bus.publish([{ source: HANDOFF_EVENT_SOURCE, detailType: HANDOFF_DETAIL_TYPES.updated, detail: { handoffId, playbook: handoff.playbook, status: handoff.status } }]);
    return { ok: true, handoff };
  }

  private async refusal(handoffId: string, why: string): Promise<ActionOutcome> {
    const handoff = await this.deps.store.get(handoffId);
    return { ok: false, why: handoff ? `${why} (it is ${handoff.status})` : `no handoff ${handoffId}` };
  }

  private at(): string {
    return this.deps.clock.now().toISOString();
  }
}
