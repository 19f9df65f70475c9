import { createHash } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LocalQueue, QueueDrainTimeoutError, type LocalQueueOptions, type QueueLogger, type SqsHandler } from '../../local/local-queue';

// Message times follow this clock, so visibility timeouts expire only when a test says so; the
// queue's polling still runs on real timers, which the tests wait on through conditions, never durations.
const fakeClock = (start = Date.UTC(2024, 0, 15, 9, 0, 0)) => {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
};

const VISIBILITY_MS = 1_000;
const silent: QueueLogger = { warn: () => undefined };

const waitFor = async (condition: () => boolean, timeoutMs = 2_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

const deferred = () => {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
};

/** Records every invocation, then answers with the scripted behaviour for that call. */
const recordingHandler = (behaviour: (event: SQSEvent, call: number) => Promise<SQSBatchResponse | void> = async () => undefined) => {
  const events: SQSEvent[] = [];
  const handler: SqsHandler = async (event) => {
    events.push(event);
    return behaviour(event, events.length);
  };
  return { handler, events, records: () => events.flatMap((event) => event.Records) };
};

const queues: LocalQueue[] = [];
const createQueue = (options: Partial<LocalQueueOptions> = {}) => {
  const queue = new LocalQueue({ name: 'reconcile', visibilityTimeoutMs: VISIBILITY_MS, pollIntervalMs: 2, logger: silent, ...options });
  queues.push(queue);
  return queue;
};

/** Waits until the consumer has run `calls` times and nothing is being handled. */
const settled = (queue: LocalQueue, handler: { events: unknown[] }, calls: number) =>
  waitFor(() => handler.events.length === calls && queue.stats().batchesInFlight === 0);

afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.stop()));
});

