/**
 * The disagreement report: for each unified account or person, the fields on which its member
 * systems still disagree (an address, an email, an owner, a CRM 'customer' that billing says has
 * churned), with counts per field and per pair of systems, so someone can fix the system that lags.
 *
 * Choices a reader should know:
 * - Formatting is not disagreement. Values are compared as the matcher's normalizers read them:
 *   '+1 (415) 555-0100' is '4155550100', 'ACME@x.com' is 'acme@x.com', '100 Main St.' is
 *   '100 Main Street', 'ACME, Inc.' is 'Acme Incorporated'. Only what is left after that counts.
 * - A part one record lacks is not a disagreement: an address without a postal code, a phone
 *   without an extension, agrees with the fuller one wherever both say something. One system
 *   knowing less is a gap for survivorship's `mostComplete`, not two systems contradicting each
 *   other. So two values conflict when some part both hold differs.
 * - Disagreement is reported on survivorship's units, not on leaves: the rules take an address
 *   whole, so an address that differs in street and city is ONE 'address' disagreement, and it
 *   can name the one value the golden record took. Reporting its leaves would show the same choice
 *   several times and count one wrong address as several problems.
 * - Only between systems. Two Salesforce records that differ are a duplicate inside Salesforce,
 *   the merge workflow's problem, so a conflict counts only when the two values come from
 *   different systems. Once one does, every value the members hold is listed, duplicates too.
 * - Only active members are evidence, as for survivorship: a deleted record holds nothing anyone
 *   should see, so its old address contradicts no one.
 * - Fields not compared are those expected to differ per system, or settled elsewhere: see
 *   NOT_COMPARED.
 * - Lifecycle disagreements are the ones decideLifecycle lists, not a comparison of the systems'
 *   stated stages: billing evidence, not the statements, decides the stage, so the disagreement is
 *   a statement against that decision and the records it rests on.
 * - Deterministic: every list is sorted in code-unit order, so neither the order of the members
 *   nor of the entities changes the report.
 *
 * Pure: the shell loads the members, the golden record and the lifecycle decision.
 */
import { Address, SourceSystem, type SourceRecord } from '../../shared/canonical';
import { normalizeAddress, type NormalizedAddress } from '../normalize/address';
import { normalizeCompanyName } from '../normalize/company-name';
import { normalizeDomain } from '../normalize/domain';
import { normalizeEmail } from '../normalize/email';
import { foldText } from '../normalize/person-name';
import { normalizePhone } from '../normalize/phone';
import type { LifecycleDecision } from './lifecycle';
import { compareText, isActive } from './sourced';
import { isPlainObject, leavesOf, type GoldenEntityType, type GoldenRecord, type SurvivorshipRules } from './survivorship';
import { DEFAULT_SURVIVORSHIP_RULES } from './survivorship-rules';

// ---- types --------------------------------------------------------------------------------------

/** One unified account or person as the shell loaded it. */
export interface DisagreementEntity {
  unifiedId: string;
  kind: GoldenEntityType;
  /** Every linked source record, in any order; deleted and erased ones are skipped. */
  members: readonly SourceRecord[];
  /** Built from these members with the same rules as `options.rules`. */
  golden: GoldenRecord;
  /** The account's lifecycle decision, whose disagreements are carried over. */
  lifecycle?: LifecycleDecision;
}

export interface FindDisagreementsOptions {
  /** The rules the golden record was built with: they say which fields are taken whole. */
  rules?: SurvivorshipRules;
  /** Where national phone numbers are read when a record has no country (as the matcher does). */
  defaultRegion?: string;
}

export type DisagreementKind = 'value' | 'lifecycle';

export interface DisagreementHolder {
  sourceKey: string;
  sourceSystem: SourceSystem;
  /** As this record writes it; for the decided lifecycle stage, the facts this record contributed. */
  value: unknown;
}

export interface DisagreeingValue {
  /** As one holder writes it: the golden record's spelling when chosen, else the lowest source key's. */
  value: unknown;
  /** By source key. */
  holders: DisagreementHolder[];
  /** Whether the golden record (or the lifecycle decision) took this value. */
  chosen: boolean;
}

export interface DisagreementChoice {
  /** The lineage's rule ('sourcePriority(…) → mostRecent', 'override'), or the lifecycle rule. */
  rule: string;
  /** The member the golden record took the value from; absent for a lifecycle decision. */
  sourceKey?: string;
  overriddenBy?: string;
}

