/**
 * The registry contract of the sandbox: a fake system is plain data — a name (its path prefix on
 * the sandbox server), the way its vendor answers errors, an optional credentials check, and its
 * routes. The server (sandbox-server.ts) knows nothing of any vendor; adding a fake system (an
 * ERP's sales orders, a PM tool's projects, a calendar) is adding a FakeSystem, or extending one
 * with `withRoutes`, never editing a switch.
 *
 * Handlers take a parsed request and return a response value, so they stay small and the server
 * records what was asked and answered in one place.
 */
import type { RecordStore } from './record-store';

export type ParsedBody =
  | { kind: 'empty' }
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; value: Record<string, string> }
  | { kind: 'text'; value: string }
  | { kind: 'malformed'; text: string };

export interface FakeRequest {
  method: string;
  /** The path below the system's prefix, e.g. `/services/data/v62.0/sobjects/Account/001…`. */
  path: string;
  /** The `:name` segments of the matched route, URL-decoded. */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  /** Lower-cased names; a repeated header's values joined with ",". */
  headers: Readonly<Record<string, string>>;
  /** The exact body text, for signatures and fingerprints. */
  text: string;
  /** The body read by its content type: JSON, or form fields as Stripe sends them. */
  body: ParsedBody;
}

export interface FakeResponse {
  status: number;
  /** Sent as JSON; leave out for an empty body (204). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeContext {
  /** This system's records; GET /sandbox/<system> lists them. */
  records: RecordStore;
}

export type FakeHandler = (request: FakeRequest, context: FakeContext) => FakeResponse | Promise<FakeResponse>;

export interface FakeRoute {
  method: string;
  /** A path template below the prefix; `:name` matches one segment: `/api/v2/users/:id`. */
  path: string;
  handle: FakeHandler;
}

export interface FakeSystem {
  /** The path prefix (`/salesforce/...`) and the name in `/sandbox/<name>`. */
  name: string;
  /** An error in this vendor's own format: used for injected faults and for paths no route serves. */
  error(status: number, message: string): FakeResponse;
  /** The vendor's refusal when credentials are missing or malformed; undefined lets the request through. */
  authenticate?(request: FakeRequest): FakeResponse | undefined;
  routes: readonly FakeRoute[];
}

export const route = (method: string, path: string, handle: FakeHandler): FakeRoute => ({ method, path, handle });

/** The same fake with more routes: how a later feature adds, say, sales orders to the NetSuite fake. */
export const withRoutes = (system: FakeSystem, routes: readonly FakeRoute[]): FakeSystem => ({ ...system, routes: [...system.routes, ...routes] });

/** Tells a refusal from what a lookup found: only a response has a numeric status. */
export const isFakeResponse = (value: object): value is FakeResponse => typeof (value as { status?: unknown }).status === 'number';

/** The route parameters when `path` fits `template`, else undefined. */
export const matchPath = (template: string, path: string): Record<string, string> | undefined => {
  const wanted = template.split('/');
  const given = path.split('/');
  if (wanted.length !== given.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of wanted.entries()) {
    const actual = given[index] as string;
    if (segment.startsWith(':')) {
      if (actual === '') return undefined;
      params[segment.slice(1)] = safeDecode(actual);
    } else if (segment !== actual) {
      return undefined;
    }
  }
  return params;
};

const safeDecode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** The body as a JSON object, or undefined when it is anything else. */
export const jsonObjectOf = (request: FakeRequest): Record<string, unknown> | undefined => {
  const { body } = request;
  return body.kind === 'json' && isPlainObject(body.value) ? body.value : undefined;
};

export const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export const bearerTokenOf = (request: FakeRequest): string | undefined => /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];

/** The decoded `user:password` of an `Authorization: Basic …` header, or undefined. */
export const basicCredentialsOf = (request: FakeRequest): string | undefined => {
  const encoded = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
};

export const isJsonContent = (request: FakeRequest): boolean => /^application\/json\b/i.test(request.headers['content-type'] ?? '');

/** The keys of `fields` that `allowed` does not hold. */
export const unknownKeys = (fields: Record<string, unknown>, allowed: ReadonlySet<string>): string[] => Object.keys(fields).filter((key) => !allowed.has(key));

/** JSON scalars only: what a text or number field can hold. */
const isScalar = (value: unknown): boolean => value === null || ['string', 'number', 'boolean'].includes(typeof value);

export interface BadField {
  name: string;
  reason: 'unknown' | 'not-scalar';
}

/** The first field a vendor would refuse: one the record does not have, or one holding an object or array. */
export const firstBadField = (fields: Record<string, unknown>, allowed: ReadonlySet<string>): BadField | undefined => {
  const unknown = unknownKeys(fields, allowed)[0];
  if (unknown !== undefined) return { name: unknown, reason: 'unknown' };
  const notScalar = Object.keys(fields).find((name) => !isScalar(fields[name]));
  return notScalar === undefined ? undefined : { name: notScalar, reason: 'not-scalar' };
};
