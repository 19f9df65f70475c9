/**
 * Survivorship: which member's value becomes the unified entity's value, field by field.
 *
 * A unified account or person links source records from several systems, and they disagree: the
 * ERP holds the legal name, the CRM the trading name, billing the address the invoices go to. The
 * golden record takes each field from the member that the rules trust most for it, and says in
 * its lineage which member that was and why, so a person can check and correct it.
 *
 * Choices a reader should know:
 * - Only active members contribute. Deleted and erased records stay linked (link first, never
 *   destroy) but hold nothing anyone should see.
 * - A rule is a chain of steps, each narrowing the candidates (the members that hold a value):
 *   `sourcePriority` keeps the first listed system that holds one (so two Salesforce duplicates
 *   both pass, and the next step chooses between them; when no listed system holds a value, all
 *   pass), `mostRecent` keeps the newest version, `mostComplete` the longest text or the fullest
 *   object, `mostFrequent` the value most members hold (compared case- and space-insensitively;
 *   a tie goes to the value held most recently). The chain stops when one candidate is left;
 *   if several are left after the last step, the newest wins and then the lowest source key.
 *   So the result depends only on the set of members, never on their order.
 * - A rule may name an object (`address`): the whole object is then taken from one member.
 *   Mixing the street of one system with the city of another makes an address nobody has.
 *   Lineage is still per leaf (`address.city`), each leaf pointing at the member it came from.
 * - An override is a person's choice (a value, a source record or both) and beats every rule
 *   while some active member still holds what was chosen. When none does (the source changed or
 *   left), the rules decide again and the override is listed in `staleOverrides`, so the person
 *   can be asked instead of being silently overruled. The newest override for a field decides.
 * - `concordId` never survives: it is our own write-back, not something a system knows about
 *   the customer. The rules may ignore more fields (those another module derives).
 *
 * The rules are data (survivorship-rules.ts), validated here at load: a wrong configuration
 * fails at start-up naming the entity and field, not later as a strange golden record.
 */
import { z } from 'zod';
import { Account, Person, SourceSystem, type SourceRecord, type SourceVersion } from '../../shared/canonical';
import { compareText } from './sourced';

// ---- configuration ----------------------------------------------------------------------------

export const SurvivorshipStep = z.discriminatedUnion('rule', [
  z.strictObject({
    rule: z.literal('sourcePriority'),
    systems: z
      .array(SourceSystem)
      .min(1)
      .refine((systems) => new Set(systems).size === systems.length, 'lists a system more than once'),
  }),
  z.strictObject({ rule: z.literal('mostRecent') }),
  z.strictObject({ rule: z.literal('mostComplete') }),
  z.strictObject({ rule: z.literal('mostFrequent') }),
]);
export type SurvivorshipStep = z.infer<typeof SurvivorshipStep>;

/** Steps applied in order, each a fallback for the ties the previous one leaves. */
export const SurvivorshipRule = z.array(SurvivorshipStep).min(1, 'needs at least one step');
export type SurvivorshipRule = z.infer<typeof SurvivorshipRule>;

const EntitySurvivorshipRules = z.strictObject({
  /** By dotted path: a leaf (`name`, `address.city`) or an object taken whole (`address`). */
  fields: z.record(z.string(), SurvivorshipRule),
  /** For every field `fields` does not name. */
  default: SurvivorshipRule,
  /** Fields that never survive (besides `concordId`), e.g. ones another module derives. */
  ignored: z.array(z.string()),
});
export type EntitySurvivorshipRules = z.infer<typeof EntitySurvivorshipRules>;

export const GoldenEntityType = z.enum(['account', 'person']);
export type GoldenEntityType = z.infer<typeof GoldenEntityType>;

/** Our own write-back of the unified id into each system. */
const NEVER_SURVIVES = ['concordId'] as const;

/** Every dotted path of a canonical object schema: leaves and the objects that hold them. */
const pathsOf = (shape: Record<string, z.ZodType>, prefix = ''): string[] =>
  Object.entries(shape).flatMap(([name, schema]) => {
    const path = prefix + name;
    return schema instanceof z.ZodObject ? [path, ...pathsOf(schema.shape as Record<string, z.ZodType>, `${path}.`)] : [path];
  });

const KNOWN_PATHS: Readonly<Record<GoldenEntityType, ReadonlySet<string>>> = {
  account: new Set(pathsOf(Account.shape)),
  person: new Set(pathsOf(Person.shape)),
};

const isWithin = (path: string, ancestor: string): boolean => path === ancestor || path.startsWith(`${ancestor}.`);

