/**
 * ConcordData: what must outlive any deployment of the application — the DynamoDB tables
 * (generated from the shared definitions in functions/shared/tables.ts), the webhook secret and
 * the write-back credentials the operator fills in. Everything here is retained when the stack is
 * deleted.
 */
import { CfnOutput, RemovalPolicy, SecretValue, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { WRITE_BACK_CREDENTIAL_NAMES } from '../functions/identity/writeback/write-back-config';
import { TABLE_ENV, WEBHOOK_SECRET_ENV } from '../functions/shared/config';
import { SLACK_SETTING_NAMES } from '../slack/settings';
import { tables, type KeyDefinition, type TableDefinition, type TableKey } from '../functions/shared/tables';

export type ConcordTables = Record<TableKey, dynamodb.Table>;

/** The Secrets Manager name the operator looks for; documented in docs/deploy.md. */
export const WEBHOOK_SECRETS_NAME = 'concord/webhook-secrets';
export const WRITE_BACK_SECRETS_NAME = 'concord/write-back-credentials';
export const SLACK_SECRETS_NAME = 'concord/slack';
export const HANDOFF_SECRETS_NAME = 'concord/handoffs';

/** The channels a fresh Slack secret names, so only tokens are left to fill in. */
const SLACK_CHANNEL_DEFAULTS: Readonly<Record<string, string>> = { SLACK_STEWARDS_CHANNEL: '#data-stewards', SLACK_HANDOFFS_CHANNEL: '#handoffs' };

/**
 * The env name whose value is generated at creation: Concord chooses the secret for the generic
 * webhook and hands it to the sender. The vendors' secrets are issued by the vendors, so they
 * start empty (an empty value means "not configured" and every delivery is rejected).
 */
const GENERATED_SECRET_KEY = WEBHOOK_SECRET_ENV.generic;

/** Likewise Concord signs its webhooks to a generic system with a secret it chooses; the vendors' URLs and tokens start empty (not written to). */
const GENERATED_WRITE_BACK_KEY: (typeof WRITE_BACK_CREDENTIAL_NAMES)[number] = 'GENERIC_WRITE_BACK_SECRET';

const attributeOf = (key: KeyDefinition): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

export class StatefulStack extends Stack {
  readonly tables: ConcordTables;
  readonly webhookSecret: secretsmanager.Secret;
  readonly writeBackSecret: secretsmanager.Secret;
  readonly slackSecret: secretsmanager.Secret;
  readonly handoffSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const entries = Object.entries(tables) as [TableKey, TableDefinition][];
    this.tables = Object.fromEntries(entries.map(([key, def]) => [key, this.createTable(def)])) as ConcordTables;

    const placeholder = Object.fromEntries(
      Object.values(WEBHOOK_SECRET_ENV)
        .filter((name) => name !== GENERATED_SECRET_KEY)
        .map((name) => [name, '']),
    );
    this.webhookSecret = new secretsmanager.Secret(this, 'WebhookSecrets', {
      secretName: WEBHOOK_SECRETS_NAME,
      description: 'Concord webhook signing secrets, one key per source system (comma-separate two values while rotating)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify(placeholder),
        generateStringKey: GENERATED_SECRET_KEY,
        excludePunctuation: true,
        passwordLength: 48,
      },
      // The values are typed in by an operator; losing them with the stack would break every sender.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.writeBackSecret = new secretsmanager.Secret(this, 'WriteBackCredentials', {
      secretName: WRITE_BACK_SECRETS_NAME,
      description: 'Where and as whom Concord writes unified ids back into each system (API URL and token); a system left empty is not written to',
      generateSecretString: {
        secretStringTemplate: JSON.stringify(Object.fromEntries(WRITE_BACK_CREDENTIAL_NAMES.filter((name) => name !== GENERATED_WRITE_BACK_KEY).map((name) => [name, '']))),
        generateStringKey: GENERATED_WRITE_BACK_KEY,
        excludePunctuation: true,
        passwordLength: 48,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Slack's bot token and signing secret are issued by Slack, the stewards named by the team:
    // every value starts empty, and the app refuses to start until they are filled in.
    this.slackSecret = new secretsmanager.Secret(this, 'SlackSettings', {
      secretName: SLACK_SECRETS_NAME,
      description: 'The Slack app: bot token, signing secret, the data stewards (user ids or a user group), their channel, and where each system shows a record',
      secretObjectValue: Object.fromEntries(SLACK_SETTING_NAMES.map((name) => [name, SecretValue.unsafePlainText(SLACK_CHANNEL_DEFAULTS[name] ?? '')])),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The handoffs' targets (ERP, CRM, PM tool, calendar, email) and the CS roster: JSON in the
    // shape of functions/handoffs/handoff-settings.ts. Empty targets: every playbook that needs one
    // is refused at the function's start, with the reason in its log, until an operator fills it in.
    this.handoffSecret = new secretsmanager.Secret(this, 'HandoffSettings', {
      secretName: HANDOFF_SECRETS_NAME,
      description: "The handoffs' target systems (NetSuite, Salesforce, Asana, Google Calendar, SES) with their credentials, the CS roster and the kickoff's working hours",
      // Placeholders only: no credential is in the template.
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify({ targets: {}, roster: [] })),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // What `concord --aws` needs, named after the variables it reads (README, "Configuration").
    for (const [key, table] of entries.map(([key]) => [key, this.tables[key]] as const)) {
      new CfnOutput(this, `${TABLE_ENV[key]}`.replace(/_/g, ''), { value: table.tableName, description: `${TABLE_ENV[key]} for concord --aws` });
    }
    new CfnOutput(this, 'WEBHOOKSECRETSARN', { value: this.webhookSecret.secretArn, description: 'WEBHOOK_SECRETS_ARN for concord --aws' });
    new CfnOutput(this, 'SLACKSECRETSARN', { value: this.slackSecret.secretArn, description: 'SLACK_SECRETS_ARN: the Slack app settings to fill in (README, "Slack")' });
    new CfnOutput(this, 'WRITEBACKSECRETSARN', { value: this.writeBackSecret.secretArn, description: 'WRITE_BACK_SECRETS_ARN: the write-back credentials to fill in' });

    Validations.of(this.webhookSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The values are signing secrets issued by the SaaS vendors (Stripe, HubSpot, Salesforce, Zendesk, NetSuite); a rotation Lambda cannot change them on the vendor side. Operators rotate them by hand with the comma-separated "current,next" overlap that the ingest function accepts (docs/deploy.md).',
    });
    Validations.of(this.slackSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The bot token and signing secret are issued by Slack for the installed app; a rotation Lambda cannot issue them. Operators replace them when they regenerate them in the app settings; the functions read them at their next cold start.',
    });
    new CfnOutput(this, 'HANDOFFSETTINGSARN', { value: this.handoffSecret.secretArn, description: "HANDOFF_SETTINGS_ARN: the handoffs' targets and CS roster to fill in" });
    Validations.of(this.handoffSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The values are API tokens issued by the target vendors (NetSuite, Salesforce, Asana, Google) and the team\'s CS roster; a rotation Lambda cannot issue them. Operators replace them when the vendor rotates them; the handoffs function reads them at its next cold start.',
    });
    Validations.of(this.writeBackSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The values are API tokens and keys issued by the SaaS vendors (Salesforce, HubSpot, Stripe, Zendesk, NetSuite) for their own APIs; a rotation Lambda cannot issue them. Operators replace them when the vendor rotates them; the write-back function reads them at its next cold start.',
    });
  }

  private createTable(def: TableDefinition): dynamodb.Table {
    const table = new dynamodb.Table(this, def.logicalName, {
      partitionKey: attributeOf(def.partitionKey),
      sortKey: def.sortKey === undefined ? undefined : attributeOf(def.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: def.timeToLiveAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of def.globalIndexes ?? []) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attributeOf(index.partitionKey),
        sortKey: index.sortKey === undefined ? undefined : attributeOf(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    return table;
  }
}
