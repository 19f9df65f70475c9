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
import type { z } from 'zod';
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

const resultOfReply = (reply: VendorReply, request: VendorRequest, reading: ReplyReading): WriteResult => {
  const line = requestLineOf(request);
  switch (reply.kind) {
    case 'timed-out':
      return failed(true, `no answer within ${reply.afterMs} ms`, line);
    case 'unreachable':
      return failed(true, `unreachable: ${reply.detail}`, line);
    case 'answered':
      if (isSuccess(reply.status)) return { status: 'done', request: line };
      if (reading.goneIsDone && (reply.status === 404 || reply.status === 410)) return { status: 'done', detail: 'already gone', request: line };
      return failed(isRetryableStatus(reply.status), `HTTP ${reply.status}: ${reading.describeError(reply.body)}`, line);
  }
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

/** The start of a body that is not in the vendor's error format (a proxy's HTML page, say). */
export const bodyExcerpt = (body: string): string => (body.trim() === '' ? '(empty body)' : body.trim().slice(0, 200));

/** Reads an error body with the vendor's error schema, falling back to the body's first characters. */
export const errorDescriber =
  <T>(schema: z.ZodType<T>, describe: (error: T) => string) =>
  (body: string): string => {
    const parsed = schema.safeParse(parseJsonOrUndefined(body));
    return parsed.success ? describe(parsed.data) : bodyExcerpt(body);
  };
