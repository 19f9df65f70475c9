/**
 * The customer card `/concord lookup` answers with: one unified customer (or person) as Concord
 * sees it. The golden record with where each value came from, every system's record with a link
 * into that system, the lifecycle stage and the rule and facts that decided it, the people and
 * their roles, where the systems still disagree, and a button to override a value. Open
 * opportunities, tickets and health are shown when the caller has them (later layers provide
 * them) and left out otherwise.
 *
 * Big entities do not break Slack's limits: every list shows what fits and says how many more
 * there are and where to see them all (`concord lookup <id>` prints everything).
 */
import type { KnownBlock } from '@slack/types';
import type { ContactHierarchy, ContactRoleDecision } from '../../functions/identity/golden/contact-hierarchy';
import type { EntityDisagreement } from '../../functions/identity/golden/disagreements';
import type { LifecycleDecision } from '../../functions/identity/golden/lifecycle';
import type { FieldLineage, GoldenRecord } from '../../functions/identity/golden/survivorship';
import type { EntityItem } from '../../functions/identity/identity.store';
import type { SourceRecord } from '../../functions/shared/canonical';
import { ACTION_IDS, BLOCK_IDS, entityValue } from './action-ids';
import type { DeepLinkConfig } from './deep-links';
import {
  actor,
  countOf,
  fieldNamePlain,
  recordLabelPlain,
  recordLink,
  sourceKeyLink,
  SYSTEM_NAMES,
  systemsOfPlain,
  valuePlain,
} from './describe';
import { actions, button, capBlocks, context, divider, fieldSections, fitLines, header, section } from './elements';
import { SLACK_LIMITS } from './limits';
import type { SlackMessage } from './message';
import { bold, code, inline, italic } from './mrkdwn';

/** Health arrives with the intelligence layer; the card shows it when given. */
export interface HealthSummary {
  /** 0–100. */
  score: number;
  /** `healthy`, `at risk`, … as the scoring names it. */
  band: string;
  /** The strongest reasons, most important first. */
  drivers: readonly string[];
}

export interface CustomerCardInput {
  /** The entity as stored; its golden record, lifecycle and hierarchy are the views identity built. */
  entity: Pick<EntityItem, 'unifiedId' | 'kind' | 'label' | 'members' | 'golden' | 'lifecycle' | 'hierarchy'>;
  /** Its member records as loaded (any order; a member not loaded is listed by its key). */
  members: readonly SourceRecord[];
  links: DeepLinkConfig;
  /** Unified person id → name, for the contact hierarchy. */
  people?: ReadonlyMap<string, string>;
  disagreements?: readonly EntityDisagreement[];
  /** Related opportunity records; the open ones are shown. */
  opportunities?: readonly SourceRecord[];
  /** Related ticket records; the unsolved ones are shown. */
  tickets?: readonly SourceRecord[];
  health?: HealthSummary;
  /** Offer the override button (default true; the app may hide it from people who cannot use it). */
  canOverride?: boolean;
}

/** How many rows each list shows before "and N more": enough to read, few enough to scan. */
export const CARD_LIST_ROWS = { records: 15, golden: 20, facts: 5, contacts: 10, opportunities: 8, tickets: 8, disagreements: 8 } as const;

// The views are derived data identity wrote itself (golden/entity-views.ts); the store keeps them
// untyped, and they are read here as the CLI reads them.
const goldenOf = (entity: CustomerCardInput['entity']) => (entity.golden ?? undefined) as GoldenRecord | undefined;
const lifecycleOf = (entity: CustomerCardInput['entity']) => (entity.lifecycle ?? undefined) as LifecycleDecision | undefined;
const hierarchyOf = (entity: CustomerCardInput['entity']) => (entity.hierarchy ?? undefined) as ContactHierarchy | undefined;

const lookupHint = (unifiedId: string): string => `${code(`concord lookup ${unifiedId}`)} shows all`;

const moreNote = (unifiedId: string) => (omitted: number) => `…and ${omitted} more (${lookupHint(unifiedId)})`;

/** A list section: a bold title, then at most `rows` rows (and what fits in one section), then how many more. */
const listSection = (title: string, lines: readonly string[], rows: number, unifiedId: string): KnownBlock =>
  section(`${title}\n${fitLines(lines, moreNote(unifiedId), { maxChars: SLACK_LIMITS.sectionText - title.length - 1, maxRows: rows })}`);

// ---- golden record -------------------------------------------------------------------------------------

const STEP_NAMES: Readonly<Record<string, string>> = {
  onlySource: 'only source',
  override: 'override',
  mostRecent: 'newest',
  mostComplete: 'most complete',
  mostFrequent: 'most systems agree',
  tiebreak: 'tie: newest',
};

/** `sourcePriority(netsuite>stripe) → mostRecent` as `system priority → newest`. */
const describeRule = (rule: string): string =>
  rule
    .split(' → ')
    .map((step) => (step.startsWith('sourcePriority') ? 'system priority' : (STEP_NAMES[step] ?? step)))
    .join(' → ');

