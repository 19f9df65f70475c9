/**
 * What the handoffs put on the bus and take from it. `handoff.requested` is how a trigger (or a
 * person's retry, or a resumed playbook) asks for a handoff to run; the others tell Slack.
 */
import { z } from 'zod';
import type { BusEvent } from '../shared/ports';
import { TriggerRecord } from './handoff';

import { HANDOFFS_SOURCE } from '../shared/routing';

export const HANDOFF_EVENT_SOURCE = HANDOFFS_SOURCE;

export const HandoffRequested = z.object({ playbook: z.string().min(1), trigger: TriggerRecord });
export type HandoffRequested = z.infer<typeof HandoffRequested>;

export const HandoffUpdated = z.object({ handoffId: z.string().min(1), playbook: z.string(), status: z.string() });
export type HandoffUpdated = z.infer<typeof HandoffUpdated>;

export const PlaybookPaused = z.object({ playbook: z.string(), title: z.string(), reason: z.string().optional(), at: z.string().optional() });
export type PlaybookPaused = z.infer<typeof PlaybookPaused>;

/** A direct message to a person about a handoff, sent once per key. */
export const OwnerNotice = z.object({ key: z.string().min(1), email: z.string().min(1), text: z.string().min(1), handoffId: z.string().min(1) });
export type OwnerNotice = z.infer<typeof OwnerNotice>;

export const HANDOFF_DETAIL_TYPES = {
  requested: 'handoff.requested',
  updated: 'handoff.updated',
  playbookPaused: 'handoff.playbookPaused',
  notice: 'handoff.ownerNotice',
  sweep: 'handoff.sweep',
} as const;

export const handoffRequested = (request: HandoffRequested): BusEvent => ({ source: HANDOFF_EVENT_SOURCE, detailType: HANDOFF_DETAIL_TYPES.requested, detail: request });

/** A `handoff.sweep` as a scheduled rule delivers it to the queue. */
export const sweepEnvelope = () => ({ version: '0', source: HANDOFF_EVENT_SOURCE, 'detail-type': HANDOFF_DETAIL_TYPES.sweep, detail: { reason: 'schedule' } });
