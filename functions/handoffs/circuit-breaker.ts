/**
 * A playbook pauses itself when too many of its latest handoffs failed (pure). A failure is a
 * handoff that stopped at an exception a person must handle because a step failed; a gate (an
 * ambiguous identity, a legal review) is the playbook working as meant, and is not counted.
 */
import type { CircuitBreakerSettings } from './playbook';
import type { PlaybookState } from './handoff.store';

export interface BreakerDecision {
  next: PlaybookState;
  /** True when this outcome paused the playbook. */
  tripped: boolean;
}

export const recordOutcome = (state: PlaybookState, handoffId: string, ok: boolean, settings: CircuitBreakerSettings, at: string): BreakerDecision => {
  // A redelivered outcome counts once.
  if (state.outcomes.some(([id]) => id === handoffId)) return { next: state, tripped: false };
  const outcomes = [...state.outcomes, [handoffId, ok] as [string, boolean]].slice(-settings.window);
  const failures = outcomes.filter(([, good]) => !good).length;
  const trips = !state.paused && failures >= settings.minFailures && failures / outcomes.length >= settings.failureRate;
  if (!trips) return { next: { ...state, outcomes }, tripped: false };
  return {
    next: { ...state, outcomes, paused: true, pausedAt: at, reason: `${failures} of the last ${outcomes.length} handoffs failed (limit: ${Math.round(settings.failureRate * 100)}%, at least ${settings.minFailures})` },
    tripped: true,
  };
};

/** Resumed by a person: the window starts afresh, or the next failure would pause it again at once. */
export const resumed = (state: PlaybookState): PlaybookState => ({ playbook: state.playbook, paused: false, outcomes: [], version: state.version });
