/**
 * The bulk backfill (`concord import --bulk`) on the local runtime: N generated records written as
 * an import file and imported in bulk into a fresh DynamoDB Local; records a second, wall time and
 * each step's time; then two checks:
 *  - the entities against the generator's truth (their number, and pairwise precision and recall);
 *  - a live webhook for one generated person (a copy of one of its records, from another system)
 *    links to the entity the bulk path made instead of founding a new one.
 *
 *   npm run bench -- backfill [--records 100000] [--entity person|account] [--seed 11]
 *
 * People come from scale-people.ts; accounts from the world generator (generate/world.ts), which
 * models few records per account and is slow past some thousands of accounts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { runImport, type ImportContext } from '../bin/commands/import';
import { importEventOf } from '../bin/commands/import-event';
import type { ImportSummary } from '../bin/commands/import-summary';
import { csvLayout, rowToMatchInput } from '../functions/identity/matching/csv-input';
import { pairwiseQuality } from '../functions/identity/matching/evaluate';
import type { EntityKind } from '../functions/identity/matching/match-record';
import { chunksOf, forEachAtMost, MAX_BATCH_GET_KEYS } from '../functions/identity/bulk/batch-writer';
import { createDocumentClient } from '../functions/shared/aws/dynamo';
import type { Account } from '../functions/shared/canonical';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { startLocalRuntime, type LocalRuntime } from '../local/runtime';
import { sendChanges } from '../local/send-webhooks';
import type { SourceChange } from '../local/vendors/vendor-simulator';
import { latestRecords } from './generate/latest-records';
import { generateWorld } from './generate/world';
import { scalePeople } from './scale-people';
import { flag } from './stats';

type Row = Record<string, string>;

/** How long the runtime is given to stop once the figures are printed. */
const STOP_WAIT_MS = 10_000;

/** An import file's rows and, per row, its true entity. */
interface Generated {
  rows: Row[];
  truth: string[];
}

const PERSON_COLUMNS = ['source', 'record_id', 'first_name', 'last_name', 'email', 'phone', 'street', 'postcode', 'city', 'region', 'birth_date', 'company'];
const ACCOUNT_COLUMNS = ['source', 'record_id', 'name', 'domain', 'website', 'phone', 'street', 'postcode', 'city', 'region', 'country'];

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

const people = (records: number, seed: number): Generated => {
  const { inputs, truth } = scalePeople(records, seed);
  const rows = inputs.map((input) => ({ ...input.fields, source: input.source, record_id: input.key.slice(input.source.length + 1) }));
  return { rows, truth };
};

/** Account records of a generated world of about the size asked (a world account has a few records). */
const accounts = (records: number, seed: number): Generated => {
  const world = generateWorld({ accounts: Math.max(10, Math.ceil(records / 3)), seed, now: new Date('2026-01-01T00:00:00Z') });
  const { records: latest, truthOf } = latestRecords(world);
  const chosen = latest.filter((r) => r.entityType === 'account').slice(0, records);
  const rows = chosen.map((r): Row => {
    const f = r.fields as Partial<Account>;
    return {
      source: r.sourceSystem,
      record_id: r.sourceKey.slice(r.sourceKey.lastIndexOf('#') + 1),
      name: text(f.name),
      domain: text(f.domain),
      website: text(f.website),
      phone: text(f.phone),
      street: text(f.address?.street),
      postcode: text(f.address?.postalCode),
      city: text(f.address?.city),
      region: text(f.address?.region),
      country: text(f.address?.country),
    };
  });
  return { rows, truth: chosen.map((r) => truthOf.get(r.sourceKey) ?? r.sourceKey) };
};

const sink = () => {
  const chunks: string[] = [];
  return { stream: new Writable({ write: (chunk, _enc, done) => (chunks.push(String(chunk)), done()) }), text: () => chunks.join('') };
};

const keyOf = (kind: EntityKind, row: Row) => `generic#${kind}#${row.source}:${row.record_id}`;

/** Every imported record's entity, from its match record's pointer. */
const entityPerRow = async (runtime: LocalRuntime, kind: EntityKind, rows: readonly Row[]): Promise<string[]> => {
  const keys = rows.map((r) => keyOf(kind, r));
  const pointer = new Map<string, string>();
  await forEachAtMost(8, chunksOf(keys, MAX_BATCH_GET_KEYS), async (slice) => {
    for (const m of await runtime.identityStore.getMatchRecords(slice)) if (m.unifiedId) pointer.set(m.sourceKey, m.unifiedId);
  });
  return keys.map((k) => pointer.get(k) ?? `none:${k}`);
};

/**
 * Sends a copy of `row` as another system's record through the generic webhook, with the fields
 * the import made of the row; resolves with the entity it joined.
 */
