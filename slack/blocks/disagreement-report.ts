/**
 * Where the systems still disagree, as `/concord report` answers: the totals, then counts per
 * field, per pair of systems, and per field and pair (most frequent first), so someone can see
 * which system lags on what and fix it there. The full report, entity by entity, is
 * `concord report disagreements`.
 */
import type { KnownBlock } from '@slack/types';
import type { DisagreementSummary, FieldCount } from '../../functions/identity/golden/disagreements';
import { countOf, fieldNamePlain, systemPairPlain } from './describe';
import { context, fieldSections, fitLines, header, section } from './elements';
import type { SlackMessage } from './message';
import { bold, code, inline } from './mrkdwn';

export interface DisagreementReportInput {
  summary: DisagreementSummary;
  /** Rows per table (default 10). */
  rows?: number;
}

const FULL_REPORT = code('concord report disagreements');

const fieldLabel = (f: FieldCount): string => `${f.entityKind} ${fieldNamePlain(f.field).toLowerCase()}`;

const table = (title: string, rows: readonly (readonly [count: number, label: string])[], limit: number): string =>
  `${bold(title)}\n${fitLines(
    rows.map(([count, label]) => `${code(String(count))} ${inline(label, 200)}`),
    (n) => `…and ${countOf(n, 'more row')}`,
    { maxChars: 1900, maxRows: limit },
  )}`;

export const disagreementReport = (input: DisagreementReportInput): SlackMessage => {
  const { summary } = input;
  const rows = input.rows ?? 10;
  if (summary.disagreements === 0) {
    return { text: 'No disagreements: every system agrees on every compared field.', blocks: [section('✅ No disagreements: every system agrees on every compared field.')] };
  }
  const totals = `${countOf(summary.disagreements, 'disagreement')} on ${countOf(summary.entities, 'unified entity', 'unified entities')}`;
  const blocks: KnownBlock[] = [
    header('Where the systems disagree'),
    section(`${bold(totals)}. A disagreement is one field of one customer or person on which two systems hold different values.`),
    ...fieldSections([
      table('By field', summary.byField.map((f) => [f.count, fieldLabel(f)]), rows),
      table('By system pair', summary.bySystemPair.map((p) => [p.count, systemPairPlain(p.pair)]), rows),
    ]),
    section(table('By field and system pair', summary.byFieldAndSystemPair.map((f) => [f.count, `${fieldLabel(f)}: ${systemPairPlain(f.pair)}`]), rows)),
    context([`Each customer's disagreements are on their card (${code('/concord lookup …')}); the whole report, entity by entity: ${FULL_REPORT}.`]),
  ];
  return { text: inline(`Where the systems disagree: ${totals}.`), blocks };
};