/** The checks zod's shapes cannot express: the paths must exist and must not overlap. */
const checkPaths = (rules: Record<GoldenEntityType, EntitySurvivorshipRules>, ctx: z.RefinementCtx): void => {
  for (const entity of GoldenEntityType.options) {
    const known = KNOWN_PATHS[entity];
    const named = Object.keys(rules[entity].fields);
    for (const field of named) {
      const path = [entity, 'fields', field];
      if (!known.has(field)) ctx.addIssue({ code: 'custom', path, message: `is not a field of ${entity}` });
      else if (NEVER_SURVIVES.some((never) => isWithin(field, never))) ctx.addIssue({ code: 'custom', path, message: 'never survives (it is our own write-back)' });
      const inner = named.find((other) => other !== field && isWithin(other, field));
      if (inner !== undefined) ctx.addIssue({ code: 'custom', path, message: `takes the whole object, so "${inner}" cannot have its own rule` });
      if (rules[entity].ignored.some((ignored) => isWithin(field, ignored))) ctx.addIssue({ code: 'custom', path, message: 'is also ignored' });
    }
    rules[entity].ignored.forEach((field, index) => {
      if (!known.has(field)) ctx.addIssue({ code: 'custom', path: [entity, 'ignored', index], message: `"${field}" is not a field of ${entity}` });
    });
  }
};

export const SurvivorshipRules = z.strictObject({ account: EntitySurvivorshipRules, person: EntitySurvivorshipRules }).superRefine(checkPaths);
export type SurvivorshipRules = z.infer<typeof SurvivorshipRules>;

export class SurvivorshipConfigError extends Error {
  override readonly name = 'SurvivorshipConfigError';
}

/** 'account field "name", step 2' for the path zod reports. */
const describeConfigPath = (path: readonly PropertyKey[]): string => {
  const [entity, section, key, step, ...rest] = path.map(String);
  const where =
    section === 'fields' && key !== undefined
      ? `${entity} field "${key}"${step === undefined ? '' : `, step ${Number(step) + 1}`}`
      : section === 'default'
        ? `${entity} default rule${key === undefined ? '' : `, step ${Number(key) + 1}`}`
        : [entity, section, key].filter((part) => part !== undefined).join(' ');
  const detail = (section === 'default' ? [step, ...rest] : rest).filter((part) => part !== undefined);
  return detail.length > 0 ? `${where} (${detail.join('.')})` : where;
};

/**
 * Parses survivorship rules, throwing a SurvivorshipConfigError that names each bad entity and
 * field. The path checks (known, not overlapping) run once the shape is right.
 */
export const parseSurvivorshipRules = (data: unknown): SurvivorshipRules => {
  const parsed = SurvivorshipRules.safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `- ${describeConfigPath(issue.path)}: ${issue.message}`);
  throw new SurvivorshipConfigError(`Invalid survivorship rules:\n${problems.join('\n')}`);
};

// ---- overrides --------------------------------------------------------------------------------

/** A person's choice of winning value for a field: a value, the member that holds it, or both. */
export const FieldOverride = z
  .strictObject({
    field: z.string().min(1),
    value: z.unknown().optional(),
    sourceKey: z.string().min(1).optional(),
    by: z.string().min(1),
    at: z.iso.datetime({ offset: true }),
    reason: z.string(),
  })
  .refine((o) => o.value !== undefined || o.sourceKey !== undefined, 'names a value, a source record or both');
export type FieldOverride = z.infer<typeof FieldOverride>;

// ---- the golden record ------------------------------------------------------------------------

export interface FieldLineage {
  sourceKey: string;
  sourceSystem: SourceSystem;
  externalId: string;
  /** The version that set this leaf in that member. */
  version: SourceVersion;
  /** How the member was chosen: 'override', 'onlySource', or the steps that decided. */
  rule: string;
  /** Who chose the value, when an override decided. */
  overriddenBy?: string;
}

export interface GoldenRecord {
  /** Nested like the canonical fields (`address: { city }`). */
  fields: Record<string, unknown>;
  /** By dotted leaf path. */
  lineage: Record<string, FieldLineage>;
  /** Overrides that decide no field any more (no active member holds the choice, or a newer one replaced them). */
  staleOverrides: FieldOverride[];
}

export type Leaf = readonly [path: string, value: unknown];

