/**
 * Handoffs in DynamoDB (functions/shared/tables.ts, `handoffs`). Every change that decides who
 * does what is a conditional write, because deliveries are at-least-once and concurrent:
 * - a handoff is created once (its id comes from its trigger) and is run by whoever holds its
 *   lease, so a re-sent trigger while the first runs starts nothing;
 * - a step is claimed before its target is called and recorded after, both only by the lease
 *   holder, so a step never runs twice at once, and a crash leaves a claim that says so;
 * - exceptions, retries, confirmations and resolutions are state changes with a condition on the
 *   state a person saw, appended to the handoff's history.
 *
 * Items (pk / sk): `handoff#<id>` / `handoff`; `playbook#<name>` / `state`; `csowner#<email>` / `load`;
 * `assignment#<account id>` / `cs-owner`; `renewal#<playbook>#<subscription key>` / `due`; `watch#<handoff id>` / `project`.
 * The byList index lists handoffs by status, renewals by due date and the projects being watched.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { HandoffItem, type HandoffException, type HandoffStatus, type HistoryEntry, type StepState, type TriggerRecord } from './handoff';

const handoffKey = (handoffId: string) => ({ pk: `handoff#${handoffId}`, sk: 'handoff' });
const renewalKey = (playbook: string, subscriptionKey: string) => ({ pk: `renewal#${playbook}#${subscriptionKey}`, sk: 'due' });
const statusList = (status: HandoffStatus, playbook: string) => (status === 'held' ? `held#${playbook}` : `status#${status}`);

export type BeginOutcome =
  | { kind: 'started'; handoff: HandoffItem }
  | { kind: 'resumed'; handoff: HandoffItem }
  /** Someone else holds the lease: they finish it. */
  | { kind: 'in-flight'; handoff: HandoffItem }
  /** Completed, skipped, resolved, held or waiting for a person: nothing to run. */
  | { kind: 'settled'; handoff: HandoffItem };

export const PlaybookState = z.object({
  playbook: z.string(),
  paused: z.boolean().default(false),
  pausedAt: z.string().optional(),
  reason: z.string().optional(),
  /** The latest outcomes, newest last: [handoff id, ok]. */
  outcomes: z.array(z.tuple([z.string(), z.boolean()])).default([]),
  version: z.number().int().nonnegative().default(0),
});
export type PlaybookState = z.infer<typeof PlaybookState>;

export const CsAssignment = z.object({ accountId: z.string(), email: z.string(), name: z.string(), handoffId: z.string(), at: z.string() });
export type CsAssignment = z.infer<typeof CsAssignment>;

export const RenewalDue = z.object({ playbook: z.string(), subscriptionKey: z.string(), accountKey: z.string(), termEnd: z.string(), dueOn: z.string() });
export type RenewalDue = z.infer<typeof RenewalDue>;

export const ProjectWatch = z.object({ handoffId: z.string(), playbook: z.string(), projectId: z.string(), since: z.string() });
export type ProjectWatch = z.infer<typeof ProjectWatch>;

export const SlackReceipt = z.object({ channel: z.string(), ts: z.string(), drawnVersion: z.number().int().nonnegative().optional() });
export type SlackReceipt = z.infer<typeof SlackReceipt>;

const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException || (error instanceof Error && error.name === 'TransactionCanceledException' && /ConditionalCheckFailed/.test(error.message));

