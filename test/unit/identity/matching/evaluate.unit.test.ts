import { bCubedQuality, mixedClusters, pairCompleteness, pairwiseQuality } from '../../../../functions/identity/matching/evaluate';

describe('pairwiseQuality', () => {
  it('counts pairs put together against true pairs', () => {
    // truth {0,1,2} {3}; predicted {0,1} {2,3}: 1 correct of 2 predicted, 1 of 3 true.
    const q = pairwiseQuality(['a', 'a', 'b', 'b'], ['x', 'x', 'x', 'y']);
    expect(q).toMatchObject({ truePairs: 3, predictedPairs: 2, correctPairs: 1, precision: 0.5 });
    expect(q.recall).toBeCloseTo(1 / 3, 12);
    expect(q.f1).toBeCloseTo(0.4, 12);
  });

  it('is perfect for a perfect clustering, whatever the labels', () => {
    expect(pairwiseQuality(['p', 'p', 'q'], ['x', 'x', 'y']).f1).toBe(1);
  });
});

describe('bCubedQuality', () => {
  it('averages per record', () => {
    // Same example: precision (1+1+1/2+1/2)/4, recall (2/3+2/3+1/3+1)/4.
    const q = bCubedQuality(['a', 'a', 'b', 'b'], ['x', 'x', 'x', 'y']);
    expect(q.precision).toBeCloseTo(0.75, 12);
    expect(q.recall).toBeCloseTo(2.6666666666 / 4, 8);
  });
});

describe('pairCompleteness', () => {
  it('is the share of true pairs among the candidates', () => {
    const candidates = { i: [0, 0, 2], j: [1, 3, 3], length: 3 };
    expect(pairCompleteness(candidates, ['x', 'x', 'y', 'y', 'y'])).toBeCloseTo(2 / 4, 12);
  });
});

describe('mixedClusters', () => {
  it('counts the predicted clusters that join records of different true entities', () => {
    // Cluster 'x' holds entities A and B (a wrong merge); 'y' holds only C; 'z' splits A (a miss, not a mix).
    expect(mixedClusters(['x', 'x', 'y', 'y', 'z'], ['A', 'B', 'C', 'C', 'A'])).toBe(1);
    expect(mixedClusters(['1', '2', '3'], ['A', 'A', 'A'])).toBe(0);
    expect(mixedClusters([], [])).toBe(0);
  });
});
