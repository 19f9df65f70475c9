/**
 * The deployed stack is the routing table: one rule per route with exactly the table's pattern,
 * targeting that consumer's queue, and nothing else on the bus. Plus the guarantees the data and
 * the edge depend on, and a clean cdk-nag report.
 */
import { App, Aspects, CfnElement, Stack, Validations, type IAspect } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { archivePattern, consumers, EVENT_BUS_NAME, routes, type ConsumerName } from '../../functions/shared/routing';
import { tables } from '../../functions/shared/tables';
import { addConcordStacks, type ConcordStacks } from '../../lib/concord-app';

const SALESFORCE_SOURCE = 'aws.partner/salesforce.com/00D000000000001/0YL000000000001';

/** Bundling is skipped: these tests are about the template, and esbuild would dominate their time. */
const newApp = (context: Record<string, unknown> = {}): App =>
  new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });

const logicalIdOf = (construct: IConstruct): string => {
  const element = construct.node.defaultChild as CfnElement;
  return Stack.of(element).getLogicalId(element);
};

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

describe('the Concord stacks', () => {
  let stacks: ConcordStacks;
  let app: Template;
  let data: Template;

  beforeAll(() => {
    stacks = addConcordStacks(newApp());
    app = Template.fromStack(stacks.concord);
    data = Template.fromStack(stacks.data);
  });

  const statementsOf = (role: IConstruct): { Action: string | string[]; Resource: unknown }[] => {
    const policies = Object.values(app.findResources('AWS::IAM::Policy') as Record<string, Resource>).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(logicalIdOf(role)),
    );
    return policies.flatMap((p) => (p.Properties.PolicyDocument as { Statement: never[] }).Statement);
  };
  const actionsOf = (role: IConstruct): string[] => statementsOf(role).flatMap((s) => [s.Action].flat()).sort();

  describe('routing', () => {
    it('has one rule per route, on the concord bus, with exactly the route pattern, targeting its consumer queue', () => {
      const busId = logicalIdOf(stacks.concord.bus);
      const rules = app.findResources('AWS::Events::Rule') as Record<string, Resource>;
      for (const route of routes) {
        const matching = Object.values(rules).filter(
          (rule) =>
            JSON.stringify(rule.Properties.EventBusName) === JSON.stringify({ Ref: busId }) &&
            JSON.stringify(rule.Properties.EventPattern) === JSON.stringify(route.pattern),
        );
        expect(matching).toHaveLength(1);
        const rule = matching[0]!;
        expect(rule.Properties.EventPattern).toEqual(route.pattern);
        expect(rule.Properties.State).toBe('ENABLED');
        const consumer = stacks.concord.consumers[route.target];
        expect(rule.Properties.Targets).toEqual([
          expect.objectContaining({
            Arn: { 'Fn::GetAtt': [logicalIdOf(consumer.queue), 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(consumer.deliveryDeadLetterQueue), 'Arn'] } },
          }),
        ]);
      }
    });

    it('has no rule on the concord bus beyond the routes', () => {
      const busId = logicalIdOf(stacks.concord.bus);
      const onBus = Object.values(app.findResources('AWS::Events::Rule') as Record<string, Resource>).filter(
        (rule) => JSON.stringify(rule.Properties.EventBusName) === JSON.stringify({ Ref: busId }),
      );
      expect(onBus).toHaveLength(routes.length);
    });

    it('names each rule on the bus after its route', () => {
      const onBus = Object.entries(app.findResources('AWS::Events::Rule') as Record<string, Resource>).filter(([, r]) => r.Properties.EventBusName !== undefined);
      const ids = onBus.map(([id]) => id).sort();
      expect(ids).toEqual(routes.map((r) => `Route${r.name.split('-').map((p) => p[0]!.toUpperCase() + p.slice(1)).join('')}`).sort());
    });

    it('creates the bus under the routing table name, with an archive of its pattern', () => {
      app.hasResourceProperties('AWS::Events::EventBus', { Name: EVENT_BUS_NAME });
      const archives = Object.values(app.findResources('AWS::Events::Archive') as Record<string, Resource>);
      expect(archives).toHaveLength(1);
      expect(archives[0]!.Properties).toEqual(
        expect.objectContaining({
          SourceArn: { 'Fn::GetAtt': [logicalIdOf(stacks.concord.bus), 'Arn'] },
          EventPattern: archivePattern,
          RetentionDays: 90,
        }),
      );
    });
  });

  describe('consumers', () => {
    it.each(Object.entries(consumers))('%s: queue with a DLQ after maxReceiveCount, encrypted and TLS-only', (name, definition) => {
      const consumer = stacks.concord.consumers[name as ConsumerName];
      app.hasResourceProperties('AWS::SQS::Queue', {
        VisibilityTimeout: definition.visibilityTimeoutSeconds,
        SqsManagedSseEnabled: true,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(consumer.deadLetterQueue), 'Arn'] },
          maxReceiveCount: definition.maxReceiveCount,
        },
      });
      for (const dlq of [consumer.deadLetterQueue, consumer.deliveryDeadLetterQueue]) {
        expect(app.toJSON().Resources[logicalIdOf(dlq)].Properties).toEqual(
          expect.objectContaining({ MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true }),
        );
      }
    });

    it.each(Object.entries(consumers))('%s: function drains its queue with partial batch failures', (name, definition) => {
      const consumer = stacks.concord.consumers[name as ConsumerName];
      app.hasResourceProperties('AWS::Lambda::Function', {
        Architectures: ['arm64'],
        Timeout: definition.functionTimeoutSeconds,
        Runtime: Match.stringLikeRegexp('^nodejs2[02]\\.x$'),
        Environment: {
          Variables: Match.objectLike({
            NODE_OPTIONS: '--enable-source-maps',
            POWERTOOLS_SERVICE_NAME: `concord-${name}`,
            POWERTOOLS_METRICS_NAMESPACE: 'Concord',
            EVENT_BUS_NAME: { Ref: logicalIdOf(stacks.concord.bus) },
          }),
        },
      });
      app.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(consumer.queue), 'Arn'] },
        FunctionName: { Ref: logicalIdOf(consumer.function.fn) },
        BatchSize: definition.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('requires TLS on every queue', () => {
      const policies = Object.values(app.findResources('AWS::SQS::QueuePolicy') as Record<string, Resource>);
      const queues = Object.keys(app.findResources('AWS::SQS::Queue'));
      const enforced = new Set(
        policies
          .filter((p) =>
            JSON.stringify(p.Properties.PolicyDocument).includes('"aws:SecureTransport":"false"'),
          )
          .flatMap((p) => (p.Properties.Queues as { Ref: string }[]).map((q) => q.Ref)),
      );
      expect([...enforced].sort()).toEqual(queues.sort());
    });
  });

  describe('tables', () => {
    it('creates every shared table definition with its keys, indexes and TTL', () => {
      for (const def of Object.values(tables)) {
        const keys = [
          { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
          ...('sortKey' in def ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' }] : []),
        ];
        data.hasResourceProperties('AWS::DynamoDB::Table', {
          KeySchema: keys,
          ...('globalIndexes' in def
            ? { GlobalSecondaryIndexes: def.globalIndexes.map((i) => Match.objectLike({ IndexName: i.name })) }
            : {}),
          ...('timeToLiveAttribute' in def ? { TimeToLiveSpecification: { AttributeName: def.timeToLiveAttribute, Enabled: true } } : {}),
        });
      }
      data.resourceCountIs('AWS::DynamoDB::Table', Object.keys(tables).length);
    });

    it('keeps every table: on-demand, PITR, encrypted, deletion protection, retained', () => {
      const all = Object.values(data.findResources('AWS::DynamoDB::Table') as Record<string, Resource>);
      for (const table of all) {
        expect(table.DeletionPolicy).toBe('Retain');
        expect(table.UpdateReplacePolicy).toBe('Retain');
        expect(table.Properties).toEqual(
          expect.objectContaining({
            BillingMode: 'PAY_PER_REQUEST',
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { SSEEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        );
      }
    });
  });

  describe('webhook edge', () => {
    it('routes POST /webhooks/{system} to the ingest function', () => {
      app.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
      app.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /webhooks/{system}' });
      app.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(stacks.concord.webhookApi.ingest.fn), 'Arn'] },
      });
    });

    it('throttles and access-logs the stage', () => {
      app.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
        AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('\\$context.requestId') },
      });
    });

    it('keeps the webhook secret under its documented name, retained', () => {
      data.hasResource('AWS::SecretsManager::Secret', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({ Name: 'concord/webhook-secrets' }),
      });
    });

    it('outputs the webhook URL of every source system, the bus and the secret', () => {
      const outputs = app.toJSON().Outputs as Record<string, unknown>;
      expect(Object.keys(outputs)).toEqual(
        expect.arrayContaining([
          'WebhookBaseUrl',
          'WebhookUrlSalesforce',
          'WebhookUrlHubspot',
          'WebhookUrlStripe',
          'WebhookUrlZendesk',
          'WebhookUrlNetsuite',
          'WebhookUrlGeneric',
          'EventBusName',
          'WebhookSecretName',
        ]),
      );
    });

    it('does not wire Salesforce Event Relay unless configured', () => {
      expect(stacks.concord.salesforceRelay).toBeUndefined();
      app.resourceCountIs('AWS::Events::EventBus', 1);
    });
  });

  describe('Slack', () => {
    it('answers Slack at POST /slack/events through its own function, on the signed API', () => {
      app.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /slack/events' });
      app.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(stacks.concord.slackEvents.fn), 'Arn'] },
      });
      app.hasResourceProperties('AWS::Lambda::Function', { Timeout: 5, Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'concord-slack', SLACK_SECRETS_ARN: Match.anyValue() }) } });
      const outputs = app.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(JSON.stringify(outputs.SlackRequestUrl?.Value)).toContain('slack/events');
    });

    it('keeps the Slack settings in a retained secret that only the Slack functions read', () => {
      data.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ Name: 'concord/slack' }) });
      const functions = Object.values(app.findResources('AWS::Lambda::Function') as Record<string, Resource>);
      const holders = functions.filter((f) => JSON.stringify(f.Properties.Environment).includes('SLACK_SECRETS_ARN'));
      expect(holders.map((f) => (f.Properties.Environment as { Variables: Record<string, string> }).Variables.POWERTOOLS_SERVICE_NAME).sort()).toEqual(['concord-slack', 'concord-slack']);
    });

    it('lets the request function publish, and read but never change the identity graph', () => {
      const statements = statementsOf(stacks.concord.slackEvents.role);
      const actionsOn = (table: string) => statements.filter((s) => JSON.stringify(s.Resource).includes(table)).flatMap((s) => [s.Action].flat());
      expect(actionsOf(stacks.concord.slackEvents.role)).toEqual(expect.arrayContaining(['events:PutEvents', 'secretsmanager:GetSecretValue']));
      expect(actionsOn('Identity').filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
      expect(JSON.stringify(statements)).not.toMatch(/WriteBack|WebhookSecrets|Quarantine|Idempotency/);
    });

    it("posts the stewards' digest every morning through the Slack worker's queue", () => {
      app.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'cron(0 8 * * ? *)',
        Targets: Match.arrayWith([Match.objectLike({ Input: Match.stringLikeRegexp('"type":"digest"'), DeadLetterConfig: Match.anyValue() })]),
      });
    });
  });

  describe('handoffs', () => {
    it('sweeps for due renewals and completed onboarding projects every 15 minutes through the handoffs queue', () => {
      app.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(15 minutes)',
        Targets: Match.arrayWith([Match.objectLike({ Input: Match.stringLikeRegexp('"detail-type":"handoff.sweep"'), DeadLetterConfig: Match.anyValue() })]),
      });
    });

    it('lets the handoffs read the unified record, keep only their own table, send email, and read the targets secret', () => {
      const role = stacks.concord.consumers.handoffs.function.role;
      const statements = statementsOf(role);
      const actionsOn = (table: string) => statements.filter((s) => JSON.stringify(s.Resource).includes(table)).flatMap((s) => [s.Action].flat());
      for (const table of ['Identity', 'SourceRecords']) expect(actionsOn(table).filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
      expect(actionsOn('Handoffs')).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:Query']));
      expect(actionsOf(role)).toEqual(expect.arrayContaining(['ses:SendEmail', 'events:PutEvents', 'secretsmanager:GetSecretValue']));
      expect(JSON.stringify(statements)).not.toMatch(/Quarantine|Idempotency|WriteBack|WebhookSecrets|SlackSettings/);
      const holders = (Object.values(app.findResources('AWS::Lambda::Function') as Record<string, Resource>)).filter((f) => JSON.stringify(f.Properties.Environment).includes('HANDOFF_SETTINGS_ARN'));
      expect(holders.map((f) => (f.Properties.Environment as { Variables: Record<string, string> }).Variables.POWERTOOLS_SERVICE_NAME).sort()).toEqual(['concord-handoffs', 'concord-slack']);
      data.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ Name: 'concord/handoffs' }) });
    });
  });

  describe('nightly training', () => {
    it('runs the training function at 03:00 UTC, with failures kept in a dead-letter queue', () => {
      app.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'cron(0 3 * * ? *)',
        Targets: Match.arrayWith([Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrainingFunction'), 'Arn'] }, DeadLetterConfig: Match.anyValue() })]),
      });
      app.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 900, Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'concord-train' }) } });
    });
  });

  describe('least privilege', () => {

    it('uses no AWS managed policy', () => {
      for (const role of Object.values(app.findResources('AWS::IAM::Role') as Record<string, Resource>)) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
    });

    it('lets the reconcile consumer touch only source records, the bus, its queue and its logs', () => {
      const actions = actionsOf(stacks.concord.consumers.reconcile.function.role);
      expect(actions).toContain('events:PutEvents');
      expect(actions).toContain('dynamodb:PutItem');
      expect(actions.filter((a) => a.startsWith('secretsmanager:'))).toEqual([]);
      const text = JSON.stringify(statementsOf(stacks.concord.consumers.reconcile.function.role));
      expect(text).not.toMatch(/Quarantine|Idempotency/);
    });

    it('lets the writeback consumer read the identity graph and the write-back credentials, and write only its ledger', () => {
      const role = stacks.concord.consumers.writeback.function.role;
      const statements = statementsOf(role);
      const actionsOn = (table: string) => statements.filter((s) => JSON.stringify(s.Resource).includes(table)).flatMap((s) => [s.Action].flat());
      expect(actionsOn('Identity').length).toBeGreaterThan(0);
      expect(actionsOn('Identity').filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
      expect(actionsOn('WriteBack')).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem']));
      expect(actionsOf(role)).toContain('secretsmanager:GetSecretValue');
      expect(actionsOf(role)).not.toContain('events:PutEvents');
      expect(JSON.stringify(statements)).not.toMatch(/SourceRecords|Quarantine|Idempotency|WebhookSecrets/);
    });

    it('lets the nightly training read and write only the identity table, and publish nothing', () => {
      const statements = statementsOf(stacks.concord.training.role);
      expect(JSON.stringify(statements)).toMatch(/Identity/);
      expect(JSON.stringify(statements)).not.toMatch(/SourceRecords|Quarantine|Idempotency|WriteBack|WebhookSecrets/);
      expect(actionsOf(stacks.concord.training.role)).not.toContain('events:PutEvents');
    });
    it('gives the write-back credentials only to the functions that call vendors: write-back, and identity (erasure requests)', () => {
      const functions = Object.values(app.findResources('AWS::Lambda::Function') as Record<string, Resource>);
      const holders = functions.filter((f) => JSON.stringify(f.Properties.Environment).includes('WRITE_BACK_SECRETS_ARN'));
      expect(holders.map((f) => (f.Properties.Environment as { Variables: Record<string, string> }).Variables.POWERTOOLS_SERVICE_NAME).sort()).toEqual(['concord-identity', 'concord-writeback']);
      expect(actionsOf(stacks.concord.consumers.identity.function.role)).toContain('secretsmanager:GetSecretValue');
      expect(actionsOf(stacks.concord.consumers.reconcile.function.role)).not.toContain('secretsmanager:GetSecretValue');
      data.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ Name: 'concord/write-back-credentials' }) });
    });

    it('lets the ingest function read the secret and write the bus, quarantine and idempotency tables', () => {
      const actions = actionsOf(stacks.concord.webhookApi.ingest.role);
      expect(actions).toEqual(expect.arrayContaining(['events:PutEvents', 'secretsmanager:GetSecretValue', 'dynamodb:PutItem']));
      const text = JSON.stringify(statementsOf(stacks.concord.webhookApi.ingest.role));
      expect(text).toMatch(/Quarantine/);
      expect(text).toMatch(/Idempotency/);
      expect(text).not.toMatch(/SourceRecords/);
    });
  });
});

