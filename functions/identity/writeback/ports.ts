/**
 * The outbound ports of identity: writing a record's unified ID back into its source system, and
 * asking a source system to erase a record. Vendor adapters (./vendors/) implement both; callers
 * (the writeback consumer, writeback.handler.ts, and the erasure flow) see only these types.
 *
 * Delivery is at-least-once, so every call carries an idempotency key derived from business
 * identity and doing a call twice must be harmless. A vendor's refusal or outage is an expected
 * outcome, returned as a WriteResult with a retry classification (STYLE §4); an adapter throws
 * only for a bug of ours.
 */
import type { EntityType, SourceSystem } from '../../shared/canonical';

export interface RecordRef {
  sourceSystem: SourceSystem;
  entityType: EntityType;
  /** The record's id in its source system, as the connector received it. */
  externalId: string;
  /** Derived from business identity (e.g. unified id + source key + version), stable across retries. */
  idempotencyKey: string;
}

export interface UnifiedIdWrite extends RecordRef {
  unifiedId: string;
}

export type ErasureRequest = RecordRef;

export type WriteStatus = 'done' | 'skipped' | 'failed';

export interface WriteResult {
  /**
   * done: the vendor holds the outcome (also when it already did);
   * skipped: nothing to do here (the vendor holds no such record type, or write-back is off);
   * failed: the vendor refused or could not be reached.
   */
  status: WriteStatus;
  /** Set on 'failed': whether the same call may succeed later (outage, throttling, timeout). */
  retryable?: boolean;
  /** Why it was skipped or failed, or what 'done' means when that is not obvious. */
  detail?: string;
  /** The last HTTP request made, for the audit log and for support. */
  request?: { method: string; url: string };
}

export interface UnifiedIdWriter {
  writeUnifiedId(write: UnifiedIdWrite): Promise<WriteResult>;
}

export interface ErasureRequester {
  requestErasure(request: ErasureRequest): Promise<WriteResult>;
}

/** One vendor's adapter: it implements both ports. */
export type WriteBack = UnifiedIdWriter & ErasureRequester;
