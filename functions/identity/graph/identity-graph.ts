/**
 * The identity graph: which source records make up which unified entity. Pure: operations take a
 * graph and return the next one with the events and audit entries they caused; the store persists
 * them, the clock and ids are passed in.
 *
 * Link first, never destroy. No operation touches a source record; they only move membership:
 * - a record with no match founds an entity, whose id derives from the record's key (unified-id.ts);
 * - a merge keeps one id by a fixed rule (more members, then older, then the smaller id) and leaves
 *   the other as a tombstone that redirects to it;
 * - an unmerge restores both entities exactly as the merge found them, for the members the merge
 *   moved; records that joined since stay where they are;
 * - a split (a person's cannot-link inside an entity) keeps the id with the larger part.
 * Every change is an event for the bus and an append-only audit entry.
 */
import type { EntityKind } from '../matching/match-record';
import { unifiedIdFor } from '../matching/unified-id';

export interface Entity {
  unifiedId: string;
  kind: EntityKind;
  /** Member source keys, sorted. */
  members: readonly string[];
  createdAt: string;
  status: 'active' | 'merged';
  /** For a tombstone: the entity it was merged into. */
  mergedInto?: string;
}

export interface IdentityGraph {
  entities: ReadonlyMap<string, Entity>;
  /** Source key → the unified id of the active entity holding it. */
  entityOf: ReadonlyMap<string, string>;
}

export interface Actor {
  /** 'concord' for automatic decisions, otherwise who decided (a Slack user id, a CLI user). */
  by: string;
  reason: string;
}

/** Evidence as the matcher explains a pair; kept with the merge so a person can see why. */
export interface MergeEvidence {
  probability?: number;
  fields?: readonly { comparison: string; level: string; weight: number }[];
}

export interface MergeRecord {
  mergeId: string;
  survivor: string;
  absorbed: string;
  /** The members the merge moved from `absorbed` to `survivor`. */
  moved: readonly string[];
  /** Both entities exactly as the merge found them. */
  before: { survivor: Entity; absorbed: Entity };
  at: string;
  actor: Actor;
  evidence?: MergeEvidence;
  undone?: { at: string; by: string };
}

export type IdentityEvent =
  | { type: 'identity.linked'; unifiedId: string; kind: EntityKind; sourceKey: string; created: boolean; at: string }
  | { type: 'identity.unlinked'; unifiedId: string; kind: EntityKind; sourceKey: string; at: string }
  | { type: 'identity.merged'; mergeId: string; survivor: string; absorbed: string; kind: EntityKind; moved: readonly string[]; by: string; at: string }
  | { type: 'identity.unmerged'; mergeId: string; survivor: string; restored: string; kind: EntityKind; moved: readonly string[]; by: string; at: string }
  | { type: 'identity.split'; unifiedId: string; newIds: readonly string[]; kind: EntityKind; by: string; at: string };

export interface AuditEntry {
  at: string;
  action: 'link' | 'unlink' | 'merge' | 'unmerge' | 'split' | 'decide' | 'override' | 'erase';
  unifiedIds: readonly string[];
  sourceKeys: readonly string[];
  by: string;
  reason: string;
  detail?: unknown;
}

export interface Change<T = undefined> {
  graph: IdentityGraph;
  events: IdentityEvent[];
  audit: AuditEntry[];
  result: T;
}

export class IdentityGraphError extends Error {}

export const emptyGraph = (): IdentityGraph => ({ entities: new Map(), entityOf: new Map() });

const sorted = (keys: Iterable<string>): string[] => [...new Set(keys)].sort();

const withEntities = (graph: IdentityGraph, changed: readonly Entity[]): IdentityGraph => {
  const entities = new Map(graph.entities);
  const entityOf = new Map(graph.entityOf);
  for (const e of changed) {
    const previous = graph.entities.get(e.unifiedId);
    for (const key of previous?.members ?? []) if (entityOf.get(key) === e.unifiedId) entityOf.delete(key);
  }
  for (const e of changed) {
    entities.set(e.unifiedId, e);
    if (e.status === 'active') for (const key of e.members) entityOf.set(key, e.unifiedId);
  }
  return { entities, entityOf };
};

const activeEntity = (graph: IdentityGraph, unifiedId: string): Entity => {
  const e = graph.entities.get(unifiedId);
  if (!e) throw new IdentityGraphError(`no entity ${unifiedId}`);
  if (e.status !== 'active') throw new IdentityGraphError(`${unifiedId} was merged into ${e.mergedInto}`);
  return e;
};