describe('LocalQueue', () => {
  describe('delivery', () => {
    it('given a sent message, when the consumer resolves, then it received a faithful SQS record and the message is deleted', async () => {
      const clock = fakeClock();
      const queue = createQueue({ clock });
      const consumer = recordingHandler();
      const body = JSON.stringify({ hello: 'wörld' });
      const messageId = queue.send(body);

      queue.subscribe(consumer.handler).start();
      await queue.drain(2_000);

      expect(consumer.records()).toEqual([
        {
          messageId,
          receiptHandle: expect.any(String),
          body,
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(clock.now().getTime()),
            SenderId: expect.any(String),
            ApproximateFirstReceiveTimestamp: String(clock.now().getTime()),
          },
          messageAttributes: {},
          md5OfBody: createHash('md5').update(body).digest('hex'),
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:local:000000000000:reconcile',
          awsRegion: 'local',
        },
      ]);
      expect(messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(queue.depth()).toBe(0);
      expect(queue.stats()).toMatchObject({ sent: 1, delivered: 1, deleted: 1, failedReceives: 0 });
    });

    it('given a message sent with attributes, when delivered, then they arrive as String message attributes with their digest', async () => {
      const queue = createQueue();
      const consumer = recordingHandler();
      queue.send('{}', { tenant: 't-1', kind: 'upsert' });
      queue.send('{}', { kind: 'upsert', tenant: 't-1' });

      queue.subscribe(consumer.handler).start();
      await queue.drain(2_000);

      const [first, second] = consumer.records() as [SQSRecord, SQSRecord];
      expect(first.messageAttributes).toEqual({
        tenant: { stringValue: 't-1', stringListValues: [], binaryListValues: [], dataType: 'String' },
        kind: { stringValue: 'upsert', stringListValues: [], binaryListValues: [], dataType: 'String' },
      });
      expect(first.md5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
      // SQS digests attributes in name order, so the order they were given in does not matter.
      expect(second.md5OfMessageAttributes).toBe(first.md5OfMessageAttributes);
    });

    it('given more messages than the batch size, when consumed one batch at a time, then no batch exceeds the batch size', async () => {
      const queue = createQueue({ batchSize: 3, maxConcurrency: 1 });
      const consumer = recordingHandler();
      queue.sendBatch(Array.from({ length: 7 }, (_, i) => ({ body: `m${i}` })));

      queue.subscribe(consumer.handler).start();
      await queue.drain(2_000);

      expect(consumer.events.map((event) => event.Records.length)).toEqual([3, 3, 1]);
      expect(consumer.records().map((record) => record.body).sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    });

    it('given a delayed message, when its delay has not passed, then it is held back and delivered once it has', async () => {
      const clock = fakeClock();
      const queue = createQueue({ clock });
      const consumer = recordingHandler();
      queue.subscribe(consumer.handler).start();

      queue.send('later', {}, { delaySeconds: 5 });
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(consumer.events).toHaveLength(0);
      expect(queue.peek()).toEqual([expect.objectContaining({ body: 'later', state: 'delayed', receiveCount: 0 })]);
      expect(queue.depth()).toBe(1);

      clock.advance(5_000);
      await queue.drain(2_000);
      expect(consumer.records().map((record) => record.body)).toEqual(['later']);
    });
  });

  describe('failures', () => {
    it('given a partial batch failure, when the visibility timeout passes, then only the failed message is delivered again, with a higher receive count', async () => {
      const clock = fakeClock();
      const queue = createQueue({ clock });
      const [, failingId] = queue.sendBatch([{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
      const consumer = recordingHandler(async (_event, call) => (call === 1 ? { batchItemFailures: [{ itemIdentifier: failingId! }] } : undefined));

      queue.subscribe(consumer.handler).start();
      await settled(queue, consumer, 1);
      expect(queue.depth()).toBe(1);
      expect(queue.inFlight()).toBe(1);

      clock.advance(VISIBILITY_MS);
      await queue.drain(2_000);

      expect(consumer.events[1]!.Records).toEqual([
        expect.objectContaining({ messageId: failingId, body: 'b', attributes: expect.objectContaining({ ApproximateReceiveCount: '2' }) }),
      ]);
      expect(consumer.events[1]!.Records[0]!.receiptHandle).not.toBe(consumer.events[0]!.Records[1]!.receiptHandle);
      expect(queue.stats()).toMatchObject({ delivered: 4, deleted: 3, failedReceives: 1 });
    });

    it('given a handler that throws, when the visibility timeout passes, then the whole batch is delivered again', async () => {
      const clock = fakeClock();
      const queue = createQueue({ clock });
      queue.sendBatch([{ body: 'a' }, { body: 'b' }]);
      const consumer = recordingHandler(async (_event, call) => {
        if (call === 1) throw new Error('database unavailable');
      });

      queue.subscribe(consumer.handler).start();
      await settled(queue, consumer, 1);
      expect(queue.depth()).toBe(2);

      clock.advance(VISIBILITY_MS);
      await queue.drain(2_000);

      expect(consumer.events[1]!.Records.map((record) => [record.body, record.attributes.ApproximateReceiveCount])).toEqual([
        ['a', '2'],
        ['b', '2'],
      ]);
      expect(queue.stats()).toMatchObject({ failedReceives: 2, deleted: 2 });
    });

    it.each([
      ['an identifier not in the batch', { batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }] }],
      ['an empty identifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ])('given a response naming %s, when the batch settles, then the whole batch counts as failed', async (_label, response) => {
      const clock = fakeClock();
      const queue = createQueue({ clock });
      queue.sendBatch([{ body: 'a' }, { body: 'b' }]);
      const consumer = recordingHandler(async (_event, call) => (call === 1 ? response : undefined));

      queue.subscribe(consumer.handler).start();
      await settled(queue, consumer, 1);
      expect(queue.depth()).toBe(2);

      clock.advance(VISIBILITY_MS);
      await queue.drain(2_000);
      expect(consumer.events[1]!.Records).toHaveLength(2);
    });

    it('given a message that always fails, when it has been received maxReceiveCount times, then it moves to the dead-letter queue intact', async () => {
      const clock = fakeClock();
      const dlq = createQueue({ name: 'reconcile-dlq', clock });
      const queue = createQueue({ clock, maxReceiveCount: 2, deadLetterQueue: dlq });
      const messageId = queue.send('poison', { tenant: 't-1' });
      const consumer = recordingHandler(async () => {
        throw new Error('cannot parse');
      });

      queue.subscribe(consumer.handler).start();
      await settled(queue, consumer, 1);
      clock.advance(VISIBILITY_MS);
      await settled(queue, consumer, 2);
      clock.advance(VISIBILITY_MS);
      await queue.drain(2_000);

      expect(consumer.events).toHaveLength(2);
      expect(dlq.peek()).toEqual([
        expect.objectContaining({
          messageId,
          body: 'poison',
          attributes: { tenant: 't-1' },
          state: 'visible',
          receiveCount: 2,
          deadLetterSourceArn: queue.arn,
        }),
      ]);
      expect(queue.stats()).toMatchObject({ delivered: 2, failedReceives: 2, movedToDeadLetterQueue: 1 });
      expect(dlq.stats()).toMatchObject({ sent: 0, movedIn: 1 });
    });

    it('given no dead-letter queue, when a message passes maxReceiveCount, then it is dropped with a warning', async () => {
      const clock = fakeClock();
      const warn = jest.fn();
      const queue = createQueue({ clock, maxReceiveCount: 1, logger: { warn } });
      const messageId = queue.send('poison');
      const consumer = recordingHandler(async () => ({ batchItemFailures: [{ itemIdentifier: messageId }] }));

      queue.subscribe(consumer.handler).start();
      await settled(queue, consumer, 1);
      clock.advance(VISIBILITY_MS);
      await queue.drain(2_000);

      expect(queue.stats()).toMatchObject({ dropped: 1, movedToDeadLetterQueue: 0 });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('dropped'), expect.objectContaining({ messageId }));
    });
  });

  describe('visibility timeout', () => {
    it('given a handler slower than the visibility timeout, when the timeout passes, then the message is delivered again while the first is still running', async () => {
      const clock = fakeClock();
      const queue = createQueue({ clock, maxConcurrency: 2 });
      const firstRun = deferred();
      const messageId = queue.send('slow');
      const consumer = recordingHandler(async (_event, call) => {
        if (call === 1) await firstRun.promise;
      });

      queue.subscribe(consumer.handler).start();
      await waitFor(() => consumer.events.length === 1);
      // The clock has not moved, so the message stays invisible however many polls run.
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(consumer.events).toHaveLength(1);
      expect(queue.inFlight()).toBe(1);

      clock.advance(VISIBILITY_MS);
      await waitFor(() => consumer.events.length === 2);
      const [first, second] = consumer.records() as [SQSRecord, SQSRecord];
      expect(second.messageId).toBe(messageId);
      expect(second.attributes.ApproximateReceiveCount).toBe('2');
      expect(second.receiptHandle).not.toBe(first.receiptHandle);

      firstRun.release();
      await queue.drain(2_000);
      // The first run's success came with an outdated receipt handle, which deletes nothing in SQS.
      expect(queue.stats()).toMatchObject({ delivered: 2, deleted: 1, staleReceiptHandles: 1 });
    });
  });

  describe('lifecycle', () => {
    it('given a batch in flight, when stopped, then stop waits for it, applies its outcome and delivers nothing more', async () => {
      const queue = createQueue();
      const running = deferred();
      const consumer = recordingHandler(async () => running.promise);
      queue.send('in flight');
      queue.subscribe(consumer.handler).start();
      await waitFor(() => consumer.events.length === 1);

      let stopped = false;
      const stopping = queue.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(stopped).toBe(false);

      running.release();
      await stopping;
      expect(queue.stats()).toMatchObject({ deleted: 1, batchesInFlight: 0 });

      queue.send('after stop');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(consumer.events).toHaveLength(1);
      expect(queue.depth()).toBe(1);
    });

    it('given a queue nobody consumes, when drained, then it rejects after the timeout with the queue state', async () => {
      const queue = createQueue();
      queue.send('stuck');

      const drained = queue.drain(20);

      await expect(drained).rejects.toBeInstanceOf(QueueDrainTimeoutError);
      await expect(drained).rejects.toMatchObject({ queue: 'reconcile', stats: expect.objectContaining({ visible: 1 }) });
    });

    it('given invalid settings, when constructed, then it refuses them', () => {
      expect(() => createQueue({ batchSize: 11 })).toThrow(RangeError);
      expect(() => createQueue({ batchSize: 0 })).toThrow(RangeError);
      expect(() => createQueue({ name: 'no spaces' })).toThrow(RangeError);
      expect(() => createQueue({ deadLetterQueue: createQueue({ name: 'dlq' }) })).toThrow(RangeError);
    });

    it('given more than ten entries, when sent as one batch, then SQS limits refuse the whole call', () => {
      const queue = createQueue();
      expect(() => queue.sendBatch(Array.from({ length: 11 }, () => ({ body: 'x' })))).toThrow(RangeError);
      expect(queue.depth()).toBe(0);
    });
  });

  describe('redrive', () => {
    it('given a message in the dead-letter queue, when redriven to its source after a fix, then it is delivered afresh and deleted', async () => {
      const clock = fakeClock();
      const dlq = createQueue({ name: 'reconcile-dlq', clock });
      const queue = createQueue({ clock, maxReceiveCount: 1, deadLetterQueue: dlq });
      let fixed = false;
      const consumer = recordingHandler(async () => {
        if (!fixed) throw new Error('bug');
      });
      const messageId = queue.send('needs the fix', { tenant: 't-1' });
      queue.subscribe(consumer.handler).start();
      await settled(queue, consumer, 1);
      clock.advance(VISIBILITY_MS);
      await queue.drain(2_000);
      expect(dlq.depth()).toBe(1);

      fixed = true;
      const moved = dlq.redriveTo(queue);
      await queue.drain(2_000);

      expect(moved).toBe(1);
      expect(dlq.depth()).toBe(0);
      const redelivered = consumer.events[1]!.Records[0]!;
      expect(redelivered).toMatchObject({ messageId, body: 'needs the fix', messageAttributes: { tenant: expect.objectContaining({ stringValue: 't-1' }) } });
      expect(redelivered.attributes.ApproximateReceiveCount).toBe('1');
      expect(redelivered.attributes.DeadLetterQueueSourceArn).toBeUndefined();
      expect(queue.stats()).toMatchObject({ deleted: 1, movedIn: 1 });
    });
  });
});
