import fc from 'fast-check';
import { cluster, type Link } from '../../../../functions/identity/matching/clustering';

const noIds = () => ({});
const none = { mustLink: [], cannotLink: [] };
const groupsOf = (clusterOf: Int32Array) => {
  const out = new Map<number, number[]>();
  clusterOf.forEach((c, i) => out.set(c, [...(out.get(c) ?? []), i]));
  return [...out.values()];
};

describe('cluster', () => {
  it('joins linked records transitively, the representative being the smallest index', () => {
    const { clusterOf } = cluster(5, [{ i: 0, j: 1, weight: 5 }, { i: 1, j: 2, weight: 4 }, { i: 3, j: 4, weight: 3 }], none, noIds);
    expect(Array.from(clusterOf)).toEqual([0, 0, 0, 3, 3]);
  });

  it('splits a cannot-link pair along the weakest link between them', () => {
    // 0 =10= 1 =2= 2 =9= 3: keeping 0 and 3 apart must cut the weight-2 link.
    const links: Link[] = [{ i: 0, j: 1, weight: 10 }, { i: 1, j: 2, weight: 2 }, { i: 2, j: 3, weight: 9 }];
    const { clusterOf, refused } = cluster(4, links, { mustLink: [], cannotLink: [[0, 3]] }, noIds);
    expect(groupsOf(clusterOf)).toEqual([[0, 1], [2, 3]]);
    expect(refused).toEqual([{ i: 1, j: 2, weight: 2 }]);
  });

  it('never puts two values of one trusted identifier in one cluster', () => {
    const ids = [{ tax: 'A' }, {}, { tax: 'B' }];
    const { clusterOf } = cluster(3, [{ i: 0, j: 1, weight: 5 }, { i: 1, j: 2, weight: 6 }], none, (i) => ids[i] as Record<string, string>);
    expect(groupsOf(clusterOf)).toEqual([[0], [1, 2]]);
  });

  it('applies must-links whatever the scores', () => {
    const { clusterOf } = cluster(3, [], { mustLink: [[0, 2]], cannotLink: [] }, noIds);
    expect(groupsOf(clusterOf)).toEqual([[0, 2], [1]]);
  });

  it('refuses a join the two clusters as wholes do not support', () => {
    // {0,1,2} and {3,4,5} touch through one link; across, everything else is a non-match.
    const links: Link[] = [
      { i: 0, j: 1, weight: 9 }, { i: 1, j: 2, weight: 9 }, { i: 3, j: 4, weight: 9 }, { i: 4, j: 5, weight: 9 }, { i: 2, j: 3, weight: 5 },
    ];
    const cohesion = { minimum: 0.5, probability: (i: number, j: number) => (Math.floor(i / 3) === Math.floor(j / 3) ? 1 : 0.01) };
    const { clusterOf } = cluster(6, links, none, noIds, cohesion);
    expect(groupsOf(clusterOf)).toEqual([[0, 1, 2], [3, 4, 5]]);
  });

  it('gives the same clusters whatever order the links come in', () => {
    const link = fc.record({ i: fc.nat(9), j: fc.nat(9), weight: fc.integer({ min: 1, max: 5 }) }).filter((l) => l.i < l.j);
    fc.assert(
      fc.property(fc.array(link, { maxLength: 20 }), fc.array(fc.tuple(fc.nat(9), fc.nat(9)), { maxLength: 3 }), (links, cannot) => {
        const constraints = { mustLink: [], cannotLink: cannot.filter(([a, b]) => a !== b) };
        const forward = cluster(10, links, constraints, noIds).clusterOf;
        const backward = cluster(10, [...links].reverse(), constraints, noIds).clusterOf;
        expect(Array.from(backward)).toEqual(Array.from(forward));
        for (const [a, b] of constraints.cannotLink) expect(forward[a]).not.toBe(forward[b]);
      }),
    );
  });
});