describe('with Salesforce Event Relay configured', () => {
  it('attaches a partner bus whose rule invokes the relay function, with a DLQ', () => {
    const stacks = addConcordStacks(newApp({ salesforceEventSourceName: SALESFORCE_SOURCE }));
    const template = Template.fromStack(stacks.concord);
    const relay = stacks.concord.salesforceRelay!;
    template.hasResourceProperties('AWS::Events::EventBus', { Name: SALESFORCE_SOURCE, EventSourceName: SALESFORCE_SOURCE });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalIdOf(relay.partnerBus) },
      EventPattern: { source: [SALESFORCE_SOURCE] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(relay.relay.fn), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(relay.deadLetterQueue), 'Arn'] } },
        }),
      ],
    });
    // The concord bus still carries exactly the routes.
    const busId = logicalIdOf(stacks.concord.bus);
    const onBus = Object.values(template.findResources('AWS::Events::Rule') as Record<string, Resource>).filter(
      (rule) => JSON.stringify(rule.Properties.EventBusName) === JSON.stringify({ Ref: busId }),
    );
    expect(onBus).toHaveLength(routes.length);
  });

  it('rejects an event source that is not Salesforce', () => {
    expect(() => addConcordStacks(newApp({ salesforceEventSourceName: 'aws.partner/example.com/x' }))).toThrow(
      /not a Salesforce partner event source/,
    );
  });
});

