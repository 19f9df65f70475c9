import fc from 'fast-check';
import {
  emptyGraph, link, merge, resolveId, split, unlink, unmerge, IdentityGraphError, type IdentityGraph, type MergeRecord,
} from '../../../../functions/identity/graph/identity-graph';
import { unifiedIdFor } from '../../../../functions/identity/matching/unified-id';

const auto = { by: 'concord', reason: 'test' };
const AT = '2026-11-24T10:00:00.000Z';

const withRecords = (keys: readonly string[]): IdentityGraph =>
  keys.reduce((g, key) => link(g, 'person', key, undefined, AT, auto).graph, emptyGraph());

/** Every record in exactly one active entity; tombstones lead to active entities. */
const expectConsistent = (g: IdentityGraph) => {
  const seen = new Set<string>();
  for (const e of g.entities.values()) {
    if (e.status === 'merged') {
      expect(e.members).toEqual([]);
      expect(resolveId(g, e.unifiedId)).toBeDefined();
      continue;
    }
    for (const k of e.members) {
      expect(seen.has(k)).toBe(false);
      seen.add(k);
      expect(g.entityOf.get(k)).toBe(e.unifiedId);
    }
  }
  expect(new Set(g.entityOf.keys())).toEqual(seen);
};

describe('identity graph', () => {
  it('founds an entity per unmatched record with an id derived from its key, and links idempotently', () => {
    const first = link(emptyGraph(), 'person', 'crm#person#1', undefined, AT, auto);
    expect(first.result).toBe(unifiedIdFor('person', 'crm#person#1'));
    expect(first.events).toEqual([{ type: 'identity.linked', unifiedId: first.result, kind: 'person', sourceKey: 'crm#person#1', created: true, at: AT }]);
    const again = link(first.graph, 'person', 'crm#person#1', undefined, AT, auto);
    expect(again.graph).toBe(first.graph);
    expect(again.events).toEqual([]);
    const joined = link(first.graph, 'person', 'erp#person#9', first.result, AT, auto);
    expect(joined.graph.entities.get(first.result)?.members).toEqual(['crm#person#1', 'erp#person#9']);
  });

  it('keeps the bigger entity’s id on a merge and redirects the other', () => {
    let g = withRecords(['a', 'b', 'c']);
    const idOf = (k: string) => g.entityOf.get(k) as string;
    g = link(g, 'person', 'a2', idOf('a'), AT, auto).graph;
    const { graph, result } = merge(g, idOf('c'), idOf('a'), 'm1', AT, auto);
    expect(result.survivor).toBe(unifiedIdFor('person', 'a'));
    expect(resolveId(graph, unifiedIdFor('person', 'c'))).toBe(unifiedIdFor('person', 'a'));
    expect(graph.entityOf.get('c')).toBe(unifiedIdFor('person', 'a'));
    expectConsistent(graph);
  });

  it('refuses nonsense: merging an entity with itself, undoing twice, parts that do not divide', () => {
    const g = withRecords(['a', 'b']);
    const a = g.entityOf.get('a') as string;
    expect(() => merge(g, a, a, 'm', AT, auto)).toThrow(IdentityGraphError);
    const m = merge(g, a, g.entityOf.get('b') as string, 'm', AT, auto);
    const undone = unmerge(m.graph, m.result, AT, auto);
    expect(() => unmerge(undone.graph, undone.result, AT, auto)).toThrow(/already undone/);
    expect(() => split(m.graph, m.result.survivor, [['a']], AT, auto)).toThrow(/divide/);
  });

  it('splits keeping the id with the larger part', () => {
    let g = withRecords(['a', 'b', 'c']);
    g = merge(g, g.entityOf.get('a') as string, g.entityOf.get('b') as string, 'm1', AT, auto).graph;
    g = merge(g, g.entityOf.get('a') as string, g.entityOf.get('c') as string, 'm2', AT, auto).graph;
    const id = g.entityOf.get('a') as string;
    const { graph, result } = split(g, id, [['c'], ['a', 'b']], AT, { by: 'U123', reason: 'not the same person' });
    expect(graph.entityOf.get('a')).toBe(id);
    expect(graph.entityOf.get('c')).toBe(result[1]);
    expect(result[1]).not.toBe(id);
    expectConsistent(graph);
  });

  it('unlinks a deleted record without touching the entity id', () => {
    let g = withRecords(['a', 'b']);
    g = merge(g, g.entityOf.get('a') as string, g.entityOf.get('b') as string, 'm', AT, auto).graph;
    const id = g.entityOf.get('a');
    const { graph } = unlink(g, 'b', AT, auto);
    expect(graph.entityOf.has('b')).toBe(false);
    expect(graph.entityOf.get('a')).toBe(id);
    expectConsistent(graph);
  });

  const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
  const mergeOps = fc.array(fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...keys)), { maxLength: 12 });

  it('an unmerge right after a merge restores the graph exactly, from any reachable state', () => {
    fc.assert(
      fc.property(mergeOps, fc.constantFrom(...keys), fc.constantFrom(...keys), (ops, x, y) => {
        let g = withRecords(keys);
        ops.forEach(([p, q], n) => {
          if (g.entityOf.get(p) !== g.entityOf.get(q)) g = merge(g, g.entityOf.get(p) as string, g.entityOf.get(q) as string, `m${n}`, AT, auto).graph;
        });
        if (g.entityOf.get(x) === g.entityOf.get(y)) return;
        const m = merge(g, g.entityOf.get(x) as string, g.entityOf.get(y) as string, 'last', AT, auto);
        expect(unmerge(m.graph, m.result, AT, auto).graph).toEqual(g);
      }),
    );
  });

  it('undoing every merge, newest first, restores the starting graph exactly', () => {
    fc.assert(
      fc.property(mergeOps, (ops) => {
        const start = withRecords(keys);
        let g = start;
        const done: MergeRecord[] = [];
        ops.forEach(([p, q], n) => {
          if (g.entityOf.get(p) === g.entityOf.get(q)) return;
          const m = merge(g, g.entityOf.get(p) as string, g.entityOf.get(q) as string, `m${n}`, AT, auto);
          g = m.graph;
          done.push(m.result);
          expectConsistent(g);
        });
        for (const m of done.reverse()) g = unmerge(g, m, AT, auto).graph;
        expect(g).toEqual(start);
      }),
    );
  });

  it('stays consistent when merges are undone in any order and records join meanwhile', () => {
    fc.assert(
      fc.property(mergeOps, fc.array(fc.nat(), { maxLength: 6 }), (ops, undoPicks) => {
        let g = withRecords(keys);
        const done: MergeRecord[] = [];
        ops.forEach(([p, q], n) => {
          if (g.entityOf.get(p) === g.entityOf.get(q)) return;
          const m = merge(g, g.entityOf.get(p) as string, g.entityOf.get(q) as string, `m${n}`, AT, auto);
          g = link(m.graph, 'person', `late${n}`, m.result.survivor, AT, auto).graph;
          done.push(m.result);
        });
        for (const pick of undoPicks) {
          if (done.length === 0) break;
          const [m] = done.splice(pick % done.length, 1) as [MergeRecord];
          g = unmerge(g, m, AT, auto).graph;
          expectConsistent(g);
          // The restored entity is active again under its own id.
          expect(g.entities.get(m.absorbed)?.status).toBe('active');
        }
      }),
    );
  });
});