const lineageText = (links: DeepLinkConfig, lineage: readonly FieldLineage[]): string => {
  const bySource = new Map<string, FieldLineage>();
  for (const l of lineage) if (!bySource.has(l.sourceKey)) bySource.set(l.sourceKey, l);
  return [...bySource.values()]
    .slice(0, 2)
    .map((l) => {
      const how = l.overriddenBy === undefined ? describeRule(l.rule) : `override by ${actor(l.overriddenBy)}`;
      return `↳ ${sourceKeyLink(links, l.sourceKey)} · ${italic(how, 200)}`;
    })
    .join('\n');
};

/** One item per top-level field; an object (an address) is one item, its leaves' sources listed once. */
const goldenItems = (golden: GoldenRecord, links: DeepLinkConfig): string[] =>
  Object.entries(golden.fields).flatMap(([field, value]) => {
    const shown = valuePlain(value);
    if (shown.trim() === '') return [];
    const lineage = Object.entries(golden.lineage)
      .filter(([path]) => path === field || path.startsWith(`${field}.`))
      .map(([, l]) => l);
    const from = lineage.length === 0 ? '' : `\n${lineageText(links, lineage)}`;
    return [`${bold(fieldNamePlain(field), 200)}\n${inline(shown, 1200)}${from}`];
  });

// ---- lifecycle, contacts, related records --------------------------------------------------------------

const lifecycleLines = (lifecycle: LifecycleDecision, links: DeepLinkConfig): string[] => {
  const [ruleId, ...sentence] = lifecycle.rule.split(': ');
  const facts = lifecycle.evidence.slice(0, CARD_LIST_ROWS.facts).map((f) => `• ${inline(f.fact, 400)} (${sourceKeyLink(links, f.sourceKey)})`);
  const moreFacts = lifecycle.evidence.length > CARD_LIST_ROWS.facts ? [`• …and ${lifecycle.evidence.length - CARD_LIST_ROWS.facts} more facts`] : [];
  const statements = lifecycle.disagreements.map((d) => `• ${sourceKeyLink(links, d.sourceKey, SYSTEM_NAMES[d.sourceSystem])} says ${bold(d.stated)}, overruled by this rule`);
  return [
    `${bold('Lifecycle:')} ${bold(lifecycle.stage)}, by rule ${code(ruleId ?? lifecycle.ruleId)}: ${inline(sentence.join(': '), 500)}`,
    ...facts,
    ...moreFacts,
    ...statements,
  ];
};

const ROLE_NAMES: Readonly<Record<string, string>> = { buyer: 'buyer', user: 'user', influencer: 'influencer', executive_sponsor: 'executive sponsor' };

const contactLine = (person: ContactRoleDecision, people: ReadonlyMap<string, string> | undefined): string => {
  const name = people?.get(person.personId);
  const who = name === undefined ? code(person.personId) : `${bold(name, 200)} ${code(person.personId)}`;
  const role = person.role === null ? 'no role yet' : bold(ROLE_NAMES[person.role] ?? person.role);
  const top = person.evidence[0];
  const why =
    person.decidedBy === 'manual' && person.manual !== undefined
      ? `chosen by ${actor(person.manual.by)}`
      : top === undefined
        ? ''
        : `${inline(top.kind)}: ${inline(top.detail, 300)}`;
  return `• ${who}: ${role}${why === '' ? '' : ` (${why})`}`;
};

const isTrue = (v: unknown): boolean => v === true;

const opportunityLine = (o: SourceRecord, links: DeepLinkConfig): string => {
  const f = o.fields;
  const amount = typeof f.amount === 'number' ? ` · ${inline(`${valuePlain(f.amount)}${typeof f.currency === 'string' ? ` ${f.currency}` : ''}`)}` : '';
  const stage = typeof f.stage === 'string' ? ` · ${inline(f.stage, 100)}` : '';
  const close = typeof f.closeDate === 'string' ? ` · closes ${inline(f.closeDate, 40)}` : '';
  return `• ${recordLink(links, o, recordLabelPlain(o))}${amount}${stage}${close}`;
};

/** Zendesk's statuses that need no more work. */
const SOLVED_TICKETS = new Set(['solved', 'closed']);

const ticketLine = (t: SourceRecord, links: DeepLinkConfig): string => {
  const f = t.fields;
  const status = typeof f.status === 'string' ? ` · ${inline(f.status, 40)}` : '';
  const priority = typeof f.priority === 'string' ? ` · ${inline(f.priority, 40)} priority` : '';
  return `• ${recordLink(links, t, recordLabelPlain(t))}${status}${priority}`;
};

const disagreementLine = (d: EntityDisagreement, links: DeepLinkConfig): string => {
  const values = d.values.slice(0, 3).map((v) => {
    const holders = v.holders
      .slice(0, 3)
      .map((h) => sourceKeyLink(links, h.sourceKey, SYSTEM_NAMES[h.sourceSystem]))
      .join(', ');
    return `${v.chosen ? '✓ ' : ''}“${inline(valuePlain(v.value), 200)}” (${holders})`;
  });
  const more = d.values.length > 3 ? ` …and ${d.values.length - 3} more values` : '';
  return `• ${bold(fieldNamePlain(d.field))}: ${values.join(' vs ')}${more}`;
};

