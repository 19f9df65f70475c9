/**
 * String similarity for comparisons. Jaro-Winkler (talisman) suits short strings such as names,
 * where a shared start matters most; Levenshtein (fastest-levenshtein) counts typing mistakes in
 * codes and dates. Token similarity is for multi-word names whose words move around, get glued
 * together or carry typos ('gist brocades' / 'gistbrocades', 'koninklijke philips electronics' /
 * 'philips electronics koninklijke').
 */
import { distance as levenshtein } from 'fastest-levenshtein';
import jaroWinkler from 'talisman/metrics/jaro-winkler';

export { levenshtein };

export const jaroWinklerSimilarity = (a: string, b: string): number => (a === b ? 1 : a === '' || b === '' ? 0 : jaroWinkler(a, b));

/** How close two words must be to count as the same word with a typo. */
const WORD_MATCH = 0.9;

/**
 * How alike two words are, 0 when they are different words. Very short words ('ip', 'de') only
 * match exactly: one letter changes their meaning. Longer ones match with one typing mistake
 * ('nobel' / 'novel'), or two in long words, or when Jaro-Winkler finds them close.
 */
const wordSimilarity = (a: string, b: string): number => {
  if (a === b) return 1;
  if (a.length < 4 || b.length < 4) return 0;
  const s = jaroWinklerSimilarity(a, b);
  if (s >= WORD_MATCH) return s;
  if (Math.abs(a.length - b.length) > 2) return 0;
  const edits = levenshtein(a, b);
  return edits === 1 || (edits === 2 && Math.min(a.length, b.length) >= 8) ? WORD_MATCH : 0;
};

/** A word left unpaired counts as a difference only from three letters up ('nl', 'de' do not). */
const isDistinctive = (word: string) => word.length >= 3;

/**
 * Which side of a pair of names has words the other lacks. Every word looks for its match (a typo
 * allowed) among the other name's words. 'dsm' / 'dsm ip assets' is 'right': one name extends the
 * other, as parent and subsidiary are named (and a company with its city appended). 'shell canada'
 * / 'schlumberger canada' is 'both': they share a word and each has its own.
 */
export const unpairedWords = (a: readonly string[], b: readonly string[]): 'none' | 'left' | 'right' | 'both' => {
  const left = a.some((x) => isDistinctive(x) && !b.some((y) => wordSimilarity(x, y) > 0));
  const right = b.some((y) => isDistinctive(y) && !a.some((x) => wordSimilarity(x, y) > 0));
  return left && right ? 'both' : left ? 'left' : right ? 'right' : 'none';
};

/**
 * Weighted token overlap in [0, 1] with typo-tolerant word matching (a soft TF-IDF): each word of
 * either name pairs with its most similar word in the other; the score is the weight of what
 * paired over the weight of both names. `weightOf` gives a word's weight (its inverse document
 * frequency), so a shared rare word counts for more than a shared 'international'.
 */
export const softTokenSimilarity = (a: readonly string[], b: readonly string[], weightOf: (word: string) => number): number => {
  if (a.length === 0 || b.length === 0) return 0;
  let matched = 0;
  let total = 0;
  const side = (xs: readonly string[], ys: readonly string[]) => {
    for (const x of xs) {
      const w = weightOf(x);
      total += w;
      let best = 0;
      for (const y of ys) {
        const s = wordSimilarity(x, y);
        if (s > best) best = s;
        if (best === 1) break;
      }
      matched += w * best;
    }
  };
  side(a, b);
  side(b, a);
  return total === 0 ? 0 : matched / total;
};
