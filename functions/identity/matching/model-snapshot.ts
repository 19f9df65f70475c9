/**
 * A trained model as data: what the live matcher loads to score a new record exactly as the batch
 * run that trained it would have. Training needs every record; scoring one record needs only the
 * parameters, the company-name word frequencies and the common values' frequencies.
 *
 * Term frequencies are cut to the values that matter live: those more common than an average
 * exact agreement (their weight goes down). A value not kept scores with the plain exact-agreement
 * weight, which for a rare value is the cautious choice: it never makes a link stronger than the
 * model's average evidence.
 *
 * A snapshot names its comparisons and their levels; one whose comparisons no longer match the
 * code (a release that added a level) is refused rather than misread.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { comparisonsFor } from './comparisons';
import type { Model } from './fellegi-sunter';
import type { EntityKind } from './match-record';
import type { WordFrequencies } from './resolve';

/** Most common values kept per comparison, and company-name words kept. */
const MAX_TERM_VALUES = 2_000;
const MAX_WORDS = 20_000;

const Counted = z.tuple([z.string(), z.number().nonnegative()]);

export const ModelSnapshot = z.object({
  kind: z.enum(['person', 'account']),
  trainedAt: z.iso.datetime({ offset: true }),
  /** Records the model was trained on. */
  records: z.number().int().nonnegative(),
  /** Where it came from: 'bundled' (shipped defaults) or 'trained' on this deployment's data. */
  origin: z.enum(['bundled', 'trained']),
  lambda: z.number().positive().lt(1),
  comparisons: z.array(
    z.object({
      name: z.string(),
      levels: z.array(z.string()),
      m: z.array(z.number().positive()),
      u: z.array(z.number().positive()),
      mSource: z.enum(['learned', 'prior', 'fixed']),
    }),
  ),
  /** Per comparison, the common values and their shares, or null when it has no term frequencies. */
  termFrequencies: z.array(z.array(Counted).nullable()),
  words: z.object({ names: z.number().int().nonnegative(), counts: z.array(Counted) }),
});
export type ModelSnapshot = z.infer<typeof ModelSnapshot>;

/** A loaded snapshot: the model to score with and the word frequencies for company names. */
export interface LiveModel {
  kind: EntityKind;
  model: Model;
  words: WordFrequencies;
  trainedAt: string;
  origin: ModelSnapshot['origin'];
  records: number;
}

export type SnapshotCheck = { kind: 'ok'; live: LiveModel } | { kind: 'stale'; reason: string };

const top = (entries: Iterable<[string, number]>, limit: number, keep: (share: number) => boolean): [string, number][] =>
  [...entries]
    .filter(([, n]) => keep(n))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit);

export const toSnapshot = (
  kind: EntityKind,
  model: Model,
  words: WordFrequencies,
  meta: { trainedAt: string; records: number; origin: ModelSnapshot['origin'] },
): ModelSnapshot => ({
  kind,
  trainedAt: meta.trainedAt,
  records: meta.records,
  origin: meta.origin,
  lambda: model.lambda,
  comparisons: model.comparisons.map((c) => ({ name: c.name, levels: [...c.levels], m: [...c.m], u: [...c.u], mSource: c.mSource })),
  termFrequencies: model.termFrequencies.map((tf, k) => {
    if (tf === undefined) return null;
    const averageAgreement = model.comparisons[k]?.u[0] ?? 0;
    return top(tf, MAX_TERM_VALUES, (share) => share > averageAgreement);
  }),
  // A word held by one name weighs the same as a word never seen, so only shared words are kept.
  words: { names: words.names, counts: top(words.counts, MAX_WORDS, (n) => n >= 2) },
});

/** Checks a snapshot against the code's comparisons and turns it into a model to score with. */
export const fromSnapshot = (snapshot: ModelSnapshot): SnapshotCheck => {
  const expected = comparisonsFor(snapshot.kind);
  const names = (cs: readonly { name: string; levels: readonly string[] }[]) => cs.map((c) => `${c.name}[${c.levels.join('|')}]`).join(', ');
  if (names(expected) !== names(snapshot.comparisons)) {
    return { kind: 'stale', reason: `the model compares ${names(snapshot.comparisons)}; this version compares ${names(expected)}` };
  }
  const malformed = snapshot.comparisons.find((c) => c.m.length !== c.levels.length || c.u.length !== c.levels.length);
  if (malformed) return { kind: 'stale', reason: `comparison ${malformed.name} has parameters for the wrong number of levels` };
  return {
    kind: 'ok',
    live: {
      kind: snapshot.kind,
      model: {
        comparisons: snapshot.comparisons.map((c) => ({ ...c, m: [...c.m], u: [...c.u] })),
        lambda: snapshot.lambda,
        termFrequencies: snapshot.termFrequencies.map((tf) => (tf === null ? undefined : new Map(tf))),
      },
      words: { names: snapshot.words.names, counts: new Map(snapshot.words.counts) },
      trainedAt: snapshot.trainedAt,
      origin: snapshot.origin,
      records: snapshot.records,
    },
  };
};

/** Compressed for storage: a trained snapshot is mostly repetitive JSON. */
export const encodeSnapshot = (snapshot: ModelSnapshot): Uint8Array => gzipSync(JSON.stringify(snapshot));

export const decodeSnapshot = (bytes: Uint8Array): ModelSnapshot => ModelSnapshot.parse(JSON.parse(gunzipSync(bytes).toString('utf8')));