/** What one member offers for one decision: its non-empty leaves there, and how new they are. */
interface Candidate {
  record: SourceRecord;
  /** Sorted by path. */
  leaves: readonly Leaf[];
  version: SourceVersion;
  /** For a leaf, its length in characters (1 for a number or a flag); for an object, how many leaves it fills. */
  completeness: number;
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export const isEmpty = (value: unknown): boolean => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** The non-empty leaves under `value`, as dotted paths starting at `path`. */
export const leavesOf = (value: unknown, path: string): Leaf[] => {
  if (isPlainObject(value)) return Object.entries(value).flatMap(([key, child]) => leavesOf(child, `${path}.${key}`));
  return isEmpty(value) ? [] : [[path, value]];
};

const recordLeaves = (record: SourceRecord): Leaf[] => Object.entries(record.fields).flatMap(([key, value]) => leavesOf(value, key));

const setPath = (target: Record<string, unknown>, path: string, value: unknown): void => {
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.reduce<Record<string, unknown>>((node, key) => {
    if (!isPlainObject(node[key])) node[key] = {};
    return node[key] as Record<string, unknown>;
  }, target);
  parent[last] = value;
};

const byPath = ([a]: Leaf, [b]: Leaf): number => compareText(a, b);

const newest = (versions: readonly SourceVersion[]): SourceVersion => versions.reduce((a, b) => (b > a ? b : a));

const leafVersion = (record: SourceRecord, path: string): SourceVersion => record.fieldVersions[path] ?? record.version;

/** Strings compared case- and space-insensitively; the raw value is what survives. */
const comparableValue = (value: unknown): unknown =>
  typeof value === 'string' ? value.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase() : value;

const comparableLeaves = (leaves: readonly Leaf[]): string => JSON.stringify(leaves.map(([path, value]) => [path, comparableValue(value)]));

const keepMax = (candidates: readonly Candidate[], score: (c: Candidate) => number | string): Candidate[] => {
  const scores = candidates.map(score);
  const best = scores.reduce((a, b) => (b > a ? b : a));
  return candidates.filter((_, i) => scores[i] === best);
};

const keepPreferredSystem = (candidates: readonly Candidate[], systems: readonly SourceSystem[]): Candidate[] => {
  for (const system of systems) {
    const held = candidates.filter((c) => c.record.sourceSystem === system);
    if (held.length > 0) return held;
  }
  return [...candidates];
};

/** The candidates holding the value most members hold; equal counts go to the value held most recently. */
const keepMostFrequent = (candidates: readonly Candidate[]): Candidate[] => {
  const groups = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const key = comparableLeaves(c.leaves);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const most = Math.max(...[...groups.values()].map((g) => g.length));
  const frequent = [...groups.values()].filter((g) => g.length === most);
  const recency = (g: Candidate[]) => newest(g.map((c) => c.version));
  const latest = newest(frequent.map(recency));
  return frequent.filter((g) => recency(g) === latest).flat();
};

const applyStep = (candidates: readonly Candidate[], step: SurvivorshipStep): Candidate[] => {
  switch (step.rule) {
    case 'sourcePriority':
      return keepPreferredSystem(candidates, step.systems);
    case 'mostRecent':
      return keepMax(candidates, (c) => c.version);
    case 'mostComplete':
      return keepMax(candidates, (c) => c.completeness);
    case 'mostFrequent':
      return keepMostFrequent(candidates);
  }
};

const describeStep = (step: SurvivorshipStep): string => (step.rule === 'sourcePriority' ? `sourcePriority(${step.systems.join('>')})` : step.rule);

/** Newest first, then the lowest source key: total, so any member order gives the same winner. */
const tiebreak = (candidates: readonly Candidate[]): Candidate =>
  [...candidates].sort((a, b) => compareText(b.version, a.version) || compareText(a.record.sourceKey, b.record.sourceKey))[0] as Candidate;

interface Decision {
  winner: Candidate;
  rule: string;
  overriddenBy?: string;
}

const chooseByRule = (candidates: readonly Candidate[], rule: SurvivorshipRule): Decision => {
  if (candidates.length === 1) return { winner: candidates[0] as Candidate, rule: 'onlySource' };
  let remaining = [...candidates];
  const used: string[] = [];
  for (const step of rule) {
    remaining = applyStep(remaining, step);
    used.push(describeStep(step));
    if (remaining.length === 1) return { winner: remaining[0] as Candidate, rule: used.join(' → ') };
  }
  return { winner: tiebreak(remaining), rule: [...used, 'tiebreak'].join(' → ') };
};

/** One decision: a leaf field, or an object that a rule takes whole. */
interface Unit {
  path: string;
  rule: SurvivorshipRule;
}

const unitsOf = (leafPaths: readonly string[], rules: EntitySurvivorshipRules): Unit[] => {
  const units = new Map<string, Unit>();
  for (const leaf of leafPaths) {
    const named = Object.keys(rules.fields).find((field) => isWithin(leaf, field));
    const path = named ?? leaf;
    units.set(path, { path, rule: rules.fields[path] ?? rules.default });
  }
  return [...units.values()].sort((a, b) => compareText(a.path, b.path));
};

const completenessOf = (unit: Unit, leaves: readonly Leaf[]): number => {
  const [first] = leaves;
  if (first?.[0] !== unit.path) return leaves.length;
  return typeof first[1] === 'string' ? [...first[1].trim()].length : 1;
};

const candidatesFor = (unit: Unit, members: readonly SourceRecord[], leavesByMember: ReadonlyMap<SourceRecord, readonly Leaf[]>): Candidate[] =>
  members.flatMap((record) => {
    const leaves = (leavesByMember.get(record) ?? []).filter(([path]) => isWithin(path, unit.path)).sort(byPath);
    if (leaves.length === 0) return [];
    return [{ record, leaves, version: newest(leaves.map(([path]) => leafVersion(record, path))), completeness: completenessOf(unit, leaves) }];
  });

/**
 * Whether a candidate holds what an override chose, looking at whichever of the override's field
 * and the unit is narrower: an override of `address.city` decides the `address` object by its
 * city; an override of `address` decides an `address.city` leaf by the chosen object's city.
 */
const holdsChoice = (candidate: Candidate, override: FieldOverride, unit: Unit): boolean => {
  const scope = isWithin(unit.path, override.field) ? unit.path : override.field;
  const held = candidate.leaves.filter(([path]) => isWithin(path, scope));
  if (held.length === 0) return false;
  if (override.sourceKey !== undefined && candidate.record.sourceKey !== override.sourceKey) return false;
  if (override.value === undefined) return true;
  const chosen = leavesOf(override.value, override.field).filter(([path]) => isWithin(path, scope));
  return chosen.length > 0 && comparableLeaves(held) === comparableLeaves(chosen.sort(byPath));
};

const overridesFor = (unit: Unit, overrides: readonly FieldOverride[]): FieldOverride[] =>
  overrides
    .filter((o) => isWithin(o.field, unit.path) || isWithin(unit.path, o.field))
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || compareText(JSON.stringify(b), JSON.stringify(a)));

