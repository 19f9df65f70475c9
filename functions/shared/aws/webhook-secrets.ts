/**
 * Webhook secrets: from Secrets Manager on AWS (read once per cold start, then cached), from the
 * environment locally. A value may list two secrets, comma-separated, while one is rotated.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import type { SourceSystem } from '../canonical';
import { splitSecrets, WEBHOOK_SECRET_ENV } from '../config';

export type WebhookSecrets = (system: SourceSystem) => readonly string[];

export const secretsFromEnv =
  (env: NodeJS.ProcessEnv = process.env): WebhookSecrets =>
  (system) =>
    splitSecrets(env[WEBHOOK_SECRET_ENV[system]]);

const SecretDocument = z.record(z.string(), z.string());

export const loadSecretsFromSecretsManager = async (secretArn: string, client = new SecretsManagerClient({})): Promise<WebhookSecrets> => {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const document = SecretDocument.parse(JSON.parse(SecretString ?? '{}'));
  return secretsFromEnv(document);
};
