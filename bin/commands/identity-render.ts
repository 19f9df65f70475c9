/**
 * Plain-text views of the identity engine for the terminal: the customer card `concord lookup`
 * prints, the evidence waterfall of `concord explain`, and the merge and proposal lists. Pure:
 * values in, text out, so the CLI and its tests share them.
 */
import type { SourceRecord } from '../../functions/shared/canonical';
import type { ContactHierarchy } from '../../functions/identity/golden/contact-hierarchy';
import type { LifecycleDecision } from '../../functions/identity/golden/lifecycle';
import type { GoldenRecord } from '../../functions/identity/golden/survivorship';
import type { MergeRecord } from '../../functions/identity/graph/identity-graph';
import type { EntityItem, ProposalItem } from '../../functions/identity/identity.store';
import type { LiveScore } from '../../functions/identity/matching/incremental';
import type { Thresholds } from '../../functions/identity/matching/resolve';

const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
const cut = (text: string, width: number): string => (text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`);

const leaves = (fields: Record<string, unknown>, prefix = ''): [string, unknown][] =>
  Object.entries(fields).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? leaves(v as Record<string, unknown>, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, unknown]],
  );

export const renderEntityCard = (entity: EntityItem, members: readonly SourceRecord[]): string => {
  const lines: string[] = [];
  const title = entity.label ?? entity.unifiedId;
  lines.push(`${title}  ${entity.unifiedId}  (${entity.kind}, ${entity.members.length} record${entity.members.length === 1 ? '' : 's'})`);
  const lifecycle = entity.lifecycle as LifecycleDecision | null | undefined;
  if (lifecycle) {
    lines.push(`Lifecycle: ${lifecycle.stage}  (${lifecycle.rule})`);
    for (const fact of lifecycle.evidence.slice(0, 5)) lines.push(`  because ${fact.fact}  [${fact.sourceKey}]`);
    for (const d of lifecycle.disagreements ?? []) lines.push(`  ${d.sourceSystem} says ${d.stated}  [${d.sourceKey}]`);
  }
  const golden = entity.golden as GoldenRecord | undefined;
  if (golden) {
    lines.push('Golden record (value  ← where it came from, by which rule):');
    for (const [path, value] of leaves(golden.fields)) {
      const from = golden.lineage[path];
      lines.push(`  ${cut(path, 18)} ${cut(show(value), 38)} ← ${from ? `${from.sourceKey} (${from.rule}${from.overriddenBy ? ` by ${from.overriddenBy}` : ''})` : '?'}`);
    }
  }
  lines.push('Records:');
  const byKey = new Map(members.map((m) => [m.sourceKey, m]));
  for (const key of entity.members) {
    const m = byKey.get(key);
    const name = m ? show(m.fields.name ?? ([m.fields.firstName, m.fields.lastName].filter(Boolean).join(' ') || m.fields.email || '')) : '';
    lines.push(`  ${cut(key, 48)} ${cut(m?.status ?? 'missing', 8)} ${name}`);
  }
  const hierarchy = entity.hierarchy as ContactHierarchy | null | undefined;
  if (hierarchy && hierarchy.people.length > 0) {
    lines.push('Contacts (role, strongest evidence):');
    for (const p of hierarchy.people) {
      const top = p.evidence[0];
      lines.push(`  ${p.personId}  ${cut(p.role ?? 'no role', 18)} ${p.decidedBy === 'manual' ? `chosen by ${p.manual?.by}` : top ? `${top.kind}: ${top.detail}` : ''}`);
    }
  }
  return lines.join('\n');
};

/** Bits per character of bar. */
const BAR_SCALE = 1;
const BAR_MAX = 24;

const bar = (weight: number): string => {
  const n = Math.min(BAR_MAX, Math.round(Math.abs(weight) / BAR_SCALE));
  return weight >= 0 ? `${' '.repeat(BAR_MAX)}|${'█'.repeat(n)}` : `${' '.repeat(BAR_MAX - n)}${'░'.repeat(n)}|`;
};

/**
 * The evidence as a waterfall: the prior (how rare a match between two random records is), then
 * each field's contribution in bits, then the total and what the thresholds make of it.
 */
export const renderWaterfall = (a: string, b: string, score: LiveScore, thresholds: Thresholds): string => {
  const row = (label: string, level: string, weight: number, note = '') =>
    `  ${cut(label, 14)} ${cut(level, 22)} ${(weight >= 0 ? '+' : '') + weight.toFixed(2).padStart(6)}  ${bar(weight)}${note}`;
  const lines = [`${a}  ↔  ${b}`, row('prior', 'a random pair', score.prior)];
  for (const e of score.evidence) lines.push(row(e.comparison, e.level, e.weight, e.termFrequency !== undefined ? `  (value held by ${(e.termFrequency * 100).toPrecision(2)}% of records)` : ''));
  const verdict =
    score.probability >= thresholds.link && !score.ambiguous
      ? 'links automatically'
      : score.probability >= thresholds.review
        ? score.ambiguous && score.probability >= thresholds.link
          ? 'goes to a person: the only agreement is ambiguous'
          : 'goes to a person for review'
        : 'stays apart';
  lines.push(`  ${cut('total', 37)} ${(score.weight >= 0 ? '+' : '') + score.weight.toFixed(2).padStart(6)} bits → p = ${score.probability.toFixed(4)}: ${verdict}`);
  lines.push(`  (link at p ≥ ${thresholds.link}, review at p ≥ ${thresholds.review})`);
  return lines.join('\n');
};

export const renderMerges = (merges: readonly MergeRecord[]): string =>
  merges.length === 0
    ? 'No merges yet.'
    : merges
        .map((m) => `${m.mergeId}  ${m.at}  ${m.absorbed} → ${m.survivor}  ${m.moved.length} record(s)  by ${m.actor.by}: ${m.actor.reason}${m.undone ? `  (undone ${m.undone.at} by ${m.undone.by})` : ''}`)
        .join('\n');

export const renderProposals = (proposals: readonly ProposalItem[]): string =>
  proposals.length === 0
    ? 'No merge proposals are waiting.'
    : proposals
        .map((p) => {
          const top = [...p.evidence].sort((x, y) => y.weight - x.weight).slice(0, 3).map((e) => `${e.comparison} ${e.level}`).join(', ');
          return `${p.proposalId}  p=${p.probability.toFixed(3)}  ${p.a}  ↔  ${p.b}\n    ${p.reason}; strongest: ${top}`;
        })
        .join('\n');
