/** Translation between API Gateway HTTP API (payload v2) events and our WebhookRequest. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { WebhookRequest } from './connector';
import type { WebhookResponse } from './ingest-webhook';

/** The system named in `/webhooks/{system}`. */
export const systemOf = (event: APIGatewayProxyEventV2): string =>
  event.pathParameters?.system ?? event.rawPath.split('/').filter(Boolean).at(-1) ?? '';

export const webhookRequestOf = (event: APIGatewayProxyEventV2): WebhookRequest => {
  const headers: Record<string, string> = {};
  // HTTP APIs lower-case names and join repeated headers with commas already.
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  const host = headers['x-forwarded-host'] ?? headers.host ?? event.requestContext.domainName;
  const proto = headers['x-forwarded-proto'] ?? 'https';
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  return {
    method: event.requestContext.http.method,
    url: `${proto}://${host}${event.rawPath}${query}`,
    headers,
    // API Gateway base64-encodes bodies it does not treat as text; signatures are over the bytes.
    rawBody: event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8'),
  };
};

export const httpResultOf = (response: WebhookResponse): APIGatewayProxyStructuredResultV2 => ({
  statusCode: response.status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(response.body),
});
