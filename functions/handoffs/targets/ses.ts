/**
 * Amazon SES (API v2) as the handoffs' email, through the AWS SDK's `SendEmailCommand`
 * (`POST /v2/email/outbound-emails`). On AWS the Lambda's role signs and the SDK finds the regional
 * endpoint; locally `endpoint` points at the sandbox and the credentials are fixed dummies (the
 * sandbox checks that a SigV4 Authorization header is there and well formed, not the signature).
 *
 * SES has no idempotency key and does not deduplicate: every accepted call is one more email. So:
 * - the step's key travels with the email for tracing — an `X-Concord-Key` header (exact) and an
 *   `EmailTags` entry (SES allows only letters, digits, `_` and `-` in tags, so other characters
 *   become `_`) that shows up in SES's event publishing;
 * - the SDK retries only throttling, the one refusal after which SES surely sent nothing. Its
 *   default would also retry timeouts, connection resets and 5xx, whose email may be on its way:
 *   a second attempt there is a second email. Those come back as failures, and the executor, which
 *   claimed the step before calling, decides (the port: an unknown outcome goes to a person).
 */
import { SendEmailCommand, SESv2Client, SESv2ServiceException, type SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import { z } from 'zod';
import { DEFAULT_VENDOR_TIMEOUT_MS, isRetryableStatus } from '../../identity/writeback/vendor-http';
import type { EmailPort, TargetFailure } from './ports';

export const SesEmailConfig = z.object({
  region: z.string().min(1),
  /** The sandbox locally (`http://127.0.0.1:4010/ses`); unset on AWS. */
  endpoint: z.url().optional(),
  /** Fixed dummies locally; unset on AWS, where the SDK's default chain finds the role's. */
  credentials: z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1), sessionToken: z.string().min(1).optional() }).optional(),
  /** SES's configuration set for event publishing (deliveries, bounces), if one is set up. */
  configurationSetName: z.string().min(1).optional(),
  /** Where a person reads a sent email, `{id}` its MessageId: the sandbox's record view locally; SES itself has none. */
  messageUrl: z.string().includes('{id}').optional(),
  /** Deadline of one send, retries included. */
  timeoutMs: z.number().int().positive().default(DEFAULT_VENDOR_TIMEOUT_MS),
});
export type SesEmailConfig = z.infer<typeof SesEmailConfig>;

export const CONCORD_KEY_HEADER = 'X-Concord-Key';
export const CONCORD_KEY_TAG = 'concord-key';

const MAX_ATTEMPTS = 2;
const THROTTLING_DELAY_MS = 200;
const TAG_VALUE_MAX = 256;

type RetryStrategy = NonNullable<SESv2ClientConfig['retryStrategy']>;

const retryToken = (count: number, delayMs: number) => ({ getRetryCount: () => count, getRetryDelay: () => delayMs });

/** At most MAX_ATTEMPTS, and a retry only for throttling: the SDK's own strategy would retry what may have sent the email. */
const throttlingOnlyRetries: RetryStrategy = {
  acquireInitialRetryToken: async () => retryToken(0, 0),
  refreshRetryTokenForRetry: async (token, { errorType, error }) => {
    const attempt = token.getRetryCount() + 1;
    if (errorType !== 'THROTTLING' || attempt >= MAX_ATTEMPTS) throw error ?? new Error(`SES: not retrying a ${errorType} error`);
    return retryToken(attempt, THROTTLING_DELAY_MS * attempt);
  },
  recordSuccess: () => undefined,
};

/** The key as an SES tag value: only ASCII letters, digits, `_` and `-`, at most 256 characters. */
export const tagValueFor = (key: string): string => key.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, TAG_VALUE_MAX);

/** Socket errors raised before a request leaves the machine. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

const isAbort = (error: unknown): boolean => error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');

export const createSesEmail = (input: z.input<typeof SesEmailConfig>): EmailPort => {
  const config = SesEmailConfig.parse(input);
  const client = new SESv2Client({
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    retryStrategy: throttlingOnlyRetries,
  });
  const request = { method: 'POST', url: `${config.endpoint ?? `https://email.${config.region}.amazonaws.com`}`.replace(/\/+$/, '') + '/v2/email/outbound-emails' };

  const failureOf = (error: unknown): TargetFailure => {
    if (error instanceof SESv2ServiceException) {
      const status = error.$metadata.httpStatusCode ?? 500;
      // A 5xx does not say whether SES queued the email before failing.
      return { status: 'failed', retryable: isRetryableStatus(status), ...(status >= 500 ? { outcomeUnknown: true } : {}), detail: `HTTP ${status}: ${error.name}: ${error.message}`, request };
    }
    if (isAbort(error)) return { status: 'failed', retryable: true, outcomeUnknown: true, detail: `no answer within ${config.timeoutMs} ms (the email may have been sent)`, request };
    const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
    // Refused or unresolved before anything was sent; a reset may come after SES took it.
    const notSent = typeof cause === 'string' && NOT_SENT_CODES.has(cause);
    return { status: 'failed', retryable: true, ...(notSent ? {} : { outcomeUnknown: true }), detail: `unreachable: ${(error as Error).message}${typeof cause === 'string' ? ` (${cause})` : ''}`, request };
  };

  return {
    async send({ from, to, replyTo, subject, text, html, key }) {
      const command = new SendEmailCommand({
        FromEmailAddress: from,
        Destination: { ToAddresses: to },
        ...(replyTo === undefined ? {} : { ReplyToAddresses: [replyTo] }),
        Content: {
          Simple: {
            Subject: { Data: subject, Charset: 'UTF-8' },
            Body: { Text: { Data: text, Charset: 'UTF-8' }, ...(html === undefined ? {} : { Html: { Data: html, Charset: 'UTF-8' } }) },
            Headers: [{ Name: CONCORD_KEY_HEADER, Value: key }],
          },
        },
        EmailTags: [{ Name: CONCORD_KEY_TAG, Value: tagValueFor(key) }],
        ...(config.configurationSetName === undefined ? {} : { ConfigurationSetName: config.configurationSetName }),
      });
      try {
        const { MessageId } = await client.send(command, { abortSignal: AbortSignal.timeout(config.timeoutMs) });
        if (MessageId === undefined) return { status: 'failed', retryable: false, detail: 'SES accepted the email without a MessageId', request };
        const url = config.messageUrl?.replace('{id}', encodeURIComponent(MessageId));
        return { status: 'done', record: { system: 'email', kind: 'email', id: MessageId, ...(url ? { url } : {}), existed: false } };
      } catch (error) {
        return failureOf(error);
      }
    },
  };
};
