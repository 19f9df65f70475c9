/**
 * Runtime configuration, read from the environment once. The CDK stack sets these on AWS; the
 * local runtime sets local defaults (see README, "Configuration").
 */
import { z } from 'zod';
import type { SourceSystem } from './canonical';
import { tableNames, type TableNames } from './tables';

export const WEBHOOK_SECRET_ENV: Record<SourceSystem, string> = {
  salesforce: 'SALESFORCE_WEBHOOK_SECRET',
  hubspot: 'HUBSPOT_CLIENT_SECRET',
  stripe: 'STRIPE_WEBHOOK_SECRET',
  zendesk: 'ZENDESK_WEBHOOK_SECRET',
  netsuite: 'NETSUITE_WEBHOOK_SECRET',
  generic: 'GENERIC_WEBHOOK_SECRET',
};

/** The variable that names each table (set by the stack, and for `concord --aws` from its outputs). */
export const TABLE_ENV: Record<keyof TableNames, string> = {
  sourceRecords: 'SOURCE_RECORDS_TABLE',
  quarantine: 'QUARANTINE_TABLE',
  identity: 'IDENTITY_TABLE',
  idempotency: 'IDEMPOTENCY_TABLE',
  writeBack: 'WRITE_BACK_TABLE',
  handoffs: 'HANDOFFS_TABLE',
};

const Env = z.object({
  EVENT_BUS_NAME: z.string().default('concord'),
  TABLE_PREFIX: z.string().default('concord-'),
  SOURCE_RECORDS_TABLE: z.string().optional(),
  QUARANTINE_TABLE: z.string().optional(),
  IDENTITY_TABLE: z.string().optional(),
  IDEMPOTENCY_TABLE: z.string().optional(),
  WRITE_BACK_TABLE: z.string().optional(),
  HANDOFFS_TABLE: z.string().optional(),
  /** On AWS: a Secrets Manager secret holding `{ "<ENV NAME>": "secret[,next secret]" }`. */
  WEBHOOK_SECRETS_ARN: z.string().optional(),
  /** On AWS: a Secrets Manager secret holding the write-back settings (functions/identity/writeback/write-back-config.ts). */
  WRITE_BACK_SECRETS_ARN: z.string().optional(),
  /** Largest webhook body accepted, in bytes. */
  MAX_WEBHOOK_BYTES: z.coerce.number().int().positive().default(1_048_576),
});

export interface RuntimeConfig {
  eventBusName: string;
  tables: TableNames;
  webhookSecretsArn: string | undefined;
  writeBackSecretsArn: string | undefined;
  maxWebhookBytes: number;
}

export const readConfig = (env: NodeJS.ProcessEnv = process.env): RuntimeConfig => {
  const parsed = Env.parse(env);
  const defaults = tableNames(parsed.TABLE_PREFIX);
  return {
    eventBusName: parsed.EVENT_BUS_NAME,
    tables: {
      sourceRecords: parsed.SOURCE_RECORDS_TABLE ?? defaults.sourceRecords,
      quarantine: parsed.QUARANTINE_TABLE ?? defaults.quarantine,
      identity: parsed.IDENTITY_TABLE ?? defaults.identity,
      idempotency: parsed.IDEMPOTENCY_TABLE ?? defaults.idempotency,
      writeBack: parsed.WRITE_BACK_TABLE ?? defaults.writeBack,
      handoffs: parsed.HANDOFFS_TABLE ?? defaults.handoffs,
    },
    webhookSecretsArn: parsed.WEBHOOK_SECRETS_ARN,
    writeBackSecretsArn: parsed.WRITE_BACK_SECRETS_ARN,
    maxWebhookBytes: parsed.MAX_WEBHOOK_BYTES,
  };
};

/** Splits a configured secret list; a comma separates the current and the next secret while rotating. */
export const splitSecrets = (value: string | undefined): string[] =>
  (value ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