export class HandoffStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(handoffId: string): Promise<HandoffItem | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: handoffKey(handoffId), ConsistentRead: true }));
    return Item === undefined ? undefined : HandoffItem.parse(Item);
  }

  /**
   * Creates the handoff and takes its lease, or takes the lease of one that is running without a
   * live holder (a crashed run). `now` is epoch ms.
   */
  async begin(input: { handoffId: string; playbook: string; trigger: TriggerRecord; stepOrder: string[]; owner: string; now: number; leaseMs: number }): Promise<BeginOutcome> {
    const at = new Date(input.now).toISOString();
    const fresh: HandoffItem = {
      handoffId: input.handoffId,
      playbook: input.playbook,
      trigger: input.trigger,
      status: 'running',
      stepOrder: input.stepOrder,
      steps: Object.fromEntries(input.stepOrder.map((id) => [id, { status: 'pending', attempts: 0, records: [], values: {} } satisfies StepState])),
      leaseOwner: input.owner,
      leaseUntil: input.now + input.leaseMs,
      history: [{ at, by: 'concord', action: 'started', detail: input.trigger.title }],
      createdAt: at,
      updatedAt: at,
      version: 0,
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...handoffKey(input.handoffId), ...fresh, listPk: statusList('running', input.playbook), listSk: `${at}#${input.handoffId}` },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { kind: 'started', handoff: fresh };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = await this.get(input.handoffId);
    if (!existing) throw new Error(`handoff ${input.handoffId} vanished while being started`);
    if (existing.status !== 'running') return { kind: 'settled', handoff: existing };
    if (existing.leaseOwner !== undefined && (existing.leaseUntil ?? 0) > input.now && existing.leaseOwner !== input.owner) return { kind: 'in-flight', handoff: existing };
    const taken = await this.takeLease(existing, input.owner, input.now + input.leaseMs, at);
    return taken ? { kind: 'resumed', handoff: taken } : { kind: 'in-flight', handoff: (await this.get(input.handoffId)) ?? existing };
  }

  private async takeLease(seen: HandoffItem, owner: string, until: number, at: string): Promise<HandoffItem | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: handoffKey(seen.handoffId),
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until, updatedAt = :at, version = version + :one',
          ConditionExpression: 'version = :seen',
          ExpressionAttributeValues: { ':owner': owner, ':until': until, ':at': at, ':one': 1, ':seen': seen.version },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return HandoffItem.parse(Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Sets the template and account the run decided on. */
  async describe(handoffId: string, owner: string, facts: { template?: string; accountId?: string; accountName?: string }, at: string): Promise<boolean> {
    const entries = Object.entries(facts).filter(([, v]) => v !== undefined);
    return this.ifLeaseHolder(handoffId, owner, {
      set: entries.map(([k]) => `#${k} = :${k}`),
      values: Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
      names: Object.fromEntries(entries.map(([k]) => [`#${k}`, k])),
      at,
    });
  }

  /**
   * Claims a step for an attempt and extends the lease: only the lease holder, never a step that is done. Returns the
   * step as it was before the claim (a 'running' one means an earlier attempt's outcome is unknown),
   * or undefined when the claim was refused.
   */
  async claimStep(handoffId: string, stepId: string, owner: string, at: string, leaseUntil: number): Promise<StepState | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: handoffKey(handoffId),
          // The lease is extended with the claim: a step may take as long as a lease.
          UpdateExpression:
            'SET steps.#step.#status = :running, steps.#step.attempts = steps.#step.attempts + :one, steps.#step.startedAt = :at, leaseUntil = :until, updatedAt = :at, version = version + :one',
          ConditionExpression: 'leaseOwner = :owner AND steps.#step.#status <> :done',
          ExpressionAttributeNames: { '#step': stepId, '#status': 'status' },
          ExpressionAttributeValues: { ':running': 'running', ':one': 1, ':at': at, ':owner': owner, ':done': 'done', ':until': leaseUntil },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      const before = (Attributes?.steps as Record<string, { status?: string; attempts?: number }> | undefined)?.[stepId];
      return { status: (before?.status ?? 'pending') as StepState['status'], attempts: before?.attempts ?? 0, records: [], values: {} };
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Records a step's outcome; only the lease holder may. */
  async recordStep(handoffId: string, stepId: string, owner: string, state: StepState, at: string): Promise<boolean> {
    return this.ifLeaseHolder(handoffId, owner, { set: ['steps.#step = :state'], values: { ':state': state }, names: { '#step': stepId }, at });
  }

  /**
   * Moves a running handoff to its next status and lets go of the lease; for 'running' (a retry
   * later) only the lease is let go. The history gets the entry.
   */
  async settle(handoff: Pick<HandoffItem, 'handoffId' | 'playbook'>, owner: string, status: HandoffStatus, entry: HistoryEntry, exception?: HandoffException): Promise<boolean> {
    const values: Record<string, unknown> = { ':status': status, ':entry': [entry], ':listPk': statusList(status, handoff.playbook), ':listSk': `${entry.at}#${handoff.handoffId}` };
    const set = ['#status = :status', 'history = list_append(history, :entry)', 'listPk = :listPk', 'listSk = :listSk'];
    if (exception) {
      set.push('#exception = :exception');
      values[':exception'] = exception;
    }
    const remove = ['leaseOwner', 'leaseUntil', ...(exception ? [] : ['#exception'])];
    return this.ifLeaseHolder(handoff.handoffId, owner, { set, remove, values, names: { '#status': 'status', '#exception': 'exception' }, at: entry.at });
  }

  /** Lets go of the lease without changing anything else (a retryable failure: the redelivery resumes). */
  async release(handoffId: string, owner: string, at: string): Promise<boolean> {
    return this.ifLeaseHolder(handoffId, owner, { remove: ['leaseOwner', 'leaseUntil'], at });
  }

  /**
   * A person (or the resumed playbook) sends a stopped handoff round again: from 'exception' or
   * 'held' back to 'running', from the step it stopped at. False when it was not in one of those.
   */
  async reopen(handoffId: string, from: readonly HandoffStatus[], entry: HistoryEntry): Promise<HandoffItem | undefined> {
    const handoff = await this.get(handoffId);
    if (!handoff || !from.includes(handoff.status)) return undefined;
    const failedSteps = handoff.stepOrder.filter((id) => handoff.steps[id]?.status === 'failed' || handoff.steps[id]?.status === 'running');
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: handoffKey(handoffId),
          UpdateExpression: `SET #status = :running, history = list_append(history, :entry), listPk = :listPk, listSk = :listSk, updatedAt = :at, version = version + :one${failedSteps.map((_, i) => `, steps.#s${i}.#status = :pending, steps.#s${i}.attempts = :zero`).join('')} REMOVE #exception`,
          ConditionExpression: 'version = :seen',
          ExpressionAttributeNames: { '#status': 'status', '#exception': 'exception', ...Object.fromEntries(failedSteps.map((id, i) => [`#s${i}`, id])) },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':entry': [entry],
            ':listPk': statusList('running', handoff.playbook),
            ':listSk': `${entry.at}#${handoffId}`,
            ':at': entry.at,
            ':one': 1,
            ':seen': handoff.version,
            // A person's retry gets the full number of attempts again.
            ...(failedSteps.length > 0 ? { ':pending': 'pending', ':zero': 0 } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return HandoffItem.parse(Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** A person closes an exception by hand: nothing more runs. */
  async resolve(handoffId: string, entry: HistoryEntry): Promise<boolean> {
    return this.changeIf(handoffId, 'exception', 'SET #status = :resolved, history = list_append(history, :entry), listPk = :listPk, listSk = :listSk', {
      ':resolved': 'resolved',
      ':entry': [entry],
      ':listPk': 'status#resolved',
      ':listSk': `${entry.at}#${handoffId}`,
    });
  }

  /** Names who looks at an exception. */
  async assign(handoffId: string, assignee: string, entry: HistoryEntry): Promise<boolean> {
    return this.changeIf(handoffId, 'exception', 'SET #exception.assignee = :assignee, history = list_append(history, :entry)', { ':assignee': assignee, ':entry': [entry] });
  }

  /** The receiving team confirms; once. */
  async confirm(handoffId: string, by: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: handoffKey(handoffId),
          UpdateExpression: 'SET confirmation = :confirmation, history = list_append(history, :entry), updatedAt = :at, version = version + :one',
          // Only what was handed over can be confirmed: a finished handoff, or one a person finished by hand.
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(confirmation) AND #status IN (:completed, :resolved)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':confirmation': { by, at }, ':entry': [{ at, by, action: 'confirmed' }], ':at': at, ':one': 1, ':completed': 'completed', ':resolved': 'resolved' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async list(status: HandoffStatus, limit = 50, playbook = ''): Promise<HandoffItem[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byList',
        KeyConditionExpression: 'listPk = :pk',
        ExpressionAttributeValues: { ':pk': statusList(status, playbook) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map((item) => HandoffItem.parse(item));
  }

  // ---- the Slack receipt ------------------------------------------------------------------------

  /**
   * Where the handoff's one Slack receipt is, kept on the handoff's item beside (not inside) its
   * state: saving it changes neither `version` nor `updatedAt`, so it never makes a person's
   * retry or the runner's lease miss its condition. The first saved stands.
   */
  async saveReceipt(handoffId: string, receipt: { channel: string; ts: string }): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: handoffKey(handoffId),
        UpdateExpression: 'SET slackReceipt = if_not_exists(slackReceipt, :receipt)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':receipt': { channel: receipt.channel, ts: receipt.ts } },
      }),
    );
  }

  /** The receipt's message, and the handoff version it was last drawn from; undefined before it is posted. */
  async receiptOf(handoffId: string): Promise<SlackReceipt | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: handoffKey(handoffId), ConsistentRead: true, ProjectionExpression: 'slackReceipt, receiptDrawn' }),
    );
    const receipt = SlackReceipt.omit({ drawnVersion: true }).safeParse(Item?.slackReceipt);
    if (!receipt.success) return undefined;
    return { ...receipt.data, ...(typeof Item?.receiptDrawn === 'number' ? { drawnVersion: Item.receiptDrawn } : {}) };
  }

  /**
   * Claims drawing the receipt from `version`: refused when a later version was claimed already,
   * so a late delivery never puts an older state over a newer one. The same version may be claimed
   * again (its redelivery after a failed chat.update must be able to draw it).
   */
  async claimReceiptDrawing(handoffId: string, version: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: handoffKey(handoffId),
          UpdateExpression: 'SET receiptDrawn = :version',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(receiptDrawn) OR receiptDrawn <= :version)',
          ExpressionAttributeValues: { ':version': version },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  // ---- playbooks: the circuit breaker's state ---------------------------------------------------

  async playbookState(playbook: string): Promise<PlaybookState> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `playbook#${playbook}`, sk: 'state' }, ConsistentRead: true }));
    return PlaybookState.parse(Item ?? { playbook });
  }

  /** Replaces the state if it is still the one read (`seen.version`); false when someone changed it meanwhile. */
  async savePlaybookState(next: PlaybookState, seen: PlaybookState): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `playbook#${next.playbook}`, sk: 'state', ...next, version: seen.version + 1 },
          ConditionExpression: 'attribute_not_exists(pk) OR version = :seen',
          ExpressionAttributeValues: { ':seen': seen.version },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  // ---- CS owners --------------------------------------------------------------------------------

  /** How many accounts each CS owner was given. */
  async csLoads(emails: readonly string[]): Promise<Record<string, number>> {
    const loads = await Promise.all(
      emails.map(async (email) => {
        const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `csowner#${email}`, sk: 'load' }, ConsistentRead: true }));
        return [email, Number(Item?.count ?? 0)] as const;
      }),
    );
    return Object.fromEntries(loads);
  }

  async csAssignment(accountId: string): Promise<CsAssignment | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `assignment#${accountId}`, sk: 'cs-owner' }, ConsistentRead: true }));
    return Item === undefined ? undefined : CsAssignment.parse(Item);
  }

  /** Gives the account its CS owner and counts it in their load, once: the first assignment stands. */
  async assignCsOwner(assignment: CsAssignment): Promise<CsAssignment> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: { pk: `assignment#${assignment.accountId}`, sk: 'cs-owner', ...assignment }, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: `csowner#${assignment.email}`, sk: 'load' },
                UpdateExpression: 'ADD #count :one',
                ExpressionAttributeNames: { '#count': 'count' },
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );
      return assignment;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.csAssignment(assignment.accountId);
      if (!existing) throw error;
      return existing;
    }
  }

  // ---- renewals and project watches -------------------------------------------------------------

  /** Keeps a subscription's renewal due date (replaced when its term moves). */
  async putRenewal(renewal: RenewalDue): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...renewalKey(renewal.playbook, renewal.subscriptionKey), ...renewal, listPk: 'renewals', listSk: `${renewal.dueOn}#${renewal.playbook}#${renewal.subscriptionKey}` },
      }),
    );
  }

  async removeRenewal(playbook: string, subscriptionKey: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: renewalKey(playbook, subscriptionKey) }));
  }

  /** Renewals due on or before `day` (YYYY-MM-DD), oldest first. */
  async renewalsDue(day: string, limit = 200): Promise<RenewalDue[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byList',
        KeyConditionExpression: 'listPk = :pk AND listSk <= :day',
        ExpressionAttributeValues: { ':pk': 'renewals', ':day': `${day}#\uffff` },
        Limit: limit,
      }),
    );
    return Items.map((item) => RenewalDue.parse(item));
  }

  async watchProject(watch: ProjectWatch): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: `watch#${watch.handoffId}`, sk: 'project', ...watch, listPk: 'watching-projects', listSk: `${watch.since}#${watch.handoffId}` } }),
    );
  }

  async watchedProjects(limit = 200): Promise<ProjectWatch[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({ TableName: this.tableName, IndexName: 'byList', KeyConditionExpression: 'listPk = :pk', ExpressionAttributeValues: { ':pk': 'watching-projects' }, Limit: limit }),
    );
    return Items.map((item) => ProjectWatch.parse(item));
  }

  async unwatchProject(handoffId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: `watch#${handoffId}`, sk: 'project' } }));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private async ifLeaseHolder(handoffId: string, owner: string, change: Change): Promise<boolean> {
    const sets = [...(change.set ?? []), 'updatedAt = :updatedAt', 'version = version + :one'];
    const removes = change.remove ?? [];
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: handoffKey(handoffId),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'leaseOwner = :owner',
          ...(change.names ? { ExpressionAttributeNames: change.names } : {}),
          ExpressionAttributeValues: { ...change.values, ':owner': owner, ':updatedAt': change.at, ':one': 1 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async changeIf(handoffId: string, status: HandoffStatus, update: string, values: Record<string, unknown>): Promise<boolean> {
    const at = ((values[':entry'] as HistoryEntry[] | undefined)?.[0]?.at ?? new Date().toISOString());
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: handoffKey(handoffId),
          UpdateExpression: `${update}, updatedAt = :updatedAt, version = version + :one`,
          ConditionExpression: '#status = :expected',
          ExpressionAttributeNames: { '#status': 'status', ...(update.includes('#exception') ? { '#exception': 'exception' } : {}) },
          ExpressionAttributeValues: { ...values, ':expected': status, ':updatedAt': at, ':one': 1 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

interface Change {
  set?: string[];
  remove?: string[];
  values?: Record<string, unknown>;
  names?: Record<string, string>;
  at: string;
}
