/**
 * The sandbox: fakes of the systems Concord writes to, on one HTTP server, so the local runtime
 * and the integration tests exercise the real adapters over real HTTP without any vendor account.
 *
 * - `/<system>/…` is that system's fake API (see ./fakes/): it checks what the vendor checks, answers
 *   in the vendor's format, and keeps the records' state, so a GET shows what a write did;
 * - `GET /sandbox` lists the systems; `GET /sandbox/<system>` shows every request it was asked
 *   (with its answer) and its records; `GET /sandbox/<system>/records/<key…>` shows one record (what
 *   the link in a handoff's receipt opens locally);
 * - `POST /sandbox/<system>/faults` orders a fault (./faults.ts), `DELETE` clears it.
 *
 * The server knows no vendor: it routes by the first path segment to a registered FakeSystem
 * (./fake-system.ts). `createSandbox` gives the request handler alone, so the local runtime's one
 * server can mount it next to its webhooks; `startSandbox` runs it on a port of its own.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { flatHeaders, readBody, sendJson } from '../http';
import type { FakeRequest, FakeResponse, FakeRoute, FakeSystem, ParsedBody } from './fake-system';
import { matchPath } from './fake-system';
import { describeStandingFault, FaultOrder, standingFaultOf, takeFault, type Fault, type StandingFault } from './faults';
import { writeBackFakes } from './fakes';
import { RecordStore, type StoredRecord } from './record-store';

export interface RecordedRequest {
  seq: number;
  at: string;
  method: string;
  /** Below the system's prefix. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** JSON or form fields as parsed, the text otherwise; absent when empty. */
  body?: unknown;
  /** The fault that met this request, if one did. */
  fault?: Fault['mode'];
  /** Absent while unanswered, and forever for a request held by a timeout fault. */
  response?: { status: number; headers?: Record<string, string>; body?: unknown };
}

export interface SandboxOptions {
  /** The fake systems to host; the write-back vendors unless given. */
  systems?: readonly FakeSystem[];
  maxBodyBytes?: number;
}

export interface Sandbox {
  /** Serves the request when its path is the sandbox's; resolves false, untouched, otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  requests(system: string): RecordedRequest[];
  records(system: string): StoredRecord[];
  /** Cancels the waits of slow faults. */
  close(): void;
}

interface Slot {
  system: FakeSystem;
  records: RecordStore;
  requests: RecordedRequest[];
  fault: StandingFault | undefined;
}

const SYSTEM_NAME = /^[a-z][a-z0-9-]*$/;
const CONTROL_PREFIX = 'sandbox';
const DEFAULT_MAX_BODY_BYTES = 1_048_576;

const slotsOf = (systems: readonly FakeSystem[]): Map<string, Slot> => {
  const slots = new Map<string, Slot>();
  for (const system of systems) {
    if (!SYSTEM_NAME.test(system.name) || system.name === CONTROL_PREFIX) throw new Error(`sandbox: "${system.name}" cannot name a fake system`);
    if (slots.has(system.name)) throw new Error(`sandbox: two fake systems are named "${system.name}"`);
    slots.set(system.name, { system, records: new RecordStore(), requests: [], fault: undefined });
  }
  return slots;
};

const parseBody = (contentType: string, text: string): ParsedBody => {
  if (text === '') return { kind: 'empty' };
  if (/\bjson\b/i.test(contentType)) {
    try {
      return { kind: 'json', value: JSON.parse(text) as unknown };
    } catch {
      return { kind: 'malformed', text };
    }
  }
  if (/x-www-form-urlencoded/i.test(contentType)) return { kind: 'form', value: Object.fromEntries(new URLSearchParams(text)) };
  return { kind: 'text', value: text };
};

const recordedBodyOf = (body: ParsedBody): unknown => {
  switch (body.kind) {
    case 'empty':
      return undefined;
    case 'malformed':
      return body.text;
    default:
      return body.value;
  }
};

/** A key as a link spells it, percent-escapes decoded; a malformed escape is taken literally. */
const decodedKey = (raw: string): string => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};

type RouteMatch = { route: FakeRoute; params: Record<string, string> } | 'method-not-allowed' | undefined;

