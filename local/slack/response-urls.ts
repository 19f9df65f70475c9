/**
 * response_urls: with a slash command or a click on a message button Slack hands the app a URL
 * it may POST messages to, up to 5 times within 30 minutes. A POST can
 * - add a message, ephemeral (the default, only the person who acted sees it) or `in_channel`;
 * - replace the original (`replace_original: true`): the message whose button was clicked, or
 *   for a slash command the last message its answers produced;
 * - delete the original (`delete_original: true`).
 * Here they are `<base>/slack/response/<secret>`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readBody, sendJson } from '../http';
import type { Clock } from '../../functions/shared/ports';
import type { EmulatorContext } from './emulator-context';
import { checkMessageContent } from './message-content';
import { botMessage, type SlackMessage } from './slack-objects';

export const RESPONSE_URL_PATH = '/slack/response/';
export const RESPONSE_URL_USES = 5;
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;

/** What a response_url answers for: where the person acted, and the message its POSTs replace. */
export interface ResponseTarget {
  channel: string;
  /** Who acted: ephemeral answers are shown to them. */
  user: string;
  /** The message replace_original and delete_original act on; none yet for a fresh slash command. */
  original?: { ts: string; ephemeral: boolean };
  /** Answers to a slash command become its new original, so the next one can replace it. */
  followsAnswers: boolean;
}

interface IssuedUrl {
  target: ResponseTarget;
  issuedAt: number;
  uses: number;
}

export class ResponseUrls {
  private readonly issued = new Map<string, IssuedUrl>();

  constructor(
    private readonly clock: Clock,
    private readonly baseUrl: () => string,
    private readonly newSecret: () => string,
  ) {}

  issue(target: ResponseTarget): string {
    const now = this.clock.now().getTime();
    for (const [secret, url] of this.issued) if (now - url.issuedAt > RESPONSE_URL_LIFETIME_MS) this.issued.delete(secret);
    const secret = this.newSecret();
    this.issued.set(secret, { target, issuedAt: now, uses: 0 });
    return `${this.baseUrl()}${RESPONSE_URL_PATH}${secret}`;
  }

  /** Counts a use; the target, or why the URL no longer answers. */
  use(secret: string): { kind: 'usable'; target: ResponseTarget } | { kind: 'refused'; error: 'expired_url' | 'used_url' } {
    const url = this.issued.get(secret);
    if (url === undefined || this.clock.now().getTime() - url.issuedAt > RESPONSE_URL_LIFETIME_MS) return { kind: 'refused', error: 'expired_url' };
    if (url.uses >= RESPONSE_URL_USES) return { kind: 'refused', error: 'used_url' };
    url.uses += 1;
    return { kind: 'usable', target: url.target };
  }
}

const Flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

export const ResponseUrlBody = z.looseObject({
  text: z.string().optional(),
  blocks: z.unknown().optional(),
  attachments: z.unknown().optional(),
  response_type: z.enum(['ephemeral', 'in_channel']).optional(),
  replace_original: Flag.optional(),
  delete_original: Flag.optional(),
  thread_ts: z.string().optional(),
});
export type ResponseUrlBody = z.infer<typeof ResponseUrlBody>;

export interface ResponseUrlAnswer {
  status: number;
  body: { ok: boolean; error?: string; response_metadata?: { messages: string[] } };
}

const refused = (status: number, error: string, messages?: string[]): ResponseUrlAnswer => ({ status, body: { ok: false, error, ...(messages ? { response_metadata: { messages } } : {}) } });

/** Applies one POST to a response_url whose use was already counted. */
export const answerThroughResponseUrl = (context: EmulatorContext, target: ResponseTarget, body: ResponseUrlBody): ResponseUrlAnswer => {
  const { state, workspace, ids, clock } = context;
  const original = target.original;
  if (body.delete_original === true) {
    if (original === undefined) return refused(404, 'message_not_found');
    if (original.ephemeral) state.deleteEphemeral(target.channel, target.user, original.ts);
    else state.deleteMessage(target.channel, original.ts);
    return { status: 200, body: { ok: true } };
  }
  const check = checkMessageContent(body, ids);
  if (check.kind === 'refused') return refused(400, check.error, check.messages);
  const content = { ...check.content, ...(body.thread_ts === undefined ? {} : { thread_ts: body.thread_ts }) };

  if (body.replace_original === true && original !== undefined) {
    const current = original.ephemeral ? state.ephemeral(target.channel, target.user, original.ts)?.message : state.message(target.channel, original.ts);
    if (current === undefined) return refused(404, 'message_not_found');
    const replacement: SlackMessage = { ...botMessage(workspace.app, workspace.team, original.ts, content, clock.now()), ...(current.thread_ts === undefined ? {} : { thread_ts: current.thread_ts }) };
    if (original.ephemeral) state.replaceEphemeral(target.channel, target.user, replacement);
    else state.replaceMessage(target.channel, replacement);
    return { status: 200, body: { ok: true } };
  }

  const message = botMessage(workspace.app, workspace.team, ids.messageTs(), content, clock.now());
  const inChannel = body.response_type === 'in_channel';
  if (inChannel) state.postMessage(target.channel, message);
  else state.postEphemeral(target.channel, target.user, message);
  if (target.followsAnswers) target.original = { ts: message.ts, ephemeral: !inChannel };
  return { status: 200, body: { ok: true } };
};

/** Serves a POST to `<base>/slack/response/<secret>`. */
export const serveResponseUrl = async (context: EmulatorContext, req: IncomingMessage, res: ServerResponse, secret: string, maxBodyBytes: number): Promise<void> => {
  if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: 'method_not_allowed' }, { allow: 'POST' });
  const { body, overLimit } = await readBody(req, maxBodyBytes);
  if (overLimit) return sendJson(res, 413, { ok: false, error: 'request_too_large' });
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return sendJson(res, 400, { ok: false, error: 'invalid_payload' });
  }
  const parsed = ResponseUrlBody.safeParse(json);
  if (!parsed.success) return sendJson(res, 400, { ok: false, error: 'invalid_payload' });
  const use = context.responseUrls.use(secret);
  if (use.kind === 'refused') return sendJson(res, 404, { ok: false, error: use.error });
  const answer = answerThroughResponseUrl(context, use.target, parsed.data);
  sendJson(res, answer.status, answer.body);
};
