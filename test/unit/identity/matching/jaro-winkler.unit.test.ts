import fc from 'fast-check';
import talismanJaroWinkler from 'talisman/metrics/jaro-winkler';
import { jaroWinklerSimilarity } from '../../../../functions/identity/matching/similarity';

/** What the matcher used before its own implementation: every threshold was tuned on these scores. */
const reference = (a: string, b: string) => (a === b ? 1 : a === '' || b === '' ? 0 : talismanJaroWinkler(a, b));

describe('jaroWinklerSimilarity', () => {
  it('gives exactly the scores talisman gives on names with typos', () => {
    // A small alphabet makes shared letters, transpositions and shared prefixes common.
    const word = fc.stringMatching(/^[a-f]{0,12}$/);
    fc.assert(
      fc.property(word, word, (a, b) => {
        expect(jaroWinklerSimilarity(a, b)).toBe(reference(a, b));
      }),
      { numRuns: 5000 },
    );
  });

  it('gives exactly the scores talisman gives on short names with letters beyond ASCII', () => {
    const word = fc.stringMatching(/^[abcéü]{0,12}$/);
    fc.assert(
      fc.property(word, word, (a, b) => {
        expect(jaroWinklerSimilarity(a, b)).toBe(reference(a, b));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives exactly the scores talisman gives on any text, long or not', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), fc.string({ maxLength: 200, unit: 'binary' }), (a, b) => {
        expect(jaroWinklerSimilarity(a, b)).toBe(reference(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same score whatever the argument order, as talisman does', () => {
    const word = fc.stringMatching(/^[a-d]{1,9}$/);
    fc.assert(
      fc.property(word, word, (a, b) => {
        expect(jaroWinklerSimilarity(b, a)).toBe(reference(b, a));
      }),
    );
  });

  it.each([
    ['martha', 'marhta'],
    ['dwayne', 'duane'],
    ['dixon', 'dicksonx'],
    ['jones', 'johnson'],
    ['quilliam', 'ashleigh'],
    ['abc', 'abcdefghijklmnopqrstuvwxyz'],
  ])('%s / %s as talisman scores it', (a, b) => {
    expect(jaroWinklerSimilarity(a, b)).toBe(reference(a, b));
  });
});