export interface EntityDisagreement {
  unifiedId: string;
  entityKind: GoldenEntityType;
  /** A survivorship unit ('address', 'email'), or 'lifecycleStage'. */
  field: string;
  kind: DisagreementKind;
  /** The chosen value first, then the most held, then by normalized value. */
  values: DisagreeingValue[];
  /** Absent when the golden record holds nothing for the field (built from other members). */
  choice?: DisagreementChoice;
  /** Unordered pairs of systems whose values conflict, 'hubspot↔salesforce', sorted. */
  systemPairs: string[];
}

// ---- what is compared ---------------------------------------------------------------------------

/**
 * - concordId: our own write-back; a system that lags behind a merge is the write-back's drift
 *   sweep to repair, not a fact about the customer.
 * - customerNumber (account): each system's own numbering (NetSuite's entityid, Salesforce's
 *   AccountNumber, Zendesk's external_id), different by design.
 * - lifecycleStage (account): reported from the lifecycle decision instead (see the module comment).
 * - accountRef (person): an id in the holder's own system, so it differs across any two systems.
 * - role (person): derived by contact-hierarchy.ts from weighted evidence, where a system's role
 *   field is one piece of evidence among deal roles, titles and tickets; it has no golden value
 *   to disagree with.
 */
export const NOT_COMPARED: Readonly<Record<GoldenEntityType, readonly string[]>> = {
  account: ['concordId', 'customerNumber', 'lifecycleStage'],
  person: ['concordId', 'accountRef', 'role'],
};

/** A comparable part: the leaf path, or `<leaf>#<part>` for a leaf read as several parts. */
type Part = readonly [key: string, text: string];

interface ReadingContext {
  address?: NormalizedAddress;
  phoneRegion: string;
}


const isWithin = (path: string, ancestor: string): boolean => path === ancestor || path.startsWith(`${ancestor}.`);

const leafOfPart = (key: string): string => key.split('#')[0] as string;

const textOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

const folded = (value: unknown): string => (typeof value === 'string' ? foldText(value) : JSON.stringify(value));

const emailKey = (value: unknown): string => {
  const email = normalizeEmail(textOf(value));
  // The mailbox, not the spelling: 'jane+crm@' and 'jane@' deliver to the same person.
  return email.kind === 'valid' ? email.matchKey : textOf(value).trim().toLowerCase();
};

const domainKey = (value: unknown): string => {
  const domain = normalizeDomain(textOf(value));
  return domain.kind === 'invalid' ? textOf(value).trim().toLowerCase() : domain.registrableDomain;
};

/**
 * The site's host without 'www.'; a path only counts on a platform ('linkedin.com/company/acme'),
 * where it names the company, so 'acme.com/en/' and 'https://www.acme.com' agree.
 */
const websiteKey = (value: unknown): string => {
  const site = normalizeDomain(textOf(value));
  if (site.kind === 'invalid' || site.kind === 'platform') {
    return textOf(value).trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^www\./, '').replace(/\/+$/, '');
  }
  return site.hostname;
};

/** The extension is a part of its own: a direct line and the switchboard share the main number. */
const phoneParts = (path: string, value: unknown, region: string): Part[] => {
  const phone = normalizePhone(textOf(value), region);
  if (phone.kind === 'invalid') return [[path, textOf(value).replace(/\D/g, '')]];
  return phone.extension === undefined ? [[path, phone.e164]] : [[path, phone.e164], [`${path}#extension`, phone.extension]];
};

/** The street is read as its name, house number and unit, so 'Suite 400' missing is no conflict. */
const addressParts = (path: string, value: unknown, address: NormalizedAddress | undefined): Part[] => {
  switch (path) {
    case 'address.street':
      return [
        [path, address?.street ?? ''],
        [`${path}#houseNumber`, address?.houseNumber ?? ''],
        [`${path}#unit`, address?.unit ?? ''],
      ];
    case 'address.city':
      return [[path, address?.city ?? '']];
    case 'address.postalCode':
      return [[path, address?.postalCode ?? '']];
    case 'address.region':
      return [[path, address?.region ?? '']];
    // An unreadable country ('Atlantis') is still compared, as text.
    case 'address.country':
      return [[path, address?.country ?? folded(value)]];
    default:
      return [[path, folded(value)]];
  }
};

