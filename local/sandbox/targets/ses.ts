/**
 * A fake of Amazon SES API v2's SendEmail (`POST /ses/v2/email/outbound-emails`), the call the AWS
 * SDK's `SendEmailCommand` makes, so the real SDK runs against it.
 *
 * As SES: the request must carry a well-formed SigV4 `Authorization` header for the `ses` service
 * and an `X-Amz-Date` (403 MissingAuthenticationTokenException / 400 IncompleteSignatureException);
 * the signature itself is not checked, since the sandbox holds no secrets. Errors are REST-JSON: the
 * type in `x-amzn-ErrorType`, `{ message }` in the body. Only Simple content is taken; it needs a
 * sender, 1–50 recipients, a subject and a text or HTML body; custom headers must be well formed and
 * not ones SES sets itself; tags hold only letters, digits, `_` and `-` (400 BadRequestException).
 * An accepted email answers `{ MessageId }`. SES does not deduplicate, and neither does the fake:
 * each accepted call is one more email.
 *
 * Each email is stored as `email/<MessageId>` — sender, recipients, subject, text, HTML, headers and
 * tags — so a person reads the welcome email at `GET /sandbox/ses`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { isFakeResponse, isPlainObject, jsonObjectOf, route, type FakeContext, type FakeRequest, type FakeResponse, type FakeSystem } from '../fake-system';

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'BadRequestException',
  403: 'AccessDeniedException',
  404: 'NotFoundException',
  409: 'ConflictException',
  413: 'BadRequestException',
  429: 'TooManyRequestsException',
  500: 'InternalServiceErrorException',
};

const SIGV4 = /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/\d{8}\/[a-z0-9-]+\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=[a-z0-9-]+(?:;[a-z0-9-]+)*, ?Signature=[0-9a-f]{64}$/;
const MAX_RECIPIENTS = 50;
const MAX_HEADERS = 15;
const HEADER_NAME = /^[!-9;-~]{1,126}$/;
const TAG_PART = /^[A-Za-z0-9_-]{1,256}$/;
/** Headers SES writes itself; a message may not set them. */
const RESERVED_HEADERS = new Set([
  'bcc',
  'cc',
  'content-disposition',
  'content-transfer-encoding',
  'content-type',
  'date',
  'dkim-signature',
  'from',
  'message-id',
  'mime-version',
  'received',
  'reply-to',
  'return-path',
  'sender',
  'subject',
  'to',
]);

export const sesError = (status: number, type: string, message: string): FakeResponse => ({
  status,
  headers: { 'x-amzn-ErrorType': type, 'x-amzn-RequestId': randomUUID() },
  body: { message },
});

const badRequest = (message: string): FakeResponse => sesError(400, 'BadRequestException', message);