// ---- the card ------------------------------------------------------------------------------------------

const recordLine = (key: string, record: SourceRecord | undefined, links: DeepLinkConfig): string => {
  if (record === undefined) return `• ${sourceKeyLink(links, key)} ${italic('(not loaded)')}`;
  const status = record.status === 'active' ? '' : ` ${italic(`(${record.status})`)}`;
  return `• ${recordLink(links, record)} ${inline(recordLabelPlain(record), 300)}${status}`;
};

export const customerCard = (input: CustomerCardInput): SlackMessage => {
  const { entity, links } = input;
  const golden = goldenOf(entity);
  const lifecycle = lifecycleOf(entity);
  const hierarchy = hierarchyOf(entity);
  const title = entity.label ?? entity.unifiedId;
  const systems = systemsOfPlain(entity.members);
  const noun = entity.kind === 'account' ? 'Customer' : 'Person';
  const byKey = new Map(input.members.map((m) => [m.sourceKey, m]));

  const blocks: KnownBlock[] = [
    header(title),
    context([`${noun} ${code(entity.unifiedId)}`, `${countOf(entity.members.length, 'record')} in ${inline(systems.join(', ') || 'no system')}`]),
  ];

  if (lifecycle !== undefined) blocks.push(section(fitLines(lifecycleLines(lifecycle, links), (n) => `• …and ${n} more`)));
  if (input.health !== undefined) {
    const drivers = input.health.drivers.slice(0, 5).map((d) => `• ${inline(d, 300)}`);
    blocks.push(section([`${bold('Health:')} ${bold(String(Math.round(input.health.score)))}/100, ${inline(input.health.band, 60)}`, ...drivers].join('\n')));
  }

  if (golden !== undefined) {
    const items = goldenItems(golden, links);
    const shown = items.slice(0, CARD_LIST_ROWS.golden);
    blocks.push(section(bold('Golden record') + ' ' + italic('each value, and the record it came from')));
    blocks.push(...fieldSections(shown));
    if (items.length > shown.length) blocks.push(context([moreNote(entity.unifiedId)(items.length - shown.length)]));
    if (golden.staleOverrides.length > 0) {
      blocks.push(context([`${countOf(golden.staleOverrides.length, 'override')} no longer decide${golden.staleOverrides.length === 1 ? 's' : ''} anything: no system holds the chosen value any more.`]));
    }
  }

  const records = [...entity.members].sort().map((key) => recordLine(key, byKey.get(key), links));
  blocks.push(divider(), listSection(bold(`Records (${entity.members.length})`), records, CARD_LIST_ROWS.records, entity.unifiedId));

  if (hierarchy !== undefined && hierarchy.people.length > 0) {
    const lines = hierarchy.people.map((p) => contactLine(p, input.people));
    blocks.push(listSection(bold(`Contacts (${hierarchy.people.length})`), lines, CARD_LIST_ROWS.contacts, entity.unifiedId));
  }
  if (input.opportunities !== undefined) {
    const open = input.opportunities.filter((o) => o.status === 'active' && !isTrue(o.fields.isClosed));
    const lines = open.length === 0 ? [italic('none open')] : open.map((o) => opportunityLine(o, links));
    blocks.push(listSection(bold(`Open opportunities (${open.length})`), lines, CARD_LIST_ROWS.opportunities, entity.unifiedId));
  }
  if (input.tickets !== undefined) {
    const open = input.tickets.filter((t) => t.status === 'active' && !SOLVED_TICKETS.has(String(t.fields.status ?? '').toLowerCase()));
    const lines = open.length === 0 ? [italic('none open')] : open.map((t) => ticketLine(t, links));
    blocks.push(listSection(bold(`Open tickets (${open.length})`), lines, CARD_LIST_ROWS.tickets, entity.unifiedId));
  }
  if (input.disagreements !== undefined && input.disagreements.length > 0) {
    const lines = input.disagreements.map((d) => disagreementLine(d, links));
    blocks.push(listSection(`${bold(`Where the systems disagree (${input.disagreements.length})`)} ${italic('✓ is the value Concord shows')}`, lines, CARD_LIST_ROWS.disagreements, entity.unifiedId));
  }

  if (input.canOverride !== false && golden !== undefined) {
    blocks.push(
      actions(
        [button({ text: 'Override a value', actionId: ACTION_IDS.cardOverrideOpen, value: entityValue(entity.unifiedId), accessibilityLabel: `Choose which value ${title} shows for a field` })],
        BLOCK_IDS.cardActions,
      ),
    );
  }

  const stage = lifecycle === undefined ? '' : `, ${lifecycle.stage}`;
  return {
    text: inline(`${title} (${entity.unifiedId})${stage}: ${countOf(entity.members.length, 'record')} in ${systems.join(', ') || 'no system'}`, 500),
    blocks: capBlocks(blocks, SLACK_LIMITS.messageBlocks, (n) => `…and ${n} more sections (${lookupHint(entity.unifiedId)})`),
  };
};
