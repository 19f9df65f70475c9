/**
 * The synthetic world that sample data (`npm start`), tests and benchmarks all use: N true
 * accounts rendered into Salesforce, HubSpot, NetSuite, Stripe and Zendesk the way companies
 * really run them, with cross-system drift, planted duplicates, hard negatives, updates over
 * time, deletes and one privacy erasure, plus the truth that says which record is which.
 *
 * Pure and deterministic: the same options give the same world (no Math.random, no clock).
 */
import type { EntityType, SourceSystem } from '../../functions/shared/canonical';
import type { SourceChange } from '../../local/vendors/vendor-simulator';
import { plantDuplicates, type TrueIndex } from './duplicates';
import { hubspotIds, netsuiteIds, salesforceIds, stripeIds, zendeskIds, type VendorIds } from './ids';
import { SystemLedger, type TruthRecord } from './ledger';
import type { HardNegative, TrueAccount, TruePerson } from './model';
import { generateTrueWorld } from './true-world';
import { planRemovals } from './removals';
import { Rng } from './rng';
import { renderHubspot } from './systems/hubspot';
import { renderNetsuite } from './systems/netsuite';
import type { RenderContext } from './systems/render-context';
import { renderSalesforce } from './systems/salesforce';
import { renderStripe } from './systems/stripe';
import { renderZendesk } from './systems/zendesk';

export type { TruthRecord } from './ledger';
export type { HardNegative } from './model';
export type { PerturbationKind } from './perturb';

export interface GenerateWorldOptions {
  /** Number of true (real-world) accounts. */
  accounts: number;
  seed: number;
  /** Every change happens in the 180 days up to this instant. */
  now: Date;
  /** Share of each system's accounts and of its people that get a planted duplicate (default 0.1). */
  duplicateRate?: number;
}

export interface WorldTruth {
  /** One line per source record in every system. */
  records: TruthRecord[];
  /** Pairs of different true entities built to look alike. */
  hardNegatives: HardNegative[];
}

export interface WorldSummary {
  seed: number;
  accounts: number;
  customers: number;
  subscriptionCustomers: number;
  /** Source records per system and entity type (duplicates included). */
  records: Record<SourceSystem, Partial<Record<EntityType, number>>>;
  changes: Record<SourceSystem, number>;
  plantedDuplicates: { total: number; account: number; person: number; bySystem: Record<SourceSystem, number> };
  hardNegatives: number;
  deletes: number;
  erasures: number;
}

export interface World {
  /** Per system, in the order the vendor would emit them. */
  changes: Record<SourceSystem, SourceChange[]>;
  truth: WorldTruth;
  summary: WorldSummary;
}

export const DEFAULT_DUPLICATE_RATE = 0.1;

const SYSTEMS: readonly SourceSystem[] = ['salesforce', 'hubspot', 'stripe', 'zendesk', 'netsuite', 'generic'];

interface SystemPlan {
  system: Exclude<SourceSystem, 'generic'>;
  ids: (rng: Rng) => VendorIds;
  render: (ctx: RenderContext) => void;
  uniqueEmails: boolean;
}

const PLANS: readonly SystemPlan[] = [
  { system: 'salesforce', ids: salesforceIds, render: renderSalesforce, uniqueEmails: false },
  { system: 'hubspot', ids: hubspotIds, render: renderHubspot, uniqueEmails: true },
  { system: 'netsuite', ids: netsuiteIds, render: renderNetsuite, uniqueEmails: false },
  { system: 'stripe', ids: stripeIds, render: renderStripe, uniqueEmails: false },
  { system: 'zendesk', ids: zendeskIds, render: renderZendesk, uniqueEmails: true },
];

const perSystem = <T>(make: () => T): Record<SourceSystem, T> =>
  Object.fromEntries(SYSTEMS.map((s) => [s, make()])) as Record<SourceSystem, T>;

const indexOf = (accounts: readonly TrueAccount[]): TrueIndex => {
  const people = new Map<string, TruePerson>();
  for (const a of accounts) for (const p of a.contacts) people.set(p.id, p);
  return { accounts: new Map(accounts.map((a) => [a.id, a])), people };
};

const validate = (options: GenerateWorldOptions): void => {
  if (!Number.isInteger(options.accounts) || options.accounts < 0) throw new RangeError(`accounts must be a non-negative integer, got ${options.accounts}`);
  if (!Number.isFinite(options.seed)) throw new RangeError(`seed must be a finite number, got ${options.seed}`);
  if (Number.isNaN(options.now.getTime())) throw new RangeError('now must be a valid date');
  const rate = options.duplicateRate ?? DEFAULT_DUPLICATE_RATE;
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`duplicateRate must be within [0, 1], got ${rate}`);
};

export const generateWorld = (options: GenerateWorldOptions): World => {
  validate(options);
  const now = options.now.getTime();
  const rate = options.duplicateRate ?? DEFAULT_DUPLICATE_RATE;
  const trueWorld = generateTrueWorld({ accounts: options.accounts, seed: options.seed, now });
  const index = indexOf(trueWorld.accounts);
  const root = new Rng(options.seed).fork('systems');
  const hardNegatives = [...trueWorld.hardNegatives];

  const ledgers = new Map<SourceSystem, SystemLedger>();
  for (const plan of PLANS) {
    const ledger = new SystemLedger(plan.system, now);
    const ids = plan.ids(root.fork(plan.system, 'ids'));
    plan.render({ world: trueWorld, rng: root.fork(plan.system), ledger, ids, hardNegatives });
    plantDuplicates(root.fork(plan.system, 'duplicates'), ledger, ids, index, { rate, now, uniqueEmails: plan.uniqueEmails });
    ledgers.set(plan.system, ledger);
  }
  // "A couple" in a small world, about one per hundred accounts in a large one.
  const removals = planRemovals(root.fork('removals'), ledgers, Math.max(2, Math.round(options.accounts / 100)), now);

  const changes = perSystem<SourceChange[]>(() => []);
  const records = perSystem<Partial<Record<EntityType, number>>>(() => ({}));
  const duplicatesBySystem = perSystem(() => 0);
  const truthRecords: TruthRecord[] = [];
  for (const [system, ledger] of ledgers) {
    changes[system] = ledger.changes();
    for (const line of ledger.truth()) {
      truthRecords.push(line);
      records[system][line.entityType] = (records[system][line.entityType] ?? 0) + 1;
      if (line.duplicateOf !== undefined) duplicatesBySystem[system]++;
    }
  }
  const duplicates = truthRecords.filter((r) => r.duplicateOf !== undefined);
  const customers = trueWorld.accounts.filter((a) => a.customer);
  return {
    changes,
    truth: { records: truthRecords, hardNegatives },
    summary: {
      seed: options.seed,
      accounts: options.accounts,
      customers: customers.length,
      subscriptionCustomers: customers.filter((a) => a.customer?.subscription).length,
      records,
      changes: Object.fromEntries(SYSTEMS.map((s) => [s, changes[s].length])) as Record<SourceSystem, number>,
      plantedDuplicates: {
        total: duplicates.length,
        account: duplicates.filter((r) => r.entityType === 'account').length,
        person: duplicates.filter((r) => r.entityType === 'person').length,
        bySystem: duplicatesBySystem,
      },
      hardNegatives: hardNegatives.length,
      deletes: removals.deletes,
      erasures: removals.erasures,
    },
  };
};