/** How each field reads; anything else is folded text (case, accents, punctuation) or the value itself. */
const partsOfLeaf = (path: string, value: unknown, context: ReadingContext): Part[] => {
  if (path.startsWith('address.')) return addressParts(path, value, context.address);
  switch (path) {
    case 'email':
    case 'ownerEmail':
      return [[path, emailKey(value)]];
    case 'phone':
      return phoneParts(path, value, context.phoneRegion);
    case 'domain':
      return [[path, domainKey(value)]];
    case 'website':
      return [[path, websiteKey(value)]];
    // The legal form is dropped: the CRM keeps the trading name, the ERP the legal one ('Acme' and
    // 'Acme GmbH' are one name), and a wrong-but-similar suffix is not worth anyone's time.
    case 'name':
      return [[path, normalizeCompanyName(textOf(value)).normalized]];
    // As the matcher reads a trusted tax id: 'DE 123.456' is 'DE123456'.
    case 'taxId':
      return [[path, textOf(value).replace(/[\s.-]/g, '').toUpperCase()]];
    default:
      return [[path, typeof value === 'string' ? foldText(value) : JSON.stringify(value)]];
  }
};

/** One member's view of the entity: the comparable parts of its fields. */
interface Reading {
  record: SourceRecord;
  parts: readonly Part[];
}

const readMember = (record: SourceRecord, excluded: readonly string[], defaultRegion: string): Reading => {
  const leaves = Object.entries(record.fields)
    .flatMap(([key, value]) => leavesOf(value, key))
    .filter(([path]) => !excluded.some((x) => isWithin(path, x)));
  const raw = record.fields.address;
  // The address is read whole because its country decides how the street, postal code and region read.
  const address = isPlainObject(raw) ? normalizeAddress(Object.fromEntries(Object.entries(raw).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as const] : [])))) : undefined;
  const context: ReadingContext = { phoneRegion: address?.country ?? defaultRegion, ...(address === undefined ? {} : { address }) };
  const parts = leaves.flatMap(([path, value]) => partsOfLeaf(path, value, context)).filter(([, text]) => text !== '');
  return { record, parts };
};

// ---- value disagreements ------------------------------------------------------------------------

/** A member's value for one unit. */
interface Holding {
  record: SourceRecord;
  raw: unknown;
  parts: ReadonlyMap<string, string>;
  key: string;
}

/** The unit's value as the record holds it: a leaf, or the object a rule takes whole. */
const valueAt = (fields: Record<string, unknown>, unit: string): unknown =>
  unit.split('.').reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), fields);

const holdingsFor = (unit: string, readings: readonly Reading[]): Holding[] =>
  readings.flatMap((reading) => {
    const parts = reading.parts.filter(([key]) => isWithin(leafOfPart(key), unit)).sort(([a], [b]) => compareText(a, b));
    if (parts.length === 0) return [];
    return [{ record: reading.record, raw: valueAt(reading.record.fields, unit), parts: new Map(parts), key: JSON.stringify(parts) }];
  });

const conflict = (a: Holding, b: Holding): boolean => [...a.parts].some(([key, text]) => b.parts.has(key) && b.parts.get(key) !== text);

const pairOf = (a: SourceSystem, b: SourceSystem): string => (a < b ? `${a}↔${b}` : `${b}↔${a}`);

const groupBy = <T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
};

const sortedUnique = (items: Iterable<string>): string[] => [...new Set(items)].sort(compareText);

const bySourceKey = (a: { sourceKey: string }, b: { sourceKey: string }): number => compareText(a.sourceKey, b.sourceKey);

const choiceFor = (unit: string, golden: GoldenRecord): DisagreementChoice | undefined => {
  const [path] = Object.keys(golden.lineage)
    .filter((leaf) => isWithin(leaf, unit))
    .sort(compareText);
  const lineage = path === undefined ? undefined : golden.lineage[path];
  if (lineage === undefined) return undefined;
  return { rule: lineage.rule, sourceKey: lineage.sourceKey, ...(lineage.overriddenBy === undefined ? {} : { overriddenBy: lineage.overriddenBy }) };
};

interface Group {
  key: string;
  value: DisagreeingValue;
}

const byChosenThenHeld = (a: Group, b: Group): number =>
  Number(b.value.chosen) - Number(a.value.chosen) || b.value.holders.length - a.value.holders.length || compareText(a.key, b.key);

