/**
 * The local runtime's queues as another process sees them, through `GET /health`: how much work
 * is waiting, and when all of it is done. `concord import` paces itself by the first and
 * `--wait`s for the second.
 */
import { z } from 'zod';

const Health = z.object({
  bus: z.object({ published: z.number() }),
  queues: z.record(z.string(), z.object({ depth: z.number(), deadLetters: z.number(), batchesInFlight: z.number() })),
});

export interface QueueState {
  /** Messages waiting or being worked on, over all queues. */
  queued: number;
  /** Messages in the dead-letter queues: they failed every retry. */
  deadLetters: number;
  /** Batches a consumer is working on right now. */
  working: number;
  /** Events the bus has accepted since the runtime started. */
  published: number;
}

export const queueStateOf = async (runtimeUrl: string): Promise<QueueState> => {
  const response = await fetch(new URL('/health', runtimeUrl));
  if (!response.ok) throw new Error(`the runtime at ${runtimeUrl} answered /health with ${response.status}`);
  const health = Health.parse(await response.json());
  const queues = Object.values(health.queues);
  const sum = (pick: (q: (typeof queues)[number]) => number) => queues.reduce((n, q) => n + pick(q), 0);
  return { queued: sum((q) => q.depth), deadLetters: sum((q) => q.deadLetters), working: sum((q) => q.batchesInFlight), published: health.bus.published };
};

const POLL_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves true once fewer than `limit` messages are queued, so a backfill never floods the
 * runtime's memory; false if `signal` aborts the wait first (Ctrl-C must not wait for a queue).
 */
export const untilQueuedBelow = async (runtimeUrl: string, limit: number, signal?: AbortSignal): Promise<boolean> => {
  while (!signal?.aborted) {
    if ((await queueStateOf(runtimeUrl)).queued < limit) return true;
    await sleep(POLL_MS);
  }
  return false;
};

/**
 * Resolves once the runtime is idle: nothing queued, nothing being worked on, and no event
 * published since the previous look (a consumer's follow-up events would fill a queue again).
 * `onPoll` sees each state, for a progress bar. Undefined if `signal` aborts the wait.
 */
export const untilDrained = async (runtimeUrl: string, onPoll: (state: QueueState) => void, signal?: AbortSignal): Promise<QueueState | undefined> => {
  let previous: QueueState | undefined;
  while (!signal?.aborted) {
    const state = await queueStateOf(runtimeUrl);
    onPoll(state);
    const idle = state.queued === 0 && state.working === 0;
    if (idle && previous !== undefined && previous.published === state.published) return state;
    previous = idle ? state : undefined;
    await sleep(POLL_MS);
  }
  return undefined;
};
