/**
 * A small seeded PRNG (sfc32, seeded through splitmix32). The generator never touches Math.random
 * or the clock, so a world is a pure function of its options.
 *
 * `fork(label)` derives an independent stream from the ORIGINAL seed and a label, not from the
 * current state: account 42 gets the same stream whether or not account 41 drew more numbers, so
 * a change to one part of the generator does not reshuffle the whole world.
 */
export type Weights<T> = readonly (readonly [T, number])[];

const splitmix32 = (state: number): [number, number] => {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
};

/** FNV-1a over the label's characters, folded into the seed. */
const mixLabel = (seed: number, label: string): number => {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return splitmix32(h)[1];
};

/** Any finite number (negative, fractional, beyond 32 bits) becomes a 32-bit seed. */
const normalizeSeed = (seed: number): number => {
  const whole = Math.trunc(seed);
  const low = whole >>> 0;
  const high = Math.floor(whole / 0x100000000) >>> 0;
  return (low ^ Math.imul(high, 0x9e3779b1)) >>> 0;
};

export class Rng {
  readonly seed: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.seed = normalizeSeed(seed);
    let s = this.seed;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [state, out] = splitmix32(s);
      s = state;
      words.push(out);
    }
    [this.a, this.b, this.c, this.d] = words as [number, number, number, number];
    for (let i = 0; i < 8; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t0 = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const t = (t0 + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  weighted<T>(items: Weights<T>): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let roll = this.next() * total;
    for (const [item, w] of items) {
      roll -= w;
      if (roll < 0) return item;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  /** `k` distinct items, in random order (Floyd-free partial Fisher–Yates on a copy). */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = items.slice();
    const n = Math.min(k, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      const tmp = copy[i] as T;
      copy[i] = copy[j] as T;
      copy[j] = tmp;
    }
    return copy.slice(0, n);
  }

  /** An independent stream named by `labels`, derived from this stream's seed only. */
  fork(...labels: (string | number)[]): Rng {
    return new Rng(mixLabel(this.seed, labels.join('\u0000')));
  }
}
