/**
 * Faults a test orders from the local Slack's Web API, to see how the app copes with Slack
 * having a bad minute:
 * - rateLimit: answer HTTP 429 with `Retry-After` (seconds) and `{ ok: false, error: 'ratelimited' }`,
 *   which WebClient waits out and retries;
 * - fail: answer HTTP 200 with `{ ok: false, error }` (say `fatal_error`, `channel_not_found`),
 *   which WebClient raises as its platform error;
 * - delay: hold the call that many milliseconds, then serve it normally.
 * Each applies to the next `times` calls of the method (`'*'` for every method), then lapses.
 * A delay and a refusal can stand together: the call waits, then is refused.
 */

export type SlackFault =
  | { kind: 'rateLimit'; retryAfterSec: number }
  | { kind: 'fail'; error: string }
  | { kind: 'delay'; ms: number };

interface StandingFault {
  method: string;
  fault: SlackFault;
  remaining: number;
}

export interface FaultTimes {
  /** How many calls it applies to; 1 unless given. */
  times?: number;
}

export interface SlackFaultsControl {
  rateLimit(method: string, options?: FaultTimes & { retryAfterSec?: number }): void;
  fail(method: string, error: string, options?: FaultTimes): void;
  delay(method: string, ms: number, options?: FaultTimes): void;
  /** Clears every fault, or the ones standing for one method. */
  clear(method?: string): void;
  /** What stands, for a listing. */
  list(): { method: string; fault: SlackFault; remaining: number }[];
}

export class SlackFaults implements SlackFaultsControl {
  private standing: StandingFault[] = [];

  private order(method: string, fault: SlackFault, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new Error(`local Slack: a fault applies to a positive whole number of calls, not ${times}`);
    this.standing.push({ method, fault, remaining: times });
  }

  rateLimit(method: string, options: FaultTimes & { retryAfterSec?: number } = {}): void {
    this.order(method, { kind: 'rateLimit', retryAfterSec: options.retryAfterSec ?? 1 }, options.times);
  }

  fail(method: string, error: string, options: FaultTimes = {}): void {
    this.order(method, { kind: 'fail', error }, options.times);
  }

  delay(method: string, ms: number, options: FaultTimes = {}): void {
    this.order(method, { kind: 'delay', ms }, options.times);
  }

  clear(method?: string): void {
    this.standing = method === undefined ? [] : this.standing.filter((f) => f.method !== method);
  }

  list(): { method: string; fault: SlackFault; remaining: number }[] {
    return this.standing.map((f) => ({ ...f, fault: { ...f.fault } }));
  }

  /** The faults that meet this call of `method` (at most one delay and one refusal, the oldest orders first), used up by one. */
  take(method: string): { delayMs: number; refusal?: Exclude<SlackFault, { kind: 'delay' }> } {
    const applies = (f: StandingFault) => f.method === method || f.method === '*';
    const delay = this.standing.find((f) => applies(f) && f.fault.kind === 'delay');
    const refusal = this.standing.find((f) => applies(f) && f.fault.kind !== 'delay');
    for (const used of [delay, refusal]) if (used !== undefined) used.remaining -= 1;
    this.standing = this.standing.filter((f) => f.remaining > 0);
    return {
      delayMs: delay?.fault.kind === 'delay' ? delay.fault.ms : 0,
      ...(refusal === undefined || refusal.fault.kind === 'delay' ? {} : { refusal: refusal.fault }),
    };
  }
}
