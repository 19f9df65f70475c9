/**
 * Playbooks as data: what starts a handoff, when it applies, which template it picks and the steps
 * it runs, one JSON file per playbook (./playbooks/). A playbook is checked twice when loaded: its
 * shape with zod, then against what this runtime can do (the facts its conditions read, the steps
 * it names and the order they need) — a playbook the runtime cannot satisfy is refused at load
 * with every reason, never half-run later.
 */
import { z } from 'zod';
import { LifecycleStage } from '../shared/canonical';
import { FACTS, type FactName } from './facts';
import { STEP_KINDS, type StepKind, type StepKindDefinition } from './step-kinds';

export const Condition = z
  .object({
    fact: z.string().min(1),
    op: z.enum(['eq', 'ne', 'in', 'gte', 'lte', 'exists', 'missing']),
    value: z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]).optional(),
  })
  .strict();
export type Condition = z.infer<typeof Condition>;

export const Trigger = z.discriminatedUnion('kind', [
  /**
   * A CRM opportunity reaches closed-won (once per opportunity). One whose close date is older than
   * `maxAgeDays` is history a backfill brought in, not a deal to hand off now.
   */
  z.object({ kind: z.literal('opportunityWon'), maxAgeDays: z.number().int().min(1).max(365).default(14) }).strict(),
  /** An account's lifecycle stage moves, e.g. lead → prospect when a lead is converted. */
  z.object({ kind: z.literal('lifecycleChanged'), from: z.array(LifecycleStage).min(1).optional(), to: z.array(LifecycleStage).min(1) }).strict(),
  /** The project a handoff of `playbook` created is completed in the PM tool. */
  z.object({ kind: z.literal('projectCompleted'), playbook: z.string().min(1) }).strict(),
  /** `daysBefore` days before a subscription's term ends. */
  z.object({ kind: z.literal('renewalDue'), daysBefore: z.number().int().min(1).max(365) }).strict(),
]);
export type Trigger = z.infer<typeof Trigger>;
export type TriggerKind = Trigger['kind'];

/** What a template decides for the steps: which project template, who sends, how long the kickoff is. */
export const TemplateValues = z
  .object({
    projectTemplate: z.string().min(1).optional(),
    /** Who the welcome email comes from. */
    sender: z.enum(['csOwner', 'accountOwner']).optional(),
    emailSubject: z.string().min(1).optional(),
    /** The welcome email's text; `{account}`, `{contact}`, `{sender}`, `{project}` are filled in. */
    emailBody: z.string().min(1).optional(),
    kickoffMinutes: z.number().int().min(15).max(240).optional(),
    /** Business days from the handoff within which the kickoff is looked for. */
    kickoffWithinDays: z.number().int().min(1).max(30).optional(),
    /** The renewal opportunity's stage when it is created. */
    renewalStage: z.string().min(1).optional(),
    /** ERP item for the sales order's line when the opportunity names no product line. */
    erpItem: z.string().min(1).optional(),
  })
  .strict();
export type TemplateValues = z.infer<typeof TemplateValues>;

export const Template = z.object({ name: z.string().min(1), when: z.array(Condition).default([]), values: TemplateValues }).strict();
export type Template = z.infer<typeof Template>;

export const Step = z.object({ id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'kebab-case'), kind: z.string().min(1) }).strict();

export const CircuitBreakerSettings = z
  .object({
    /** How many of the latest handoffs are looked at. */
    window: z.number().int().min(2).max(100).default(10),
    /** Pause when at least this share of them failed… */
    failureRate: z.number().gt(0).max(1).default(0.5),
    /** …and at least this many failed (two failures of two are not a trend). */
    minFailures: z.number().int().min(1).default(3),
  })
  .strict();
export type CircuitBreakerSettings = z.infer<typeof CircuitBreakerSettings>;

export const PlaybookFile = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'kebab-case'),
    title: z.string().min(1),
    description: z.string().min(1),
    trigger: Trigger,
    /** All must hold for the handoff to run; a trigger that fails them is ignored (not an exception). */
    conditions: z.array(Condition).default([]),
    /** The first whose `when` holds is used; when none does the handoff is an exception ("fits no template"). */
    templates: z.array(Template).min(1),
    steps: z.array(Step).min(1),
    /** Who receives the handoff and confirms it in Slack (shown on the receipt). */
    receivingTeam: z.string().min(1),
    circuitBreaker: CircuitBreakerSettings.default({ window: 10, failureRate: 0.5, minFailures: 3 }),
  })
  .strict();
export type PlaybookFile = z.infer<typeof PlaybookFile>;

export interface PlaybookStep {
  id: string;
  kind: StepKind;
}

export type Playbook = Omit<PlaybookFile, 'steps'> & { steps: PlaybookStep[] };

/** What the runtime offers: the target systems it has adapters for. */
export interface RuntimeCapabilities {
  targets: ReadonlySet<string>;
}

export class PlaybookError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`playbook ${source} cannot run here:\n  - ${problems.join('\n  - ')}`);
    this.name = 'PlaybookError';
  }
}

