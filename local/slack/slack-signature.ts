/**
 * How Slack signs what it sends to an app: `X-Slack-Signature: v0=<hex HMAC-SHA256 of
 * "v0:<timestamp>:<raw body>" keyed with the signing secret>`, and `X-Slack-Request-Timestamp`
 * in seconds. The app must verify over the exact bytes received, not a re-serialization.
 */
import { hmacSha256 } from '../../functions/ingest/signature';

export const SLACK_SIGNATURE_VERSION = 'v0';

export const slackSignature = (signingSecret: string, timestampSec: number, rawBody: string): string =>
  `${SLACK_SIGNATURE_VERSION}=${hmacSha256(signingSecret, `${SLACK_SIGNATURE_VERSION}:${timestampSec}:`, rawBody).toString('hex')}`;
