/**
 * Concord: the application. The custom bus with its archive, one rule per route of the routing
 * table (functions/shared/routing.ts) targeting its consumer's queue, the consumers (among them
 * write-back, which calls the vendors' APIs with the credentials in the write-back secret), the
 * webhook API and, when configured, the Salesforce Event Relay.
 */
import { CfnOutput, CrossStackReferences, Duration, ReferenceStrength, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { SourceSystem } from '../functions/shared/canonical';
import {
  archivePattern,
  consumers,
  EVENT_BUS_NAME,
  routes,
  type ConsumerDefinition,
  type ConsumerName,
} from '../functions/shared/routing';
import { ConcordFunction } from './concord-function';
import { deadLetterQueue } from './queues';
import { toCdkEventPattern } from './event-pattern';
import { SalesforceRelay } from './salesforce-relay';
import { SqsConsumer } from './sqs-consumer';
import type { ConcordTables } from './stateful-stack';
import { TABLE_ENV } from '../functions/shared/config';
import type { TableKey } from '../functions/shared/tables';
import { grantTableData } from './table-grants';
import { sweepEnvelope } from '../functions/handoffs/events';
import { slackWorkEnvelope } from '../slack/work';
import { WebhookApi, type WebhookThrottle } from './webhook-api';

export interface ConcordStackProps extends StackProps {
  tables: ConcordTables;
  webhookSecret: secretsmanager.ISecret;
  /** Each system's API URL and credentials for writing unified ids back (functions/identity/writeback/write-back-config.ts). */
  writeBackSecret: secretsmanager.ISecret;
  /** The Slack app's token, signing secret, stewards and deep-link settings (slack/settings.ts). */
  slackSecret: secretsmanager.ISecret;
  /** The handoffs' targets and CS roster (functions/handoffs/handoff-settings.ts). */
  handoffSecret: secretsmanager.ISecret;
  /** aws.partner/salesforce.com/...: when set, Salesforce Event Relay is wired in. */
  salesforceEventSourceName?: string;
  /** @default 100 requests/s, bursts of 200 */
  webhookThrottle?: WebhookThrottle;
  /** @default 90 days */
  archiveRetention?: Duration;
}

/** Largest webhook body accepted, in bytes (MAX_WEBHOOK_BYTES); HTTP APIs cap payloads at 10 MB. */
const MAX_WEBHOOK_BYTES = 1_048_576;

const pascalCase = (kebab: string): string =>
  kebab
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

export class ConcordStack extends Stack {
  readonly bus: events.EventBus;
  readonly archive: events.Archive;
  readonly consumers: Record<ConsumerName, SqsConsumer>;
  /** One per route, by route name. */
  readonly rules: Record<string, events.Rule>;
  readonly webhookApi: WebhookApi;
  readonly webhookSecret: secretsmanager.ISecret;
  /** Slack's request URL: slash commands, buttons, modals and events, through Bolt's AwsLambdaReceiver. */
  readonly slackEvents: ConcordFunction;
  /** The nightly model training function. */
  readonly training: ConcordFunction;
  readonly salesforceRelay: SalesforceRelay | undefined;

  constructor(scope: Construct, id: string, props: ConcordStackProps) {
    super(scope, id, props);
    // Strong (Export/ImportValue): ConcordData cannot drop a table or the secret while this stack
    // still uses it. Set before any child exists, as context must be.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { tables } = props;
    this.webhookSecret = props.webhookSecret;

    this.bus = new events.EventBus(this, 'Bus', { eventBusName: EVENT_BUS_NAME, description: 'Concord canonical events' });
    this.archive = new events.Archive(this, 'Archive', {
      sourceEventBus: this.bus,
      description: 'Everything Concord publishes, kept for replay after a fix',
      eventPattern: toCdkEventPattern(archivePattern),
      retention: props.archiveRetention ?? Duration.days(90),
    });

    // What functions/shared/config.ts reads; every function gets the same view of the world and
    // its grants decide what it may actually touch.
    const environment: Record<string, string> = {
      EVENT_BUS_NAME: this.bus.eventBusName,
      ...Object.fromEntries((Object.keys(TABLE_ENV) as TableKey[]).map((key) => [TABLE_ENV[key], tables[key].tableName])),
    };

    // What only one consumer needs to know, on top of `environment`.
    const consumerEnvironment: Partial<Record<ConsumerName, Record<string, string>>> = {
      writeback: { WRITE_BACK_SECRETS_ARN: props.writeBackSecret.secretArn },
      // Erasure: a privacy deletion at one source asks every other system to erase the person.
      identity: { WRITE_BACK_SECRETS_ARN: props.writeBackSecret.secretArn },
      // The Slack worker retries, resolves and resumes handoffs for the people who click.
      slack: { SLACK_SECRETS_ARN: props.slackSecret.secretArn, HANDOFF_SETTINGS_ARN: props.handoffSecret.secretArn },
      handoffs: { HANDOFF_SETTINGS_ARN: props.handoffSecret.secretArn },
    };

    // Typed by ConsumerName: a consumer added to the routing table does not compile until its
    // permissions are stated here.
    const grants: Record<ConsumerName, (fn: ConcordFunction) => void> = {
      reconcile: (fn) => {
        grantTableData(tables.sourceRecords, fn, 'readWrite');
        this.bus.grantPutEventsTo(fn.role);
      },
      // Erasing a person after a privacy deletion blanks their other source records and asks
      // their systems (with the write-back credentials) to erase them too.
      identity: (fn) => {
        grantTableData(tables.sourceRecords, fn, 'readWrite');
        grantTableData(tables.identity, fn, 'readWrite');
        this.bus.grantPutEventsTo(fn.role);
        props.writeBackSecret.grantRead(fn.role);
      },
      // Reads the graph, writes only its ledger; publishes nothing.
      writeback: (fn) => {
        grantTableData(tables.identity, fn, 'read');
        grantTableData(tables.writeBack, fn, 'readWrite');
        props.writeBackSecret.grantRead(fn.role);
      },
      // Decides merges and undoes them for stewards (the graph, and the events that follow), reads
      // member records and open exceptions for cards and App Home, posts each proposal once, and
      // keeps each handoff's receipt and its people's actions (retry, resolve, confirm, resume).
      slack: (fn) => {
        grantTableData(tables.identity, fn, 'readWrite');
        grantTableData(tables.sourceRecords, fn, 'read');
        grantTableData(tables.quarantine, fn, 'read');
        grantTableData(tables.idempotency, fn, 'readWrite');
        grantTableData(tables.handoffs, fn, 'readWrite');
        this.bus.grantPutEventsTo(fn.role);
        props.slackSecret.grantRead(fn.role);
        props.handoffSecret.grantRead(fn.role);
      },
      // Runs the playbooks: reads the unified record, keeps its own handoffs, calls the targets.
      handoffs: (fn) => {
        grantTableData(tables.identity, fn, 'read');
        grantTableData(tables.sourceRecords, fn, 'read');
        grantTableData(tables.handoffs, fn, 'readWrite');
        this.bus.grantPutEventsTo(fn.role);
        props.handoffSecret.grantRead(fn.role);
        // Welcome emails: sent with this role from the CS owners' verified identities.
        const identities = `arn:${Stack.of(this).partition}:ses:${Stack.of(this).region}:${Stack.of(this).account}:identity/*`;
        fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ses:SendEmail'], resources: [identities] }));
        Validations.of(fn.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]`,
          reason: "Welcome emails go out from each account's CS owner, whose address (or domain) is a verified SES identity that operators add as the team changes; the wildcard is bounded to this account's and region's SES identities and to ses:SendEmail.",
        });
      },
    };

    const entries = Object.entries(consumers) as [ConsumerName, ConsumerDefinition][];
    this.consumers = Object.fromEntries(
      entries.map(([name, definition]) => {
        const consumer = new SqsConsumer(this, `Consumer-${name}`, { name, definition, environment: { ...environment, ...consumerEnvironment[name] } });
        grants[name](consumer.function);
        return [name, consumer];
      }),
    ) as Record<ConsumerName, SqsConsumer>;

    this.rules = {};
    for (const route of routes) {
      if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(route.name)) throw new Error(`Route name "${route.name}" is not kebab-case`);
      if (route.name in this.rules) throw new Error(`Route name "${route.name}" is used twice`);
      const consumer = this.consumers[route.target];
      const rule = new events.Rule(this, `Route-${route.name}`, {
        eventBus: this.bus,
        description: route.description,
        eventPattern: toCdkEventPattern(route.pattern),
        targets: [new targets.SqsQueue(consumer.queue, { deadLetterQueue: consumer.deliveryDeadLetterQueue })],
      });
      // The route's name is the rule's logical name, so a template reads like the table.
      (rule.node.defaultChild as events.CfnRule).overrideLogicalId(`Route${pascalCase(route.name)}`);
      this.rules[route.name] = rule;
    }

    this.webhookApi = new WebhookApi(this, 'Webhooks', {
      environment: {
        ...environment,
        WEBHOOK_SECRETS_ARN: props.webhookSecret.secretArn,
        MAX_WEBHOOK_BYTES: String(MAX_WEBHOOK_BYTES),
      },
      throttle: props.webhookThrottle ?? { rateLimit: 100, burstLimit: 200 },
    });
    const ingest = this.webhookApi.ingest;
    this.bus.grantPutEventsTo(ingest.role);
    grantTableData(tables.quarantine, ingest, 'readWrite');
    grantTableData(tables.idempotency, ingest, 'readWrite');
    props.webhookSecret.grantRead(ingest.role);

    // Slack's request URL, on the same API: Slack signs every request, and the function refuses
    // what is unsigned, stale or dated ahead before anything is published. It only reads and
    // publishes; repeats are dropped by the worker, off the acknowledgement's path.
    this.slackEvents = new ConcordFunction(this, 'SlackEvents', {
      entry: 'slack/events.handler.ts',
      description: 'Answers Slack (slash command, buttons, modals, events) at once and hands the work to the Slack worker',
      serviceName: 'concord-slack',
      // Slack waits three seconds for an answer.
      timeout: Duration.seconds(5),
      memorySize: 512,
      environment: { ...environment, SLACK_SECRETS_ARN: props.slackSecret.secretArn },
    });
    this.webhookApi.addRoute('/slack/events', 'SlackEvents', this.slackEvents);
    this.bus.grantPutEventsTo(this.slackEvents.role);
    grantTableData(tables.identity, this.slackEvents, 'read');
    grantTableData(tables.sourceRecords, this.slackEvents, 'read');
    props.slackSecret.grantRead(this.slackEvents.role);

    // The stewards' morning digest of yesterday's automatic merges, each with Undo.
    new events.Rule(this, 'DailyMergeDigest', {
      description: "Posts the day's automatic merges to the data stewards at 08:00 UTC",
      schedule: events.Schedule.cron({ minute: '0', hour: '8' }),
      targets: [
        new targets.SqsQueue(this.consumers.slack.queue, {
          message: events.RuleTargetInput.fromObject(slackWorkEnvelope({ type: 'digest', hours: 24 })),
          deadLetterQueue: this.consumers.slack.deliveryDeadLetterQueue,
        }),
      ],
    });

    // Every 15 minutes: renewals now due, onboarding projects now completed.
    new events.Rule(this, 'HandoffSweep', {
      description: 'Starts renewals that are due and onboarding-to-success handoffs whose project is complete, every 15 minutes',
      schedule: events.Schedule.rate(Duration.minutes(15)),
      targets: [
        new targets.SqsQueue(this.consumers.handoffs.queue, {
          message: events.RuleTargetInput.fromObject(sweepEnvelope()),
          deadLetterQueue: this.consumers.handoffs.deliveryDeadLetterQueue,
        }),
      ],
    });

    if (props.salesforceEventSourceName !== undefined && props.salesforceEventSourceName !== '') {
      this.salesforceRelay = new SalesforceRelay(this, 'SalesforceRelay', {
        eventSourceName: props.salesforceEventSourceName,
        environment,
      });
      const relay = this.salesforceRelay.relay;
      this.bus.grantPutEventsTo(relay.role);
      // The relay only ever adds quarantine entries.
      grantTableData(tables.quarantine, relay, 'write');
    }

    // Nightly: the matcher learns from the store's own records and people's decisions.
    const trainingFailures = deadLetterQueue(this, 'TrainingDeadLetterQueue');
    this.training = new ConcordFunction(this, 'Training', {
      entry: 'functions/identity/train.handler.ts',
      description: 'Trains the account and person match models on the stored records, nightly',
      serviceName: 'concord-train',
      // Scans every match record and runs EM twice: minutes and gigabytes at a million records.
      timeout: Duration.minutes(15),
      memorySize: 4096,
      environment,
      deadLetterQueue: trainingFailures,
    });
    grantTableData(tables.identity, this.training, 'readWrite');
    new events.Rule(this, 'NightlyTraining', {
      description: 'Trains the match models every night at 03:00 UTC',
      schedule: events.Schedule.cron({ minute: '0', hour: '3' }),
      targets: [new targets.LambdaFunction(this.training.fn, { deadLetterQueue: trainingFailures, retryAttempts: 1 })],
    });

    new CfnOutput(this, 'WebhookBaseUrl', { value: this.webhookApi.url, description: 'Base URL of the webhook API' });
    for (const system of SourceSystem.options) {
      new CfnOutput(this, `WebhookUrl${pascalCase(system)}`, {
        value: `${this.webhookApi.url}webhooks/${system}`,
        description: `Webhook URL to configure in ${system}`,
      });
    }
    new CfnOutput(this, 'SlackRequestUrl', {
      value: `${this.webhookApi.url}slack/events`,
      description: 'Request URL for the Slack app: slash command, interactivity and event subscriptions (slack/manifest.yaml)',
    });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'WebhookSecretName', {
      value: props.webhookSecret.secretName,
      description: 'Secrets Manager secret holding the webhook signing secrets (see docs/deploy.md)',
    });
  }
}
