/**
 * The Concord app's stacks and its compliance checks, in one function so bin/app.ts and the
 * stack tests build exactly the same thing.
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConcordStack } from './concord-stack';
import { StatefulStack } from './stateful-stack';

export interface ConcordStacks {
  data: StatefulStack;
  concord: ConcordStack;
}

export const addConcordStacks = (app: App): ConcordStacks => {
  const data = new StatefulStack(app, 'ConcordData', {
    description: 'Concord data: DynamoDB tables and webhook secrets (retained on delete)',
  });
  const salesforceEventSourceName: unknown = app.node.tryGetContext('salesforceEventSourceName');
  if (salesforceEventSourceName !== undefined && typeof salesforceEventSourceName !== 'string') {
    throw new Error('Context salesforceEventSourceName must be a string');
  }
  const concord = new ConcordStack(app, 'Concord', {
    description: 'Concord application: event bus, routes, consumers, webhook API',
    tables: data.tables,
    webhookSecret: data.webhookSecret,
    writeBackSecret: data.writeBackSecret,
    slackSecret: data.slackSecret,
    handoffSecret: data.handoffSecret,
    salesforceEventSourceName,
  });
  // cdk-nag 3 is a policy validation plugin: it runs after synthesis, over both stacks, and any
  // unacknowledged error fails `cdk synth` (and throws from app.synth() in tests).
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { data, concord };
};
