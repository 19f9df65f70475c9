/**
 * The Web API's wire format as `@slack/web-api`'s WebClient speaks it, at `<base>/slack/api/<method>`:
 * POST with a form body (WebClient's way, objects JSON-encoded in their field) or a JSON body
 * (token in `Authorization: Bearer` only), or GET with a query string. Every answer is HTTP 200
 * with Slack's `{ ok, error?, response_metadata? }` envelope, except a rate limit: HTTP 429 with
 * `Retry-After`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http';
import type { EmulatorContext } from './emulator-context';
import type { SlackFaults } from './slack-faults';
import { ApiArgs, refuse, type ApiResult, type WebApiMethod } from './web-api-args';
import { chatGetPermalink, chatPostEphemeral, chatPostMessage, chatUpdate } from './web-api-chat';
import { authTest, conversationsHistory, conversationsInfo, conversationsList, usergroupsList, usergroupsUsersList, usersInfo, usersList, usersLookupByEmail } from './web-api-directory';
import { viewsOpen, viewsPublish, viewsPush, viewsUpdate } from './web-api-views';

export const WEB_API_PATH = '/slack/api/';

export const webApiMethods: Readonly<Record<string, WebApiMethod>> = {
  'auth.test': authTest,
  'chat.getPermalink': chatGetPermalink,
  'chat.postEphemeral': chatPostEphemeral,
  'chat.postMessage': chatPostMessage,
  'chat.update': chatUpdate,
  'conversations.history': conversationsHistory,
  'conversations.info': conversationsInfo,
  'conversations.list': conversationsList,
  'usergroups.list': usergroupsList,
  'usergroups.users.list': usergroupsUsersList,
  'users.info': usersInfo,
  'users.list': usersList,
  'users.lookupByEmail': usersLookupByEmail,
  'views.open': viewsOpen,
  'views.publish': viewsPublish,
  'views.push': viewsPush,
  'views.update': viewsUpdate,
};

/** One Web API call as the emulator saw it: for tests and the console's "what did the app ask". */
export interface WebApiCall {
  seq: number;
  at: string;
  method: string;
  /** The arguments without the token. */
  args: Record<string, unknown>;
  /** Absent for a call answered with HTTP 429. */
  result?: ApiResult;
  rateLimited?: { retryAfterSec: number };
}

export interface WebApiDeps {
  context: EmulatorContext;
  faults: SlackFaults;
  botToken: string;
  maxBodyBytes: number;
  /** Waits out a delay fault; cancelled when the emulator closes. */
  wait(ms: number): Promise<void>;
  record(call: Omit<WebApiCall, 'seq' | 'at'>): void;
}

type ParsedRequest = { kind: 'parsed'; args: Record<string, unknown>; headerToken?: string; jsonWithoutCharset: boolean } | { kind: 'refused'; result: ApiResult };

const bearerToken = (req: IncomingMessage): string | undefined => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];

const parseRequest = async (req: IncomingMessage, url: URL, maxBodyBytes: number): Promise<ParsedRequest> => {
  const headerToken = bearerToken(req);
  const query = Object.fromEntries(url.searchParams);
  if (req.method !== 'POST') return { kind: 'parsed', args: query, ...(headerToken === undefined ? {} : { headerToken }), jsonWithoutCharset: false };
  const { body, overLimit } = await readBody(req, maxBodyBytes);
  if (overLimit) return { kind: 'refused', result: refuse('request_too_large') };
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  const text = body.toString('utf8');
  if (contentType.startsWith('application/json')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { kind: 'refused', result: refuse('invalid_json') };
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return { kind: 'refused', result: refuse('json_not_object') };
    // Slack reads a token only from the Authorization header of a JSON request.
    const { token: _ignored, ...args } = json as Record<string, unknown>;
    return { kind: 'parsed', args: { ...query, ...args }, ...(headerToken === undefined ? {} : { headerToken }), jsonWithoutCharset: !/charset=utf-8/.test(contentType) };
  }
  if (contentType.startsWith('application/x-www-form-urlencoded') || text === '') {
    return { kind: 'parsed', args: { ...query, ...Object.fromEntries(new URLSearchParams(text)) }, ...(headerToken === undefined ? {} : { headerToken }), jsonWithoutCharset: false };
  }
  return { kind: 'refused', result: refuse(contentType.startsWith('multipart/form-data') ? 'invalid_form_data' : 'invalid_post_type') };
};

const authenticate = (parsed: Extract<ParsedRequest, { kind: 'parsed' }>, botToken: string): ApiResult | undefined => {
  const token = parsed.headerToken ?? (typeof parsed.args.token === 'string' && parsed.args.token !== '' ? parsed.args.token : undefined);
  if (token === undefined) return refuse('not_authed');
  return token === botToken ? undefined : refuse('invalid_auth');
};

/** Serves one call of `method`; the caller matched the path. */
export const serveWebApi = async (deps: WebApiDeps, req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<void> => {
  const implementation = webApiMethods[method];
  if (implementation === undefined) return sendJson(res, 200, { ...refuse('unknown_method'), req_method: method });
  const parsed = await parseRequest(req, url, deps.maxBodyBytes);
  if (parsed.kind === 'refused') {
    deps.record({ method, args: {}, result: parsed.result });
    return sendJson(res, 200, parsed.result);
  }
  const { token: _token, ...args } = parsed.args;

  const { delayMs, refusal } = deps.faults.take(method);
  if (delayMs > 0) await deps.wait(delayMs);
  if (refusal?.kind === 'rateLimit') {
    deps.record({ method, args, rateLimited: { retryAfterSec: refusal.retryAfterSec } });
    return sendJson(res, 429, refuse('ratelimited'), { 'retry-after': String(refusal.retryAfterSec) });
  }
  const result = refusal?.kind === 'fail' ? refuse(refusal.error) : (authenticate(parsed, deps.botToken) ?? implementation(new ApiArgs(args), deps.context));
  // Serialized now: the result may hold the state's own objects, which later calls change.
  const answer = JSON.parse(JSON.stringify(parsed.jsonWithoutCharset ? withCharsetWarning(result) : result)) as ApiResult;
  deps.record({ method, args, result: answer });
  sendJson(res, 200, answer);
};

/** Slack's nudge to a JSON request without `charset=utf-8`; the call still succeeds. */
const withCharsetWarning = (result: ApiResult): ApiResult => {
  const metadata = (result.response_metadata ?? {}) as Record<string, unknown>;
  const warnings = Array.isArray(metadata.warnings) ? metadata.warnings : [];
  return { ...result, warning: 'missing_charset', response_metadata: { ...metadata, warnings: [...warnings, 'missing_charset'] } };
};
