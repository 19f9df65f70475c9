/**
 * `concord resolve FILE.csv --entity person|account`: a dry run of the identity matcher on a file.
 * No runtime and no store: the rows become MatchInputs (csv-input.ts) and go through the same
 * `resolve` the live pipeline runs, and the clusters come out as unified IDs.
 *
 * A million rows must fit, so the file is parsed as a stream and the outputs are written as
 * streams; what stays in memory is what the matcher itself needs.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { access, constants, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { CsvError, parse, type Info } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { z } from 'zod';
import { csvLayout, CsvInputError, rowToMatchInput, type CsvLayout } from '../../functions/identity/matching/csv-input';
import { bCubedQuality, pairCompleteness, pairwiseQuality, type BCubedQuality, type PairwiseQuality } from '../../functions/identity/matching/evaluate';
import type { Score } from '../../functions/identity/matching/fellegi-sunter';
import { DEFAULT_MATCH_OPTIONS, FIELDS_OF, type EntityKind, type MatchInput, type Prepared } from '../../functions/identity/matching/match-record';
import { DEFAULT_THRESHOLDS, resolve, type ResolveResult, type Thresholds } from '../../functions/identity/matching/resolve';
import { foundingKeyOf, unifiedIdFor } from '../../functions/identity/matching/unified-id';
import { progressOn, type Progress } from './progress-bar';

/** Usage errors and bad input exit with 2; 1 is left for bugs and outages. */
export const EXIT_INVALID = 2;

/** The flags as commander hands them over: strings, or true for a bare switch. */
export interface ResolveFlags {
  entity?: string;
  out?: string;
  review?: string;
  truth?: string;
  json?: boolean;
  link?: string | number;
  reviewThreshold?: string | number;
  region?: string;
  dayFirst?: boolean;
}

const probability = (flag: string) =>
  z.coerce
    .number()
    .refine((p) => p > 0 && p < 1, { error: `${flag} must be a probability between 0 and 1 (exclusive)` })
    .optional();

export const ResolveOptions = z
  .object({
    entity: z.enum(['person', 'account'], {
      error: (issue) => (issue.input === undefined ? '--entity is required: person or account' : `unknown --entity ${JSON.stringify(issue.input)}: use person or account`),
    }),
    out: z.string().min(1).optional(),
    review: z.string().min(1).optional(),
    truth: z.string().min(1).optional(),
    json: z.boolean().default(false),
    link: probability('--link'),
    reviewThreshold: probability('--review-threshold'),
    region: z
      .string()
      .regex(/^[A-Za-z]{2}$/, { error: '--region must be a two-letter country code, such as GB' })
      .transform((cc) => cc.toUpperCase())
      .optional(),
    dayFirst: z.boolean().default(false),
  })
  .refine((o) => (o.reviewThreshold ?? DEFAULT_THRESHOLDS.review) <= (o.link ?? DEFAULT_THRESHOLDS.link), {
    error: '--review-threshold must not be above --link',
  });
export type ResolveOptions = z.infer<typeof ResolveOptions>;

export interface ResolveIo {
  stdout: Writable;
  /** Warnings, the summary and (when it is a terminal) the progress bar. */
  stderr: Writable & { isTTY?: boolean };
}

export interface ResolveSummary {
  file: string;
  entity: EntityKind;
  records: number;
  entities: number;
  /** Records that share their entity with at least one other record. */
  autoLinkedRecords: number;
  reviewPairs: number;
  /** Links clustering refused: a trusted-id conflict, or two clusters that do not match as wholes. */
  refusedLinks: number;
  candidatePairs: number;
  ignoredColumns: string[];
  thresholds: Thresholds;
  timingsMs: Record<'read' | keyof ResolveResult['timingsMs'] | 'total', number>;
}

export interface ResolveMetrics {
  truthColumn: string;
  pairwise: PairwiseQuality;
  bCubed: BCubedQuality;
  /** Share of the true pairs blocking proposed at all: the recall no threshold can exceed. */
  pairCompleteness: number;
}

// ---- reading ----------------------------------------------------------------------------------

type FileRead =
  | { kind: 'read'; inputs: MatchInput[]; truth: string[] | undefined; layout: CsvLayout }
  | { kind: 'invalid'; message: string };

