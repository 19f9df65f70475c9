/**
 * `npm run train-default-models`: trains the models Concord ships with, on the generator's world,
 * and writes functions/identity/matching/default-models.json. A deployment scores its first
 * records with these until it has trained on its own data (`concord identity train`, and the
 * nightly training job). Deterministic: the same code gives the same file.
 *
 * Term frequencies are left out: how common a synthetic surname is says nothing about a
 * customer's data. (Live, a phone number or an address that several of the customer's own
 * entities hold still counts for less: incremental.ts counts them among the candidates.)
 * Company-name word frequencies are kept ('group', 'systems' are weak anywhere).
 */
import { writeFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { matchInputOf } from '../functions/identity/matching/from-source-record';
import type { EntityKind } from '../functions/identity/matching/match-record';
import { toSnapshot, type ModelSnapshot } from '../functions/identity/matching/model-snapshot';
import { resolve, wordFrequencies } from '../functions/identity/matching/resolve';
import { generateWorld } from './generate/world';
import { latestRecords } from './generate/latest-records';

const TRAINED_AT = '2026-11-01T00:00:00.000Z';

export const trainDefaultModels = (accounts = 1500): Record<EntityKind, ModelSnapshot> => {
  const world = generateWorld({ accounts, seed: 20261101, now: new Date(TRAINED_AT) });
  const { records } = latestRecords(world);
  const snapshotOf = (kind: EntityKind): ModelSnapshot => {
    const inputs = records.flatMap((r) => {
      const input = matchInputOf(r);
      return input?.kind === kind ? [input] : [];
    });
    const result = resolve(inputs, { kind });
    const snapshot = toSnapshot(kind, result.model, wordFrequencies(result.records), { trainedAt: TRAINED_AT, records: inputs.length, origin: 'bundled' });
    return { ...snapshot, termFrequencies: snapshot.termFrequencies.map(() => null) };
  };
  return { account: snapshotOf('account'), person: snapshotOf('person') };
};

if (require.main === module) {
  const models = trainDefaultModels();
  const path = resolvePath(__dirname, '../functions/identity/matching/default-models.json');
  writeFileSync(path, `${JSON.stringify(models)}\n`);
  for (const kind of ['account', 'person'] as const) {
    const s = models[kind];
    console.log(`${kind}: trained on ${s.records} records; ${s.comparisons.map((c) => `${c.name} (${c.mSource})`).join(', ')}`);
  }
  console.log(`wrote ${path}`);
}
