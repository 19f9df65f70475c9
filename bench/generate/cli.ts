/**
 * `tsx bench/generate/cli.ts --accounts 200 --seed 7 --out <dir> [--duplicate-rate 0.1] [--now <iso>]`
 * writes `<dir>/changes.<system>.json` and `<dir>/truth.json`, then prints the summary.
 * `--now` defaults to the current time: the one place the clock is read, at the edge.
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { EntityType, SourceSystem } from '../../functions/shared/canonical';
import { generateWorld, type WorldSummary } from './world';
import { writeWorld } from './write-world';

export { writeWorld } from './write-world';

const integer = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
};

const rate = (value: string): number => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number between 0 and 1');
  return n;
};

const instant = (value: string): Date => {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('expected an ISO date-time');
  return d;
};

export const formatSummary = (s: WorldSummary): string => {
  const entityTypes: EntityType[] = ['account', 'person', 'opportunity', 'order', 'subscription', 'invoice', 'ticket', 'activity'];
  const systems = (Object.keys(s.records) as SourceSystem[]).filter((system) => s.changes[system] > 0);
  const header = ['system'.padEnd(11), ...entityTypes.map((t) => t.padStart(13)), 'changes'.padStart(9), 'dups'.padStart(6)].join('');
  const rows = systems.map((system) =>
    [
      system.padEnd(11),
      ...entityTypes.map((t) => String(s.records[system][t] ?? '').padStart(13)),
      String(s.changes[system]).padStart(9),
      String(s.plantedDuplicates.bySystem[system]).padStart(6),
    ].join(''),
  );
  return [
    `${s.accounts} accounts (seed ${s.seed}): ${s.customers} customers, ${s.subscriptionCustomers} on a subscription`,
    header,
    ...rows,
    `planted duplicates: ${s.plantedDuplicates.total} (${s.plantedDuplicates.account} accounts, ${s.plantedDuplicates.person} people)`,
    `hard negatives: ${s.hardNegatives}; deletes: ${s.deletes}; privacy erasures: ${s.erasures}`,
  ].join('\n');
};

const main = (argv: readonly string[]): void => {
  const program = new Command()
    .name('generate')
    .description('Write a synthetic CRM/ERP/helpdesk/billing world and its truth file.')
    .requiredOption('--accounts <n>', 'number of true accounts', integer)
    .requiredOption('--seed <n>', 'random seed', integer)
    .requiredOption('--out <dir>', 'output directory')
    .option('--duplicate-rate <r>', 'share of accounts and people duplicated within a system', rate, 0.1)
    .option('--now <iso>', 'the instant the 180-day history ends at (default: now)', instant)
    .parse(argv);
  const opts = program.opts<{ accounts: number; seed: number; out: string; duplicateRate: number; now?: Date }>();
  const world = generateWorld({ accounts: opts.accounts, seed: opts.seed, now: opts.now ?? new Date(), duplicateRate: opts.duplicateRate });
  const files = writeWorld(world, resolve(opts.out));
  console.log(formatSummary(world.summary));
  console.log(`wrote ${files.length} files to ${resolve(opts.out)}`);
};

if (require.main === module) main(process.argv);
