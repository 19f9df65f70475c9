/**
 * The content of a message as the app sends it (chat.postMessage, chat.update,
 * chat.postEphemeral, a response_url, a slash command's answer), checked as Slack checks it:
 * something to show, text within 40,000 characters, blocks Slack can render. WebClient sends
 * `blocks` and `attachments` JSON-encoded in form bodies; JSON bodies carry them as arrays.
 */
import { withSlackIds } from './block-kit-elements';
import { blocksErrors, MAX_MESSAGE_TEXT } from './block-kit-validation';
import type { MessageContent } from './slack-objects';

export type ContentCheck =
  | { kind: 'accepted'; content: MessageContent }
  | { kind: 'refused'; error: 'no_text' | 'msg_too_long' | 'invalid_blocks' | 'invalid_blocks_format' | 'invalid_attachments' | 'too_many_attachments'; messages?: string[] };

export interface RawContent {
  text?: unknown;
  blocks?: unknown;
  attachments?: unknown;
}

const MAX_ATTACHMENTS = 100;

/** A JSON-encoded array (form bodies) or the array itself (JSON bodies); undefined when absent, 'malformed' otherwise. */
export const jsonArray = (value: unknown): unknown[] | undefined | 'malformed' => {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return 'malformed';
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : 'malformed';
  } catch {
    return 'malformed';
  }
};

/**
 * Checks content; `requireSomething` is false for chat.update, whose absent fields keep the
 * message's current ones. Blocks come back with the block_ids and action_ids Slack fills in.
 */
export const checkMessageContent = (raw: RawContent, ids: { blockId(): string; actionId(): string }, requireSomething = true): ContentCheck => {
  const text = raw.text === undefined || raw.text === null ? undefined : String(raw.text);
  const blocks = jsonArray(raw.blocks);
  if (blocks === 'malformed') return { kind: 'refused', error: 'invalid_blocks_format' };
  const attachments = jsonArray(raw.attachments);
  if (attachments === 'malformed') return { kind: 'refused', error: 'invalid_attachments' };
  if (requireSomething && !text && (blocks === undefined || blocks.length === 0) && (attachments === undefined || attachments.length === 0)) return { kind: 'refused', error: 'no_text' };
  if (text !== undefined && text.length > MAX_MESSAGE_TEXT) return { kind: 'refused', error: 'msg_too_long' };
  if (attachments !== undefined && attachments.length > MAX_ATTACHMENTS) return { kind: 'refused', error: 'too_many_attachments' };
  if (blocks !== undefined) {
    const messages = blocksErrors(blocks, 'message');
    if (messages.length > 0) return { kind: 'refused', error: 'invalid_blocks', messages };
  }
  return {
    kind: 'accepted',
    content: {
      text: text ?? '',
      ...(blocks === undefined ? {} : { blocks: withSlackIds(blocks, ids) }),
      ...(attachments === undefined ? {} : { attachments }),
    },
  };
};
