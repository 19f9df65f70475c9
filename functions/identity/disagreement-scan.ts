/**
 * Where the systems still disagree, over every entity: what `concord report disagreements` and
 * `/concord report` show. It reads every entity once; a store of a few hundred thousand entities
 * is read in pages.
 */
import type { SourceRecordStore } from '../reconcile/source-record.store';
import { findDisagreements, summarizeDisagreements, type EntityDisagreement } from './golden/disagreements';
import type { LifecycleDecision } from './golden/lifecycle';
import type { GoldenRecord } from './golden/survivorship';
import type { IdentityStore } from './identity.store';

export interface DisagreementScan {
  summary: ReturnType<typeof summarizeDisagreements>;
  /** Per entity that has any, its disagreements. */
  entities: EntityDisagreement[][];
}

export const scanDisagreements = async (store: IdentityStore, sourceRecords: SourceRecordStore): Promise<DisagreementScan> => {
  const found: EntityDisagreement[][] = [];
  for await (const page of store.scanEntities()) {
    for (const entity of page) {
      if (!entity.golden) continue;
      const members = await sourceRecords.getMany(entity.members);
      const lifecycle = (entity.lifecycle ?? undefined) as LifecycleDecision | undefined;
      found.push(findDisagreements({ unifiedId: entity.unifiedId, kind: entity.kind, members, golden: entity.golden as GoldenRecord, ...(lifecycle ? { lifecycle } : {}) }));
    }
  }
  return { summary: summarizeDisagreements(found), entities: found.filter((f) => f.length > 0) };
};