const valueDisagreement = (entity: DisagreementEntity, unit: string, readings: readonly Reading[]): EntityDisagreement | undefined => {
  const holdings = holdingsFor(unit, readings);
  const pairs = holdings.flatMap((a, i) =>
    holdings.slice(i + 1).flatMap((b) => (a.record.sourceSystem !== b.record.sourceSystem && conflict(a, b) ? [pairOf(a.record.sourceSystem, b.record.sourceSystem)] : [])),
  );
  if (pairs.length === 0) return undefined;

  const choice = choiceFor(unit, entity.golden);
  const byKey = groupBy(
    [...holdings].sort((a, b) => bySourceKey(a.record, b.record)),
    (h) => h.key,
  );
  const groups = [...byKey].map(([key, held]): Group => {
    const chosen = held.find((h) => h.record.sourceKey === choice?.sourceKey);
    return {
      key,
      value: {
        value: (chosen ?? (held[0] as Holding)).raw,
        holders: held.map((h) => ({ sourceKey: h.record.sourceKey, sourceSystem: h.record.sourceSystem, value: h.raw })),
        chosen: chosen !== undefined,
      },
    };
  });
  return {
    unifiedId: entity.unifiedId,
    entityKind: entity.kind,
    field: unit,
    kind: 'value',
    values: groups.sort(byChosenThenHeld).map((g) => g.value),
    ...(choice === undefined ? {} : { choice }),
    systemPairs: sortedUnique(pairs),
  };
};

// ---- lifecycle disagreements --------------------------------------------------------------------

/** The system of a source key ('stripe#subscription#sub_1'); anything else is a bug upstream. */
const systemOfKey = (sourceKey: string): SourceSystem => {
  const system = SourceSystem.safeParse(sourceKey.split('#')[0]);
  if (!system.success) throw new Error(`disagreements: "${sourceKey}" is not a source key`);
  return system.data;
};

/**
 * The decided stage is held by the records its evidence rests on (each with its facts), and each
 * stated stage by the systems that state it. A statement contradicted only by its own system's
 * records (the CRM says prospect, its own deal was won) is still listed, with no system pair.
 */
const lifecycleDisagreement = (entity: DisagreementEntity, decision: LifecycleDecision): EntityDisagreement | undefined => {
  if (decision.disagreements.length === 0) return undefined;
  const facts = groupBy(decision.evidence, (e) => e.sourceKey);
  const evidence: DisagreementHolder[] = [...facts]
    .map(([sourceKey, said]) => ({ sourceKey, sourceSystem: systemOfKey(sourceKey), value: said.map((e) => e.fact).sort(compareText).join('; ') }))
    .sort(bySourceKey);

  const stated = groupBy(decision.disagreements, (d) => d.stated);
  const statedGroups = [...stated].map(
    ([stage, ds]): Group => ({
      key: stage,
      value: { value: stage, holders: ds.map((d) => ({ sourceKey: d.sourceKey, sourceSystem: d.sourceSystem, value: d.stated })).sort(bySourceKey), chosen: false },
    }),
  );

  const pairs = decision.disagreements.flatMap((d) => evidence.filter((e) => e.sourceSystem !== d.sourceSystem).map((e) => pairOf(d.sourceSystem, e.sourceSystem)));
  return {
    unifiedId: entity.unifiedId,
    entityKind: entity.kind,
    field: 'lifecycleStage',
    kind: 'lifecycle',
    values: [{ value: decision.stage, holders: evidence, chosen: true }, ...statedGroups.sort(byChosenThenHeld).map((g) => g.value)],
    choice: { rule: decision.rule },
    systemPairs: sortedUnique(pairs),
  };
};

// ---- per entity ---------------------------------------------------------------------------------

/** Mixed entity types or another entity's decision are bugs upstream that no report can make sense of. */
const assertConsistent = (entity: DisagreementEntity): void => {
  const stranger = entity.members.find((m) => m.entityType !== entity.kind);
  if (stranger !== undefined) throw new Error(`disagreements for ${entity.kind} ${entity.unifiedId}: member ${stranger.sourceKey} is a ${stranger.entityType}`);
  if (entity.lifecycle === undefined) return;
  if (entity.kind !== 'account') throw new Error(`disagreements for ${entity.unifiedId}: only accounts have a lifecycle stage`);
  if (entity.lifecycle.unifiedId !== entity.unifiedId) throw new Error(`disagreements for ${entity.unifiedId}: the lifecycle decision is ${entity.lifecycle.unifiedId}'s`);
};

