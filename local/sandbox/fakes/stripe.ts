/**
 * A fake of Stripe's API for customers: `GET | POST | DELETE /v1/customers/{id}`.
 *
 * As Stripe: a secret or restricted key is required as Bearer (401); ids start with `cus_` (else
 * 404 resource_missing); a POST is form-encoded, takes `metadata[key]` (an empty value unsets the
 * key, other keys stay) and a few top-level fields, refuses unknown parameters (400
 * parameter_unknown) and answers 200 with the customer; a DELETE is final (200 `{ deleted: true }`),
 * and the customer then answers 404 to updates and deletes. Errors are `{ error: { type, code?,
 * param?, message } }`, which is what the SDK turns into its error classes.
 *
 * Idempotency keys, on POST as Stripe honours them: the first answer to a key is saved with a
 * fingerprint of the request; a later request with that key and the same parameters gets the
 * saved answer again (`Idempotent-Replayed: true`) without running, and one with other parameters
 * gets 400 idempotency_error. As at Stripe, a request refused by validation (400) saves nothing,
 * and neither does an injected fault, which models an outage in front of the API.
 */
import { route, bearerTokenOf, basicCredentialsOf, type FakeContext, type FakeHandler, type FakeRequest, type FakeResponse, type FakeSystem } from '../fake-system';

const ERROR_TYPES: Readonly<Record<number, string>> = { 402: 'card_error', 409: 'idempotency_error' };

const stripeError = (status: number, type: string, message: string, extra: { code?: string; param?: string } = {}): FakeResponse => ({
  status,
  body: { error: { type, ...extra, message } },
});

const errorTypeOf = (status: number): string => ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');

const CUSTOMER_ID = /^cus_[A-Za-z0-9]+$/;
const METADATA_PARAM = /^metadata\[([^\]]+)\]$/;
const TOP_LEVEL_PARAMS = new Set(['name', 'email', 'description', 'phone']);

const noSuchCustomer = (id: string): FakeResponse => stripeError(404, 'invalid_request_error', `No such customer: '${id}'`, { code: 'resource_missing', param: 'id' });

const customerBody = (id: string, fields: Record<string, unknown>) => ({
  id,
  object: 'customer',
  description: null,
  email: null,
  livemode: false,
  metadata: {},
  name: null,
  phone: null,
  ...fields,
});

/** The customer's fields after a form update, or the parameter Stripe would refuse. */
const applyForm = (current: Record<string, unknown>, form: Record<string, string>): { fields: Record<string, unknown> } | { unknownParam: string } => {
  const metadata: Record<string, unknown> = { ...(current.metadata as Record<string, unknown> | undefined) };
  const topLevel: Record<string, unknown> = {};
  for (const [param, value] of Object.entries(form)) {
    const metadataKey = METADATA_PARAM.exec(param)?.[1];
    if (metadataKey !== undefined) {
      if (value === '') delete metadata[metadataKey];
      else metadata[metadataKey] = value;
    } else if (TOP_LEVEL_PARAMS.has(param)) {
      topLevel[param] = value === '' ? null : value;
    } else {
      return { unknownParam: param };
    }
  }
  return { fields: { ...topLevel, metadata } };
};

const getCustomer = ({ params: { id = '' } }: FakeRequest, { records }: FakeContext): FakeResponse => {
  if (!CUSTOMER_ID.test(id)) return noSuchCustomer(id);
  const record = records.get(`customers/${id}`);
  if (record.state !== 'live') return { status: 200, body: { id, object: 'customer', deleted: true } };
  return { status: 200, body: customerBody(id, record.fields) };
};

const updateCustomer = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const { id = '' } = request.params;
  const key = `customers/${id}`;
  if (!CUSTOMER_ID.test(id) || records.get(key).state !== 'live') return noSuchCustomer(id);
  if (request.body.kind !== 'form' && request.body.kind !== 'empty') return stripeError(400, 'invalid_request_error', 'Request bodies must be application/x-www-form-urlencoded');
  const applied = applyForm(records.get(key).fields, request.body.kind === 'form' ? request.body.value : {});
  if ('unknownParam' in applied) {
    return stripeError(400, 'invalid_request_error', `Received unknown parameter: ${applied.unknownParam}`, { code: 'parameter_unknown', param: applied.unknownParam });
  }
  return { status: 200, body: customerBody(id, records.patch(key, applied.fields).fields) };
};

const deleteCustomer = ({ params: { id = '' } }: FakeRequest, { records }: FakeContext): FakeResponse => {
  const key = `customers/${id}`;
  if (!CUSTOMER_ID.test(id) || records.get(key).state !== 'live') return noSuchCustomer(id);
  records.setState(key, 'erased');
  return { status: 200, body: { id, object: 'customer', deleted: true } };
};

interface SavedAnswer {
  fingerprint: string;
  response: FakeResponse;
}

/** Wraps a POST handler with Stripe's idempotency keys, saved in `saved`. */
const idempotent =
  (saved: Map<string, SavedAnswer>, handle: FakeHandler): FakeHandler =>
  async (request, context) => {
    const key = request.headers['idempotency-key'];
    if (key === undefined || key === '') return handle(request, context);
    const fingerprint = `${request.method} ${request.path} ${request.text}`;
    const previous = saved.get(key);
    if (previous !== undefined && previous.fingerprint !== fingerprint) {
      return stripeError(400, 'idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`);
    }
    if (previous !== undefined) return { ...previous.response, headers: { ...previous.response.headers, 'idempotent-replayed': 'true' } };
    const response = await handle(request, context);
    const answered = { ...response, headers: { ...response.headers, 'idempotency-key': key } };
    if (response.status !== 400) saved.set(key, { fingerprint, response: answered });
    return answered;
  };

/** Stripe takes the key as Bearer, or as the Basic user name. */
const apiKeyOf = (request: FakeRequest): string | undefined => bearerTokenOf(request) ?? basicCredentialsOf(request)?.split(':')[0];

const authenticate = (request: FakeRequest): FakeResponse | undefined => {
  const key = apiKeyOf(request);
  if (key === undefined || key === '') {
    return stripeError(401, 'invalid_request_error', "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').");
  }
  return /^(sk|rk)_(test|live)_/.test(key) ? undefined : stripeError(401, 'invalid_request_error', `Invalid API Key provided: ${key.slice(0, 8)}…`);
};

export const createStripeFake = (): FakeSystem => {
  const saved = new Map<string, SavedAnswer>();
  return {
    name: 'stripe',
    error: (status, message) => stripeError(status, errorTypeOf(status), message, status === 429 ? { code: 'rate_limit' } : {}),
    authenticate,
    routes: [
      route('GET', '/v1/customers/:id', getCustomer),
      route('POST', '/v1/customers/:id', idempotent(saved, updateCustomer)),
      route('DELETE', '/v1/customers/:id', deleteCustomer),
    ],
  };
};
