/**
 * `npm run bench -- match [DATASET…]`: matching quality on the labelled public data sets.
 * `--world N`: quality on the generator's world of N accounts.
 * `--scale N [--seed S] [--max-block-size M] [--window W] [--threads T]`: speed and memory of the
 * pure core on N generated people (scale-people.ts), phase by phase, with quality against the
 * generator's truth. Two threads by default where there are two cores. A million takes about 3 GB:
 * give Node the room with `NODE_OPTIONS=--max-old-space-size=6144`.
 */
import { availableParallelism } from 'node:os';
import { csvLayout, rowToMatchInput } from '../functions/identity/matching/csv-input';
import { bCubedQuality, mixedClusters, pairCompleteness, pairwiseQuality } from '../functions/identity/matching/evaluate';
import { matchInputOf } from '../functions/identity/matching/from-source-record';
import { resolve, type ResolveOptions } from '../functions/identity/matching/resolve';
import type { EntityType, SourceSystem } from '../functions/shared/canonical';
import { generateWorld } from './generate/world';
import { LABELLED_DATA_SETS } from './match-datasets';
import { scalePeople } from './scale-people';
import { flag } from './stats';

const fmt = (x: number) => x.toFixed(4);

/**
 * The share of true pairs whose records the true candidate pairs connect, directly or through
 * other records of the same entity: the recall clustering can reach. Blocks compared by window
 * leave most pairs of a big entity uncompared yet connected, so pair completeness alone
 * understates what blocking found.
 */
const reachableCompleteness = (candidates: { i: ArrayLike<number>; j: ArrayLike<number>; length: number }, truth: readonly string[]): number => {
  const parent = Int32Array.from(truth, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x] as number] as number;
    return x;
  };
  for (let p = 0; p < candidates.length; p++) {
    const i = candidates.i[p] as number;
    const j = candidates.j[p] as number;
    if (truth[i] === truth[j]) parent[find(i)] = find(j);
  }
  const pairs = (sizes: Map<string | number, number>) => [...sizes.values()].reduce((sum, n) => sum + (n * (n - 1)) / 2, 0);
  const entities = new Map<string, number>();
  const components = new Map<number, number>();
  truth.forEach((t, i) => {
    entities.set(t, (entities.get(t) ?? 0) + 1);
    components.set(find(i), (components.get(find(i)) ?? 0) + 1);
  });
  const truePairs = pairs(entities);
  return truePairs === 0 ? 1 : pairs(components) / truePairs;
};

/** Pair completeness, and what the pairs reach through the entity's other records. */
const completenessOf = (candidates: Parameters<typeof reachableCompleteness>[0], truth: readonly string[]) =>
  `completeness ${fmt(pairCompleteness(candidates, truth))} reachable ${fmt(reachableCompleteness(candidates, truth))}`;

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
  const reduction = 1 - result.candidates.length / ((n * (n - 1)) / 2);
  const mixed = mixedClusters(predicted, truth);
  const target = data.target;
  const f1Met = target ? (target.metric === 'pairwise' ? pw.f1 : b3.f1) >= target.f1 : undefined;
  const verdict =
    target === undefined ? '' : !f1Met ? `  BELOW TARGET ${target.metric} F1 ${target.f1}` : target.unmixed && mixed > 0 ? `  BELOW TARGET: ${mixed} cluster(s) merge different entities` : '  target met';
  console.log(
    `${data.name.padEnd(18)} n=${n} pairwise P ${fmt(pw.precision)} R ${fmt(pw.recall)} F1 ${fmt(pw.f1)} | B3 P ${fmt(b3.precision)} R ${fmt(b3.recall)} F1 ${fmt(b3.f1)} | mixed clusters ${mixed} | ` +
      `${completenessOf(result.candidates, truth)} reduction ${fmt(reduction)} candidates ${result.candidates.length} review ${result.review.length} | ${ms.toFixed(0)} ms` +
      verdict,
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
        `${completenessOf(result.candidates, truth)} candidates ${result.candidates.length} review ${result.review.length} | ${ms.toFixed(0)} ms`,
    );
  }
};

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/**
 * Speed of the pure core on `n` generated people: per-phase timings, throughput and peak memory
 * (the resident set's high-water mark, generated input included, as `concord resolve` holds it
 * too), with quality against the generator's truth so a faster matcher cannot quietly get worse.
 */
const runScale = (n: number, seed: number, limits: Pick<ResolveOptions, 'maxBlockSize' | 'blockWindow'>, threads: number) => {
  let started = performance.now();
  const { inputs, truth } = scalePeople(n, seed);
  const generateMs = performance.now() - started;
  console.log(`scale: ${inputs.length} generated people (seed ${seed}) in ${(generateMs / 1000).toFixed(1)} s, RSS ${mb(process.memoryUsage().rss)}; ${threads} thread(s)`);
  started = performance.now();
  const cpu = process.cpuUsage();
  const result = resolve(inputs, { kind: 'person', ...limits, threads });
  const seconds = (performance.now() - started) / 1000;
  // Every thread's processor time: on a machine shared with other work it varies less than the
  // elapsed time, and beside it, it shows how much ran in parallel.
  const { user, system } = process.cpuUsage(cpu);
  const peak = process.resourceUsage().maxRSS * 1024;
  const phases = Object.entries(result.timingsMs).map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(1)} s`);
  const skipped = result.blocking.rules.filter((r) => r.skippedKeys > 0).map((r) => `${r.name} ${r.skippedKeys}`);
  console.log(`  phases       ${phases.join(', ')}`);
  console.log(`  total        ${seconds.toFixed(1)} s, ${Math.round(inputs.length / seconds)} records/s (processor time ${((user + system) / 1e6).toFixed(1)} s)`);
  console.log(`  candidates   ${result.candidates.length} pairs${skipped.length > 0 ? `; keys over the block cap: ${skipped.join(', ')}` : ''}`);
  console.log(`  memory       peak RSS ${mb(peak)} (heap now ${mb(process.memoryUsage().heapUsed)})`);
  const predicted = Array.from(result.clusterOf, String);
  const pw = pairwiseQuality(predicted, truth);
  const b3 = bCubedQuality(predicted, truth);
  console.log(
    `  quality      pairwise P ${fmt(pw.precision)} R ${fmt(pw.recall)} F1 ${fmt(pw.f1)} | B3 F1 ${fmt(b3.f1)} | ` +
      `${completenessOf(result.candidates, truth)} review ${result.review.length}`,
  );
};

export const run = async (args: string[]): Promise<void> => {
  if (args.includes('--scale')) {
    const limits = {
      ...(args.includes('--max-block-size') ? { maxBlockSize: flag(args, 'max-block-size', 0) } : {}),
      ...(args.includes('--window') ? { blockWindow: flag(args, 'window', 0) } : {}),
    };
    return runScale(flag(args, 'scale', 100_000), flag(args, 'seed', 11), limits, flag(args, 'threads', Math.min(2, availableParallelism())));
  }
  const world = args.indexOf('--world');
  if (world >= 0) return runWorld(Number(args[world + 1] ?? 200));
  const names = args.filter((a) => !a.startsWith('--'));
  for (const name of names.length > 0 ? names : Object.keys(LABELLED_DATA_SETS)) runLabelled(name);
};