/** `a@b.example` or `"Name" <a@b.example>`: the mailbox's address, or undefined when it has none. */
const addressOf = (mailbox: unknown): string | undefined => {
  if (typeof mailbox !== 'string') return undefined;
  const address = /<([^<>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox.trim();
  return /^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/.test(address) ? address : undefined;
};

/** A list of addresses as sent, or the refusal of one that is not an address. */
const addressesOf = (value: unknown, field: string): string[] | FakeResponse => {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return badRequest(`${field} must be a list of email addresses.`);
  for (const mailbox of value) if (addressOf(mailbox) === undefined) return badRequest(`Illegal address in ${field}: ${String(mailbox)}`);
  return value as string[];
};

const textOf = (content: unknown): string | undefined => (isPlainObject(content) && typeof content.Data === 'string' ? content.Data : undefined);

/** Name → value of the message's own headers, or the refusal of one SES would not take. */
const headersOf = (value: unknown): Record<string, string> | FakeResponse => {
  if (value === undefined) return {};
  if (!Array.isArray(value) || value.length > MAX_HEADERS) return badRequest(`Headers must be a list of at most ${MAX_HEADERS} headers.`);
  const headers: Record<string, string> = {};
  for (const header of value) {
    if (!isPlainObject(header) || typeof header.Name !== 'string' || typeof header.Value !== 'string') return badRequest('Each header needs a Name and a Value.');
    if (!HEADER_NAME.test(header.Name)) return badRequest(`Invalid header name: ${header.Name}`);
    if (RESERVED_HEADERS.has(header.Name.toLowerCase())) return badRequest(`The header ${header.Name} cannot be set.`);
    if (/[\r\n]/.test(header.Value) || header.Value.length > 870) return badRequest(`Invalid value for the header ${header.Name}.`);
    headers[header.Name] = header.Value;
  }
  return headers;
};

const tagsOf = (value: unknown): Record<string, string> | FakeResponse => {
  if (value === undefined) return {};
  if (!Array.isArray(value)) return badRequest('EmailTags must be a list of tags.');
  const tags: Record<string, string> = {};
  for (const tag of value) {
    if (!isPlainObject(tag) || typeof tag.Name !== 'string' || typeof tag.Value !== 'string') return badRequest('Each tag needs a Name and a Value.');
    if (!TAG_PART.test(tag.Name) || !TAG_PART.test(tag.Value)) {
      return badRequest(`Invalid tag ${tag.Name}=${tag.Value}: tag names and values may contain only ASCII letters, digits, underscores and dashes (at most 256).`);
    }
    tags[tag.Name] = tag.Value;
  }
  return tags;
};

/** SES message ids: a time-ordered hex prefix, a UUID, and a suffix. */
const messageIdOf = (now: number): string => `${now.toString(16).padStart(16, '0')}-${randomUUID()}-${randomBytes(3).toString('hex')}`;

const sendEmail = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const body = jsonObjectOf(request);
  if (body === undefined) return sesError(400, 'SerializationException', 'The request body is not a JSON object.');
  const from = body.FromEmailAddress;
  if (typeof from !== 'string' || addressOf(from) === undefined) return badRequest(`Illegal address in FromEmailAddress: ${String(from)}`);
  const destination = isPlainObject(body.Destination) ? body.Destination : {};
  const to = addressesOf(destination.ToAddresses, 'ToAddresses');
  const cc = addressesOf(destination.CcAddresses, 'CcAddresses');
  const bcc = addressesOf(destination.BccAddresses, 'BccAddresses');
  const replyTo = addressesOf(body.ReplyToAddresses, 'ReplyToAddresses');
  for (const list of [to, cc, bcc, replyTo]) if (isFakeResponse(list)) return list;
  const recipients = (to as string[]).length + (cc as string[]).length + (bcc as string[]).length;
  if (recipients === 0) return badRequest('Missing required field: at least one of ToAddresses, CcAddresses or BccAddresses.');
  if (recipients > MAX_RECIPIENTS) return badRequest(`Too many recipients: at most ${MAX_RECIPIENTS}.`);

  const content = isPlainObject(body.Content) ? body.Content : undefined;
  if (content === undefined || !isPlainObject(content.Simple)) return badRequest('The sandbox takes Content.Simple only (not Raw or Template).');
  const simple = content.Simple;
  const subject = textOf(simple.Subject);
  if (subject === undefined) return badRequest('Missing required field: Content.Simple.Subject.Data.');
  const messageBody = isPlainObject(simple.Body) ? simple.Body : {};
  const text = textOf(messageBody.Text);
  const html = textOf(messageBody.Html);
  if (text === undefined && html === undefined) return badRequest('Missing required field: Content.Simple.Body.Text or Content.Simple.Body.Html.');
  const headers = headersOf(simple.Headers);
  if (isFakeResponse(headers)) return headers;
  const tags = tagsOf(body.EmailTags);
  if (isFakeResponse(tags)) return tags;

  const now = Date.now();
  const messageId = messageIdOf(now);
  records.patch(`email/${messageId}`, {
    messageId,
    from,
    to,
    cc,
    bcc,
    replyTo,
    subject,
    text: text ?? null,
    html: html ?? null,
    headers,
    tags,
    configurationSet: typeof body.ConfigurationSetName === 'string' ? body.ConfigurationSetName : null,
    sentAt: new Date(now).toISOString(),
  });
  return { status: 200, headers: { 'x-amzn-RequestId': randomUUID() }, body: { MessageId: messageId } };
};

export interface SesFakeOptions {
  /** The only access key id accepted; any when unset. */
  accessKeyId?: string;
}

export const createSesFake = (options: SesFakeOptions = {}): FakeSystem => ({
  name: 'ses',
  error: (status, message) => sesError(status, ERROR_TYPES[status] ?? (status >= 500 ? 'ServiceUnavailableException' : 'BadRequestException'), message),
  authenticate: (request) => {
    const authorization = request.headers.authorization;
    if (authorization === undefined) return sesError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    const signature = SIGV4.exec(authorization);
    if (signature === null || request.headers['x-amz-date'] === undefined) {
      return sesError(400, 'IncompleteSignatureException', `Authorization header requires a SigV4 Credential, SignedHeaders and Signature, and X-Amz-Date must be set.`);
    }
    if (signature[2] !== 'ses') return sesError(403, 'InvalidSignatureException', `Credential should be scoped to correct service: 'ses'.`);
    if (options.accessKeyId !== undefined && signature[1] !== options.accessKeyId) return sesError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    return undefined;
  },
  routes: [route('POST', '/v2/email/outbound-emails', sendEmail)],
});
