/**
 * What a fake system holds: records by key, each with its fields and whether it still exists.
 *
 * Every well-formed id names a live record until it is deleted, so the sandbox needs no seeding:
 * the local runtime writes back to records its simulated webhooks invented, and the sandbox takes
 * them as existing. A fake that wants records to appear only when written (the generic receiver)
 * uses `find` instead of `get`.
 */

/** live: readable and writable; deleted: gone but recoverable (a recycle bin, a soft delete); erased: gone for good. */
export type RecordState = 'live' | 'deleted' | 'erased';

export interface StoredRecord {
  key: string;
  state: RecordState;
  fields: Record<string, unknown>;
}

export class RecordStore {
  private readonly records = new Map<string, StoredRecord>();

  /** The record, or undefined if nothing was ever written to or deleted at this key. */
  find(key: string): StoredRecord | undefined {
    const record = this.records.get(key);
    return record === undefined ? undefined : structuredClone(record);
  }

  /** The record, taken as live and empty if never touched. */
  get(key: string): StoredRecord {
    return this.find(key) ?? { key, state: 'live', fields: {} };
  }

  /** Sets the given fields (a shallow merge) and returns the record after. */
  patch(key: string, fields: Record<string, unknown>): StoredRecord {
    const current = this.get(key);
    this.records.set(key, { ...current, fields: { ...current.fields, ...structuredClone(fields) } });
    return this.get(key);
  }

  /** Moves the record to a state; erasing also forgets its fields. */
  setState(key: string, state: RecordState): StoredRecord {
    const current = this.get(key);
    this.records.set(key, { key, state, fields: state === 'erased' ? {} : current.fields });
    return this.get(key);
  }

  list(): StoredRecord[] {
    return [...this.records.values()].map((record) => structuredClone(record));
  }

  get size(): number {
    return this.records.size;
  }
}
