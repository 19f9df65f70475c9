/**
 * Stripe, through the `stripe` SDK (so the wire format, form encoding and headers are Stripe's own).
 *
 * Write: `POST /v1/customers/{id}` with `metadata[concord_id]=<unified id>` and the call's
 * `Idempotency-Key`, so a retried write is answered from Stripe's record of the first one rather
 * than applied again. Metadata keys merge: the customer's other metadata stays. `concord_id` is
 * the key the webhook connector reads back as `concordId`. Only customers (accounts) carry a
 * unified id in Stripe; Concord has no person records there.
 *
 * Erasure: `DELETE /v1/customers/{id}`, which Stripe cannot undo; 404 means already deleted.
 * Stripe ignores idempotency keys on DELETE (it is idempotent by definition), so none is sent.
 *
 * The SDK's own retries are off: a failure goes back to the caller with its classification, and
 * the caller's queue retries with the same idempotency key. The SDK always requests `/v1/...` at
 * the host's root; a base URL with a path (an egress gateway, the local sandbox's `/stripe` mount)
 * is honoured by putting that path in front through the fetch the SDK is given.
 */
import Stripe from 'stripe';
import type { WriteBack, WriteResult } from '../ports';
import { failed, isRetryableStatus, joinUrl, type VendorConfig } from '../vendor-http';
import { writeBackOf } from '../write-back-of';

export interface StripeCredentials {
  /** A secret or restricted key (`sk_…`/`rk_…`) with write access to customers. */
  secretKey: string;
}

export type StripeConfig = VendorConfig<StripeCredentials>;

/** The customer metadata key the Stripe connector reads as `concordId`. */
export const STRIPE_UNIFIED_ID_METADATA_KEY = 'concord_id';

/** The code the SDK's HTTP client gives a request it aborted at its deadline. */
const SDK_TIMEOUT_CODE = 'ETIMEDOUT';

const withPathPrefix =
  (fetchFn: typeof fetch, prefix: string): typeof fetch =>
  (input, init) => {
    if (input instanceof Request) return fetchFn(input, init);
    const url = new URL(input);
    url.pathname = `${prefix}${url.pathname}`;
    return fetchFn(url, init);
  };

const stripeClientOf = (config: StripeConfig): Stripe => {
  const base = new URL(config.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const fetchFn = config.fetch ?? fetch;
  return new Stripe(config.credentials.secretKey, {
    host: base.hostname,
    port: base.port === '' ? undefined : base.port,
    protocol: base.protocol === 'http:' ? 'http' : 'https',
    timeout: config.timeoutMs,
    maxNetworkRetries: 0,
    telemetry: false,
    httpClient: Stripe.createFetchHttpClient(prefix === '' ? fetchFn : withPathPrefix(fetchFn, prefix)),
  });
};

const isTimeout = (error: InstanceType<typeof Stripe.errors.StripeConnectionError>): boolean =>
  typeof error.detail === 'object' && (error.detail as { code?: unknown }).code === SDK_TIMEOUT_CODE;

type RequestLine = NonNullable<WriteResult['request']>;

/** Stripe's answer to a failed call as a result; anything but a Stripe error is a bug and is thrown. */
const resultOfStripeError = (error: unknown, request: RequestLine, timeoutMs: number, goneIsDone: boolean): WriteResult => {
  if (!(error instanceof Stripe.errors.StripeError)) throw error;
  if (error instanceof Stripe.errors.StripeConnectionError) {
    return failed(true, isTimeout(error) ? `no answer within ${timeoutMs} ms` : `unreachable: ${error.message}`, request);
  }
  // `type` is the SDK's class name; `rawType` is Stripe's own ("invalid_request_error").
  const stripeType = error.rawType ?? error.type;
  const status = error.statusCode;
  // No status: the body was not Stripe's JSON (a proxy's error page), which the SDK reports as an API error.
  if (status === undefined) return failed(true, `${stripeType}: ${error.message}`, request);
  if (goneIsDone && status === 404) return { status: 'done', detail: 'already gone', request };
  const code = error.code === undefined ? stripeType : `${stripeType}/${error.code}`;
  return failed(isRetryableStatus(status), `HTTP ${status}: ${code}: ${error.message}`, request);
};

export const createStripeWriteBack = (config: StripeConfig): WriteBack => {
  const stripe = stripeClientOf(config);
  const customerUrl = (id: string): string => joinUrl(config.baseUrl, `/v1/customers/${encodeURIComponent(id)}`);

  const attempt = async (request: RequestLine, call: () => Promise<unknown>, goneIsDone: boolean): Promise<WriteResult> => {
    try {
      await call();
      return { status: 'done', request };
    } catch (error) {
      return resultOfStripeError(error, request, config.timeoutMs, goneIsDone);
    }
  };

  return writeBackOf('Stripe', {
    targetOf: (entityType) => (entityType === 'account' ? 'customers' : undefined),
    write: (_customers, { externalId, unifiedId, idempotencyKey }) =>
      attempt(
        { method: 'POST', url: customerUrl(externalId) },
        () => stripe.customers.update(externalId, { metadata: { [STRIPE_UNIFIED_ID_METADATA_KEY]: unifiedId } }, { idempotencyKey }),
        false,
      ),
    erase: (_customers, { externalId }) => attempt({ method: 'DELETE', url: customerUrl(externalId) }, () => stripe.customers.del(externalId), true),
  });
};
