/**
 * The in-process stand-in for an SQS standard queue plus the Lambda event source mapping that
 * drains it, so the very handlers deployed to Lambda run locally with the same delivery contract:
 *
 * - a received message is invisible for the visibility timeout, then comes back unless deleted;
 * - a batch whose handler resolves without `batchItemFailures` is deleted; with them, only the
 *   listed messages stay (ReportBatchItemFailures), and a malformed list fails the whole batch;
 * - a handler that throws leaves the whole batch to reappear when the timeout runs out;
 * - a message already received `maxReceiveCount` times moves to the dead-letter queue the next
 *   time it would be received, keeping its id, body and attributes;
 * - a slow handler that outlives the timeout sees its messages delivered again, concurrently.
 *
 * Message times (visibility, delay, timestamps) follow the injected clock, so a test can move time
 * on; polling runs on real timers.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { Clock } from '../functions/shared/ports';
import { systemClock } from '../functions/shared/ports';

const LOCAL_ACCOUNT = '000000000000';
const LOCAL_REGION = 'local';
/** SQS limits that callers would otherwise only meet in AWS. */
const MAX_BATCH_SIZE = 10;
const MAX_SEND_BATCH_ENTRIES = 10;
const MAX_MESSAGE_ATTRIBUTES = 10;
const MAX_DELAY_SECONDS = 900;
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** The Lambda handler an event source mapping invokes; exactly the signature deployed to AWS. */
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface QueueLogger {
  warn(message: string, details: Record<string, unknown>): void;
}

export interface LocalQueueOptions {
  /** SQS queue name; becomes the last segment of the queue ARN. */
  name: string;
  /** How long a received message stays invisible; like SQS it must outlast the handler. */
  visibilityTimeoutMs: number;
  /**
   * Receives before the message is set aside (the redrive policy). Give it a `deadLetterQueue`:
   * without one, a message past the limit is dropped with a warning, which only suits throwaway
   * queues. Leave both out for a queue that retries forever, like SQS without a redrive policy.
   */
  maxReceiveCount?: number;
  deadLetterQueue?: LocalQueue;
  /** Records per invocation, 1–10 (Lambda's limit for SQS without a batching window). */
  batchSize?: number;
  /** Batches being handled at once (the mapping's maximum concurrency). */
  maxConcurrency?: number;
  /** How often an idle consumer looks for visible messages. */
  pollIntervalMs?: number;
  clock?: Clock;
  logger?: QueueLogger;
  /** Name put in the Lambda context; defaults to the queue name. */
  functionName?: string;
}

export interface SendEntry {
  body: string;
  /** Sent as String message attributes. */
  attributes?: Record<string, string>;
  /** 0–900 seconds before the message first becomes visible. */
  delaySeconds?: number;
}

export type MessageState = 'visible' | 'inFlight' | 'delayed';

/** A snapshot of one stored message, for tests, the CLI and `/health`. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
  state: MessageState;
  receiveCount: number;
  sentAt: Date;
  /** When an in-flight or delayed message becomes visible. */
  visibleAt?: Date;
  /** Set on messages a redrive policy moved here: the queue they failed on. */
  deadLetterSourceArn?: string;
}

export interface QueueStats {
  /** Messages accepted by send / sendBatch (automatic dead-letter moves are not sends, as in SQS). */
  sent: number;
  /** Messages that arrived from another queue: dead-letter moves and redrives. */
  movedIn: number;
  /** Records handed to the handler; a message delivered three times counts three. */
  delivered: number;
  deleted: number;
  /** Records whose receive failed: reported in batchItemFailures, or in a batch that failed whole. */
  failedReceives: number;
  movedToDeadLetterQueue: number;
  /** Messages past maxReceiveCount with no dead-letter queue to go to. */
  dropped: number;
  /** Successes reported after the message had been received again (the visibility timeout was too short). */
  staleReceiptHandles: number;
  visible: number;
  inFlight: number;
  delayed: number;
  batchesInFlight: number;
}

export class QueueDrainTimeoutError extends Error {
  constructor(
    readonly queue: string,
    readonly stats: QueueStats,
  ) {
    super(`queue ${queue} did not drain in time: ${stats.visible} visible, ${stats.inFlight} in flight, ${stats.delayed} delayed, ${stats.batchesInFlight} batches running`);
    this.name = 'QueueDrainTimeoutError';
  }
}

interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly sentTimestamp: number;
  firstReceiveTimestamp: number | undefined;
  receiveCount: number;
  /** Epoch ms (by the queue's clock) from which the message can be received. */
  visibleAt: number;
  /** The handle of the latest receive; only it can delete the message, as in SQS. */
  receiptHandle: string | undefined;
  deadLetterSourceArn: string | undefined;
}

type Counters = Pick<QueueStats, 'sent' | 'movedIn' | 'delivered' | 'deleted' | 'failedReceives' | 'movedToDeadLetterQueue' | 'dropped' | 'staleReceiptHandles'>;

type BatchOutcome = { kind: 'succeeded' } | { kind: 'partial'; failedIds: ReadonlySet<string> } | { kind: 'failed'; reason: string };

const consoleLogger: QueueLogger = { warn: (message, details) => console.warn(message, details) };

export class LocalQueue {
  readonly name: string;
  readonly arn: string;
  private readonly visibilityTimeoutMs: number;
  private readonly maxReceiveCount: number | undefined;
  private readonly deadLetterQueue: LocalQueue | undefined;
  private readonly batchSize: number;
  private readonly maxConcurrency: number;
  private readonly pollIntervalMs: number;
  private readonly clock: Clock;
  private readonly logger: QueueLogger;
  private readonly functionName: string;

