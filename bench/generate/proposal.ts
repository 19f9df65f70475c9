/**
 * A merge proposal between two entities, as identity raises one for a pair in its review band:
 * for benchmarks and tests that need a decision to make in Slack without waiting for the matcher
 * to be unsure of something.
 */
import type { EntityItem, ProposalItem } from '../../functions/identity/identity.store';

export const proposalBetween = (a: EntityItem, b: EntityItem, proposalId: string, createdAt: Date): ProposalItem => ({
  proposalId,
  kind: a.kind,
  a: a.members[0]!,
  b: b.members[0]!,
  entityA: a.unifiedId,
  entityB: b.unifiedId,
  probability: 0.7,
  weight: 1.2,
  prior: -8,
  evidence: [{ comparison: 'last_name', level: 'exact', weight: 6.1 }],
  reason: 'in the review band',
  status: 'pending',
  createdAt: createdAt.toISOString(),
});
