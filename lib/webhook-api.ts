/**
 * The public edge: POST /webhooks/{system} on an HTTP API, handled by the ingest function, which
 * verifies each vendor's HMAC signature before anything is published. The stage is throttled and
 * access-logged.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ConcordFunction } from './concord-function';

export interface WebhookThrottle {
  /** Steady-state requests per second across all systems. */
  rateLimit: number;
  burstLimit: number;
}

export interface WebhookApiProps {
  environment: Record<string, string>;
  throttle: WebhookThrottle;
}

/** HTTP API context variables (REST-only ones such as $context.identity.caller are left out). */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    httpMethod: '$context.httpMethod',
    path: '$context.path',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationError: '$context.integrationErrorMessage',
  }),
);

export class WebhookApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly ingest: ConcordFunction;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);

    this.ingest = new ConcordFunction(this, 'Ingest', {
      entry: 'functions/ingest/ingest.handler.ts',
      description: 'Verifies, normalizes and publishes signed webhooks; quarantines what fails',
      serviceName: 'concord-ingest',
      // Senders give up after a few seconds (and retry), so a slow call is better failed early.
      timeout: Duration.seconds(10),
      memorySize: 512,
      environment: props.environment,
    });

    this.api = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Concord webhook receiver',
      createDefaultStage: false,
    });
    this.api.addRoutes({
      path: '/webhooks/{system}',
      methods: [apigwv2.HttpMethod.POST],
      integration: new HttpLambdaIntegration('Ingest', this.ingest.fn),
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.THREE_MONTHS });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });

    // On the API, so every route added to it later is held to the same rule: HMAC or nothing.
    for (const acknowledgement of [
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'Webhook senders (Salesforce, HubSpot, Stripe, Zendesk, NetSuite) cannot sign with IAM or present Cognito tokens; every request is authenticated by the ingest function with the vendor HMAC signature (constant-time compare, timestamp window) before anything is stored or published.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'Same as APIG4: the callers are SaaS vendors authenticated by HMAC request signatures, not Cognito users.',
      },
    ]) {
      Validations.of(this.api).acknowledge(acknowledgement);
    }
  }

  /** Another signed POST route on this API, handled by `fn` (Slack's request URL). */
  addRoute(path: string, id: string, fn: ConcordFunction): void {
    this.api.addRoutes({ path, methods: [apigwv2.HttpMethod.POST], integration: new HttpLambdaIntegration(id, fn.fn) });
  }

  /** The stage URL, ending in '/'. */
  get url(): string {
    return this.stage.url;
  }
}