  /** Insertion order doubles as best-effort FIFO order, which is all a standard queue promises. */
  private readonly messages = new Map<string, StoredMessage>();
  private readonly batches = new Set<Promise<void>>();
  private readonly idleWaiters = new Set<() => void>();
  private readonly counters: Counters = { sent: 0, movedIn: 0, delivered: 0, deleted: 0, failedReceives: 0, movedToDeadLetterQueue: 0, dropped: 0, staleReceiptHandles: 0 };
  private handler: SqsHandler | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: LocalQueueOptions) {
    if (!QUEUE_NAME.test(options.name)) throw new RangeError(`queue name ${JSON.stringify(options.name)} is not a valid SQS name`);
    requireInteger('visibilityTimeoutMs', options.visibilityTimeoutMs, 1);
    if (options.maxReceiveCount !== undefined) requireInteger('maxReceiveCount', options.maxReceiveCount, 1);
    if (options.deadLetterQueue && options.maxReceiveCount === undefined) throw new RangeError(`queue ${options.name} has a dead-letter queue but no maxReceiveCount`);
    if (options.deadLetterQueue?.name === options.name) throw new RangeError(`queue ${options.name} cannot be its own dead-letter queue`);
    this.batchSize = options.batchSize ?? MAX_BATCH_SIZE;
    requireInteger('batchSize', this.batchSize, 1, MAX_BATCH_SIZE);
    this.maxConcurrency = options.maxConcurrency ?? 2;
    requireInteger('maxConcurrency', this.maxConcurrency, 1);
    this.pollIntervalMs = options.pollIntervalMs ?? 20;
    requireInteger('pollIntervalMs', this.pollIntervalMs, 1);

    this.name = options.name;
    this.arn = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${options.name}`;
    this.visibilityTimeoutMs = options.visibilityTimeoutMs;
    this.maxReceiveCount = options.maxReceiveCount;
    this.deadLetterQueue = options.deadLetterQueue;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? consoleLogger;
    this.functionName = options.functionName ?? options.name;
  }

  /** Enqueues one message and returns its id (SendMessage). */
  send(body: string, attributes: Record<string, string> = {}, options: { delaySeconds?: number } = {}): string {
    return this.sendBatch([{ body, attributes, ...options }])[0]!;
  }

  /** Enqueues up to 10 messages at once (SendMessageBatch); all are checked before any is stored. */
  sendBatch(entries: readonly SendEntry[]): string[] {
    if (entries.length === 0 || entries.length > MAX_SEND_BATCH_ENTRIES) throw new RangeError(`a send batch holds 1–${MAX_SEND_BATCH_ENTRIES} entries, not ${entries.length}`);
    for (const entry of entries) validateEntry(entry);
    const now = this.nowMs();
    const ids = entries.map((entry) => {
      const messageId = randomUUID();
      this.messages.set(messageId, {
        messageId,
        body: entry.body,
        md5OfBody: md5(entry.body),
        attributes: { ...entry.attributes },
        sentTimestamp: now,
        firstReceiveTimestamp: undefined,
        receiveCount: 0,
        visibleAt: now + (entry.delaySeconds ?? 0) * 1000,
        receiptHandle: undefined,
        deadLetterSourceArn: undefined,
      });
      return messageId;
    });
    this.counters.sent += ids.length;
    this.kick();
    return ids;
  }

  /** Attaches the consumer, as creating the event source mapping does. One per queue. */
  subscribe(handler: SqsHandler): this {
    if (this.handler && this.running) throw new Error(`queue ${this.name} already has a running consumer`);
    this.handler = handler;
    return this;
  }

  start(): void {
    if (!this.handler) throw new Error(`queue ${this.name} has no consumer; call subscribe first`);
    if (this.running) return;
    this.running = true;
    this.kick();
  }

  /** Stops receiving, then waits for the batches being handled; their outcomes still apply. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.batches.size > 0) await Promise.all(this.batches);
  }

  /** Every stored message: visible, in flight and delayed. */
  depth(): number {
    return this.messages.size;
  }

  /** Messages received and not yet visible again (SQS's ApproximateNumberOfMessagesNotVisible). */
  inFlight(): number {
    return this.countByState().inFlight;
  }

  stats(): QueueStats {
    return { ...this.counters, ...this.countByState(), batchesInFlight: this.batches.size };
  }

  peek(): QueuedMessage[] {
    const now = this.nowMs();
    return [...this.messages.values()].map((message) => {
      const state = stateOf(message, now);
      return {
        messageId: message.messageId,
        body: message.body,
        attributes: { ...message.attributes },
        state,
        receiveCount: message.receiveCount,
        sentAt: new Date(message.sentTimestamp),
        ...(state === 'visible' ? {} : { visibleAt: new Date(message.visibleAt) }),
        ...(message.deadLetterSourceArn ? { deadLetterSourceArn: message.deadLetterSourceArn } : {}),
      };
    });
  }

  /**
   * Resolves once no message is stored and no batch is running; rejects with
   * QueueDrainTimeoutError after `timeoutMs`. A failed message keeps the queue busy until it is
   * finally deleted or moved to the dead-letter queue.
   */
  drain(timeoutMs: number): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.idleWaiters.delete(waiter);
        reject(new QueueDrainTimeoutError(this.name, this.stats()));
      }, timeoutMs);
      this.idleWaiters.add(waiter);
    });
  }

  /**
   * Moves every message not currently in flight to `target` (SQS's dead-letter queue redrive),
   * keeping its id, body and attributes and starting its receive count again. Returns how many moved.
   */
  redriveTo(target: LocalQueue): number {
    if (target === this) throw new RangeError(`queue ${this.name} cannot redrive to itself`);
    const now = this.nowMs();
    let moved = 0;
    for (const message of this.messages.values()) {
      if (stateOf(message, now) === 'inFlight') continue;
      this.messages.delete(message.messageId);
      target.accept({ ...message, firstReceiveTimestamp: undefined, receiveCount: 0, receiptHandle: undefined, deadLetterSourceArn: undefined });
      moved++;
    }
    this.notifyIfIdle();
    return moved;
  }

  /** Deletes every message, in flight or not (PurgeQueue). Returns how many were removed. */
  purge(): number {
    const removed = this.messages.size;
    this.messages.clear();
    this.notifyIfIdle();
    return removed;
  }

  /** Takes in a message moved from another queue; it is visible at once. */
  private accept(message: StoredMessage): void {
    this.messages.set(message.messageId, { ...message, visibleAt: this.nowMs() });
    this.counters.movedIn++;
    this.kick();
  }

  /** Polls at once, then every pollIntervalMs while running. */
  private kick(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.poll(), 0);
    // The queue must not by itself keep a process (or a test worker) alive.
    this.timer.unref();
  }

  private poll(): void {
    this.timer = undefined;
    if (!this.running) return;
    while (this.batches.size < this.maxConcurrency) {
      const received = this.receive();
      if (received.length === 0) break;
      this.dispatch(received);
    }
    this.timer = setTimeout(() => this.poll(), this.pollIntervalMs);
    this.timer.unref();
  }

  /** ReceiveMessage with the redrive policy applied: up to batchSize visible messages. */
  private receive(): SQSRecord[] {
    const now = this.nowMs();
    const records: SQSRecord[] = [];
    for (const message of this.messages.values()) {
      if (records.length === this.batchSize) break;
      if (stateOf(message, now) !== 'visible') continue;
      // SQS checks the redrive policy when a message would be received once more than allowed.
      if (this.maxReceiveCount !== undefined && message.receiveCount >= this.maxReceiveCount) {
        this.setAside(message);
        continue;
      }
      message.receiveCount++;
      message.firstReceiveTimestamp ??= now;
      message.receiptHandle = receiptHandleFor(message.messageId);
      message.visibleAt = now + this.visibilityTimeoutMs;
      records.push(this.recordOf(message));
    }
    this.counters.delivered += records.length;
    this.notifyIfIdle();
    return records;
  }

  private setAside(message: StoredMessage): void {
    this.messages.delete(message.messageId);
    if (this.deadLetterQueue) {
      // The receive count travels with the message, so the dead-letter queue shows how often it failed.
      this.deadLetterQueue.accept({ ...message, receiptHandle: undefined, deadLetterSourceArn: this.arn });
      this.counters.movedToDeadLetterQueue++;
      return;
    }
    this.counters.dropped++;
    this.logger.warn('message dropped: past maxReceiveCount and the queue has no dead-letter queue', {
      queue: this.name,
      messageId: message.messageId,
      receiveCount: message.receiveCount,
    });
  }

  private dispatch(records: SQSRecord[]): void {
    const handler = this.handler!;
    const batch = (async () => {
      const outcome = await invoke(handler, { Records: records }, this.contextFor(records));
      this.settle(records, outcome);
    })();
    this.batches.add(batch);
    void batch.finally(() => {
      this.batches.delete(batch);
      this.notifyIfIdle();
      this.kick();
    });
  }

  /**
   * Applies what the handler reported. Failed messages are left alone: like Lambda, we do not
   * change their visibility, so they come back when the timeout they were received with runs out.
   */
  private settle(records: readonly SQSRecord[], outcome: BatchOutcome): void {
    if (outcome.kind === 'failed') {
      this.counters.failedReceives += records.length;
      this.logger.warn('batch failed; its messages will be received again', { queue: this.name, reason: outcome.reason, messageIds: records.map((r) => r.messageId) });
      return;
    }
    for (const record of records) {
      if (outcome.kind === 'partial' && outcome.failedIds.has(record.messageId)) {
        this.counters.failedReceives++;
        continue;
      }
      const message = this.messages.get(record.messageId);
      // Only the latest receipt handle deletes: a success reported after the message was received
      // again deletes nothing, as DeleteMessage does in SQS.
      if (message?.receiptHandle === record.receiptHandle) {
        this.messages.delete(record.messageId);
        this.counters.deleted++;
      } else {
        this.counters.staleReceiptHandles++;
      }
    }
  }

  private recordOf(message: StoredMessage): SQSRecord {
    const messageAttributes = toMessageAttributes(message.attributes);
    return {
      messageId: message.messageId,
      receiptHandle: message.receiptHandle!,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentTimestamp),
        SenderId: LOCAL_ACCOUNT,
        ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp),
        ...(message.deadLetterSourceArn ? { DeadLetterQueueSourceArn: message.deadLetterSourceArn } : {}),
      },
      messageAttributes,
      md5OfBody: message.md5OfBody,
      ...(Object.keys(messageAttributes).length > 0 ? { md5OfMessageAttributes: md5OfMessageAttributes(message.attributes) } : {}),
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: LOCAL_REGION,
    };
  }

  /** A Lambda context whose remaining time runs out when the batch's messages become visible again. */
  private contextFor(records: readonly SQSRecord[]): Context {
    const deadline = this.nowMs() + this.visibilityTimeoutMs;
    const requestId = randomUUID();
    const unsupported = () => {
      throw new Error('callback-style completion is not supported; return a promise');
    };
    return {
      callbackWaitsForEmptyEventLoop: true,
      functionName: this.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${this.functionName}`,
      memoryLimitInMB: '1024',
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${this.functionName}`,
      logStreamName: `local/${records.length}-records/${requestId}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - this.nowMs()),
      done: unsupported,
      fail: unsupported,
      succeed: unsupported,
    };
  }

  private countByState(): { visible: number; inFlight: number; delayed: number } {
    const now = this.nowMs();
    const counts = { visible: 0, inFlight: 0, delayed: 0 };
    for (const message of this.messages.values()) counts[stateOf(message, now)]++;
    return counts;
  }

  private isIdle(): boolean {
    return this.messages.size === 0 && this.batches.size === 0;
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    for (const waiter of this.idleWaiters) waiter();
    this.idleWaiters.clear();
  }

  private nowMs(): number {
    return this.clock.now().getTime();
  }
}