/** The `--truth` label of a row that has none: its own key, so it is an entity of its own. */
const unlabelled = (key: string) => `\u0000${key}`;

// Duck-typed: errors from node:fs may come from another realm (jest's sandbox), where instanceof fails.
export const isSystemError = (e: unknown): e is NodeJS.ErrnoException => typeof e === 'object' && e !== null && typeof (e as NodeJS.ErrnoException).syscall === 'string';

const readRecords = async (file: string, options: ResolveOptions, bytes: number, progress: Progress): Promise<FileRead> => {
  const invalid = (message: string): FileRead => ({ kind: 'invalid', message });
  const source = createReadStream(file);
  const parser = parse({ bom: true, skip_empty_lines: true, info: true });
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);

  let header: string[] | undefined;
  let layout: CsvLayout | undefined;
  const inputs: MatchInput[] = [];
  const truth: string[] | undefined = options.truth === undefined ? undefined : [];
  // The line each key was first seen on, to point at both lines of a duplicate.
  const lineOf = new Map<string, number>();
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      if (header === undefined) {
        header = record.map((column) => column.trim());
        const twice = header.find((column, i) => header?.indexOf(column) !== i);
        if (twice !== undefined) return invalid(`${file}: the header names the column ${JSON.stringify(twice)} twice`);
        if (options.truth !== undefined && !header.includes(options.truth)) {
          return invalid(`${file}: --truth ${options.truth}: the header has no such column (columns: ${header.join(', ')})`);
        }
        try {
          layout = csvLayout(header, options.entity, options.truth === undefined ? [] : [options.truth]);
        } catch (e) {
          if (e instanceof CsvInputError) return invalid(`${file}: ${e.message}`);
          throw e;
        }
        continue;
      }
      const row: Record<string, string | undefined> = {};
      for (let c = 0; c < header.length; c++) row[header[c] as string] = record[c];
      let input: MatchInput;
      try {
        input = rowToMatchInput(row, layout as CsvLayout);
      } catch (e) {
        if (e instanceof CsvInputError) return invalid(`${file} line ${info.lines}: ${e.message}`);
        throw e;
      }
      const first = lineOf.get(input.key);
      if (first !== undefined) return invalid(`${file} line ${info.lines}: duplicate record ${input.key} (source:record_id), first on line ${first}`);
      lineOf.set(input.key, info.lines);
      inputs.push(input);
      if (truth) truth.push(row[options.truth as string]?.trim() || unlabelled(input.key));
      if (inputs.length % 5000 === 0) progress.update('read', info.bytes, bytes, `${inputs.length} rows`);
    }
  } catch (e) {
    if (e instanceof CsvError) return invalid(`${file}: ${e.message}`);
    if (isSystemError(e)) return invalid(`cannot read ${file}: ${e.message}`);
    throw e;
  } finally {
    source.destroy();
  }
  if (layout === undefined) return invalid(`${file} is empty: expected a header naming record_id and the ${options.entity} fields`);
  progress.update('read', bytes, bytes, `${inputs.length} rows`);
  return { kind: 'read', inputs, truth, layout };
};

