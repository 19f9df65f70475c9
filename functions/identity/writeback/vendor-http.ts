/**
 * How the REST adapters talk to a vendor: one request under a deadline that covers the whole
 * exchange (a vendor that sends headers and then stalls must not hold a consumer forever), and the
 * answer classified into a WriteResult.
 *
 * The classification is the retry policy of every adapter, so it lives here once:
 * - 2xx: done;
 * - 408, 409, 429 and 5xx: failed, retryable — the vendor was busy, throttling, or in conflict with
 *   a concurrent write, and the same call may well succeed later;
 * - any other 4xx: failed, permanent — our request or our credentials are wrong, and sending it
 *   again changes nothing until someone fixes them;
 * - no answer within the deadline, or no connection at all: failed, retryable.
 * Nothing here throws for what a vendor does; a thrown error is a bug of ours.
 */
import { z } from 'zod';
import type { WriteResult } from './ports';

export interface VendorConfig<Credentials> {
  /** Scheme, host and any path prefix: `https://acme.my.salesforce.com`, `http://127.0.0.1:4010/salesforce`. */
  baseUrl: string;
  credentials: Credentials;
  /** The global fetch unless given (tests and proxies inject their own). */
  fetch?: typeof fetch;
  /** Deadline for one exchange with the vendor, response body included. */
  timeoutMs: number;
}

/** The deadline an adapter configured from data gets when its config sets none. */
export const DEFAULT_VENDOR_TIMEOUT_MS = 10_000;

/**
 * VendorConfig as a schema, for adapters whose config is parsed from data (the handoff targets):
 * `credentials` is the vendor's own shape. `fetch` is for tests and proxies, never in a file.
 */
export const vendorConfigSchema = <Credentials extends z.ZodType>(credentials: Credentials) =>
  z.object({
    baseUrl: z.url(),
    credentials,
    timeoutMs: z.number().int().positive().default(DEFAULT_VENDOR_TIMEOUT_MS),
    fetch: z.custom<typeof fetch>((value) => typeof value === 'function').optional(),
  });

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface VendorRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

type VendorReply =
  | { kind: 'answered'; status: number; body: string }
  | { kind: 'timed-out'; afterMs: number }
  | { kind: 'unreachable'; detail: string };

export interface ReplyReading {
  /** The vendor's error body as one line ("MALFORMED_ID: Account ID: id value of incorrect type"). */
  describeError: (body: string) => string;
  /**
   * For requests whose URL names the record (a DELETE): the record is already gone, which is the
   * outcome asked for, so 404 and 410 count as done.
   */
  goneIsDone?: boolean;
}

/** `base` without its trailing slashes, then `path` (which starts with "/"). */
export const joinUrl = (base: string, path: string): string => `${base.replace(/\/+$/, '')}${path}`;

export const isRetryableStatus = (status: number): boolean => status >= 500 || status === 408 || status === 409 || status === 429;

const isSuccess = (status: number): boolean => status >= 200 && status < 300;

const requestLineOf = (request: Pick<VendorRequest, 'method' | 'url'>): NonNullable<WriteResult['request']> => ({
  method: request.method,
  url: request.url,
});

export const skipped = (detail: string): WriteResult => ({ status: 'skipped', detail });

export const failed = (retryable: boolean, detail: string, request?: WriteResult['request']): WriteResult => ({
  status: 'failed',
  retryable,
  detail,
  ...(request === undefined ? {} : { request }),
});

