/**
 * The Slack worker: what the listeners acknowledged and handed over (work.ts), and the merge
 * proposals identity raises. It reads and changes identity through IdentityService, decides who
 * may do what (Stewards), and answers through the Web API or the command's response_url. The
 * handoffs' receipts, alerts and actions are HandoffReceipts' (handoff-receipts.ts).
 *
 * Every step may run twice (SQS delivers at least once): a decision on a decided proposal is
 * refused by identity and the message is brought up to date, an undo of an undone merge says
 * so, a proposal is posted once (PostOnce), and updating a message to its current state twice
 * changes nothing.
 */
import type { WebClient } from '@slack/web-api';
import { scanDisagreements } from '../functions/identity/disagreement-scan';
import { findDisagreements } from '../functions/identity/golden/disagreements';
import type { ContactHierarchy } from '../functions/identity/golden/contact-hierarchy';
import type { LifecycleDecision } from '../functions/identity/golden/lifecycle';
import type { GoldenRecord } from '../functions/identity/golden/survivorship';
import type { MergeRecord } from '../functions/identity/graph/identity-graph';
import type { IdentityService } from '../functions/identity/identity-service';
import type { EntityItem, IdentityStore, ProposalItem } from '../functions/identity/identity.store';
import type { QuarantineStore } from '../functions/ingest/quarantine.store';
import type { SourceRecordStore } from '../functions/reconcile/source-record.store';
import type { SourceRecord } from '../functions/shared/canonical';
import type { Clock } from '../functions/shared/ports';
import {
  appHome,
  autoMergeDigest,
  customerCard,
  decidedProposal,
  disagreementReport,
  importedProposals,
  mergeProposal,
  mergeQueue,
  notFound,
  refused,
  type AppHomeException,
  type SlackMessage,
  type StewardAction,
} from './blocks';
import type { HandoffReceipts } from './handoff-receipts';
import type { PostOnce } from './post-once';
import type { SlackSettings } from './settings';
import type { Stewards } from './stewards';
import type { SlackWork } from './work';

/** Customers shown for one lookup; more are named, not carded. */
const LOOKUP_CARDS = 3;
/** Proposals a queue or Home lists, and merges Home and the digest read. */
const LISTED = 50;

export interface SlackWorkerDeps {
  client: WebClient;
  identity: IdentityService;
  store: IdentityStore;
  sourceRecords: SourceRecordStore;
  quarantine: QuarantineStore;
  stewards: Stewards;
  settings: SlackSettings;
  postOnce: PostOnce;
  /** The handoffs' receipts, alerts and actions. */
  handoffs: HandoffReceipts;
  /** Answers a command through its response_url (Slack's, or the local Slack's). */
  respond: (responseUrl: string, message: SlackMessage & { response_type?: 'ephemeral' | 'in_channel'; replace_original?: boolean }) => Promise<void>;
  clock: Clock;
}

type Work<T extends SlackWork['type']> = Extract<SlackWork, { type: T }>;

