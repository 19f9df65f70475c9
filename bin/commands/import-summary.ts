/**
 * What `concord import` reports: the rows done over every run of one import, what became of them,
 * and, with --wait, the runtime once it has processed them. Printed as text or (--json) as is.
 */
import { basename } from 'node:path';
import type { BulkImportSummary } from './import-bulk';
import type { ImportCounts, RowIssue } from './import-checkpoint';

/** Rejections and warnings printed in the text summary; --json and the checkpoint list more. */
const ISSUES_SHOWN = 20;

export type ImportStatus = 'completed' | 'already-completed' | 'stopped' | 'interrupted' | 'failed';

export interface ImportSummary {
  file: string;
  entity: 'person' | 'account';
  where: string;
  checkpoint: string;
  status: ImportStatus;
  /** Rows done over all runs of this import, and of them by the earlier runs. */
  rows: number;
  rowsBefore: number;
  counts: ImportCounts;
  rejections: RowIssue[];
  warnings: RowIssue[];
  sourceVersion: string;
  startedAt: string;
  completedAt?: string;
  /** This run: how long, and its rows a second. */
  elapsedMs: number;
  rowsPerSecond: number;
  error?: string;
  /** With --bulk: what the bulk path linked, what it left to the live engine, and where the time went. */
  bulk?: BulkImportSummary;
  /** With --wait: the runtime once its queues were empty. */
  drained?: { elapsedMs: number; unifiedPeople: number; unifiedCustomers: number; deadLetters: number };
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const issueLines = (title: string, count: number, issues: readonly RowIssue[]): string[] => {
  if (count === 0) return [];
  const shown = issues.slice(0, ISSUES_SHOWN).map((i) => `      line ${i.line}: ${i.reason}`);
  const more = count - shown.length;
  const where = issues.length < count ? `--json lists the first ${issues.length}` : '--json lists them all';
  return [`  ${title.padEnd(14)} ${count}`, ...shown, ...(more > 0 ? [`      … and ${more} more: ${where}`] : [])];
};

const seconds = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(1)} s`;

/** Why records went to the live engine, said as a reader would. */
const LIVE_REASONS: Record<keyof BulkImportSummary['records']['live'], string> = {
  'meets-stored-records': 'share blocking keys with records already stored',
  'erased-person': 'carry an erased person’s email or phone',
  'matched-before': 'were matched before with other values',
  'linked-otherwise': 'are linked otherwise already',
  'id-taken': 'would found an entity whose id is taken',
  inactive: 'are deleted at their source',
};

const bulkLines = (b: BulkImportSummary): string[] => {
  const live = Object.entries(b.records.live) as [keyof typeof LIVE_REASONS, number][];
  const liveTotal = live.reduce((n, [, count]) => n + count, 0);
  return [
    `  in bulk        ${plural(b.records.bulk, 'record')} linked, ${plural(b.entities, 'new entity', 'new entities')}${b.records.alreadyLinked > 0 ? ` (${b.records.alreadyLinked} linked by an earlier run)` : ''}`,
    `  live engine    ${plural(liveTotal, 'record')}${live.map(([reason, count]) => `\n      ${count} ${LIVE_REASONS[reason]}`).join('')}`,
    `  written        ${plural(b.itemsWritten, 'item')}: ${plural(b.blocks, 'blocking key')}, ${plural(b.proposals, 'merge proposal')}; ${plural(b.events, 'event')} published`,
    `  steps          ${Object.entries(b.timingsMs).map(([step, ms]) => `${step} ${seconds(ms)}`).join(', ')}`,
  ];
};

const NEXT_STEP: Record<ImportStatus, (s: ImportSummary) => string> = {
  completed: () => 'Every row is done.',
  'already-completed': (s) => `The file was imported completely at ${s.completedAt}: nothing to do. Pass --restart to import it again (rows the store holds as they are are not sent).`,
  stopped: (s) => `Stopped after ${plural(s.rows - s.rowsBefore, 'row')} (--stop-after): run the same command again to continue.`,
  interrupted: () => 'Interrupted: run the same command again to continue where it stopped.',
  failed: (s) => `Failed: ${s.error}. The rows done are kept: run the same command again to continue.`,
};

export const formatSummary = (s: ImportSummary): string => {
  const c = s.counts;
  const lines = [
    `Import of ${basename(s.file)} (${s.entity}) into ${s.where}: ${s.status}`,
    `  rows done      ${s.rows}${s.rowsBefore > 0 ? ` (${s.rowsBefore} by an earlier run)` : ''}`,
    `  published      ${c.published}`,
    `  unchanged      ${c.unchanged}  (the store already held them so)`,
    ...(c.erased > 0 ? [`  erased         ${c.erased}  (privacy deletions are final: not sent)`] : []),
    ...issueLines('rejected', c.rejected, s.rejections),
    ...issueLines('warnings', c.warned, s.warnings),
    ...(s.bulk ? bulkLines(s.bulk) : []),
    ...(s.status === 'already-completed' ? [] : [`  this run       ${(s.elapsedMs / 1000).toFixed(1)} s, ${Math.round(s.rowsPerSecond)} rows/s`]),
    `  checkpoint     ${s.checkpoint}`,
    NEXT_STEP[s.status](s),
  ];
  if (s.drained) {
    const d = s.drained;
    lines.push(
      `The runtime drained in ${(d.elapsedMs / 1000).toFixed(1)} s: it holds ${plural(d.unifiedPeople, 'unified person', 'unified people')} and ${plural(d.unifiedCustomers, 'unified customer')}.`,
    );
    if (d.deadLetters > 0) lines.push(`${plural(d.deadLetters, 'message')} failed every retry and wait in a dead-letter queue (see /health).`);
  }
  return `${lines.join('\n')}\n`;
};