/** How much of a path a template names outright: `/record/v1/salesOrder/:id` more than `/record/v1/:recordType/:id`. */
const literalSegments = (template: string): number => template.split('/').filter((segment) => segment !== '' && !segment.startsWith(':')).length;

/**
 * The route for a request: of the routes that fit, the one naming the most segments outright, the
 * earliest on a tie. So routes added with `withRoutes` serve `salesOrder/…` or `Opportunity/…`
 * although the fake they extend already has a `:recordType/…` route that fits those paths too.
 */
const findRoute = (routes: readonly FakeRoute[], method: string, path: string): RouteMatch => {
  let best: { route: FakeRoute; params: Record<string, string> } | undefined;
  let pathServed = false;
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params === undefined) continue;
    pathServed = true;
    if (route.method !== method) continue;
    if (best === undefined || literalSegments(route.path) > literalSegments(best.route.path)) best = { route, params };
  }
  return best ?? (pathServed ? 'method-not-allowed' : undefined);
};

const writeFakeResponse = (res: ServerResponse, response: FakeResponse): void => {
  if (response.body === undefined) {
    res.writeHead(response.status, { ...response.headers });
    res.end();
    return;
  }
  sendJson(res, response.status, response.body, response.headers);
};

export const createSandbox = (options: SandboxOptions = {}): Sandbox => {
  const slots = slotsOf(options.systems ?? writeBackFakes());
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const pendingWaits = new Set<NodeJS.Timeout>();
  let seq = 0;

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        pendingWaits.delete(timer);
        resolve();
      }, ms);
      pendingWaits.add(timer);
    });

  const slotNamed = (name: string): Slot => {
    const slot = slots.get(name);
    if (slot === undefined) throw new Error(`sandbox: no fake system "${name}" (have: ${[...slots.keys()].join(', ')})`);
    return slot;
  };

  const recordRequest = (slot: Slot, request: FakeRequest): RecordedRequest => {
    seq += 1;
    const body = recordedBodyOf(request.body);
    const entry: RecordedRequest = {
      seq,
      at: new Date().toISOString(),
      method: request.method,
      path: request.path,
      query: Object.fromEntries(request.query),
      headers: { ...request.headers },
      ...(body === undefined ? {} : { body }),
    };
    slot.requests.push(entry);
    return entry;
  };

  const answer = (res: ServerResponse, entry: RecordedRequest, response: FakeResponse): void => {
    entry.response = { status: response.status, ...(response.headers ? { headers: response.headers } : {}), ...(response.body === undefined ? {} : { body: response.body }) };
    writeFakeResponse(res, response);
  };

  /** What the fake answers when no fault stands in the way: credentials first, then the route. */
  const respond = async (slot: Slot, request: FakeRequest): Promise<FakeResponse> => {
    const refusal = slot.system.authenticate?.(request);
    if (refusal !== undefined) return refusal;
    const match = findRoute(slot.system.routes, request.method, request.path);
    if (match === undefined) return slot.system.error(404, `no ${slot.system.name} resource at ${request.path}`);
    if (match === 'method-not-allowed') return slot.system.error(405, `${request.method} is not allowed on ${request.path}`);
    return match.route.handle({ ...request, params: match.params }, { records: slot.records });
  };

  const serveFake = async (slot: Slot, req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> => {
    const { body, overLimit } = await readBody(req, maxBodyBytes);
    const headers = flatHeaders(req);
    const text = body.toString('utf8');
    const request: FakeRequest = { method: req.method ?? 'GET', path, params: {}, query: url.searchParams, headers, text, body: parseBody(headers['content-type'] ?? '', text) };
    const entry = recordRequest(slot, request);
    if (overLimit) return answer(res, entry, slot.system.error(413, `the body is over ${maxBodyBytes} bytes`));

    const { fault, next } = takeFault(slot.fault);
    slot.fault = next;
    if (fault !== undefined) entry.fault = fault.mode;
    if (fault?.mode === 'timeout') return; // held open until the caller gives up or the sandbox stops
    if (fault?.mode === 'fail') return answer(res, entry, slot.system.error(fault.status, `fault injected by the sandbox (HTTP ${fault.status})`));
    if (fault?.mode === 'slow') await wait(fault.delayMs);
    answer(res, entry, await respond(slot, request));
  };

  const listing = () => ({
    systems: [...slots.values()].map((slot) => ({
      name: slot.system.name,
      prefix: `/${slot.system.name}`,
      requests: slot.requests.length,
      records: slot.records.size,
      fault: describeStandingFault(slot.fault),
    })),
  });

  const detail = (slot: Slot) => ({ system: slot.system.name, fault: describeStandingFault(slot.fault), requests: slot.requests, records: slot.records.list() });

  /** One record, by the key its fake stores it under (`salesOrder/1042`): the page a receipt's link opens locally. */
  const serveRecord = (slot: Slot, keySegments: string[], res: ServerResponse): void => {
    const key = decodedKey(keySegments.join('/'));
    const record = key === '' ? undefined : slot.records.find(key);
    if (record === undefined) return sendJson(res, 404, { error: 'not-found', detail: `${slot.system.name} holds no record "${key}"` });
    sendJson(res, 200, { system: slot.system.name, ...record });
  };

  const orderFault = async (slot: Slot, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { body } = await readBody(req, maxBodyBytes);
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return sendJson(res, 400, { error: 'invalid-fault', detail: 'the body is not JSON' });
    }
    const order = FaultOrder.safeParse(json);
    if (!order.success) return sendJson(res, 400, { error: 'invalid-fault', detail: order.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') });
    slot.fault = standingFaultOf(order.data);
    sendJson(res, 200, { system: slot.system.name, fault: describeStandingFault(slot.fault) });
  };

  const serveControl = async (segments: string[], req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const [name, sub, ...rest] = segments;
    if (name === undefined) return req.method === 'GET' ? sendJson(res, 200, listing()) : sendJson(res, 405, { error: 'method-not-allowed' });
    const slot = slots.get(name);
    if (slot !== undefined && sub === 'records' && req.method === 'GET') return serveRecord(slot, rest, res);
    if (slot === undefined || rest.length > 0) return sendJson(res, 404, { error: 'not-found', detail: `no fake system "${name}"` });
    if (sub === undefined && req.method === 'GET') return sendJson(res, 200, detail(slot));
    if (sub === 'faults' && req.method === 'POST') return orderFault(slot, req, res);
    if (sub === 'faults' && req.method === 'DELETE') {
      slot.fault = undefined;
      return sendJson(res, 200, { system: slot.system.name, fault: null });
    }
    sendJson(res, 404, { error: 'not-found', detail: `nothing at ${req.method} /sandbox/${segments.join('/')}` });
  };

  return {
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const [first, ...rest] = url.pathname.split('/').slice(1);
      if (first === CONTROL_PREFIX) {
        await serveControl(rest.filter((s) => s !== ''), req, res);
        return true;
      }
      const slot = first === undefined ? undefined : slots.get(first);
      if (slot === undefined) return false;
      await serveFake(slot, req, res, url, `/${rest.join('/')}`);
      return true;
    },
    requests: (system) => structuredClone(slotNamed(system).requests),
    records: (system) => slotNamed(system).records.list(),
    close() {
      for (const timer of pendingWaits) clearTimeout(timer);
      pendingWaits.clear();
    },
  };
};

export interface RunningSandbox {
  /** `http://127.0.0.1:<port>`; a system's API is at `${url}/<system>`. */
  url: string;
  requests(system: string): RecordedRequest[];
  stop(): Promise<void>;
}

export interface StartSandboxOptions extends SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

export const startSandbox = async (options: StartSandboxOptions = {}): Promise<RunningSandbox> => {
  const sandbox = createSandbox(options);
  const server = createServer((req, res) => {
    sandbox
      .handle(req, res)
      .then((served) => {
        if (!served) sendJson(res, 404, { error: 'not-found', detail: 'the sandbox serves /sandbox and /<system>/…' });
      })
      .catch((error: unknown) => {
        console.error('sandbox error', error);
        if (!res.headersSent) sendJson(res, 500, { error: 'internal', detail: (error as Error).message });
        else res.end();
      });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    requests: (system) => sandbox.requests(system),
    async stop() {
      sandbox.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets, and requests a timeout fault holds, would keep close() waiting.
      server.closeAllConnections();
      await closed;
    },
  };
};