/** Whether `file` exists and is a readable file (its size, for the progress bar, and when it changed), or why not. */
export const checkInput = async (file: string): Promise<{ kind: 'ok'; bytes: number; modifiedMs: number } | { kind: 'invalid'; message: string }> => {
  try {
    const s = await stat(file);
    if (!s.isFile()) return { kind: 'invalid', message: `${file} is not a file` };
    await access(file, constants.R_OK);
    return { kind: 'ok', bytes: s.size, modifiedMs: s.mtimeMs };
  } catch (e) {
    if (!isSystemError(e)) throw e;
    return { kind: 'invalid', message: e.code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${e.message}` };
  }
};

/** Checked before the work, so a long run does not fail at its very end on a typo in --out. */
export const checkOutput = async (flag: string, file: string): Promise<string | undefined> => {
  try {
    await access(dirname(file), constants.W_OK);
    return undefined;
  } catch (e) {
    if (!isSystemError(e)) throw e;
    return `${flag} ${file}: cannot write there (${e.code === 'ENOENT' ? 'no such folder' : e.message})`;
  }
};

// ---- the result as rows -----------------------------------------------------------------------

/** Per record, its entity's unified ID (founded by the smallest key in the cluster). */
export const unifiedIdsOf = (kind: EntityKind, records: readonly Prepared[], clusterOf: Int32Array): string[] => {
  const members = new Map<number, string[]>();
  records.forEach((r, i) => {
    const rep = clusterOf[i] as number;
    const keys = members.get(rep);
    if (keys) keys.push(r.key);
    else members.set(rep, [r.key]);
  });
  const idOf = new Map<number, string>();
  for (const [rep, keys] of members) idOf.set(rep, unifiedIdFor(kind, foundingKeyOf(keys)));
  return Array.from(clusterOf, (rep) => idOf.get(rep) as string);
};

/** A file record's key is `source:record_id` (MatchInput), so the id is what follows the source. */
const recordIdOf = (r: Prepared) => r.key.slice(r.source.length + 1);

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

/** `first_name=exact(+6.1) birth_date=one-typo(+3.2) …`: one word per comparison, level names hyphenated. */
export const formatEvidence = (score: Score): string =>
  score.evidence.map((e) => `${e.comparison}=${e.level.replace(/ /g, '-')}(${signed(e.weight)})`).join(' ');

const ASSIGNMENT_COLUMNS = ['source', 'record_id', 'unified_id'];
const REVIEW_COLUMNS = ['source_a', 'record_id_a', 'source_b', 'record_id_b', 'probability', 'weight', 'evidence'];

function* assignmentRows(records: readonly Prepared[], ids: readonly string[], progress: Progress): Generator<string[]> {
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as Prepared;
    if (i % 10_000 === 0) progress.update('write', i, records.length, `${i} rows`);
    yield [r.source, recordIdOf(r), ids[i] as string];
  }
  progress.update('write', records.length, records.length, `${records.length} rows`);
}

function* reviewRows(result: ResolveResult): Generator<string[]> {
  for (const pair of result.review) {
    const a = result.records[pair.a] as Prepared;
    const b = result.records[pair.b] as Prepared;
    yield [a.source, recordIdOf(a), b.source, recordIdOf(b), pair.score.probability.toFixed(4), pair.score.weight.toFixed(2), formatEvidence(pair.score)];
  }
}

/**
 * One JSON object, indented like the CLI's other --json output, with the assignments written one
 * per line as they are produced rather than built as one string.
 */
function* jsonChunks(head: object, assignments: Iterable<string[]> | undefined): Generator<string> {
  const text = JSON.stringify(head, null, 2);
  if (assignments === undefined) {
    yield `${text}\n`;
    return;
  }
  yield `${text.slice(0, -2)},\n  "assignments": [`;
  let written = 0;
  let batch: string[] = [];
  const flush = () => {
    const chunk = (written === 0 ? '' : ',') + batch.join(',');
    written += batch.length;
    batch = [];
    return chunk;
  };
  for (const [source, recordId, unifiedId] of assignments) {
    batch.push(`\n    ${JSON.stringify({ source, record_id: recordId, unified_id: unifiedId })}`);
    if (batch.length === 1000) yield flush();
  }
  if (batch.length > 0) yield flush();
  yield `${written === 0 ? '' : '\n  '}]\n}\n`;
}

/** Streams `chunks` into `out`; a file is closed when done, stdout is left open. */
const writeTo = async (out: Writable, chunks: Readable, end: boolean): Promise<void> => {
  await pipeline(chunks, out, { end });
};

const csvOf = (columns: string[], rows: Iterable<string[]>): Readable => Readable.from(rows).pipe(stringify({ header: true, columns }));

/** Records from which a second thread pays for its start (about a second). */
const RECORDS_FOR_A_SECOND_THREAD = 50_000;

const threadsFor = (records: number): number => (records >= RECORDS_FOR_A_SECOND_THREAD ? Math.min(2, availableParallelism()) : 1);

// ---- progress ---------------------------------------------------------------------------------

/**
 * The compare phase counts the pairs its blocks hold: most are compared, the rest turn out to be
 * pairs an earlier blocking rule already found.
 */
const resolvePhaseDetail = (phase: string, done: number, total: number) => (phase === 'compare' ? `${done}/${total} block pairs` : `${done}/${total}`);

// ---- the summary ------------------------------------------------------------------------------

const ratio = (x: number) => x.toFixed(4);

export const formatSummary = (s: ResolveSummary, writeMs: number, destinations: { out?: string; review?: string }): string => {
  const t = s.timingsMs;
  const timings = (['read', 'prepare', 'compare', 'train', 'score', 'cluster'] as const).map((p) => `${p} ${t[p]} ms`);
  const lines = [
    `Resolved ${s.records} ${s.entity} records from ${basename(s.file)} (link at p ≥ ${s.thresholds.link}, review at p ≥ ${s.thresholds.review})`,
    `  entities              ${s.entities}`,
    `  auto-linked records   ${s.autoLinkedRecords}`,
    `  review pairs          ${s.reviewPairs}${destinations.review ? ` → ${destinations.review}` : ''}`,
    ...(s.refusedLinks > 0 ? [`  refused links         ${s.refusedLinks} (a trusted-id conflict, or clusters that do not match as wholes)`] : []),
    `  candidate pairs       ${s.candidatePairs}`,
    `  timings               ${[...timings, `write ${Math.round(writeMs)} ms`].join(', ')}; total ${Math.round(t.total + writeMs)} ms`,
  ];
  if (destinations.out) lines.push(`  unified ids           → ${destinations.out}`);
  return `${lines.join('\n')}\n`;
};

export const formatMetrics = (m: ResolveMetrics): string =>
  [
    `Against the truth in column ${m.truthColumn}:`,
    `  pairwise   precision ${ratio(m.pairwise.precision)}  recall ${ratio(m.pairwise.recall)}  F1 ${ratio(m.pairwise.f1)}` +
      `  (${m.pairwise.correctPairs} of ${m.pairwise.predictedPairs} predicted pairs right, ${m.pairwise.truePairs} true pairs)`,
    `  B-cubed    precision ${ratio(m.bCubed.precision)}  recall ${ratio(m.bCubed.recall)}  F1 ${ratio(m.bCubed.f1)}`,
    `  blocking   pair completeness ${ratio(m.pairCompleteness)}`,
  ].join('\n') + '\n';

const roundedMs = <K extends string>(timings: Record<K, number>): Record<K, number> =>
  Object.fromEntries(Object.entries<number>(timings).map(([k, ms]) => [k, Math.round(ms)])) as Record<K, number>;

// ---- the command ------------------------------------------------------------------------------

const DEFAULT_IO: ResolveIo = { stdout: process.stdout, stderr: process.stderr };

/** Runs `concord resolve` and returns its exit code: 0, or 2 for a usage error or bad input. */
export const runResolve = async (file: string, flags: ResolveFlags, io: ResolveIo = DEFAULT_IO): Promise<number> => {
  const fail = (message: string) => {
    io.stderr.write(`concord resolve: ${message}\n`);
    return EXIT_INVALID;
  };
  const parsed = ResolveOptions.safeParse(flags);
  if (!parsed.success) return fail(parsed.error.issues.map((i) => i.message).join('; '));
  const options = parsed.data;

  const input = await checkInput(file);
  if (input.kind === 'invalid') return fail(input.message);
  for (const [flag, path] of [['--out', options.out], ['--review', options.review]] as const) {
    const problem = path === undefined ? undefined : await checkOutput(flag, path);
    if (problem) return fail(problem);
  }

  const started = performance.now();
  const progress = progressOn(io.stderr);
  try {
    const read = await readRecords(file, options, input.bytes, progress);
    if (read.kind === 'invalid') return fail(read.message);
    const readMs = performance.now() - started;
    progress.stop(); // before any warning, or it lands on the bar's line
    const { inputs, truth, layout } = read;
    if (layout.ignored.length > 0) {
      io.stderr.write(
        `concord resolve: warning: ignoring column(s) ${layout.ignored.join(', ')}: not ${options.entity} fields ` +
          `(${FIELDS_OF[options.entity].join(', ')}) nor id:<name>\n`,
      );
    }
    if (layout.fields.length === 0 && layout.trustedIds.length === 0) {
      io.stderr.write(`concord resolve: warning: no ${options.entity} field columns: every record stays an entity of its own\n`);
    }

    const thresholds: Thresholds = { link: options.link ?? DEFAULT_THRESHOLDS.link, review: options.reviewThreshold ?? DEFAULT_THRESHOLDS.review };
    const result = resolve(inputs, {
      kind: options.entity,
      thresholds,
      match: { defaultRegion: options.region ?? DEFAULT_MATCH_OPTIONS.defaultRegion, dayFirst: options.dayFirst },
      onProgress: (phase, done, total) => progress.update(phase, done, total, resolvePhaseDetail(phase, done, total)),
      threads: threadsFor(inputs.length),
    });
    const ids = unifiedIdsOf(options.entity, result.records, result.clusterOf);

    const sizes = new Map<number, number>();
    for (const rep of result.clusterOf) sizes.set(rep, (sizes.get(rep) ?? 0) + 1);
    let autoLinked = 0;
    for (const n of sizes.values()) if (n > 1) autoLinked += n;
    const summary: ResolveSummary = {
      file,
      entity: options.entity,
      records: inputs.length,
      entities: sizes.size,
      autoLinkedRecords: autoLinked,
      reviewPairs: result.review.length,
      refusedLinks: result.refused.length,
      candidatePairs: result.candidates.length,
      ignoredColumns: layout.ignored,
      thresholds,
      timingsMs: roundedMs({ read: readMs, ...result.timingsMs, total: performance.now() - started }),
    };
    let metrics: ResolveMetrics | undefined;
    if (truth !== undefined && options.truth !== undefined) {
      const predicted = Array.from(result.clusterOf, String);
      metrics = {
        truthColumn: options.truth,
        pairwise: pairwiseQuality(predicted, truth),
        bCubed: bCubedQuality(predicted, truth),
        pairCompleteness: pairCompleteness(result.candidates, truth),
      };
    }

    const writeStarted = performance.now();
    if (options.out !== undefined) await writeTo(createWriteStream(options.out), csvOf(ASSIGNMENT_COLUMNS, assignmentRows(result.records, ids, progress)), true);
    if (options.review !== undefined) await writeTo(createWriteStream(options.review), csvOf(REVIEW_COLUMNS, reviewRows(result)), true);
    const toStdout = options.out === undefined ? assignmentRows(result.records, ids, progress) : undefined;
    if (options.json) await writeTo(io.stdout, Readable.from(jsonChunks({ summary, ...(metrics ? { metrics } : {}) }, toStdout)), false);
    else if (toStdout) await writeTo(io.stdout, csvOf(ASSIGNMENT_COLUMNS, toStdout), false);
    progress.stop();

    if (!options.json) {
      io.stderr.write(formatSummary(summary, performance.now() - writeStarted, options));
      if (metrics) io.stderr.write(formatMetrics(metrics));
    }
    return 0;
  } finally {
    progress.stop();
  }
};

const INPUT_HELP = `
The file's header names canonical fields:
  record_id          required, unique per source
  source             optional, default "import"
  person fields      ${FIELDS_OF.person.slice(0, 8).join(', ')},
                     ${FIELDS_OF.person.slice(8).join(', ')}
  account fields     ${FIELDS_OF.account.join(', ')}
  id:<name>          a trusted identifier (id:tax, id:customer_number): different values never join
Other columns are ignored with a warning, except the --truth column.

Example:
  concord resolve people.csv --entity person --out clusters.csv --review review.csv --truth cluster`;

export const registerResolve = (program: Command): void => {
  program
    .command('resolve <file>')
    .description('dry run of the identity matcher on a CSV file: no runtime, no store, the same matching code as live')
    .option('--entity <kind>', 'person or account (required)')
    .option('--out <file>', 'write source,record_id,unified_id here (default: stdout, unless --json)')
    .option('--review <file>', 'write the pairs in the review band, with their evidence, here')
    .option('--truth <column>', 'a column naming each record\u2019s true entity: print precision, recall and F1 against it')
    .option('--json', 'print one JSON object: the summary, the metrics and (without --out) the assignments')
    .option('--link <p>', 'probability at or above which records join', String(DEFAULT_THRESHOLDS.link))
    .option('--review-threshold <p>', 'probability at or above which a pair goes to review', String(DEFAULT_THRESHOLDS.review))
    .option('--region <cc>', 'country for phone numbers of records without one', DEFAULT_MATCH_OPTIONS.defaultRegion)
    .option('--day-first', 'read NN/NN/YYYY dates as day first')
    .addHelpText('after', INPUT_HELP)
    // Usage errors exit with 2 here, like bad input; commander's own default is 1.
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : EXIT_INVALID))
    .action(async (file: string, flags: ResolveFlags) => {
      process.exitCode = await runResolve(file, flags);
    });
};
