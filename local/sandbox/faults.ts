/**
 * Faults a test (or a person at the console) can order from a fake system, to see how callers
 * cope with a vendor that is down, hangs or is slow:
 * - fail: answer with `status` (default 500) in the vendor's error format, without touching state
 *   (an outage in front of the API);
 * - timeout: take the request and never answer, until the caller gives up or the sandbox stops;
 * - slow: wait `delayMs` (default 1000) and then serve the request normally — the caller may have
 *   given up by then while the change still lands, which is why writes carry idempotency keys.
 * `times` limits the fault to the next so many requests; without it the fault stays until cleared.
 */
import { z } from 'zod';

export const FaultMode = z.enum(['fail', 'timeout', 'slow']);
export type FaultMode = z.infer<typeof FaultMode>;

export const FaultOrder = z
  .object({
    mode: FaultMode,
    status: z.number().int().min(400).max(599).optional(),
    times: z.number().int().positive().optional(),
    delayMs: z.number().int().nonnegative().max(600_000).optional(),
  })
  .strict();
export type FaultOrder = z.infer<typeof FaultOrder>;

const DEFAULT_FAIL_STATUS = 500;
const DEFAULT_DELAY_MS = 1000;

export type Fault = { mode: 'fail'; status: number } | { mode: 'timeout' } | { mode: 'slow'; delayMs: number };

/** An order as it stands: what it does, and how many more requests it applies to. */
export interface StandingFault {
  fault: Fault;
  remaining: number;
}

export const standingFaultOf = (order: FaultOrder): StandingFault => ({ fault: faultOf(order), remaining: order.times ?? Number.POSITIVE_INFINITY });

const faultOf = (order: FaultOrder): Fault => {
  switch (order.mode) {
    case 'fail':
      return { mode: 'fail', status: order.status ?? DEFAULT_FAIL_STATUS };
    case 'timeout':
      return { mode: 'timeout' };
    case 'slow':
      return { mode: 'slow', delayMs: order.delayMs ?? DEFAULT_DELAY_MS };
  }
};

/** The fault for the next request, and what stands after it (undefined once used up). */
export const takeFault = (standing: StandingFault | undefined): { fault: Fault | undefined; next: StandingFault | undefined } => {
  if (standing === undefined) return { fault: undefined, next: undefined };
  const remaining = standing.remaining - 1;
  return { fault: standing.fault, next: remaining > 0 ? { ...standing, remaining } : undefined };
};

/** For listings: Infinity does not survive JSON. */
export const describeStandingFault = (standing: StandingFault | undefined): Record<string, unknown> | null =>
  standing === undefined ? null : { ...standing.fault, remaining: Number.isFinite(standing.remaining) ? standing.remaining : 'until cleared' };
