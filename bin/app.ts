/**
 * CDK app entry (cdk.json: `npx tsx bin/app.ts`). Environment-agnostic stacks and no lookups, so
 * `npm run synth` works offline without AWS credentials; `cdk deploy` picks the account and
 * region from the CLI profile.
 *
 *   npx cdk deploy --all                                      # ConcordData, then Concord
 *   npx cdk deploy --all -c salesforceEventSourceName=aws.partner/salesforce.com/00D.../0YL...
 *
 * See docs/deploy.md.
 */
import { App } from 'aws-cdk-lib';
import { addConcordStacks } from '../lib/concord-app';

// CDK's built-in CloudFormation schema validation loads a WebAssembly validator that costs
// 10-30 s on every synth. test/unit/stack.unit.test.ts runs it in strict mode instead, so schema
// errors still fail the build. cdk-nag is not affected by this switch.
addConcordStacks(new App({ builtinCloudFormationValidation: false }));
