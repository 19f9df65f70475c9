/**
 * String similarity for comparisons. Jaro-Winkler suits short strings such as names, where a
 * shared start matters most; Levenshtein (fastest-levenshtein) counts typing mistakes in codes and
 * dates. Token similarity is for multi-word names whose words move around, get glued together or
 * carry typos ('gist brocades' / 'gistbrocades', 'koninklijke philips electronics' / 'philips
 * electronics koninklijke').
 */
import { distance as levenshtein } from 'fastest-levenshtein';

export { levenshtein };

// Scratch space for strings longer than a bit mask holds, reused by every call: a million-record
// run computes Jaro-Winkler a hundred million times, and allocating per call made it the single
// most expensive thing the matcher did.
let longerMatched = new Uint8Array(64);
let shorterMatch = new Int32Array(64);

/**
 * Jaro similarity over UTF-16 code units, exactly as talisman computes it (same greedy matching
 * from the shorter string, same operation order), so scores and every threshold on them are
 * unchanged; the unit tests compare the two on random strings.
 */
const jaro = (a: string, b: string): number => {
  // talisman takes `b` as the longer string when the lengths are equal; the greedy matching
  // depends on which side leads, so this keeps its choice.
  const shorter = a.length > b.length ? b : a;
  const longer = a.length > b.length ? a : b;
  return longer.length <= 31 ? jaroShort(shorter, longer) : jaroLong(shorter, longer);
};

/** The Jaro formula; the sum of the first two terms does not depend on which string is which. */
const jaroScore = (matches: number, transpositions: number, ls: number, ll: number): number => {
  const t = (transpositions / 2) | 0;
  return (matches / ls + matches / ll + (matches - t) / matches) / 3;
};

/**
 * Per character code below 128, the positions of the longer string that hold it, as bits: filled
 * for one call and cleared after it.
 */
const positionsOf = new Int32Array(128);

/**
 * Jaro of strings up to 31 code units, nearly every name: which characters matched is kept in two
 * bit masks. With an ASCII longer string, each character finds its match in one step: the lowest
 * unmatched position of its code inside its window, the first one a scan would reach.
 */
const jaroShort = (shorter: string, longer: string): number => {
  const ls = shorter.length;
  const ll = longer.length;
  const marked = markPositions(longer);
  const range = Math.max(((ll / 2) | 0) - 1, 0);
  let matchedShorter = 0;
  let matchedLonger = 0;
  let matches = 0;
  for (let i = 0; i < ls; i++) {
    const c = shorter.charCodeAt(i);
    const from = Math.max(i - range, 0);
    const end = Math.min(i + range + 1, ll);
    const bit = marked ? firstFreeMarked(c, from, end, matchedLonger) : firstFreeScanned(longer, c, from, end, matchedLonger);
    if (bit === 0) continue;
    matchedLonger |= bit;
    matchedShorter |= 1 << i;
    matches++;
  }
  if (marked) clearPositions(longer, ll);
  if (matches === 0) return 0;
  // Matched characters in the order of each string; a position where they differ is half a
  // transposition.
  let transpositions = 0;
  for (let s = matchedShorter, l = matchedLonger; s !== 0; s &= s - 1, l &= l - 1) {
    if (shorter.charCodeAt(31 - Math.clz32(s & -s)) !== longer.charCodeAt(31 - Math.clz32(l & -l))) transpositions++;
  }
  return jaroScore(matches, transpositions, ls, ll);
};

/** Fills `positionsOf` with the string's positions; false (and nothing filled) when it is not all ASCII. */
const markPositions = (s: string): boolean => {
  for (let j = 0; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c >= 128) {
      clearPositions(s, j);
      return false;
    }
    positionsOf[c] = (positionsOf[c] as number) | (1 << j);
  }
  return true;
};

const clearPositions = (s: string, upTo: number) => {
  for (let j = 0; j < upTo; j++) positionsOf[s.charCodeAt(j)] = 0;
};

/** The bit of the first position from `from` to `end` holding code c and not taken; 0 when none. */
const firstFreeMarked = (c: number, from: number, end: number, taken: number): number => {
  if (c >= 128) return 0;
  // Bits from..end-1; end is at most 31, so the shift stays within 32 bits.
  const free = (positionsOf[c] as number) & ((1 << end) - 1) & ~((1 << from) - 1) & ~taken;
  return free & -free;
};

/** firstFreeMarked for a string with characters beyond ASCII, by scanning it. */
const firstFreeScanned = (longer: string, c: number, from: number, end: number, taken: number): number => {
  for (let j = from; j < end; j++) if ((taken & (1 << j)) === 0 && longer.charCodeAt(j) === c) return 1 << j;
  return 0;
};

/** jaroShort for longer strings, with the matched flags in reused arrays. */
const jaroLong = (shorter: string, longer: string): number => {
  const ls = shorter.length;
  const ll = longer.length;
  if (ll > longerMatched.length) longerMatched = new Uint8Array(ll * 2);
  if (ls > shorterMatch.length) shorterMatch = new Int32Array(ls * 2);
  longerMatched.fill(0, 0, ll);
  const range = Math.max(((ll / 2) | 0) - 1, 0);
  let matches = 0;
  for (let i = 0; i < ls; i++) {
    const c = shorter.charCodeAt(i);
    const end = Math.min(i + range + 1, ll);
    shorterMatch[i] = -1;
    for (let j = Math.max(i - range, 0); j < end; j++) {
      if (longerMatched[j] === 0 && longer.charCodeAt(j) === c) {
        shorterMatch[i] = j;
        longerMatched[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  for (let i = 0, j = 0; i < ls; i++) {
    if (shorterMatch[i] === -1) continue;
    while (longerMatched[j] === 0) j++;
    if (shorter.charCodeAt(i) !== longer.charCodeAt(j)) transpositions++;
    j++;
  }
  return jaroScore(matches, transpositions, ls, ll);
};

/** Winkler's boost: up to four shared leading characters lift a Jaro score of 0.7 or more. */
const BOOST_THRESHOLD = 0.7;
const PREFIX_SCALE = 0.1;

export const jaroWinklerSimilarity = (a: string, b: string): number => {
  if (a === b) return 1;
  if (a === '' || b === '') return 0;
  const dj = jaro(a, b);
  if (dj < BOOST_THRESHOLD) return dj;
  const limit = Math.min(a.length, b.length, 4);
  let prefix = 0;
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return dj + prefix * PREFIX_SCALE * (1 - dj);
};

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