/** POSTs to a response_url as Slack documents it: JSON, answered with 200 "ok". */
export const respondThroughUrl: SlackWorkerDeps['respond'] = async (responseUrl, message) => {
  const response = await fetch(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message), signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`response_url answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
};

export class SlackWorker {
  constructor(private readonly deps: SlackWorkerDeps) {}

  async handle(work: SlackWork): Promise<void> {
    switch (work.type) {
      case 'command':
        return this.command(work);
      case 'decide':
        return this.decide(work);
      case 'undo':
        return this.undo(work);
      case 'override':
        return this.override(work);
      case 'home':
        return this.publishHome(work.userId);
      case 'digest':
        return this.digest(work.hours);
      case 'handoff':
        return this.deps.handoffs.act(work);
      case 'resumePlaybook':
        return this.deps.handoffs.resume(work);
    }
  }

  /** Puts a proposal to the stewards' channel, once. */
  async postProposal(proposal: ProposalItem): Promise<void> {
    const current = (await this.deps.store.getProposal(proposal.proposalId)) ?? proposal;
    if (current.status !== 'pending') return;
    // Built inside the post: a repeated delivery of a posted proposal reads nothing more.
    await this.postToStewards(`proposal:${proposal.proposalId}`, () => this.proposalMessage(current));
  }

  /** A backfill's proposals, announced once rather than one message each: they wait in the queue and App Home. */
  async postImportedProposals(imported: { kind: 'person' | 'account'; count: number; at: string }): Promise<void> {
    await this.postToStewards(`imported:${imported.kind}:${imported.at}`, async () => importedProposals(imported));
  }

  // ---- /concord ----------------------------------------------------------------------------------

  private async command(work: Work<'command'>): Promise<void> {
    const answer = (message: SlackMessage) => this.deps.respond(work.responseUrl, { response_type: 'ephemeral', replace_original: true, ...message });
    switch (work.subcommand) {
      case 'lookup':
        return answer(await this.lookup(work.argument));
      case 'queue': {
        const [proposals, canDecide] = await Promise.all([this.deps.store.proposals('pending', LISTED), this.deps.stewards.isSteward(work.userId)]);
        return answer(mergeQueue({ proposals, records: await this.recordsOf(proposals), links: this.deps.settings.deepLinks, canDecide }));
      }
      case 'report': {
        const { summary } = await scanDisagreements(this.deps.store, this.deps.sourceRecords);
        return answer(disagreementReport({ summary }));
      }
      case 'undo':
        return answer(await this.undoMerge(work.argument, work.userId));
    }
  }

  private async lookup(query: string): Promise<SlackMessage> {
    const found = await this.deps.identity.lookup(query);
    if (found.length === 0) return notFound({ kind: 'customer', query });
    const cards = await Promise.all(found.slice(0, LOOKUP_CARDS).map((entity) => this.card(entity)));
    // One answer holds at most 50 blocks: the cards share them, the first one whole.
    const blocks = cards.flatMap((c, i) => (i === 0 ? c.blocks : [{ type: 'divider' as const }, ...c.blocks])).slice(0, 50);
    return { text: cards.map((c) => c.text).join('\n'), blocks };
  }

  private async card(entity: EntityItem): Promise<SlackMessage> {
    const members = await this.deps.sourceRecords.getMany(entity.members);
    const related = entity.kind === 'account' ? (await Promise.all(entity.members.map((key) => this.deps.store.relatedTo(key)))).flat() : [];
    const relatedRecords = await this.deps.sourceRecords.getMany(related.filter((r) => r.entityType === 'opportunity' || r.entityType === 'ticket').map((r) => r.sourceKey));
    const hierarchy = entity.hierarchy as ContactHierarchy | undefined;
    const people = new Map((await this.deps.store.getEntities(hierarchy?.people.map((p) => p.personId) ?? [])).map((p) => [p.unifiedId, p.label ?? p.unifiedId]));
    const lifecycle = entity.lifecycle as LifecycleDecision | undefined;
    const disagreements = entity.golden
      ? findDisagreements({ unifiedId: entity.unifiedId, kind: entity.kind, members, golden: entity.golden as GoldenRecord, ...(lifecycle ? { lifecycle } : {}) })
      : [];
    return customerCard({
      entity,
      members,
      links: this.deps.settings.deepLinks,
      people,
      disagreements,
      opportunities: relatedRecords.filter((r) => r.entityType === 'opportunity'),
      tickets: relatedRecords.filter((r) => r.entityType === 'ticket'),
    });
  }

  // ---- merge decisions ---------------------------------------------------------------------------

  private async decide(work: Work<'decide'>): Promise<void> {
    const tell = (message: SlackMessage) => this.ephemeral(work.channelId, work.userId, message);
    if (!(await this.deps.stewards.isSteward(work.userId))) return tell(this.notSteward('decide merges'));
    const proposal = await this.deps.store.getProposal(work.proposalId);
    if (!proposal) return tell(notFound({ kind: 'proposal', proposalId: work.proposalId }));
    const at = this.deps.clock.now().toISOString();
    if (work.decision === 'unsure') {
      if (!(await this.deps.store.markUnsure(proposal.proposalId, work.userId, at))) return this.refreshDecided(work, proposal);
    } else {
      const approve = work.decision === 'approve';
      const outcome = await this.deps.identity.decideProposal(proposal.proposalId, approve, { by: work.userId, reason: approve ? 'approved in Slack' : 'rejected in Slack' });
      if (outcome.kind === 'already-decided') {
        const current = (await this.deps.store.getProposal(proposal.proposalId)) ?? proposal;
        await tell(refused({ kind: 'already-decided', status: outcome.status, ...(current.decidedBy ? { by: current.decidedBy } : {}), ...(current.decidedAt ? { at: current.decidedAt } : {}) }));
      } else if (outcome.kind === 'not-found') {
        await tell(refused({ kind: 'changed-since', what: `${outcome.what} is no longer stored` }));
      }
    }
    await this.refreshDecided(work, (await this.deps.store.getProposal(proposal.proposalId)) ?? proposal);
  }

  /** Brings the proposal's message up to date: decided (with Undo after a merge), or still open. */
  private async refreshDecided(where: { channelId: string; messageTs: string }, proposal: ProposalItem): Promise<void> {
    const message = await this.proposalMessage(proposal);
    await this.deps.client.chat.update({ channel: where.channelId, ts: where.messageTs, ...message });
  }

  private async proposalMessage(proposal: ProposalItem): Promise<SlackMessage> {
    const [a, b] = await this.deps.sourceRecords.getMany([proposal.a, proposal.b]).then((records) => [records.find((r) => r.sourceKey === proposal.a), records.find((r) => r.sourceKey === proposal.b)]);
    const [entityA, entityB] = await Promise.all([this.deps.store.entityOfRecord(proposal.a), this.deps.store.entityOfRecord(proposal.b)]);
    const input = {
      proposal,
      records: { ...(a ? { a } : {}), ...(b ? { b } : {}) },
      entities: { ...(entityA ? { a: entityA } : {}), ...(entityB ? { b: entityB } : {}) },
      links: this.deps.settings.deepLinks,
      ...(proposal.unsure ? { unsure: proposal.unsure } : {}),
    };
    if (proposal.status === 'pending') return mergeProposal(input);
    const merge = proposal.mergeId ? await this.deps.store.getMerge(proposal.mergeId) : undefined;
    return decidedProposal({ ...input, ...(merge ? { merge } : {}) });
  }

  // ---- undo --------------------------------------------------------------------------------------

  private async undo(work: Work<'undo'>): Promise<void> {
    const where = work.channelId && work.messageTs ? { channelId: work.channelId, messageTs: work.messageTs } : undefined;
    const answer = await this.undoMerge(work.mergeId, work.userId);
    if (where) {
      // The message the button was on shows the undo; a proposal's message is drawn again from the proposal.
      const proposal = (await this.deps.store.proposals('approved', 200)).find((p) => p.mergeId === work.mergeId);
      if (proposal) await this.refreshDecided(where, proposal);
      return this.ephemeral(where.channelId, work.userId, answer);
    }
    // From App Home: the answer comes as a direct message, and Home is drawn again.
    await this.directMessage(work.userId, answer);
    await this.publishHome(work.userId);
  }

  private async undoMerge(mergeId: string, userId: string): Promise<SlackMessage> {
    if (!(await this.deps.stewards.isSteward(userId))) return this.notSteward('undo merges');
    const outcome = await this.deps.identity.unmerge(mergeId, { by: userId, reason: 'undone in Slack' });
    switch (outcome.kind) {
      case 'unmerged':
        return { text: `Merge ${mergeId} undone: both customers are back as they were, and will not be merged again automatically.`, blocks: [] };
      case 'already-undone':
        return refused({ kind: 'already-undone', mergeId, by: outcome.by, at: outcome.at });
      case 'not-found':
        return notFound({ kind: 'merge', mergeId });
      case 'refused':
        return refused({ kind: 'cannot-undo', mergeId, reason: outcome.reason });
    }
  }

  // ---- survivorship override ---------------------------------------------------------------------

  private async override(work: Work<'override'>): Promise<void> {
    const dm = (message: SlackMessage) => this.directMessage(work.userId, message);
    if (!(await this.deps.stewards.isSteward(work.userId))) return dm(this.notSteward('override values'));
    const entity = await this.deps.identity.entityOf(work.unifiedId);
    if (!entity) return dm(notFound({ kind: 'customer', query: work.unifiedId }));
    if (entity.rev !== work.rev) return dm(refused({ kind: 'changed-since', what: `${entity.label ?? entity.unifiedId} changed after the form was opened; open it again` }));
    const at = this.deps.clock.now().toISOString();
    const name = entity.label ?? entity.unifiedId;
    const updated = await this.deps.identity.override(entity.unifiedId, {
      field: work.field,
      ...(work.value !== undefined ? { value: work.value } : {}),
      ...(work.sourceKey !== undefined ? { sourceKey: work.sourceKey } : {}),
      by: work.userId,
      at,
      reason: work.reason,
    });
    // A golden value always comes from a system: a typed value no member holds decides nothing.
    const stale = (updated?.golden as GoldenRecord | undefined)?.staleOverrides.some((o) => o.field === work.field && o.at === at && o.by === work.userId);
    await dm({
      text: stale
        ? `${name}: no record holds that ${work.field}, so the survivorship rules still decide it. Change it in the system it should come from, or choose a record's value. (Your choice is in the audit log.)`
        : `${name}: ${work.field} now comes from your choice (audited).`,
      blocks: [],
    });
  }

  // ---- App Home and the digest -------------------------------------------------------------------

  private async publishHome(userId: string): Promise<void> {
    const isSteward = await this.deps.stewards.isSteward(userId);
    const [pending, recentMerges, open, handoffs] = await Promise.all([
      isSteward ? this.deps.store.proposals('pending', LISTED) : Promise.resolve([]),
      this.deps.store.merges(15),
      this.deps.quarantine.list('open', 10),
      this.deps.handoffs.openExceptions(10),
    ]);
    const quarantined: AppHomeException[] = open.map((q) => ({ title: `A ${q.system} delivery was quarantined (${q.stage})`, detail: q.reason, at: q.receivedAt }));
    // Newest first across both kinds: what stopped most recently is what a person meets first.
    const exceptions = [...handoffs, ...quarantined].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    const view = appHome({
      isSteward,
      pending,
      records: await this.recordsOf(pending),
      recentMerges,
      labels: await this.labelsOf(recentMerges),
      exceptions,
      links: this.deps.settings.deepLinks,
      now: this.deps.clock.now(),
    });
    await this.deps.client.views.publish({ user_id: userId, view });
  }

  private async digest(hours: number): Promise<void> {
    const now = this.deps.clock.now();
    const since = new Date(now.getTime() - hours * 3600_000).toISOString();
    const merges = (await this.deps.store.merges(200)).filter((m) => m.at >= since && m.actor.by === 'concord');
    if (merges.length === 0) return;
    const day = since.slice(0, 10);
    await this.postToStewards(`digest:${day}:${hours}`, async () => autoMergeDigest({ day, merges, labels: await this.labelsOf(merges) }));
  }

  // ---- helpers -----------------------------------------------------------------------------------

  /** Posts to the stewards' channel once per key (PostOnce); the message is built only when it is posted. */
  private async postToStewards(key: string, build: () => Promise<SlackMessage>): Promise<void> {
    await this.deps.postOnce.post(key, async () => {
      const posted = await this.deps.client.chat.postMessage({ channel: this.deps.settings.stewardsChannel, ...(await build()), unfurl_links: false, unfurl_media: false });
      return { channel: posted.channel as string, ts: posted.ts as string };
    });
  }

  private notSteward(action: StewardAction): SlackMessage {
    return refused({ kind: 'not-steward', action, stewardsChannel: this.deps.settings.stewardsChannel });
  }

  /** Posts to the person's conversation with the app (its Messages tab). */
  private async directMessage(user: string, message: SlackMessage): Promise<void> {
    await this.deps.client.chat.postMessage({ channel: user, ...message });
  }

  private async ephemeral(channel: string, user: string, message: SlackMessage): Promise<void> {
    await this.deps.client.chat.postEphemeral({ channel, user, ...message });
  }

  private async recordsOf(proposals: readonly ProposalItem[]): Promise<Map<string, SourceRecord>> {
    const records = await this.deps.sourceRecords.getMany([...new Set(proposals.flatMap((p) => [p.a, p.b]))]);
    return new Map(records.map((r) => [r.sourceKey, r]));
  }

  private async labelsOf(merges: readonly MergeRecord[]): Promise<Map<string, string>> {
    const labels = new Map<string, string>();
    for (const m of merges) {
      for (const side of [m.before.survivor, m.before.absorbed]) {
        const label = (side as { label?: string }).label;
        if (label) labels.set(side.unifiedId, label);
      }
    }
    const missing = [...new Set(merges.flatMap((m) => [m.survivor, m.absorbed]))].filter((id) => !labels.has(id));
    for (const e of await this.deps.store.getEntities(missing)) labels.set(e.unifiedId, e.label ?? e.unifiedId);
    return labels;
  }
}