/** Calls the handler and reads its answer the way the event source mapping does. */
const invoke = async (handler: SqsHandler, event: SQSEvent, context: Context): Promise<BatchOutcome> => {
  const batchIds = new Set(event.Records.map((record) => record.messageId));
  let response: unknown;
  try {
    response = await handler(event, context);
  } catch (error) {
    return { kind: 'failed', reason: `handler threw: ${error instanceof Error ? error.message : String(error)}` };
  }
  return outcomeOf(response, batchIds);
};

/**
 * ReportBatchItemFailures: no response, or an empty list, is success. An identifier that is
 * missing, empty or not in the batch makes Lambda treat the whole batch as failed.
 */
const outcomeOf = (response: unknown, batchIds: ReadonlySet<string>): BatchOutcome => {
  if (response === undefined || response === null || typeof response !== 'object') return { kind: 'succeeded' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'succeeded' };
  if (!Array.isArray(failures)) return { kind: 'failed', reason: 'batchItemFailures is not a list' };
  const failedIds = new Set<string>();
  for (const failure of failures) {
    const id: unknown = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !batchIds.has(id)) return { kind: 'failed', reason: `invalid itemIdentifier ${JSON.stringify(id)}` };
    failedIds.add(id);
  }
  return failedIds.size === 0 ? { kind: 'succeeded' } : { kind: 'partial', failedIds };
};

