/** Waiting for a handoff on a test runtime. */
import type { HandoffItem } from '../../functions/handoffs/handoff';
import type { LocalRuntime } from '../../local/runtime';

/** The handoff once it stops running: redeliveries after a crash or a retry wait out the queue's visibility timeout. */
export const settledHandoff = async (runtime: LocalRuntime, handoffId: string, timeoutMs = 90_000): Promise<HandoffItem | undefined> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const handoff = await runtime.handoffStore.get(handoffId);
    if ((handoff && handoff.status !== 'running') || Date.now() > deadline) return handoff;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};
