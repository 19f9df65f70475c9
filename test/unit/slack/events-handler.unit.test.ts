/**
 * The Slack request URL on AWS: API Gateway's payload 2.0 event into the Lambda handler and Bolt's
 * AwsLambdaReceiver. API Gateway base64-encodes form posts, and Bolt decodes base64 as ASCII: a
 * command naming a customer with an umlaut would fail its signature without the handler's UTF-8
 * decoding. Requests are signed as Slack signs them (local/slack/slack-signature.ts).
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { BusEvent, EventBus } from '../../../functions/shared/ports';
import { systemClock } from '../../../functions/shared/ports';
import { slackSignature } from '../../../local/slack/slack-signature';
import { createSlackEventsHandler } from '../../../slack/events.handler';
import { slackSettingsOf } from '../../../slack/settings';

const SECRET = 'test-signing-secret';
const settings = slackSettingsOf({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, SLACK_STEWARD_USER_IDS: 'U0STEWARD', SLACK_API_URL: 'http://127.0.0.1:9/api/' });

const published: BusEvent[] = [];
const bus: EventBus = { publish: async (events) => void published.push(...events) };
const handler = createSlackEventsHandler(
  { settings, bus, entities: { entityOf: async () => undefined, membersOf: async () => [] }, log: { info: () => undefined, error: () => undefined } },
  systemClock,
);

const commandBody = (text: string) =>
  new URLSearchParams({
    token: 'legacy',
    team_id: 'T0CONCORD',
    team_domain: 'concord',
    channel_id: 'C0HANDOFFS',
    channel_name: 'handoffs',
    user_id: 'U0SALES',
    user_name: 'sam',
    command: '/concord',
    text,
    api_app_id: 'A0CONCORD',
    response_url: 'https://hooks.slack.com/commands/T0CONCORD/1/abc',
    trigger_id: `1.2.${Math.random()}`,
  }).toString();

/** The event API Gateway hands the function for a form post, body base64-encoded as HTTP APIs do. */
const apiEvent = (body: string, { timestamp = Math.floor(Date.now() / 1000), secret = SECRET } = {}): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /slack/events',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(secret, timestamp, body),
    },
    requestContext: { http: { method: 'POST', path: '/slack/events' } },
    body: Buffer.from(body, 'utf8').toString('base64'),
    isBase64Encoded: true,
  }) as unknown as APIGatewayProxyEventV2;

const context = { getRemainingTimeInMillis: () => 5000 } as unknown as Context;

beforeEach(() => void (published.length = 0));

describe('the Slack events Lambda', () => {
  it('verifies a base64-encoded body with non-ASCII text and hands the command over intact', async () => {
    const result = await handler(apiEvent(commandBody('lookup Müller Straße GmbH 株式会社')), context);
    expect(result.statusCode).toBe(200);
    expect(published).toHaveLength(1);
    expect(published[0]!.detail).toMatchObject({ type: 'command', subcommand: 'lookup', argument: 'Müller Straße GmbH 株式会社', userId: 'U0SALES' });
  });

  it('answers help in the acknowledgement without handing anything over', async () => {
    const result = await handler(apiEvent(commandBody('help')), context);
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('lookup');
    expect(published).toHaveLength(0);
  });

  it('refuses forged, stale and future-dated requests', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = commandBody('queue');
    const statuses = await Promise.all([
      handler(apiEvent(body, { secret: 'someone-else' }), context),
      handler(apiEvent(body, { timestamp: now - 301 }), context),
      handler(apiEvent(body, { timestamp: now + 301 }), context),
    ]);
    expect(statuses.map((r) => r.statusCode)).toEqual([401, 401, 401]);
    expect(published).toHaveLength(0);
  });
});
