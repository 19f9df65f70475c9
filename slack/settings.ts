/**
 * The Slack app's settings, from the environment (locally) or from the `concord/slack` secret on
 * AWS: one flat JSON document with the same names. Read once per cold start.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { DEEP_LINK_SETTINGS, deepLinkConfigOf, type DeepLinkConfig } from './blocks/deep-links';

const commaList = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0));

const Env = z.object({
  SLACK_BOT_TOKEN: z.string().min(1, 'SLACK_BOT_TOKEN is required (the bot token, xoxb-…)'),
  SLACK_SIGNING_SECRET: z.string().min(1, 'SLACK_SIGNING_SECRET is required (Basic Information → App Credentials)'),
  /** Where the Web API is: Slack's own unless set (the local Slack sets it). */
  SLACK_API_URL: z.string().url().optional(),
  /** Who may decide merges: Slack user ids, and/or the members of one user group (its id, S…). */
  SLACK_STEWARD_USER_IDS: commaList,
  SLACK_STEWARD_USERGROUP: z.string().optional(),
  /** Where merge proposals and the daily digest go: a channel id, or a public channel's name. */
  SLACK_STEWARDS_CHANNEL: z.string().default('#data-stewards'),
  /** Where handoff receipts and playbook alerts go. An empty value (a secret's unfilled key) means the default. */
  SLACK_HANDOFFS_CHANNEL: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? '#handoffs' : v.trim())),
});

/** Every value the app reads: the names of the `concord/slack` secret's keys. */
export const SLACK_SETTING_NAMES = [...(Object.keys(Env.shape) as (keyof typeof Env.shape)[]).filter((name) => name !== 'SLACK_API_URL'), ...DEEP_LINK_SETTINGS];

export interface SlackSettings {
  botToken: string;
  signingSecret: string;
  apiUrl: string | undefined;
  stewardUserIds: readonly string[];
  stewardUserGroup: string | undefined;
  stewardsChannel: string;
  handoffsChannel: string;
  /** Where each system shows a record, for the links on a customer card. */
  deepLinks: DeepLinkConfig;
}

export const slackSettingsOf = (env: Record<string, string | undefined>): SlackSettings => {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw new Error(`Slack settings: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const s = parsed.data;
  if (s.SLACK_STEWARD_USER_IDS.length === 0 && s.SLACK_STEWARD_USERGROUP === undefined) {
    throw new Error('Slack settings: name the data stewards with SLACK_STEWARD_USER_IDS or SLACK_STEWARD_USERGROUP; without them nobody could decide a merge');
  }
  return {
    botToken: s.SLACK_BOT_TOKEN,
    signingSecret: s.SLACK_SIGNING_SECRET,
    apiUrl: s.SLACK_API_URL,
    stewardUserIds: s.SLACK_STEWARD_USER_IDS,
    stewardUserGroup: s.SLACK_STEWARD_USERGROUP,
    stewardsChannel: s.SLACK_STEWARDS_CHANNEL,
    handoffsChannel: s.SLACK_HANDOFFS_CHANNEL,
    deepLinks: deepLinkConfigOf(env),
  };
};

/** On AWS: the secret's settings over the function's environment. */
export const slackSettingsFromSecret = async (secretArn: string | undefined): Promise<SlackSettings> => {
  if (secretArn === undefined) return slackSettingsOf(process.env);
  const { SecretString } = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn }));
  return slackSettingsOf({ ...process.env, ...z.record(z.string(), z.string()).parse(JSON.parse(SecretString ?? '{}')) });
};
