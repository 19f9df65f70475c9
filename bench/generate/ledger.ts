/**
 * One system's records and the changes it emits, plus the truth line for each record. Renderers
 * append creates, updates and removals in any order; `changes()` returns them in the order the
 * vendor would emit them: by time, ties in the order they were recorded (a parent is recorded
 * before its children, a record's create before its updates).
 */
import type { EntityFields, EntityType, SourceSystem } from '../../functions/shared/canonical';
import type { SourceChange } from '../../local/vendors/vendor-simulator';
import type { PerturbationKind, Trace } from './perturb';

const NONE: readonly PerturbationKind[] = Object.freeze([]);

export type RecordStatus = 'active' | 'deleted' | 'erased';

export interface TruthRecord {
  sourceSystem: SourceSystem;
  entityType: EntityType;
  externalId: string;
  /** The real-world entity this record describes (acc-…, per-…, opp-…). */
  trueEntityId: string;
  /** The externalId of the record this one duplicates within the same system, if planted. */
  duplicateOf?: string;
  /** Which kinds of perturbation this record carries relative to the truth, in a fixed order. */
  perturbations: readonly PerturbationKind[];
  /** Where the record ends up once every change is applied. */
  status: RecordStatus;
}

export interface LedgerRecord {
  entityType: EntityType;
  externalId: string;
  trueEntityId: string;
  duplicateOf?: string;
  /** Absent for records rendered without any drift (deals, invoices, tickets…). */
  perturbations?: Trace;
  /** The fields as created (what a duplicate copies). */
  fields: Record<string, unknown>;
  createdAt: number;
  /** Time of the record's latest change so far. */
  lastAt: number;
  status: RecordStatus;
}

export interface TruthLink {
  trueEntityId: string;
  perturbations?: Trace;
  duplicateOf?: string;
}


/** Drops keys whose value is undefined, so JSON and strict schemas see only what was set. */
export const compact = <T extends object>(fields: T): T => {
  const source = fields as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k in source) {
    const v = source[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
};

export class SystemLedger {
  readonly records = new Map<string, LedgerRecord>();
  // The changes exactly as they will be returned, and their times (ms) alongside: a large world
  // has hundreds of thousands of changes, so they are built once and only reordered.
  private readonly entries: SourceChange[] = [];
  private readonly times: number[] = [];

  constructor(
    readonly system: SourceSystem,
    private readonly now: number,
  ) {}

  create<T extends EntityType>(entityType: T, externalId: string, fields: EntityFields[T], at: number, link: TruthLink): void {
    if (this.records.has(externalId)) throw new Error(`${this.system} ${externalId} created twice`);
    const time = Math.min(at, this.now);
    const clean = compact(fields as Record<string, unknown>);
    const record: LedgerRecord = {
      entityType,
      externalId,
      trueEntityId: link.trueEntityId,
      fields: clean,
      createdAt: time,
      lastAt: time,
      status: 'active',
    };
    if (link.perturbations !== undefined) record.perturbations = link.perturbations;
    if (link.duplicateOf !== undefined) record.duplicateOf = link.duplicateOf;
    this.records.set(externalId, record);
    this.push(time, entityType, externalId, 'upsert', clean);
  }

  /** Records a partial update; times before the record's last change are moved up to it. */
  update<T extends EntityType>(entityType: T, externalId: string, fields: EntityFields[T], at: number): void {
    const record = this.active(externalId);
    if (record.entityType !== entityType) throw new Error(`${externalId} is a ${record.entityType}, not a ${entityType}`);
    const clean = compact(fields as Record<string, unknown>);
    let empty = true;
    for (const _ in clean) {
      empty = false;
      break;
    }
    if (empty) return;
    const time = Math.min(Math.max(at, record.lastAt), this.now);
    record.lastAt = time;
    this.push(time, entityType, externalId, 'upsert', clean);
  }

  remove(externalId: string, kind: 'delete' | 'erase', at: number): void {
    const record = this.active(externalId);
    const time = Math.min(Math.max(at, record.lastAt), this.now);
    record.lastAt = time;
    record.status = kind === 'delete' ? 'deleted' : 'erased';
    this.push(time, record.entityType, externalId, kind, {});
  }

  /** The vendor's stream: time order, recording order among equal times, `sequence` = position. */
  changes(): SourceChange[] {
    const times = this.times;
    const order = new Uint32Array(times.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((x, y) => (times[x] as number) - (times[y] as number) || x - y);
    const out: SourceChange[] = new Array<SourceChange>(order.length);
    for (let sequence = 0; sequence < order.length; sequence++) {
      const change = this.entries[order[sequence] as number] as SourceChange;
      change.sequence = sequence;
      out[sequence] = change;
    }
    return out;
  }

  truth(): TruthRecord[] {
    return [...this.records.values()].map((r) => {
      const line: TruthRecord = {
        sourceSystem: this.system,
        entityType: r.entityType,
        externalId: r.externalId,
        trueEntityId: r.trueEntityId,
        perturbations: r.perturbations?.kinds() ?? NONE,
        status: r.status,
      };
      if (r.duplicateOf !== undefined) line.duplicateOf = r.duplicateOf;
      return line;
    });
  }

  private push(at: number, entityType: EntityType, externalId: string, changeKind: SourceChange['changeKind'], fields: Record<string, unknown>): void {
    this.times.push(at);
    this.entries.push({ entityType, externalId, fields, changeKind, occurredAt: new Date(at) } as SourceChange);
  }

  private active(externalId: string): LedgerRecord {
    const record = this.records.get(externalId);
    if (!record) throw new Error(`${this.system} has no record ${externalId}`);
    if (record.status !== 'active') throw new Error(`${this.system} ${externalId} is ${record.status}`);
    return record;
  }
}
