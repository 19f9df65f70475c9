/**
 * How a canonical event changes the stored source record. Pure: the caller loads the record and
 * passes the clock.
 *
 * Delivery is at-least-once and unordered (EventBridge, SQS, vendor retries), and many vendors
 * send partial updates. So every field remembers the version that last set it, and a value is
 * taken only from a newer version. Applying the same events in any order, any number of times,
 * ends in the same record.
 */
import type { CanonicalEvent, SourceRecord, SourceVersion } from '../shared/canonical';
import { sourceKeyOf } from '../shared/canonical';

export type SourceChangeOutcome =
  | { kind: 'changed'; record: SourceRecord }
  | { kind: 'unchanged'; reason: 'already-applied' | 'superseded' | 'erased' };

/**
 * Decides which of two writes to one field wins. The higher version wins; two different values
 * with the same version (a vendor whose clock is coarse) are ordered by their serialized form,
 * which is arbitrary but the same whatever order they arrive in.
 */
const wins = (version: SourceVersion, value: unknown, currentVersion: SourceVersion | undefined, current: unknown): boolean => {
  if (currentVersion === undefined) return true;
  if (version !== currentVersion) return version > currentVersion;
  return serialize(value) > serialize(current);
};

/** Marks a write that empties a field; it is versioned like a value so a stale value cannot return. */
const CLEARED = Symbol('cleared');

const serialize = (value: unknown): string => (value === CLEARED || value === undefined ? 'null' : JSON.stringify(value));

/**
 * The leaves of a fields object as dotted paths: `{ address: { city } }` is `address.city`. A
 * vendor that changes only the city must not wipe the street, so each leaf is versioned alone.
 */
const leafEntries = (fields: Record<string, unknown>, prefix = ''): [string, unknown][] =>
  Object.entries(fields).flatMap(([name, value]): [string, unknown][] => {
    if (value === undefined) return [];
    const path = prefix + name;
    return isPlainObject(value) ? leafEntries(value, `${path}.`) : [[path, value]];
  });

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const getPath = (target: Record<string, unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), target);

/** Sets a dotted path in a record the caller owns (the reducer works on a deep copy). */
const setPath = (target: Record<string, unknown>, path: string, value: unknown): void => {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
};

/** Removes a dotted path, and any object it leaves empty. */
const deletePath = (target: Record<string, unknown>, path: string): void => {
  const [key, ...rest] = path.split('.');
  if (key === undefined) return;
  if (rest.length === 0) {
    delete target[key];
    return;
  }
  const child = target[key];
  if (!isPlainObject(child)) return;
  deletePath(child, rest.join('.'));
  if (Object.keys(child).length === 0) delete target[key];
};

const maxVersion = (a: SourceVersion, b: SourceVersion): SourceVersion => (a > b ? a : b);

const emptyRecord = (event: CanonicalEvent, now: Date): SourceRecord => ({
  sourceKey: sourceKeyOf(event),
  sourceSystem: event.sourceSystem,
  entityType: event.entityType,
  externalId: event.externalId,
  fields: {},
  fieldVersions: {},
  version: event.sourceVersion,
  // The lowest possible version, so the first real status change always wins.
  status: 'active',
  statusVersion: '0000000000000000:0000000000',
  lastEventId: event.eventId,
  firstSeenAt: now.toISOString(),
  updatedAt: now.toISOString(),
  rev: 0,
});

export const applySourceChange = (
  existing: SourceRecord | undefined,
  event: CanonicalEvent,
  now: Date,
): SourceChangeOutcome => {
  // A privacy deletion is final: no late or replayed change may bring the person back.
  if (existing?.status === 'erased') return { kind: 'unchanged', reason: 'erased' };

  const base = existing ?? emptyRecord(event, now);
  const v = event.sourceVersion;
  const fields = structuredClone(base.fields);
  const fieldVersions = { ...base.fieldVersions };
  let status = base.status;
  let statusVersion = base.statusVersion;
  let { rereadRequestedAt, rereadRequestedVersion, lastFullReadVersion } = base;
  let touched = existing === undefined;

  switch (event.changeKind) {
    case 'erase': {
      const erased: SourceRecord = {
        ...base,
        fields: {},
        fieldVersions: {},
        rawJson: undefined,
        status: 'erased',
        statusVersion: v,
        version: maxVersion(base.version, v),
        rereadRequestedAt: undefined,
        rereadRequestedVersion: undefined,
        lastEventId: event.eventId,
        updatedAt: now.toISOString(),
      };
      return { kind: 'changed', record: erased };
    }
    case 'delete':
    case 'undelete': {
      const target = event.changeKind === 'delete' ? 'deleted' : 'active';
      // Same version both ways (a coarse vendor clock): delete wins, whatever the arrival order.
      if (v > statusVersion || (v === statusVersion && target === 'deleted' && status !== 'deleted')) {
        touched = true;
        status = target;
        statusVersion = v;
      }
      break;
    }
    case 'gap': {
      // The vendor lost track of what changed: keep every field and ask for a fresh read, unless
      // a full read at least as new has already arrived. A request stands until one does.
      const answered = lastFullReadVersion !== undefined && lastFullReadVersion >= v;
      if (!answered && (rereadRequestedVersion === undefined || v > rereadRequestedVersion)) {
        rereadRequestedVersion = v;
        rereadRequestedAt ??= now.toISOString();
        touched = true;
      }
      break;
    }
    case 'upsert': {
      const cleared = (event.clearedFields ?? []).filter((path) => getPath(event.fields, path) === undefined);
      const writes: [string, unknown][] = [...leafEntries(event.fields), ...cleared.map((path): [string, unknown] => [path, CLEARED])];
      for (const [path, value] of writes) {
        const current = getPath(fields, path);
        if (!wins(v, value, fieldVersions[path], current)) continue;
        if (fieldVersions[path] === v && serialize(current) === serialize(value)) continue;
        if (value === CLEARED) deletePath(fields, path);
        else setPath(fields, path, value);
        fieldVersions[path] = v;
        touched = true;
      }
      // A full snapshot answers every re-read request up to its version; a partial update does not.
      if (event.changedFields === undefined && (lastFullReadVersion === undefined || v > lastFullReadVersion)) {
        lastFullReadVersion = v;
        touched = true;
        if (rereadRequestedVersion !== undefined && v >= rereadRequestedVersion) {
          rereadRequestedVersion = undefined;
          rereadRequestedAt = undefined;
        }
      }
      break;
    }
  }

  if (!touched) {
    const duplicate = existing !== undefined && v <= existing.version;
    return { kind: 'unchanged', reason: duplicate ? 'already-applied' : 'superseded' };
  }

  const newest = v >= base.version;
  return {
    kind: 'changed',
    record: {
      ...base,
      fields,
      fieldVersions,
      status,
      statusVersion,
      rereadRequestedAt,
      rereadRequestedVersion,
      lastFullReadVersion,
      version: maxVersion(base.version, v),
      rawJson: newest && event.raw !== undefined ? JSON.stringify(event.raw) : base.rawJson,
      lastEventId: newest ? event.eventId : base.lastEventId,
      updatedAt: now.toISOString(),
    },
  };
};