describe('CloudFormation schema validation', () => {
  // bin/app.ts switches CDK's built-in validator off to keep `cdk synth` fast; here it runs with
  // its errors kept as errors, so an invalid property fails this test.
  it('accepts both templates', () => {
    const app = new App({
      context: {
        'aws:cdk:bundling-stacks': [],
        salesforceEventSourceName: SALESFORCE_SOURCE,
        '@aws-cdk/core:validateAgainstDefaultRules': true,
      },
      builtinCloudFormationValidation: true,
    });
    addConcordStacks(app);
    expect(() => app.synth()).not.toThrow();
  }, 120_000);
});

describe('cdk-nag (AwsSolutions)', () => {
  const nagErrorsOf = (app: App) =>
    new AwsSolutionsChecks()
      .validateScope(app)
      .violations.filter((v) => v.severity === 'error')
      .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);

  it.each([
    ['default', {}],
    ['with Salesforce Event Relay', { salesforceEventSourceName: SALESFORCE_SOURCE }],
  ])('reports no unacknowledged error on a freshly synthesized app (%s)', (_name, context) => {
    const app = newApp(context);
    addConcordStacks(app);
    // The plugin registered by addConcordStacks throws here on an unacknowledged error.
    app.synth();
    expect(nagErrorsOf(app)).toEqual([]);
  });

  it('gives every acknowledgement a specific reason', () => {
    const app = newApp({ salesforceEventSourceName: SALESFORCE_SOURCE });
    addConcordStacks(app);
    const reasons = app.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.values(m.data as Record<string, string>));
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason.length).toBeGreaterThan(40);
  });

  it('would catch a violation (the check is not vacuous)', () => {
    const app = newApp();
    const { concord } = addConcordStacks(app);
    // Strip encryption from one queue after the fact.
    const weaken: IAspect = {
      visit: (node) => {
        if (node instanceof sqs.CfnQueue && node.node.path.includes('reconcile/Queue')) node.sqsManagedSseEnabled = false;
      },
    };
    Aspects.of(concord).add(weaken);
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS2/);
  });
});