/** Where the active members of one unified account or person disagree, by field (code-unit order). */
export const findDisagreements = (entity: DisagreementEntity, options: FindDisagreementsOptions = {}): EntityDisagreement[] => {
  assertConsistent(entity);
  const rules = (options.rules ?? DEFAULT_SURVIVORSHIP_RULES)[entity.kind];
  const readings = entity.members.filter(isActive).map((m) => readMember(m, NOT_COMPARED[entity.kind], options.defaultRegion ?? 'US'));
  // The same units as survivorship's: a leaf belongs to the object a rule takes whole, if any.
  const named = Object.keys(rules.fields);
  const unitOf = (leaf: string): string => named.find((field) => isWithin(leaf, field)) ?? leaf;
  const units = sortedUnique(readings.flatMap((r) => r.parts.map(([key]) => unitOf(leafOfPart(key)))));

  const found = units.flatMap((unit) => valueDisagreement(entity, unit, readings) ?? []);
  const lifecycle = entity.lifecycle === undefined ? undefined : lifecycleDisagreement(entity, entity.lifecycle);
  return [...found, ...(lifecycle === undefined ? [] : [lifecycle])].sort((a, b) => compareText(a.field, b.field));
};

// ---- summary ------------------------------------------------------------------------------------

export interface FieldCount {
  entityKind: GoldenEntityType;
  field: string;
  count: number;
}

export interface SystemPairCount {
  pair: string;
  count: number;
}

export interface FieldSystemPairCount extends FieldCount {
  pair: string;
}

/**
 * Counts of disagreements (one per entity and field). A disagreement counts once for each system
 * pair it involves, so the pair counts may add up to more than the total, or (for a lifecycle
 * statement contradicted only by its own system) to less. Most frequent first, then code-unit order.
 */
export interface DisagreementSummary {
  disagreements: number;
  /** Unified entities with at least one disagreement. */
  entities: number;
  byField: FieldCount[];
  bySystemPair: SystemPairCount[];
  byFieldAndSystemPair: FieldSystemPairCount[];
}

const entityKeyOf = (d: Pick<EntityDisagreement, 'entityKind' | 'unifiedId'>): string => `${d.entityKind} ${d.unifiedId}`;

const countsOf = <T extends object>(items: readonly T[], keyOf: (item: T) => string): Array<T & { count: number }> => {
  const counts = new Map<string, T & { count: number }>();
  for (const item of items) {
    const key = keyOf(item);
    const seen = counts.get(key);
    counts.set(key, { ...item, count: (seen?.count ?? 0) + 1 });
  }
  return [...counts].sort(([ka, a], [kb, b]) => b.count - a.count || compareText(ka, kb)).map(([, counted]) => counted);
};

/** Takes each entity's findDisagreements (nested or flat, any order). */
export const summarizeDisagreements = (found: readonly (EntityDisagreement | readonly EntityDisagreement[])[]): DisagreementSummary => {
  const all = found.flat();
  const seen = new Set<string>();
  for (const d of all) {
    // Counting an entity twice would inflate every number silently; it means the caller listed it twice.
    const key = `${entityKeyOf(d)} ${d.field}`;
    if (seen.has(key)) throw new Error(`disagreements summary: ${d.entityKind} ${d.unifiedId} lists ${d.field} twice`);
    seen.add(key);
  }
  const fieldKey = (f: { entityKind: string; field: string }) => `${f.entityKind}\u0000${f.field}`;
  const withPairs = all.flatMap((d) => d.systemPairs.map((pair) => ({ entityKind: d.entityKind, field: d.field, pair })));
  return {
    disagreements: all.length,
    entities: new Set(all.map(entityKeyOf)).size,
    byField: countsOf(
      all.map(({ entityKind, field }) => ({ entityKind, field })),
      fieldKey,
    ),
    bySystemPair: countsOf(
      withPairs.map(({ pair }) => ({ pair })),
      ({ pair }) => pair,
    ),
    byFieldAndSystemPair: countsOf(withPairs, (f) => `${fieldKey(f)}\u0000${f.pair}`),
  };
};

// ---- plain text ---------------------------------------------------------------------------------