/** The headers and body of a request that sends `value` as JSON. */
export const jsonPayload = (headers: Record<string, string>, value: unknown): Pick<VendorRequest, 'headers' | 'body'> => ({
  headers: { ...headers, 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

/** The reason a skip gives when a vendor has no record type for the entity. */
export const notHeldBy = (vendor: string, entityType: string): string => `${vendor} holds no ${entityType} records that carry a unified id`;

/** Node's fetch hides the socket error (ECONNREFUSED, ECONNRESET…) in `cause`. */
const networkDetailOf = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const inner = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
  return inner === undefined ? error.message : `${error.message} (${inner})`;
};

const sendVendorRequest = async (config: Pick<VendorConfig<unknown>, 'fetch' | 'timeoutMs'>, request: VendorRequest): Promise<VendorReply> => {
  const signal = AbortSignal.timeout(config.timeoutMs);
  try {
    const response = await (config.fetch ?? fetch)(request.url, { method: request.method, headers: request.headers, body: request.body, signal });
    return { kind: 'answered', status: response.status, body: await response.text() };
  } catch (error) {
    if (signal.aborted) return { kind: 'timed-out', afterMs: config.timeoutMs };
    return { kind: 'unreachable', detail: networkDetailOf(error) };
  }
};

/** What a reply that is not the answer asked for means: a failure, retryable or not. */
const failureOfReply = (reply: VendorReply, line: VendorFailure['request'], reading: ReplyReading): VendorFailure => {
  switch (reply.kind) {
    case 'timed-out':
      return { status: 'failed', retryable: true, detail: `no answer within ${reply.afterMs} ms`, request: line };
    case 'unreachable':
      return { status: 'failed', retryable: true, detail: `unreachable: ${reply.detail}`, request: line };
    case 'answered':
      return { status: 'failed', retryable: isRetryableStatus(reply.status), detail: `HTTP ${reply.status}: ${reading.describeError(reply.body)}`, request: line };
  }
};

const resultOfReply = (reply: VendorReply, request: VendorRequest, reading: ReplyReading): WriteResult => {
  const line = requestLineOf(request);
  if (reply.kind === 'answered' && isSuccess(reply.status)) return { status: 'done', request: line };
  if (reply.kind === 'answered' && reading.goneIsDone && (reply.status === 404 || reply.status === 410)) return { status: 'done', detail: 'already gone', request: line };
  return failureOfReply(reply, line, reading);
};

/** Sends one request and classifies the reply. */
export const exchange = async (config: VendorConfig<unknown>, request: VendorRequest, reading: ReplyReading): Promise<WriteResult> =>
  resultOfReply(await sendVendorRequest(config, request), request, reading);

/** The body as JSON, or undefined: error bodies come from proxies too, and those are not JSON. */
const parseJsonOrUndefined = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** A failed exchange, always classified: what `exchange` and `exchangeForJson` answer when the vendor did not do it. */
export interface VendorFailure {
  status: 'failed';
  retryable: boolean;
  detail: string;
  request: { method: string; url: string };
}

/** The vendor's answer to a request whose response body the caller needs (the id it created, the record it found). */
export interface JsonAnswer {
  status: 'answered';
  httpStatus: number;
  /** The body parsed as JSON; undefined when it is empty or not JSON, which the caller's schema then refuses. */
  body: unknown;
  request: { method: string; url: string };
}

export interface JsonReading extends ReplyReading {
  /**
   * Non-2xx statuses the caller reads itself instead of failing on them, such as Google Calendar's
   * 409 for an event id that already exists, which means "found", not "conflict, retry".
   */
  readStatuses?: readonly number[];
}

/** Sends one request; a 2xx (or a status in `readStatuses`) comes back with its JSON body, anything else as a classified failure. */
export const exchangeForJson = async (config: VendorConfig<unknown>, request: VendorRequest, reading: JsonReading): Promise<JsonAnswer | VendorFailure> => {
  const reply = await sendVendorRequest(config, request);
  const line = requestLineOf(request);
  if (reply.kind === 'answered' && (isSuccess(reply.status) || reading.readStatuses?.includes(reply.status))) {
    return { status: 'answered', httpStatus: reply.status, body: parseJsonOrUndefined(reply.body), request: line };
  }
  return failureOfReply(reply, line, reading);
};

/** The start of a body that is not in the vendor's error format (a proxy's HTML page, say). */
export const bodyExcerpt = (body: string): string => (body.trim() === '' ? '(empty body)' : body.trim().slice(0, 200));

/** Reads an error body with the vendor's error schema, falling back to the body's first characters. */
export const errorDescriber =
  <T>(schema: z.ZodType<T>, describe: (error: T) => string) =>
  (body: string): string => {
    const parsed = schema.safeParse(parseJsonOrUndefined(body));
    return parsed.success ? describe(parsed.data) : bodyExcerpt(body);
  };

/** A body read with the caller's schema: the value, or why the vendor's answer cannot be used. */
export type AnswerReading<T> = { status: 'read'; value: T } | VendorFailure;

/**
 * Reads an answer's body with `schema`. A 2xx body that does not fit is a permanent failure: the
 * vendor answered, so retrying gets the same body, and someone has to look at `expected`.
 */
export const readJsonAnswer = <T>(answer: JsonAnswer, schema: z.ZodType<T>, expected: string): AnswerReading<T> => {
  const parsed = schema.safeParse(answer.body);
  if (parsed.success) return { status: 'read', value: parsed.data };
  return { status: 'failed', retryable: false, detail: `HTTP ${answer.httpStatus} without ${expected}`, request: answer.request };
};
