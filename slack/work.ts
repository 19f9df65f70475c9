/**
 * What the Slack listeners hand to the worker: a listener answers Slack at once (Slack allows three
 * seconds) and puts the slow part on the bus as a `slack.work` event, which the routing table
 * sends to the Slack worker's queue beside the identity events it posts about.
 */
import { z } from 'zod';
import { SLACK_EVENT_SOURCE, SLACK_WORK_DETAIL_TYPE } from '../functions/shared/bus-envelope';
import type { BusEvent } from '../functions/shared/ports';

const SlackUserId = z.string().regex(/^[UW][A-Z0-9]+$/, 'a Slack user id');
const ChannelId = z.string().regex(/^[CDG][A-Z0-9]+$/, 'a Slack channel id');
const MessageTs = z.string().regex(/^\d+\.\d+$/, 'a message ts');

/**
 * What makes a delivery from Slack the same delivery again (deliveries.ts): a retried or replayed
 * request carries the same key, and the worker does the work of a key once.
 */
const delivery = { deliveryKey: z.string().min(1).max(300).optional() };

export const SlackWork = z.discriminatedUnion('type', [
  z.object({
    ...delivery,
    type: z.literal('command'),
    subcommand: z.enum(['lookup', 'queue', 'report', 'undo']),
    argument: z.string(),
    userId: SlackUserId,
    channelId: ChannelId,
    responseUrl: z.string().url(),
  }),
  z.object({
    ...delivery,
    type: z.literal('decide'),
    proposalId: z.string().min(1),
    decision: z.enum(['approve', 'reject', 'unsure']),
    userId: SlackUserId,
    channelId: ChannelId,
    messageTs: MessageTs,
  }),
  z.object({
    ...delivery,
    type: z.literal('undo'),
    mergeId: z.string().min(1),
    userId: SlackUserId,
    /** The message the Undo button was on, updated once undone. */
    channelId: ChannelId.optional(),
    messageTs: MessageTs.optional(),
  }),
  z.object({
    ...delivery,
    type: z.literal('override'),
    unifiedId: z.string().min(1),
    /** The entity's revision the modal showed: the override applies only to that one. */
    rev: z.number().int().nonnegative(),
    field: z.string().min(1),
    value: z.string().optional(),
    sourceKey: z.string().optional(),
    reason: z.string(),
    userId: SlackUserId,
  }),
  z.object({ ...delivery, type: z.literal('home'), userId: SlackUserId }),
  /** A click on a handoff's receipt; the receipt is found from the handoff, so only the clicker's channel is kept (for a refusal). */
  z.discriminatedUnion('action', [
    z.object({ ...delivery, type: z.literal('handoff'), action: z.enum(['retry', 'resolve', 'confirm']), handoffId: z.string().min(1), userId: SlackUserId, channelId: ChannelId }),
    z.object({ ...delivery, type: z.literal('handoff'), action: z.literal('assign'), handoffId: z.string().min(1), assignee: SlackUserId, userId: SlackUserId, channelId: ChannelId }),
  ]),
  /** Resume on a paused playbook's alert, which is updated in place. */
  z.object({ ...delivery, type: z.literal('resumePlaybook'), playbook: z.string().min(1), userId: SlackUserId, channelId: ChannelId, messageTs: MessageTs }),
  z.object({ ...delivery, type: z.literal('digest'), hours: z.number().int().positive().default(24) }),
]);
export type SlackWork = z.infer<typeof SlackWork>;

export const slackWorkEvent = (work: SlackWork): BusEvent => ({ source: SLACK_EVENT_SOURCE, detailType: SLACK_WORK_DETAIL_TYPE, detail: work });

export type ConcordCommand = { kind: 'help'; unknown?: string } | { kind: 'work'; subcommand: 'lookup' | 'queue' | 'report' | 'undo'; argument: string };

/** `/concord …` read: unknown or incomplete input gets help, never an error. */
export const parseConcordCommand = (text: string): ConcordCommand => {
  const trimmed = text.trim();
  const [word = '', ...rest] = trimmed.split(/\s+/);
  const argument = rest.join(' ').trim();
  switch (word.toLowerCase()) {
    case 'lookup':
    case 'find':
      return argument === '' ? { kind: 'help', unknown: 'lookup needs something to look for: a name, domain, email, phone or id' } : { kind: 'work', subcommand: 'lookup', argument };
    case 'queue':
    case 'merges':
      return { kind: 'work', subcommand: 'queue', argument: '' };
    case 'report':
      return { kind: 'work', subcommand: 'report', argument: '' };
    case 'undo':
      return argument === '' ? { kind: 'help', unknown: 'undo needs a merge id (mrg_…)' } : { kind: 'work', subcommand: 'undo', argument };
    case '':
    case 'help':
      return { kind: 'help' };
    default:
      return { kind: 'help', unknown: `“${word.slice(0, 40)}” is not a /concord command` };
  }
};

/** A `slack.work` event as EventBridge delivers it to the worker's queue; what a scheduled rule sends it too. */
export const slackWorkEnvelope = (work: SlackWork) => ({ version: '0', source: SLACK_EVENT_SOURCE, 'detail-type': SLACK_WORK_DETAIL_TYPE, detail: work });
