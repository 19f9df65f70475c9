import fc from 'fast-check';
import { jaroWinklerSimilarity, softTokenSimilarity, unpairedWords } from '../../../../functions/identity/matching/similarity';

const uniform = () => 1;

describe('unpairedWords', () => {
  it.each([
    [['akzo', 'nobel'], ['akzo', 'novel'], 'none'],
    [['dsm'], ['dsm', 'ip', 'assets'], 'right'],
    [['dsm', 'ip', 'assets'], ['dsm'], 'left'],
    [['shell', 'canada'], ['schlumberger', 'canada'], 'both'],
    // Two-letter words are too short to tell companies apart.
    [['philips', 'electronics', 'uk'], ['philips', 'electronics'], 'none'],
  ] as const)('%j / %j → %s', (a, b, expected) => {
    expect(unpairedWords(a, b)).toBe(expected);
  });

  it('is symmetric up to the side', () => {
    const word = fc.stringMatching(/^[a-z]{1,8}$/);
    fc.assert(
      fc.property(fc.array(word, { maxLength: 4 }), fc.array(word, { maxLength: 4 }), (a, b) => {
        const mirror = { none: 'none', left: 'right', right: 'left', both: 'both' } as const;
        expect(unpairedWords(b, a)).toBe(mirror[unpairedWords(a, b)]);
      }),
    );
  });
});

describe('softTokenSimilarity', () => {
  it('is 1 for the same words in any order, typos allowed', () => {
    expect(softTokenSimilarity(['gist', 'brocades'], ['brocades', 'gist'], uniform)).toBe(1);
    expect(softTokenSimilarity(['shell', 'internationale'], ['shell', 'internationale'], uniform)).toBe(1);
    expect(softTokenSimilarity(['internationale'], ['internatoinale'], uniform)).toBeGreaterThan(0.9);
  });

  it('counts a shared rare word for more than a shared common one', () => {
    const weight = (w: string) => (w === 'international' ? 0.1 : 5);
    const rareShared = softTokenSimilarity(['northwind', 'international'], ['northwind', 'traders'], weight);
    const commonShared = softTokenSimilarity(['northwind', 'international'], ['contoso', 'international'], weight);
    expect(rareShared).toBeGreaterThan(0.4);
    expect(commonShared).toBeLessThan(0.05);
  });

  it('stays within [0, 1]', () => {
    const word = fc.stringMatching(/^[a-z]{1,10}$/);
    fc.assert(
      fc.property(fc.array(word, { maxLength: 5 }), fc.array(word, { maxLength: 5 }), (a, b) => {
        const s = softTokenSimilarity(a, b, (w) => w.length);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });
});

describe('jaroWinklerSimilarity', () => {
  it('is 1 for equal strings and 0 against an empty one', () => {
    expect(jaroWinklerSimilarity('martha', 'martha')).toBe(1);
    expect(jaroWinklerSimilarity('martha', '')).toBe(0);
    expect(jaroWinklerSimilarity('martha', 'marhta')).toBeCloseTo(0.961, 3);
  });
});