/** Follows tombstones to the entity that holds an id's records now. */
export const resolveId = (graph: IdentityGraph, unifiedId: string): string | undefined => {
  const seen = new Set<string>();
  let id: string | undefined = unifiedId;
  while (id !== undefined && !seen.has(id)) {
    seen.add(id);
    const e = graph.entities.get(id);
    if (!e) return undefined;
    if (e.status === 'active') return id;
    id = e.mergedInto;
  }
  return undefined;
};

/**
 * An id for an entity founded by `key` that is not taken yet. Normally the key's own id; if that
 * id already names another entity (the record founded one before and it was merged away), a
 * numbered variant, still derived only from the key.
 */
const freshIdFor = (graph: IdentityGraph, kind: EntityKind, key: string): string => {
  let id = unifiedIdFor(kind, key);
  for (let n = 2; graph.entities.has(id); n++) id = unifiedIdFor(kind, `${key}#${n}`);
  return id;
};

/** Puts a record into an entity: an existing one, or a new one it founds. */
export const link = (graph: IdentityGraph, kind: EntityKind, sourceKey: string, into: string | undefined, at: string, actor: Actor): Change<string> => {
  const current = graph.entityOf.get(sourceKey);
  const target = into === undefined ? undefined : resolveId(graph, into);
  if (current !== undefined && (target === undefined || current === target)) return { graph, events: [], audit: [], result: current };
  if (current !== undefined) throw new IdentityGraphError(`${sourceKey} already belongs to ${current}; merge or move it instead`);
  const existing = target === undefined ? undefined : activeEntity(graph, target);
  const entity: Entity = existing
    ? { ...existing, members: sorted([...existing.members, sourceKey]) }
    : { unifiedId: freshIdFor(graph, kind, sourceKey), kind, members: [sourceKey], createdAt: at, status: 'active' };
  return {
    graph: withEntities(graph, [entity]),
    events: [{ type: 'identity.linked', unifiedId: entity.unifiedId, kind, sourceKey, created: !existing, at }],
    audit: [{ at, action: 'link', unifiedIds: [entity.unifiedId], sourceKeys: [sourceKey], by: actor.by, reason: actor.reason }],
    result: entity.unifiedId,
  };
};

/** Takes a record out of its entity (the source deleted it); the entity keeps its id. */
export const unlink = (graph: IdentityGraph, sourceKey: string, at: string, actor: Actor): Change<string | undefined> => {
  const id = graph.entityOf.get(sourceKey);
  if (id === undefined) return { graph, events: [], audit: [], result: undefined };
  const e = activeEntity(graph, id);
  const entity: Entity = { ...e, members: e.members.filter((k) => k !== sourceKey) };
  return {
    graph: withEntities(graph, [entity]),
    events: [{ type: 'identity.unlinked', unifiedId: id, kind: e.kind, sourceKey, at }],
    audit: [{ at, action: 'unlink', unifiedIds: [id], sourceKeys: [sourceKey], by: actor.by, reason: actor.reason }],
    result: id,
  };
};

/** The entity whose id survives a merge: more members, then the older, then the smaller id. */
export const survivorOf = (a: Entity, b: Entity): Entity => {
  if (a.members.length !== b.members.length) return a.members.length > b.members.length ? a : b;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? a : b;
  return a.unifiedId < b.unifiedId ? a : b;
};

export const merge = (
  graph: IdentityGraph,
  first: string,
  second: string,
  mergeId: string,
  at: string,
  actor: Actor,
  evidence?: MergeEvidence,
): Change<MergeRecord> => {
  const a = activeEntity(graph, resolveId(graph, first) ?? first);
  const b = activeEntity(graph, resolveId(graph, second) ?? second);
  if (a.unifiedId === b.unifiedId) throw new IdentityGraphError(`${first} and ${second} are already one entity (${a.unifiedId})`);
  if (a.kind !== b.kind) throw new IdentityGraphError(`cannot merge a ${a.kind} with a ${b.kind}`);
  const survivor = survivorOf(a, b);
  const absorbed = survivor === a ? b : a;
  const record: MergeRecord = {
    mergeId,
    survivor: survivor.unifiedId,
    absorbed: absorbed.unifiedId,
    moved: absorbed.members,
    before: { survivor, absorbed },
    at,
    actor,
    ...(evidence ? { evidence } : {}),
  };
  const next = withEntities(graph, [
    { ...survivor, members: sorted([...survivor.members, ...absorbed.members]) },
    { ...absorbed, members: [], status: 'merged', mergedInto: survivor.unifiedId },
  ]);
  return {
    graph: next,
    events: [{ type: 'identity.merged', mergeId, survivor: survivor.unifiedId, absorbed: absorbed.unifiedId, kind: a.kind, moved: absorbed.members, by: actor.by, at }],
    audit: [{ at, action: 'merge', unifiedIds: [survivor.unifiedId, absorbed.unifiedId], sourceKeys: absorbed.members, by: actor.by, reason: actor.reason, detail: { mergeId, evidence } }],
    result: record,
  };
};