export interface RenderOptions {
  /** How many entities to show in detail, those with the most disagreements first. */
  entities?: number;
  /** How many rows each table shows. */
  rows?: number;
  /** Lines longer than this end in '…'. */
  width?: number;
}

const ADDRESS_ORDER: readonly string[] = Object.keys(Address.shape);

/** An address reads street first, as on an envelope; other objects in code-unit order. */
const orderKeys = (a: string, b: string): number => {
  const [ia, ib] = [ADDRESS_ORDER.indexOf(a), ADDRESS_ORDER.indexOf(b)];
  return (ia < 0 ? ADDRESS_ORDER.length : ia) - (ib < 0 ? ADDRESS_ORDER.length : ib) || compareText(a, b);
};

const formatValue = (value: unknown): string => {
  if (isPlainObject(value)) {
    return Object.keys(value)
      .sort(orderKeys)
      .map((key) => formatValue(value[key]))
      .filter((text) => text.trim() !== '')
      .join(', ');
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
};

const fit = (line: string, width: number): string => {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, width - 1).join('')}…`;
};

const table = (title: string, rows: readonly (readonly [count: number, label: string])[], limit: number): string[] => {
  if (rows.length === 0) return [];
  const shown = rows.slice(0, limit).map(([count, label]) => `  ${String(count).padStart(6)}  ${label}`);
  const more = rows.length > limit ? [`  (+${rows.length - limit} more)`] : [];
  return ['', title, ...shown, ...more];
};

const describeChoice = (choice: DisagreementChoice | undefined): string => {
  if (choice === undefined) return 'the golden record holds none of these';
  const by = choice.overriddenBy === undefined ? choice.rule : `override by ${choice.overriddenBy}`;
  return choice.sourceKey === undefined ? `decided by ${by}` : `golden from ${choice.sourceKey} by ${by}`;
};

const entityLines = (disagreements: readonly EntityDisagreement[]): string[] => {
  const [first] = disagreements;
  if (first === undefined) return [];
  const lines = ['', `${first.entityKind} ${first.unifiedId}: ${disagreements.length} field${disagreements.length === 1 ? '' : 's'}`];
  for (const d of disagreements) {
    const pairs = d.systemPairs.length === 0 ? '' : ` [${d.systemPairs.join(', ')}]`;
    lines.push(`  ${d.field}${pairs}: ${describeChoice(d.choice)}`);
    for (const v of d.values) lines.push(`    ${v.chosen ? '*' : ' '} ${formatValue(v.value)}  ← ${v.holders.map((h) => h.sourceKey).join(', ')}`);
  }
  return lines;
};

/**
 * The report as `concord report disagreements` prints it: the totals, the three tables, then the
 * entities with the most disagreements, each value with the records holding it ('*' marks the one
 * the golden record or lifecycle decision took). Fits a 100-column terminal by default.
 */
export const renderDisagreementReport = (
  summary: DisagreementSummary,
  found: readonly (EntityDisagreement | readonly EntityDisagreement[])[],
  options: RenderOptions = {},
): string => {
  const { entities: entityLimit = 10, rows = 15, width = 100 } = options;
  if (summary.disagreements === 0) return 'No disagreements: every system agrees on every compared field.\n';
  const label = (f: FieldCount) => `${f.entityKind} ${f.field}`;
  const ranked = [...groupBy(found.flat(), entityKeyOf)]
    .sort(([ka, a], [kb, b]) => b.length - a.length || compareText(ka, kb))
    .map(([, ds]) => [...ds].sort((a, b) => compareText(a.field, b.field)));
  const shown = ranked.slice(0, entityLimit);
  const lines = [
    `Disagreements: ${summary.disagreements} on ${summary.entities} unified entit${summary.entities === 1 ? 'y' : 'ies'}`,
    ...table('By field', summary.byField.map((f) => [f.count, label(f)]), rows),
    ...table('By system pair', summary.bySystemPair.map((p) => [p.count, p.pair]), rows),
    ...table('By field and system pair', summary.byFieldAndSystemPair.map((f) => [f.count, `${label(f).padEnd(28)} ${f.pair}`]), rows),
    ...(shown.length === 0 ? [] : ['', `Entities with the most disagreements (${shown.length} of ${ranked.length}; * = chosen)`]),
    ...shown.flatMap(entityLines),
  ];
  return `${lines.map((line) => fit(line, width)).join('\n')}\n`;
};
