import { expectationMaximisation, probabilityOf, score, train, weightOf, type Model, type PatternCount } from '../../../../functions/identity/matching/fellegi-sunter';
import type { Comparison } from '../../../../functions/identity/matching/comparisons';

/** Exact pattern counts for comparisons drawn independently from known m and u. */
const mixture = (lambda: number, m: number[][], u: number[][], pairs: number): PatternCount[] => {
  const out: PatternCount[] = [];
  const walk = (k: number, levels: number[], pm: number, pu: number) => {
    if (k === m.length) {
      out.push({ levels, count: pairs * (lambda * pm + (1 - lambda) * pu) });
      return;
    }
    (m[k] as number[]).forEach((mk, l) => walk(k + 1, [...levels, l], pm * mk, pu * ((u[k] as number[])[l] as number)));
  };
  walk(0, [], 1, 1);
  return out;
};

describe('expectationMaximisation', () => {
  it('recovers m and lambda from unlabelled pattern counts when u is known', () => {
    const m = [[0.9, 0.07, 0.03], [0.85, 0.15], [0.8, 0.1, 0.1]];
    const u = [[0.01, 0.04, 0.95], [0.05, 0.95], [0.02, 0.08, 0.9]];
    const patterns = mixture(0.2, m, u, 100_000);
    const flat = m.map((ms) => ms.map(() => 1 / ms.length));
    const result = expectationMaximisation(patterns, [], flat, u, flat, [true, true, true], [true, true, true], 0.5, 500);
    expect(result.lambda).toBeCloseTo(0.2, 2);
    result.m.forEach((ms, k) => ms.forEach((p, l) => expect(p).toBeCloseTo((m[k] as number[])[l] as number, 2)));
  });

  it('leaves comparisons it is told not to learn at their starting values', () => {
    const m = [[0.9, 0.1], [0.8, 0.2]];
    const u = [[0.05, 0.95], [0.1, 0.9]];
    const start = [[0.5, 0.5], [0.6, 0.4]];
    const result = expectationMaximisation(mixture(0.1, m, u, 10_000), [], start, u, start, [true, true], [true, false], 0.5);
    expect(result.m[1]).toEqual([0.6, 0.4]);
  });
});

const comparison = (name: string, levels: string[], priorM: number[]): Comparison => ({ name, levels, priorM, compare: () => 0 });

describe('train', () => {
  const comparisons = [comparison('a', ['same', 'different'], [0.9, 0.1]), comparison('b', ['same', 'different'], [0.9, 0.1]), comparison('c', ['same', 'different'], [0.9, 0.1])];

  it('learns m per session without the fields each session blocks on, and u from random pairs', () => {
    const m = [[0.95, 0.05], [0.7, 0.3], [0.9, 0.1]];
    const u = [[0.01, 0.99], [0.02, 0.98], [0.05, 0.95]];
    const patterns = mixture(0.3, m, u, 50_000);
    const model = train({
      comparisons,
      sessions: [{ covers: [], patterns }],
      randomLevelCounts: u.map((us) => us.map((p) => p * 1_000_000)),
      labeled: [],
      termFrequencies: [undefined, undefined, undefined],
      records: 10_000,
    });
    expect(model.comparisons.map((c) => c.mSource)).toEqual(['learned', 'learned', 'learned']);
    model.comparisons.forEach((c, k) => expect(c.m[0]).toBeCloseTo((m[k] as number[])[0] as number, 1));
    expect(model.comparisons[0]?.u[0]).toBeCloseTo(0.01, 4);
    // 15,000 expected matches among 10,000 records' 49,995,000 pairs.
    expect(model.lambda).toBeCloseTo(15_000 / 49_995_000, 6);
  });

  it('keeps the prior when too few informative comparisons remain to learn from', () => {
    const model = train({
      comparisons,
      sessions: [{ covers: ['a', 'b'], patterns: mixture(0.3, [[0.9, 0.1], [0.9, 0.1], [0.9, 0.1]], [[0.1, 0.9], [0.1, 0.9], [0.1, 0.9]], 1000) }],
      randomLevelCounts: [[1, 9], [1, 9], [1, 9]],
      labeled: [],
      termFrequencies: [undefined, undefined, undefined],
      records: 100,
    });
    expect(model.comparisons.map((c) => c.mSource)).toEqual(['prior', 'prior', 'prior']);
  });
});

describe('score', () => {
  const model: Model = {
    lambda: 0.001,
    comparisons: [
      { name: 'last_name', levels: ['exact', 'different'], m: [0.9, 0.1], u: [0.01, 0.99], mSource: 'learned' },
      { name: 'city', levels: ['exact', 'different'], m: [0.8, 0.2], u: [0.1, 0.9], mSource: 'learned' },
    ],
    termFrequencies: [new Map([['smith', 0.05], ['oyelaran', 0.0001]]), undefined],
  };

  it('adds the prior and each comparison’s log2(m/u), and explains each', () => {
    const s = score(model, [1, 0], [undefined, undefined]);
    expect(s.weight).toBeCloseTo(Math.log2(0.001 / 0.999) + Math.log2(0.1 / 0.99) + Math.log2(0.8 / 0.1), 10);
    expect(s.evidence.map((e) => [e.comparison, e.level])).toEqual([['last_name', 'different'], ['city', 'exact']]);
    expect(s.probability).toBeCloseTo(probabilityOf(s.weight), 12);
  });

  it('counts a common exact value for less than a rare one', () => {
    const smith = score(model, [0, -1], ['smith', undefined]);
    const oyelaran = score(model, [0, -1], ['oyelaran', undefined]);
    expect(smith.evidence[0]?.weight).toBeCloseTo(Math.log2(0.9 / 0.05), 10);
    expect(oyelaran.weight).toBeGreaterThan(smith.weight);
    expect(smith.evidence[0]?.termFrequency).toBe(0.05);
  });

  it('converts between probability and weight', () => {
    expect(weightOf(probabilityOf(3.25))).toBeCloseTo(3.25, 10);
  });
});
