/**
 * The one HTTP server of the local runtime: webhooks (through the very Lambda handler, fed API
 * Gateway v2 events), quarantine replay for the CLI, health, the status page, and what the runtime
 * mounts on it (the sandbox of the write-back systems).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import type { BusEvent } from '../functions/shared/ports';
import { flatHeaders, readBody, sendJson } from './http';

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export interface LocalServerDeps {
  ingestHandler: ApiHandler;
  maxBodyBytes: number;
  /** Undefined until everything is started: /health answers 503 until then. */
  health: () => Record<string, unknown> | undefined;
  statusPage: () => string;
  /** Replays a quarantined delivery with the runtime's own secrets (for `concord quarantine replay`). */
  replay: (quarantineId: string) => Promise<{ kind: string }>;
  /** Puts events on the in-process bus: what EventBridge's PutEvents is to the CLI on AWS. */
  publish: (events: readonly BusEvent[]) => Promise<void>;
  /** More handlers on this server (the sandbox), asked in turn for paths it does not serve itself; true when served. */
  mounts?: readonly ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>)[];
}

const PublishRequest = z.object({
  events: z.array(z.object({ source: z.string().min(1), detailType: z.string().min(1), detail: z.record(z.string(), z.unknown()), resources: z.array(z.string()).optional() })).max(100),
});

/** The event API Gateway (HTTP API, payload 2.0) would hand the Lambda. */
export const apiGatewayEventOf = (req: IncomingMessage, body: Buffer, pathParameters: Record<string, string>, routeKey: string): APIGatewayProxyEventV2 => {
  const url = new URL(req.url ?? '/', 'http://local');
  // API Gateway adds the X-Forwarded-* headers; signatures over the URL depend on the scheme.
  const headers: Record<string, string> = { 'x-forwarded-proto': 'http', 'x-forwarded-for': req.socket.remoteAddress ?? '127.0.0.1', ...flatHeaders(req) };
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    pathParameters,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: { method: req.method ?? 'GET', path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...apiGatewayBody(headers['content-type'], body),
  };
};

const TEXT_CONTENT = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

/**
 * Like an HTTP API: text content types arrive as a string, anything else base64-encoded, so both
 * decoding paths of the handler run locally too. Bytes that are not valid UTF-8 stay base64.
 */
const apiGatewayBody = (contentType: string | undefined, body: Buffer): { body: string; isBase64Encoded: boolean } => {
  const text = body.toString('utf8');
  return TEXT_CONTENT.test(contentType ?? '') && Buffer.from(text, 'utf8').equals(body)
    ? { body: text, isBase64Encoded: false }
    : { body: body.toString('base64'), isBase64Encoded: true };
};

const writeApiResult = (res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void => {
  const body = result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  res.writeHead(result.statusCode ?? 200, { ...(result.headers as Record<string, string>) });
  res.end(body);
};

export const createLocalServer = (deps: LocalServerDeps): Server =>
  createServer((req, res) => {
    void route(deps, req, res).catch((error: unknown) => {
      console.error('local server error', error);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal', detail: (error as Error).message });
      else res.end();
    });
  });

const WEBHOOK_PATH = /^\/webhooks\/([A-Za-z0-9_-]+)\/?$/;
const REPLAY_PATH = /^\/local\/quarantine\/([A-Za-z0-9]+)\/replay$/;

const route = async (deps: LocalServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> => {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  const webhook = WEBHOOK_PATH.exec(path);
  if (webhook && req.method === 'POST') {
    const { body } = await readBody(req, deps.maxBodyBytes);
    const event = apiGatewayEventOf(req, body, { system: webhook[1]! }, 'POST /webhooks/{system}');
    return writeApiResult(res, await deps.ingestHandler(event));
  }
  const replay = REPLAY_PATH.exec(path);
  if (replay && req.method === 'POST') {
    const outcome = await deps.replay(replay[1]!);
    return sendJson(res, outcome.kind === 'not-found' ? 404 : 200, outcome);
  }
  if (req.method === 'POST' && path === '/local/events') {
    const { body, overLimit } = await readBody(req, deps.maxBodyBytes);
    if (overLimit) return sendJson(res, 413, { error: 'too-large' });
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return sendJson(res, 400, { error: 'invalid-json' });
    }
    const parsed = PublishRequest.safeParse(json);
    if (!parsed.success) return sendJson(res, 400, { error: 'invalid-events', detail: parsed.error.issues.slice(0, 3) });
    await deps.publish(parsed.data.events);
    return sendJson(res, 200, { published: parsed.data.events.length });
  }
  if (req.method === 'GET' && path === '/health') {
    const health = deps.health();
    return health === undefined ? sendJson(res, 503, { status: 'starting' }) : sendJson(res, 200, { status: 'ok', ...health });
  }
  if (req.method === 'GET' && path === '/') {
    const html = deps.statusPage();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return void res.end(html);
  }
  if (webhook) return sendJson(res, 405, { error: 'method-not-allowed', detail: 'webhooks are delivered with POST' }, { allow: 'POST' });
  for (const mount of deps.mounts ?? []) if (await mount(req, res)) return;
  sendJson(res, 404, { error: 'not-found', detail: `nothing at ${req.method} ${path}` });
};
