/**
 * The frame every vendor adapter shares: find where an entity lives at the vendor (an sObject, a
 * HubSpot object type, a Zendesk collection…), skip with a reason when it lives nowhere there, and
 * otherwise run the vendor's write or erasure on that target. Only accounts and people carry
 * unified ids, and each vendor holds a subset of them, so the skip rule is the same everywhere.
 */
import type { EntityType } from '../../shared/canonical';
import type { ErasureRequest, UnifiedIdWrite, WriteBack, WriteResult } from './ports';
import { notHeldBy, skipped } from './vendor-http';

export interface TargetedOperations<Target> {
  /** Where the entity lives at the vendor, or undefined when the vendor holds no such record. */
  targetOf(entityType: EntityType, externalId: string): Target | undefined;
  write(target: Target, write: UnifiedIdWrite): Promise<WriteResult>;
  erase(target: Target, request: ErasureRequest): Promise<WriteResult>;
}

export const writeBackOf = <Target>(vendor: string, operations: TargetedOperations<Target>): WriteBack => ({
  async writeUnifiedId(write) {
    const target = operations.targetOf(write.entityType, write.externalId);
    return target === undefined ? skipped(notHeldBy(vendor, write.entityType)) : operations.write(target, write);
  },
  async requestErasure(request) {
    const target = operations.targetOf(request.entityType, request.externalId);
    return target === undefined ? skipped(notHeldBy(vendor, request.entityType)) : operations.erase(target, request);
  },
});
