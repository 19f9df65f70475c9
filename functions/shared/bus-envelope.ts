import { z } from 'zod';
import { CanonicalEvent, DetailType } from './canonical';

/** An EventBridge event as delivered to an SQS target, carrying a canonical source event. */
export const SourceEventEnvelope = z.object({
  version: z.string(),
  id: z.string(),
  'detail-type': DetailType,
  source: z.string(),
  time: z.string(),
  detail: CanonicalEvent,
});
export type SourceEventEnvelope = z.infer<typeof SourceEventEnvelope>;
