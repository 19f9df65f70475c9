/**
 * The vendor adapters on AWS, configured from the write-back secret (one flat JSON document of
 * settings, functions/identity/writeback/write-back-config.ts). Read once per cold start: a
 * rotated credential reaches a function with its next cold start. Every function that calls
 * vendors (write-back, and identity for erasure requests) builds its adapters here.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { createWriteBack } from './create-write-back';
import type { WriteBack } from './ports';
import { writeBackTargetsOf } from './write-back-config';

const loadSettings = async (secretArn: string | undefined): Promise<Record<string, string | undefined>> => {
  if (secretArn === undefined) return process.env;
  const { SecretString } = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn }));
  return { WRITE_BACK_TIMEOUT_MS: process.env.WRITE_BACK_TIMEOUT_MS, ...z.record(z.string(), z.string()).parse(JSON.parse(SecretString ?? '{}')) };
};

/** The adapters, and the systems whose settings are incomplete (skipped, and worth a warning). */
export const writeBackFromSecret = async (secretArn: string | undefined): Promise<{ writeBack: WriteBack; incomplete: readonly string[] }> => {
  const targets = writeBackTargetsOf(await loadSettings(secretArn));
  return { writeBack: createWriteBack(targets.bySystem), incomplete: targets.incomplete };
};
