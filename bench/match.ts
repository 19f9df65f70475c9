/**
 * `npm run bench -- match [DATASET…]`: matching quality on the labelled public data sets (and,
 * with `--scale N`, speed of the pure core on N generated records).
 */
import { csvLayout, rowToMatchInput } from '../functions/identity/matching/csv-input';
import { bCubedQuality, pairCompleteness, pairwiseQuality } from '../functions/identity/matching/evaluate';
import { matchInputOf } from '../functions/identity/matching/from-source-record';
import { resolve } from '../functions/identity/matching/resolve';
import type { EntityType, SourceSystem } from '../functions/shared/canonical';
import { generateWorld } from './generate/world';
import { LABELLED_DATA_SETS } from './match-datasets';

const fmt = (x: number) => x.toFixed(4);

export const runLabelled = (name: string) => {
  const data = (LABELLED_DATA_SETS[name] as () => ReturnType<(typeof LABELLED_DATA_SETS)[string]>)();
  const header = Object.keys(data.rows[0] ?? {});
  const layout = csvLayout(header, data.kind, ['truth']);
  const inputs = data.rows.map((r) => rowToMatchInput(r, layout));
  const started = performance.now();
  const result = resolve(inputs, { kind: data.kind });
  const ms = performance.now() - started;
  const truth = data.rows.map((r) => r.truth ?? '');
  const predicted = Array.from(result.clusterOf, String);
  const pw = pairwiseQuality(predicted, truth);
  const b3 = bCubedQuality(predicted, truth);
  const n = inputs.length;
  const completeness = pairCompleteness(result.candidates, truth);
  const reduction = 1 - result.candidates.length / ((n * (n - 1)) / 2);
  const met = data.target ? (data.target.metric === 'pairwise' ? pw.f1 : b3.f1) >= data.target.f1 : undefined;
  console.log(
    `${data.name.padEnd(18)} n=${n} pairwise P ${fmt(pw.precision)} R ${fmt(pw.recall)} F1 ${fmt(pw.f1)} | B3 P ${fmt(b3.precision)} R ${fmt(b3.recall)} F1 ${fmt(b3.f1)} | ` +
      `completeness ${fmt(completeness)} reduction ${fmt(reduction)} candidates ${result.candidates.length} review ${result.review.length} | ${ms.toFixed(0)} ms` +
      (met === undefined ? '' : met ? '  target met' : `  BELOW TARGET ${data.target?.metric} F1 ${data.target?.f1}`),
  );
  if (layout.ignored.length > 0) console.log(`  ignored columns: ${layout.ignored.join(', ')}`);
  return result;
};

/** The generator's world as the store would hold it once every change is applied. */
const worldRecords = (accounts: number) => {
  const world = generateWorld({ accounts, seed: 7, now: new Date('2026-11-01T00:00:00Z') });
  const truthOf = new Map(world.truth.records.map((t) => [`${t.sourceSystem}#${t.entityType}#${t.externalId}`, t.trueEntityId]));
  const latest = new Map<string, { sourceSystem: SourceSystem; entityType: string; fields: Record<string, unknown> }>();
  for (const [system, changes] of Object.entries(world.changes) as [SourceSystem, typeof world.changes.salesforce][]) {
    for (const c of changes) {
      const key = `${system}#${c.entityType}#${c.externalId}`;
      if (c.changeKind !== 'upsert') latest.delete(key);
      else latest.set(key, { sourceSystem: system, entityType: c.entityType, fields: { ...latest.get(key)?.fields, ...(c.fields as Record<string, unknown>) } });
    }
  }
  return { latest, truthOf };
};

const runWorld = (accounts: number) => {
  const { latest, truthOf } = worldRecords(accounts);
  for (const kind of ['account', 'person'] as const) {
    const inputs = [...latest].flatMap(([sourceKey, r]) => {
      const input = r.entityType === kind ? matchInputOf({ sourceKey, sourceSystem: r.sourceSystem, entityType: r.entityType as EntityType, fields: r.fields }) : undefined;
      return input ? [input] : [];
    });
    const started = performance.now();
    const result = resolve(inputs, { kind });
    const ms = performance.now() - started;
    const truth = inputs.map((i) => truthOf.get(i.key) ?? i.key);
    const predicted = Array.from(result.clusterOf, String);
    const pw = pairwiseQuality(predicted, truth);
    const b3 = bCubedQuality(predicted, truth);
    console.log(
      `${`world-${accounts}-${kind}`.padEnd(18)} n=${inputs.length} pairwise P ${fmt(pw.precision)} R ${fmt(pw.recall)} F1 ${fmt(pw.f1)} | B3 F1 ${fmt(b3.f1)} | ` +
        `completeness ${fmt(pairCompleteness(result.candidates, truth))} candidates ${result.candidates.length} review ${result.review.length} | ${ms.toFixed(0)} ms`,
    );
  }
};

export const run = async (args: string[]): Promise<void> => {
  const world = args.indexOf('--world');
  if (world >= 0) return runWorld(Number(args[world + 1] ?? 200));
  const names = args.filter((a) => !a.startsWith('--'));
  for (const name of names.length > 0 ? names : Object.keys(LABELLED_DATA_SETS)) runLabelled(name);
};
