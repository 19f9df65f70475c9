/**
 * DynamoDB grants for Concord functions. CDK's table grants also cover the table's indexes as
 * `<table ARN>/index/*`, which AwsSolutions-IAM5 reports as a wildcard. That wildcard is bounded
 * by the table's own ARN, so it is acknowledged here, next to the grant that causes it, under the
 * exact finding id cdk-nag computes (nothing else on the role is acknowledged).
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { ConcordFunction } from './concord-function';

export type TableAccess = 'read' | 'write' | 'readWrite';

export const grantTableData = (table: dynamodb.Table, fn: ConcordFunction, access: TableAccess): void => {
  if (access === 'read') table.grantReadData(fn.role);
  else if (access === 'write') table.grantWriteData(fn.role);
  else table.grantReadWriteData(fn.role);

  const cfnTable = table.node.defaultChild as dynamodb.CfnTable;
  const indexes = Stack.of(table).resolve(cfnTable.globalSecondaryIndexes) as unknown[] | undefined;
  if (indexes === undefined || indexes.length === 0) return;

  // Across stacks the ARN arrives through an export; exportValue returns the very import that
  // CDK's automatic cross-stack reference uses, so the finding id matches the synthesized policy.
  const arn = Stack.of(table) === Stack.of(fn) ? table.tableArn : Stack.of(table).exportValue(table.tableArn);
  const flatArn = flattenCfnReference(Stack.of(fn).resolve(arn));
  Validations.of(fn.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${flatArn}/index/*]`,
    reason: `CDK table grants include the table's own indexes (${table.node.id}/index/*) so queries on its GSIs work; the wildcard cannot reach another table.`,
  });
};