const liveCopyOf = async (runtime: LocalRuntime, kind: EntityKind, columns: readonly string[], row: Row): Promise<{ key: string; unifiedId?: string; ms: number }> => {
  const externalId = `live:${row.source}-${row.record_id}`;
  const key = `generic#${kind}#${externalId}`;
  const started = performance.now();
  const now = new Date();
  const layout = csvLayout(columns, kind);
  const made = importEventOf(rowToMatchInput(row, layout), layout, { startedAt: now, dayFirst: false, fileName: 'live' }, 1, row);
  if (made.kind !== 'event') throw new Error(`the row to copy is no record: ${made.reason}`);
  const change = { entityType: kind, externalId, fields: made.event.fields, changeKind: 'upsert', occurredAt: now } as SourceChange;
  const [delivery] = await sendChanges(runtime.url, { generic: [change] }, { secretEnv: runtime.secretEnv, now });
  if (delivery?.status !== 202) throw new Error(`the live webhook was answered ${delivery?.status}: ${delivery?.body}`);
  // The write-back queue may hold the bulk run's events still: wait for this record's entity only.
  for (let waited = 0; waited < 120_000; waited += 100) {
    const entity = await runtime.identityStore.entityOfRecord(key);
    if (entity) return { key, unifiedId: entity.unifiedId, ms: Math.round(performance.now() - started) };
    await new Promise((r) => setTimeout(r, 100));
  }
  return { key, ms: Math.round(performance.now() - started) };
};

export const run = async (args: string[]): Promise<void> => {
  const records = flag(args, 'records', 100_000);
  const seed = flag(args, 'seed', 11);
  const entityIndex = args.indexOf('--entity');
  const kind: EntityKind = entityIndex >= 0 && args[entityIndex + 1] === 'account' ? 'account' : 'person';
  const generated = kind === 'person' ? people(records, seed) : accounts(records, seed);
  const dir = mkdtempSync(join(tmpdir(), 'concord-bench-backfill-'));
  const file = join(dir, `${kind}s.csv`);
  writeFileSync(file, stringify(generated.rows, { header: true, columns: kind === 'person' ? PERSON_COLUMNS : ACCOUNT_COLUMNS }));
  // Its own DynamoDB Local, stopped whatever the runtime's consumers are still doing at the end.
  const dynamo = await startDynamoDbLocal();
  const runtime = await startLocalRuntime({ port: 0, dynamoEndpoint: dynamo.endpoint, tablePrefix: 'bench-backfill-', env: {} });
  const db = createDocumentClient({ endpoint: runtime.dynamoEndpoint });
  try {
    const ctx: ImportContext = {
      where: `local (${runtime.url})`,
      bus: runtime.bus,
      sourceRecords: runtime.sourceRecords,
      identityStore: runtime.identityStore,
      db,
      tables: runtime.tables,
      identity: runtime.identity,
      close: () => {},
    };
    const stdout = sink();
    const stderr = sink();
    const started = performance.now();
    const code = await runImport(async () => ctx, file, { entity: kind, bulk: true, json: true }, { stdout: stdout.stream, stderr: stderr.stream });
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`the bulk import ended with ${code}:\n${stdout.text()}\n${stderr.text()}`);
    const summary = JSON.parse(stdout.text()) as ImportSummary;
    const bulk = summary.bulk;
    console.log(
      `backfill: ${generated.rows.length} ${kind} records in ${seconds.toFixed(1)} s (${(generated.rows.length / seconds).toFixed(0)} records/s): ` +
        `${bulk?.records.bulk ?? 0} linked in bulk into ${bulk?.entities ?? 0} entities, ${bulk?.blocks ?? 0} blocking keys, ${bulk?.proposals ?? 0} proposals, ${bulk?.events ?? 0} events`,
    );
    console.log(`  steps      ${Object.entries(bulk?.timingsMs ?? {}).map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
    // The writing steps (source records beside the index) against the items they wrote: DynamoDB's part.
    const t = bulk?.timingsMs ?? {};
    const writingMs = Math.max(t.sources ?? 0, t.index ?? 0) + (t.entities ?? 0) + (t.proposals ?? 0);
    console.log(`  writes     ${bulk?.itemsWritten ?? 0} items in ${(writingMs / 1000).toFixed(1)} s of writing steps (${(((bulk?.itemsWritten ?? 0) * 1000) / Math.max(1, writingMs)).toFixed(0)} items/s)`);

    // Each record's entity as the bulk run left it; then the live record, while the runtime's
    // consumers work through the run's events.
    const predicted = await entityPerRow(runtime, kind, generated.rows);
    // The first row whose true entity has another record: its copy must join their entity.
    const index = Math.max(0, generated.truth.findIndex((t, i) => generated.truth.indexOf(t) !== i));
    const row = generated.rows[index] as Row;
    const live = await liveCopyOf(runtime, kind, kind === 'person' ? PERSON_COLUMNS : ACCOUNT_COLUMNS, row);
    const expected = predicted[index];
    console.log(`  live       a webhook copy of ${keyOf(kind, row)} ${live.unifiedId === expected ? `joined its bulk entity ${expected}` : `went to ${live.unifiedId ?? 'no entity'}, not the bulk entity ${expected}`} in ${live.ms} ms`);

    const quality = pairwiseQuality(predicted, generated.truth);
    const unlinked = predicted.filter((p) => p.startsWith('none:')).length;
    console.log(
      `  entities   ${new Set(predicted).size} (truth: ${new Set(generated.truth).size}); pairwise P ${quality.precision.toFixed(4)} R ${quality.recall.toFixed(4)} F1 ${quality.f1.toFixed(4)}; ${unlinked} records without an entity`,
    );
    const queued = Object.values(runtime.queues).reduce((n, q) => n + q.depth(), 0);
    console.log(`  runtime    ${queued} messages still queued for the consumers (write-back and Slack work on the bulk run's events)`);
  } finally {
    db.destroy();
    // The consumers may still be working through the run's events (write-back, a post per merge
    // proposal): the benchmark does not wait for them.
    await Promise.race([runtime.stop(), new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS))]);
    await dynamo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};
