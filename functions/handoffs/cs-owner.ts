/**
 * Who becomes an account's CS owner (pure): the CS managers whose segment and region fit the
 * account and who have room, the least loaded first (load against capacity), and among equals the
 * roster's order — which, as each assignment raises a load, deals accounts round robin.
 */
import { z } from 'zod';

export const CsManager = z
  .object({
    email: z.string().email(),
    name: z.string().min(1),
    /** Their Slack user id, for the receipt's mention; looked up by email when absent. */
    slackUserId: z.string().optional(),
    /** Segments they serve (enterprise, mid-market, smb); all when absent. */
    segments: z.array(z.string()).optional(),
    /** Regions they serve (amer, emea, apac); all when absent. */
    regions: z.array(z.string()).optional(),
    /** How many accounts they can own. */
    capacity: z.number().int().positive(),
  })
  .strict();
export type CsManager = z.infer<typeof CsManager>;

export interface AccountFit {
  segment?: string;
  region?: string;
}

const serves = (list: readonly string[] | undefined, value: string | undefined): boolean => list === undefined || (value !== undefined && list.includes(value));

export const pickCsOwner = (roster: readonly CsManager[], loads: Readonly<Record<string, number>>, account: AccountFit): CsManager | undefined => {
  const eligible = roster
    .map((manager, order) => ({ manager, order, load: loads[manager.email] ?? 0 }))
    .filter(({ manager, load }) => serves(manager.segments, account.segment) && serves(manager.regions, account.region) && load < manager.capacity);
  eligible.sort((a, b) => a.load / a.manager.capacity - b.load / b.manager.capacity || a.order - b.order);
  return eligible[0]?.manager;
};

/** Why no one could be picked, for the exception a person sees. */
export const whyNoCsOwner = (roster: readonly CsManager[], account: AccountFit): string => {
  const fitting = roster.filter((m) => serves(m.segments, account.segment) && serves(m.regions, account.region));
  if (roster.length === 0) return 'the CS roster is empty';
  if (fitting.length === 0) return `no CS manager serves segment ${account.segment ?? '(unknown)'} in region ${account.region ?? '(unknown)'}`;
  return `every CS manager for segment ${account.segment ?? '(unknown)'} in region ${account.region ?? '(unknown)'} is at capacity (${fitting.map((m) => m.name).join(', ')})`;
};
