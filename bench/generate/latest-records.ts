/**
 * The generator's world as the store holds it once every change is applied: the newest fields of
 * each source record that still exists, keyed like the store (`system#entityType#externalId`).
 */
import type { EntityType, SourceSystem } from '../../functions/shared/canonical';
import type { World } from './world';

export interface LatestRecord {
  sourceKey: string;
  sourceSystem: SourceSystem;
  entityType: EntityType;
  fields: Record<string, unknown>;
}

export const latestRecords = (world: World): { records: LatestRecord[]; truthOf: Map<string, string> } => {
  const truthOf = new Map(world.truth.records.map((t) => [`${t.sourceSystem}#${t.entityType}#${t.externalId}`, t.trueEntityId]));
  const latest = new Map<string, LatestRecord>();
  for (const [system, changes] of Object.entries(world.changes) as [SourceSystem, World['changes'][SourceSystem]][]) {
    for (const c of changes) {
      const sourceKey = `${system}#${c.entityType}#${c.externalId}`;
      if (c.changeKind !== 'upsert') latest.delete(sourceKey);
      else latest.set(sourceKey, { sourceKey, sourceSystem: system, entityType: c.entityType as EntityType, fields: { ...latest.get(sourceKey)?.fields, ...(c.fields as Record<string, unknown>) } });
    }
  }
  return { records: [...latest.values()], truthOf };
};