/**
 * Undoes a merge: the absorbed entity is active again under its own id with the members the merge
 * moved (wherever they are now, if they still belong to the merged lineage), and the survivor goes
 * back to what it held before plus whatever joined it since.
 */
export const unmerge = (graph: IdentityGraph, record: MergeRecord, at: string, actor: Actor): Change<MergeRecord> => {
  if (record.undone) throw new IdentityGraphError(`merge ${record.mergeId} was already undone at ${record.undone.at}`);
  const absorbed = graph.entities.get(record.absorbed);
  if (!absorbed || absorbed.status !== 'merged') throw new IdentityGraphError(`${record.absorbed} is not a merged entity`);
  const holder = resolveId(graph, record.survivor);
  if (holder === undefined) throw new IdentityGraphError(`the entity that absorbed ${record.absorbed} no longer exists`);
  // Members the merge moved that still sit in the survivor's lineage go back.
  const moving = record.moved.filter((k) => graph.entityOf.get(k) === holder);
  const from = activeEntity(graph, holder);
  const restored: Entity = { ...record.before.absorbed, members: sorted(moving) };
  const { mergedInto: _gone, ...restoredActive } = restored;
  const next = withEntities(graph, [{ ...from, members: from.members.filter((k) => !moving.includes(k)) }, { ...restoredActive, status: 'active' }]);
  const undone: MergeRecord = { ...record, undone: { at, by: actor.by } };
  return {
    graph: next,
    events: [{ type: 'identity.unmerged', mergeId: record.mergeId, survivor: holder, restored: record.absorbed, kind: from.kind, moved: moving, by: actor.by, at }],
    audit: [{ at, action: 'unmerge', unifiedIds: [holder, record.absorbed], sourceKeys: moving, by: actor.by, reason: actor.reason, detail: { mergeId: record.mergeId } }],
    result: undone,
  };
};

/**
 * Splits an entity into parts (each a list of its members; every member in exactly one part). The
 * largest part keeps the id (ties: the part holding the smallest key); the others get ids derived
 * from their smallest key.
 */
export const split = (graph: IdentityGraph, unifiedId: string, parts: readonly (readonly string[])[], at: string, actor: Actor): Change<string[]> => {
  const e = activeEntity(graph, unifiedId);
  const all = sorted(parts.flat());
  if (all.length !== parts.flat().length || all.join('\u0000') !== e.members.join('\u0000') || parts.some((p) => p.length === 0)) {
    throw new IdentityGraphError(`the parts must divide ${unifiedId}'s ${e.members.length} members exactly`);
  }
  const ordered = parts.map((p) => sorted(p)).sort((x, y) => y.length - x.length || ((x[0] as string) < (y[0] as string) ? -1 : 1));
  const [keep, ...rest] = ordered as [string[], ...string[][]];
  let next = withEntities(graph, [{ ...e, members: keep }]);
  const newIds: string[] = [];
  for (const part of rest) {
    const id = freshIdFor(next, e.kind, part[0] as string);
    newIds.push(id);
    next = withEntities(next, [{ unifiedId: id, kind: e.kind, members: part, createdAt: at, status: 'active' }]);
  }
  return {
    graph: next,
    events: [{ type: 'identity.split', unifiedId, newIds, kind: e.kind, by: actor.by, at }],
    audit: [{ at, action: 'split', unifiedIds: [unifiedId, ...newIds], sourceKeys: e.members, by: actor.by, reason: actor.reason, detail: { parts: ordered } }],
    result: [unifiedId, ...newIds],
  };
};