const stateOf = (message: StoredMessage, now: number): MessageState => {
  if (message.visibleAt <= now) return 'visible';
  return message.receiptHandle === undefined ? 'delayed' : 'inFlight';
};

const validateEntry = (entry: SendEntry): void => {
  if (typeof entry.body !== 'string' || entry.body.length === 0) throw new RangeError('a message body must be a non-empty string');
  const delay = entry.delaySeconds ?? 0;
  requireInteger('delaySeconds', delay, 0, MAX_DELAY_SECONDS);
  const attributes = Object.entries(entry.attributes ?? {});
  if (attributes.length > MAX_MESSAGE_ATTRIBUTES) throw new RangeError(`a message carries at most ${MAX_MESSAGE_ATTRIBUTES} attributes, not ${attributes.length}`);
  for (const [name, value] of attributes) if (name === '' || typeof value !== 'string' || value === '') throw new RangeError(`message attribute ${JSON.stringify(name)} needs a non-empty string value`);
};

const requireInteger = (label: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void => {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${label} must be an integer from ${min} to ${max}, not ${value}`);
};

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

const receiptHandleFor = (messageId: string): string => Buffer.from(`${messageId}#${randomUUID()}`).toString('base64');

const toMessageAttributes = (attributes: Readonly<Record<string, string>>): SQSMessageAttributes =>
  Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { stringValue: value, stringListValues: [], binaryListValues: [], dataType: 'String' }]));

/**
 * SQS's digest of message attributes: for each attribute in name order, the length-prefixed name,
 * data type and value, with a transport byte (1 for String) before the value.
 */
const md5OfMessageAttributes = (attributes: Readonly<Record<string, string>>): string => {
  const hash = createHash('md5');
  const lengthPrefixed = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    lengthPrefixed(name);
    lengthPrefixed('String');
    hash.update(Buffer.from([1]));
    lengthPrefixed(attributes[name]!);
  }
  return hash.digest('hex');
};