const conditionProblems = (conditions: readonly Condition[], trigger: TriggerKind, where: string): string[] =>
  conditions.flatMap((c) => {
    const fact = FACTS[c.fact as FactName] as (typeof FACTS)[FactName] | undefined;
    if (!fact) return [`${where}: no fact "${c.fact}" (known: ${Object.keys(FACTS).join(', ')})`];
    if (!(fact.availableOn as readonly TriggerKind[]).includes(trigger)) return [`${where}: "${c.fact}" is not known when a handoff starts on ${trigger}`];
    const needsValue = !['exists', 'missing'].includes(c.op);
    if (needsValue && c.value === undefined) return [`${where}: "${c.fact} ${c.op}" needs a value`];
    if (c.op === 'in' && !Array.isArray(c.value)) return [`${where}: "${c.fact} in" needs a list`];
    if ((c.op === 'gte' || c.op === 'lte') && (fact.type !== 'number' || typeof c.value !== 'number')) return [`${where}: "${c.fact} ${c.op}" compares numbers only`];
    return [];
  });

const stepProblems = (steps: readonly z.infer<typeof Step>[], trigger: TriggerKind, templates: readonly Template[], capabilities: RuntimeCapabilities): string[] => {
  const problems: string[] = [];
  const seen = new Set<string>();
  const kindsBefore = new Set<string>();
  for (const [index, step] of steps.entries()) {
    const where = `step ${index + 1} (${step.id})`;
    if (seen.has(step.id)) problems.push(`${where}: the id is used twice`);
    seen.add(step.id);
    const kind = (STEP_KINDS as Record<string, StepKindDefinition>)[step.kind];
    if (!kind) {
      problems.push(`${where}: no step kind "${step.kind}" (known: ${Object.keys(STEP_KINDS).join(', ')})`);
      continue;
    }
    if (kind.target && !capabilities.targets.has(kind.target)) problems.push(`${where}: ${step.kind} needs the ${kind.target} target, which is not configured`);
    if (!kind.triggers.includes(trigger)) problems.push(`${where}: ${step.kind} cannot run on a ${trigger} trigger`);
    for (const needed of kind.after) if (!kindsBefore.has(needed)) problems.push(`${where}: ${step.kind} needs an earlier ${needed} step`);
    for (const value of kind.templateValues) {
      const missing = templates.filter((t) => t.values[value] === undefined).map((t) => t.name);
      if (missing.length > 0) problems.push(`${where}: ${step.kind} needs "${value}" in every template (missing in ${missing.join(', ')})`);
    }
    kindsBefore.add(step.kind);
  }
  return problems;
};

/** Parses and checks one playbook file's content; throws PlaybookError with every problem found. */
export const loadPlaybook = (source: string, content: unknown, capabilities: RuntimeCapabilities): Playbook => {
  const parsed = PlaybookFile.safeParse(content);
  if (!parsed.success) throw new PlaybookError(source, parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`));
  const file = parsed.data;
  const trigger = file.trigger.kind;
  const problems = [
    ...conditionProblems(file.conditions, trigger, 'conditions'),
    ...file.templates.flatMap((t) => conditionProblems(t.when, trigger, `template ${t.name}`)),
    ...stepProblems(file.steps, trigger, file.templates, capabilities),
  ];
  if (file.name !== source.replace(/^.*\//, '').replace(/\.json$/, '')) problems.push(`the name "${file.name}" is not the file's name`);
  if (problems.length > 0) throw new PlaybookError(source, problems);
  return { ...file, steps: file.steps as PlaybookStep[] };
};

export interface PlaybookSet {
  playbooks: Playbook[];
  /** Each refused file with every reason: logged at start, listed by `concord playbook list`. */
  refused: PlaybookError[];
}

/**
 * Loads a set of playbooks, keeping those this runtime can run and refusing the others with their
 * reasons: a deployment whose ERP is not configured yet still runs its renewals. Names must be
 * unique, and a projectCompleted trigger must name a loaded playbook that makes a project.
 */
export const loadPlaybookSet = (files: readonly { source: string; content: unknown }[], capabilities: RuntimeCapabilities): PlaybookSet => {
  const refused: PlaybookError[] = [];
  const loaded: { source: string; playbook: Playbook }[] = [];
  for (const file of files) {
    try {
      const playbook = loadPlaybook(file.source, file.content, capabilities);
      if (loaded.some((l) => l.playbook.name === playbook.name)) refused.push(new PlaybookError(file.source, [`another playbook is named "${playbook.name}"`]));
      else loaded.push({ source: file.source, playbook });
    } catch (error) {
      if (!(error instanceof PlaybookError)) throw error;
      refused.push(error);
    }
  }
  // A follower of a refused playbook is refused in turn, until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const { source, playbook } of [...loaded]) {
      if (playbook.trigger.kind !== 'projectCompleted') continue;
      const followed = playbook.trigger.playbook;
      const leader = loaded.find((l) => l.playbook.name === followed)?.playbook;
      const problem = !leader ? `its trigger waits for a project of "${followed}", which is not loaded` : !leader.steps.some((s) => s.kind === 'pm.project') ? `"${followed}" creates no project to wait for` : undefined;
      if (!problem) continue;
      refused.push(new PlaybookError(source, [problem]));
      loaded.splice(loaded.findIndex((l) => l.playbook === playbook), 1);
      changed = true;
    }
  }
  return { playbooks: loaded.map((l) => l.playbook), refused };
};

/** Loads a set of playbooks that must all be runnable (tests, `concord playbook check`); throws with every reason otherwise. */
export const loadPlaybooks = (files: readonly { source: string; content: unknown }[], capabilities: RuntimeCapabilities): Playbook[] => {
  const { playbooks, refused } = loadPlaybookSet(files, capabilities);
  if (refused.length > 0) throw new PlaybookError('set', refused.flatMap((error) => error.problems.map((problem) => `${error.source}: ${problem}`)));
  return playbooks;
};

