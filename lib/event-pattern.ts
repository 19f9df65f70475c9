/**
 * Bridges the routing table's patterns (EventBridge's own JSON) to CDK's `EventPattern` type.
 * CDK spells `detail-type` as `detailType` and renders it back on synthesis; every other key and
 * every content filter (`{ prefix: ... }`, `{ anything-but: ... }`, nested `detail` objects) passes
 * through untouched. So the synthesized pattern is exactly the table's pattern, which the stack
 * test checks.
 */
import type { EventPattern as CdkEventPattern } from 'aws-cdk-lib/aws-events';
import type { EventPattern } from '../functions/shared/routing';

export const toCdkEventPattern = (pattern: EventPattern): CdkEventPattern => {
  if (Object.keys(pattern).length === 0) {
    throw new Error('An empty event pattern would match nothing on EventBridge; give at least one key');
  }
  if ('detailType' in pattern) {
    throw new Error("Write 'detail-type' (EventBridge's spelling) in routing patterns, not 'detailType'");
  }
  const cdk: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) cdk[key === 'detail-type' ? 'detailType' : key] = value;
  // CDK types each field as string[], but it renders whatever JSON it is given; content filters
  // such as { prefix } are valid EventBridge and must survive unchanged.
  return cdk as CdkEventPattern;
};