const assertOneEntity = (entityType: GoldenEntityType, members: readonly SourceRecord[]): void => {
  const seen = new Set<string>();
  for (const member of members) {
    // A unified entity of mixed types, or one record linked twice, is a bug upstream: no rule can fix it.
    if (member.entityType !== entityType) throw new Error(`survivorship for ${entityType}: member ${member.sourceKey} is a ${member.entityType}`);
    if (seen.has(member.sourceKey)) throw new Error(`survivorship for ${entityType}: member ${member.sourceKey} is listed twice`);
    seen.add(member.sourceKey);
  }
};

/**
 * Builds the golden record of one unified account or person from its members (any order), the
 * rules, and the people's overrides.
 */
export const buildGoldenRecord = (
  entityType: GoldenEntityType,
  members: readonly SourceRecord[],
  rules: SurvivorshipRules,
  overrides: readonly FieldOverride[] = [],
): GoldenRecord => {
  assertOneEntity(entityType, members);
  const entityRules = rules[entityType];
  const excluded = [...NEVER_SURVIVES, ...entityRules.ignored];
  const active = members.filter((m) => m.status === 'active');
  const leavesByMember = new Map(active.map((m) => [m, recordLeaves(m).filter(([path]) => !excluded.some((x) => isWithin(path, x)))]));
  const leafPaths = [...new Set([...leavesByMember.values()].flat().map(([path]) => path))];

  const golden: GoldenRecord = { fields: {}, lineage: {}, staleOverrides: [] };
  const usedOverrides = new Set<FieldOverride>();
  for (const unit of unitsOf(leafPaths, entityRules)) {
    const candidates = candidatesFor(unit, active, leavesByMember);
    const [override] = overridesFor(unit, overrides);
    const chosen = override === undefined ? [] : candidates.filter((c) => holdsChoice(c, override, unit));
    let decision: Decision;
    if (override !== undefined && chosen.length > 0) {
      decision = { winner: tiebreak(chosen), rule: 'override', overriddenBy: override.by };
      usedOverrides.add(override);
    } else {
      decision = chooseByRule(candidates, unit.rule);
    }
    const { record } = decision.winner;
    for (const [path, value] of decision.winner.leaves) {
      setPath(golden.fields, path, value);
      golden.lineage[path] = {
        sourceKey: record.sourceKey,
        sourceSystem: record.sourceSystem,
        externalId: record.externalId,
        version: leafVersion(record, path),
        rule: decision.rule,
        ...(decision.overriddenBy === undefined ? {} : { overriddenBy: decision.overriddenBy }),
      };
    }
  }
  golden.staleOverrides = overrides.filter((o) => !usedOverrides.has(o));
  return golden;
};
